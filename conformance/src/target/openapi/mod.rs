//! The target's own OpenAPI document: where it was found, and the
//! operations it declares, as the sweep and the profile inference read them.
//! Parsing is `oas3`'s (3.1, and the 3.0 documents it reads); this module
//! keeps only what the suite uses, with `$ref`s inlined. `discover` finds
//! the document, `infer` reads a Todo profile out of it.

pub mod discover;
pub mod infer;
mod parse;
mod refs;

use std::path::PathBuf;

use reqwest::Method;
use serde_json::Value;

/// Why a document could not be had: each names where it came from.
#[derive(Debug, thiserror::Error)]
pub enum OpenApiError {
    #[error("could not read the OpenAPI document {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not fetch the OpenAPI document {url}: {answer}")]
    Fetch { url: String, answer: String },
    #[error("the OpenAPI document {origin} is neither JSON nor YAML: {reason}")]
    Syntax { origin: String, reason: String },
    #[error("{origin} is not an OpenAPI 3.0 or 3.1 document: {reason}")]
    NotOpenApi3 { origin: String, reason: String },
    #[error("the OpenAPI document {origin} is not valid: {reason}")]
    Invalid { origin: String, reason: String },
}

/// A parsed document and where it came from.
#[derive(Debug, Clone)]
pub struct ApiDocument {
    /// The URL or file it was read from, for the banner and the reports.
    pub source: String,
    pub operations: Vec<Operation>,
}

/// One method on one path, as declared.
#[derive(Debug, Clone)]
pub struct Operation {
    pub method: Method,
    /// The path template, as written: `/api/{user_id}/tasks/{task_id}`.
    pub path: String,
    /// Whether a security requirement applies (the operation's own, or the
    /// document's when the operation names none); `security: []` is none.
    pub secured: bool,
    pub params: Vec<Param>,
    /// The JSON Schema of an `application/json` request body, `$ref`s
    /// inlined, when the operation takes one.
    pub body: Option<Value>,
    /// The 2xx statuses the document declares, in order.
    pub success: Vec<u16>,
    /// The JSON Schema of the first 2xx answer's JSON body, `$ref`s inlined.
    pub answer: Option<Value>,
}

#[cfg(test)]
impl Operation {
    /// `method path`, secured, answering 200, with nothing else declared.
    pub fn bare(method: Method, path: &str) -> Self {
        Self {
            method,
            path: path.to_owned(),
            secured: true,
            params: Vec::new(),
            body: None,
            success: vec![200],
            answer: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub location: Location,
    pub required: bool,
    /// Its JSON Schema, `$ref`s inlined (`{}` when none is declared).
    pub schema: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

pub mod bodies;
pub mod slots;
