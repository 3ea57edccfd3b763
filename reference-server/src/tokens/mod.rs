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
//!
//! What both modes share (`claims`) has a file of its own; everything is
//! re-exported here.

mod claims;
mod hs256;
mod jwks;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

pub use claims::{Claims, MAX_TOKEN_BYTES, TokenError};
pub use hs256::TokenKeys;
pub use jwks::{JwksError, JwksVerifier, Refresh};

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

/// The header members the server reads. A repeated one is ambiguous (which
/// `alg`?), and serde refuses it as a duplicate field.
#[derive(Deserialize)]
struct RawHeader {
    alg: Value,
    #[serde(default)]
    kid: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    crit: bool,
}

/// Whether a member is there at all, whatever its value (even null).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(deserializer).map(|_| true)
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
    let header: RawHeader = serde_json::from_slice(&header).map_err(|_| TokenError::Malformed)?;
    if header.crit {
        return Err(TokenError::Critical);
    }
    let alg = match header.alg {
        Value::String(alg) => alg,
        other => return Err(TokenError::Algorithm(other.to_string())),
    };
    let kid = match header.kid {
        None => None,
        Some(Value::String(kid)) => Some(kid),
        Some(_) => return Err(TokenError::Malformed),
    };
    Ok(TokenHeader { alg, kid })
}
