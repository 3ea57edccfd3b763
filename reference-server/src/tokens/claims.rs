//! What both verification modes share: the claims a token must carry, the
//! ways it can be refused, and the validation of its signature and times.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;

/// Larger tokens are refused before any parsing.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token longer than {MAX_TOKEN_BYTES} bytes")]
    TooLong,
    #[error("token is not a JWS compact serialization")]
    Malformed,
    #[error("algorithm {0} is not accepted")]
    Algorithm(String),
    #[error("token has a `crit` header")]
    Critical,
    #[error("token has an empty `sub`, or one with NUL")]
    InvalidSubject,
    #[error("no key with kid {0:?} in the JWKS")]
    UnknownKey(String),
    #[error("the token issuer's JWKS is unavailable: {0}")]
    IssuerUnavailable(String),
    #[error("token rejected: {0}")]
    Rejected(#[from] jsonwebtoken::errors::Error),
}

/// The claims the server relies on; others are ignored. Types are strict: a
/// string `exp` or a numeric `sub` fails to deserialize and the token is
/// rejected.
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub exp: u64,
    #[serde(default)]
    pub nbf: Option<u64>,
}

/// The validation both modes share: one algorithm, `exp` and `sub`
/// required, `nbf` honoured, a small leeway.
pub(super) fn validation(algorithm: Algorithm, leeway: Duration) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.set_required_spec_claims(&["exp", "sub"]);
    validation.validate_nbf = true;
    validation.validate_aud = false;
    validation.leeway = leeway.as_secs();
    validation
}

pub(super) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}
