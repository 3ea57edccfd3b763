//! The base64url members of a JWK (RFC 7517, RFC 7518 §6).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::error::KeyError;

/// The text member `name`.
pub(super) fn text<'a>(jwk: &'a Value, name: &str) -> Option<&'a str> {
    jwk.get(name).and_then(Value::as_str)
}

/// The base64url member `name`, decoded; a missing or garbled one is an
/// unsupported key.
pub(super) fn bytes(jwk: &Value, name: &str) -> Result<Vec<u8>, KeyError> {
    text(jwk, name)
        .and_then(|encoded| URL_SAFE_NO_PAD.decode(encoded).ok())
        .ok_or_else(|| KeyError::Unsupported(format!("no base64url member `{name}`")))
}

pub(super) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}
