//! Verifying bearer tokens, in one or both of two modes:
//!
//! - HS256 with the shared secret (`hs256`), the seed design's tokens and the
//!   ones register and login issue;
//! - Better Auth's asymmetric tokens, checked against its JWKS (`jwks`).
//!
//! The header's `alg` only picks the mode: `HS256` goes to the secret and
//! nothing else, every other algorithm to the JWKS, where the key's own
//! algorithm must match. An HS256 token is never checked against a public
//! key, and no key ever comes from the token.

mod hs256;
mod jwks;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;

pub use hs256::TokenKeys;
pub use jwks::{JwksError, JwksVerifier};

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

/// The verification modes the server was configured with.
pub struct Verifier {
    hs256: Option<TokenKeys>,
    jwks: Option<JwksVerifier>,
}

impl Verifier {
    pub fn new(hs256: Option<TokenKeys>, jwks: Option<JwksVerifier>) -> Self {
        Self { hs256, jwks }
    }

    /// The HS256 keys, when the server has a secret and so can issue tokens.
    pub fn issuer(&self) -> Option<&TokenKeys> {
        self.hs256.as_ref()
    }

    pub async fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let header = inspect(token)?;
        let claims = match (header.alg.as_str(), &self.hs256, &self.jwks) {
            ("HS256", Some(hs256), _) => hs256.verify(token)?,
            ("HS256", None, _) => return Err(TokenError::Algorithm("HS256".to_owned())),
            (_, _, Some(jwks)) => {
                jwks.verify(token, &header.alg, header.kid.as_deref())
                    .await?
            }
            (other, _, None) => return Err(TokenError::Algorithm(other.to_owned())),
        };
        // No user is called "", and Postgres text cannot hold NUL.
        if claims.sub.is_empty() || claims.sub.contains('\0') {
            return Err(TokenError::InvalidSubject);
        }
        Ok(claims)
    }
}

/// What the header says, once the checks `jsonwebtoken` does not make have
/// passed: size, shape, a string `alg`, and no `crit` (RFC 7515 §4.1.11:
/// an unknown critical extension must fail).
struct TokenHeader {
    alg: String,
    kid: Option<String>,
}

fn inspect(token: &str) -> Result<TokenHeader, TokenError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(TokenError::TooLong);
    }
    let mut segments = token.split('.');
    let (Some(header), Some(_), Some(_), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(TokenError::Malformed);
    };
    let header = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| TokenError::Malformed)?;
    let header: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&header).map_err(|_| TokenError::Malformed)?;
    if header.contains_key("crit") {
        return Err(TokenError::Critical);
    }
    let alg = match header.get("alg") {
        Some(serde_json::Value::String(alg)) => alg.clone(),
        Some(other) => return Err(TokenError::Algorithm(other.to_string())),
        None => return Err(TokenError::Malformed),
    };
    let kid = match header.get("kid") {
        None => None,
        Some(serde_json::Value::String(kid)) => Some(kid.clone()),
        Some(_) => return Err(TokenError::Malformed),
    };
    Ok(TokenHeader { alg, kid })
}

/// The validation both modes share: one algorithm, `exp` and `sub`
/// required, `nbf` honoured, a small leeway.
fn validation(algorithm: Algorithm, leeway: Duration) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.set_required_spec_claims(&["exp", "sub"]);
    validation.validate_nbf = true;
    validation.validate_aud = false;
    validation.leeway = leeway.as_secs();
    validation
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}
