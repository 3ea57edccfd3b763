//! What both verification modes share: the claims a token must carry, the
//! ways it can be refused, and the validation of its signature and times.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
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
    #[error("bad signature")]
    Signature,
    #[error("token claims rejected: {0}")]
    Claims(String),
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

/// What a JWKS-mode token must claim besides `sub` and `exp`.
pub(super) struct Expected<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
    pub leeway: Duration,
}

/// `aud`: one value or several (RFC 7519 §4.1.3).
#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Several(Vec<String>),
}

/// The claims of a JWKS-mode token. Its signature is checked apart, since
/// `jsonwebtoken` parses no header naming ES512 or `Ed25519`; the claims
/// are checked here as `validation` has `jsonwebtoken` check them.
#[derive(Deserialize)]
struct Registered {
    sub: String,
    exp: u64,
    /// Absent, or a number: `null` is no NumericDate.
    #[serde(default, deserialize_with = "some_number")]
    nbf: Option<u64>,
    iss: String,
    aud: Audience,
}

fn some_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    u64::deserialize(deserializer).map(Some)
}

impl Expected<'_> {
    /// The claims of the base64url `payload`, when they hold now.
    pub(super) fn check(&self, payload: &str) -> Result<Claims, TokenError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TokenError::Malformed)?;
        let registered: Registered = serde_json::from_slice(&bytes)
            .map_err(|error| TokenError::Claims(error.to_string()))?;
        let (now, leeway) = (unix_now(), self.leeway.as_secs());
        if registered.exp < now.saturating_sub(leeway) {
            return Err(TokenError::Claims("expired".to_owned()));
        }
        if registered.nbf.is_some_and(|nbf| nbf > now + leeway) {
            return Err(TokenError::Claims("not valid yet (nbf)".to_owned()));
        }
        if registered.iss != self.issuer {
            return Err(TokenError::Claims("another issuer".to_owned()));
        }
        let ours = match &registered.aud {
            Audience::One(aud) => aud == self.audience,
            Audience::Several(auds) => auds.iter().any(|aud| aud == self.audience),
        };
        if !ours {
            return Err(TokenError::Claims("another audience".to_owned()));
        }
        Ok(Claims {
            sub: registered.sub,
            exp: registered.exp,
            nbf: registered.nbf,
        })
    }
}

pub(super) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const BASE: &str = "http://127.0.0.1:3000";

    fn check(claims: &Value) -> Result<Claims, TokenError> {
        let expected = Expected {
            issuer: BASE,
            audience: BASE,
            leeway: Duration::from_secs(30),
        };
        expected.check(&URL_SAFE_NO_PAD.encode(claims.to_string()))
    }

    fn claims(changes: &Value) -> Value {
        let now = unix_now();
        let mut claims =
            json!({"sub": "u", "iat": now, "exp": now + 900, "iss": BASE, "aud": BASE});
        for (name, value) in changes.as_object().unwrap() {
            claims[name] = value.clone();
        }
        claims
    }

    #[test]
    fn a_fresh_token_for_this_issuer_and_audience_holds() {
        assert_eq!(check(&claims(&json!({}))).unwrap().sub, "u");
        let listed = json!({"aud": ["https://other.example", BASE]});
        assert!(check(&claims(&listed)).is_ok());
    }

    #[test]
    fn each_registered_claim_is_enforced() {
        let now = unix_now();
        for changes in [
            json!({"exp": now - 60}),
            json!({"exp": (now + 900).to_string()}),
            json!({"nbf": now + 3600}),
            json!({"nbf": null}),
            json!({"iss": "http://127.0.0.1:300"}),
            json!({"aud": "https://other.example"}),
            json!({"aud": ["https://other.example"]}),
            json!({"sub": 42}),
        ] {
            assert!(check(&claims(&changes)).is_err(), "{changes} held");
        }
        for missing in ["sub", "exp", "iss", "aud"] {
            let mut without = claims(&json!({}));
            without.as_object_mut().unwrap().remove(missing);
            assert!(check(&without).is_err(), "no {missing} held");
        }
    }

    #[test]
    fn claims_in_an_array_are_refused() {
        let now = unix_now();
        let array = json!(["u", now + 900, null, BASE, BASE]);
        let expected = Expected {
            issuer: BASE,
            audience: BASE,
            leeway: Duration::ZERO,
        };
        assert!(
            expected
                .check(&URL_SAFE_NO_PAD.encode(array.to_string()))
                .is_err()
        );
    }

    #[test]
    fn a_duplicate_claim_is_refused() {
        let now = unix_now();
        let text = format!(
            r#"{{"sub":"u","sub":"v","exp":{},"iss":"{BASE}","aud":"{BASE}"}}"#,
            now + 900
        );
        let expected = Expected {
            issuer: BASE,
            audience: BASE,
            leeway: Duration::ZERO,
        };
        assert!(expected.check(&URL_SAFE_NO_PAD.encode(text)).is_err());
    }
}
