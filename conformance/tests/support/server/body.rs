//! Request bodies: a JSON object, and the task fields in it.

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::answers::Refusal;

pub(super) fn task_id(id: &str) -> Result<Uuid, Refusal> {
    Uuid::parse_str(id).map_err(|_| Refusal::NotFound)
}

pub(super) fn json_object(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Map<String, Value>, Refusal> {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|media| media.trim().to_ascii_lowercase())
        .is_some_and(|media| {
            media == "application/json"
                || (media.starts_with("application/") && media.ends_with("+json"))
        });
    if !json_type {
        return Err(Refusal::Unprocessable("the body must be application/json"));
    }
    serde_json::from_slice(body)
        .map_err(|_| Refusal::Unprocessable("the body must be a JSON object"))
}

/// `lax`: `Bug::AcceptsInvalidInput`, any string will do.
pub(super) fn title(body: &Map<String, Value>, lax: bool) -> Result<String, Refusal> {
    let title = body
        .get("title")
        .and_then(Value::as_str)
        .ok_or(Refusal::Unprocessable("title must be a string"))?
        .trim();
    let length = title.chars().count();
    if !lax && (!(1..=200).contains(&length) || title.contains('\0')) {
        return Err(Refusal::Unprocessable(
            "title must have 1 to 200 characters",
        ));
    }
    Ok(title.to_owned())
}

/// Absent: `None`; `null`: `Some(None)`; a valid string: `Some(Some(_))`.
/// `lax`: `Bug::AcceptsInvalidInput`, any string will do.
pub(super) fn description(
    body: &Map<String, Value>,
    lax: bool,
) -> Result<Option<Option<String>>, Refusal> {
    match body.get("description") {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(text))
            if lax || (text.chars().count() <= 1000 && !text.contains('\0')) =>
        {
            Ok(Some(Some(text.clone())))
        }
        Some(_) => Err(Refusal::Unprocessable(
            "description must be null or at most 1000 characters",
        )),
    }
}

pub(super) fn completed(body: &Map<String, Value>) -> Result<Option<bool>, Refusal> {
    match body.get("completed") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(completed)) => Ok(Some(*completed)),
        Some(_) => Err(Refusal::Unprocessable("completed must be a boolean")),
    }
}

/// The `user_id` of a body, which only the mass-assignment bugs read.
pub(super) fn body_owner(body: &Map<String, Value>) -> Option<String> {
    body.get("user_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
}
