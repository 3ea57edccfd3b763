//! Why a JWKS could not be loaded.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("could not read the JWKS file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the JWKS is not valid: {0}")]
    Invalid(String),
    #[error("could not build the HTTP client for the JWKS: {0}")]
    Client(String),
}
