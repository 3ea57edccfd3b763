//! Issuing and verifying the HS256 bearer tokens.
//!
//! Verification is deliberately narrow: exactly HS256, `exp` and `sub`
//! required, `nbf` honoured, a small leeway, no `crit` extensions, and a size
//! cap. Anything else is rejected before or by `jsonwebtoken`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::Secret;

/// Larger tokens are refused before any parsing.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token longer than {MAX_TOKEN_BYTES} bytes")]
    TooLong,
    #[error("token is not a JWS compact serialization")]
    Malformed,
    #[error("algorithm {0:?} is not allowed")]
    Algorithm(String),
    #[error("token has a `crit` header")]
    Critical,
    #[error("token has an empty `sub`, or one with NUL")]
    InvalidSubject,
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

/// The claims of the tokens issued by register and login.
#[derive(Serialize)]
struct IssuedClaims<'a> {
    sub: &'a str,
    email: &'a str,
    iat: u64,
    exp: u64,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl TokenKeys {
    pub fn new(secret: &Secret, ttl: Duration, leeway: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.leeway = leeway.as_secs();
        Self {
            encoding: EncodingKey::from_secret(secret.expose()),
            decoding: DecodingKey::from_secret(secret.expose()),
            validation,
            ttl,
        }
    }

    /// Issues a token for `sub`, valid for the configured lifetime.
    pub fn issue(&self, sub: &str, email: &str) -> Result<String, TokenError> {
        let now = unix_now();
        let claims = IssuedClaims {
            sub,
            email,
            iat: now,
            exp: now + self.ttl.as_secs(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        check_header(token)?;
        let claims =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?.claims;
        // No user is called "", and Postgres text cannot hold NUL.
        if claims.sub.is_empty() || claims.sub.contains('\0') {
            return Err(TokenError::InvalidSubject);
        }
        Ok(claims)
    }
}

/// The checks `jsonwebtoken` does not make: size, shape, the literal `alg`
/// and `crit` (RFC 7515 §4.1.11: an unknown critical extension must fail).
fn check_header(token: &str) -> Result<(), TokenError> {
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
    match header.get("alg") {
        Some(serde_json::Value::String(alg)) if alg == "HS256" => {}
        Some(other) => return Err(TokenError::Algorithm(other.to_string())),
        None => return Err(TokenError::Malformed),
    }
    if header.contains_key("crit") {
        return Err(TokenError::Critical);
    }
    Ok(())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const SECRET: &str = "unit-test-secret-0123456789abcdef0123";

    fn keys() -> TokenKeys {
        TokenKeys::new(
            &Secret::new(SECRET).unwrap(),
            Duration::from_secs(3600),
            Duration::from_secs(30),
        )
    }

    fn b64(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
    }

    /// Signs `header.payload` with HMAC-SHA256 under `key`, however odd the header.
    fn sign_raw(header: &Value, payload: &Value, key: &[u8]) -> String {
        let signing_input = format!("{}.{}", b64(header), b64(payload));
        let signature = jsonwebtoken::crypto::sign(
            signing_input.as_bytes(),
            &EncodingKey::from_secret(key),
            Algorithm::HS256,
        )
        .unwrap();
        format!("{signing_input}.{signature}")
    }

    fn valid_payload() -> Value {
        json!({"sub": "user-1", "exp": unix_now() + 600, "iat": unix_now()})
    }

    fn hs256() -> Value {
        json!({"alg": "HS256", "typ": "JWT"})
    }

    #[test]
    fn issued_tokens_verify() {
        let keys = keys();
        let token = keys.issue("user-1", "a@example.test").unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!(claims.sub, "user-1");
        assert!(claims.exp.abs_diff(unix_now() + 3600) <= 1);
    }

    #[test]
    fn hand_signed_token_verifies() {
        let token = sign_raw(&hs256(), &valid_payload(), SECRET.as_bytes());
        assert_eq!(keys().verify(&token).unwrap().sub, "user-1");
    }

    #[test]
    fn rejects_wrong_secret() {
        let token = sign_raw(
            &hs256(),
            &valid_payload(),
            b"another-secret-0123456789abcdef0123",
        );
        assert!(matches!(
            keys().verify(&token),
            Err(TokenError::Rejected(_))
        ));
    }

    #[test]
    fn rejects_alg_none_and_other_algorithms() {
        for alg in ["none", "None", "HS384", "HS512", "RS256", "EdDSA"] {
            let token = sign_raw(&json!({"alg": alg}), &valid_payload(), SECRET.as_bytes());
            assert!(
                matches!(keys().verify(&token), Err(TokenError::Algorithm(_))),
                "{alg} accepted"
            );
        }
        let unsigned = format!(
            "{}.{}.",
            b64(&json!({"alg": "none"})),
            b64(&valid_payload())
        );
        assert!(keys().verify(&unsigned).is_err());
    }

    #[test]
    fn rejects_crit_header() {
        let header = json!({"alg": "HS256", "crit": ["exp"], "exp": 1});
        let token = sign_raw(&header, &valid_payload(), SECRET.as_bytes());
        assert!(matches!(keys().verify(&token), Err(TokenError::Critical)));
    }

    #[test]
    fn requires_exp_and_sub() {
        let keys = keys();
        let no_exp = sign_raw(&hs256(), &json!({"sub": "user-1"}), SECRET.as_bytes());
        assert!(keys.verify(&no_exp).is_err());
        let no_sub = sign_raw(
            &hs256(),
            &json!({"exp": unix_now() + 60}),
            SECRET.as_bytes(),
        );
        assert!(keys.verify(&no_sub).is_err());
        let empty_sub = sign_raw(
            &hs256(),
            &json!({"sub": "", "exp": unix_now() + 60}),
            SECRET.as_bytes(),
        );
        assert!(matches!(
            keys.verify(&empty_sub),
            Err(TokenError::InvalidSubject)
        ));
        let numeric_sub = sign_raw(
            &hs256(),
            &json!({"sub": 7, "exp": unix_now() + 60}),
            SECRET.as_bytes(),
        );
        assert!(keys.verify(&numeric_sub).is_err());
    }

    #[test]
    fn rejects_claims_of_the_wrong_type() {
        let future = (unix_now() + 600).to_string();
        for payload in [
            json!({"sub": "user-1", "exp": future}),
            json!({"sub": "user-1", "exp": unix_now() + 600, "nbf": "0"}),
        ] {
            let token = sign_raw(&hs256(), &payload, SECRET.as_bytes());
            assert!(keys().verify(&token).is_err(), "{payload} accepted");
        }
    }

    #[test]
    fn honours_exp_and_nbf_with_leeway() {
        let keys = keys();
        let now = unix_now();
        let sign = |payload: Value| sign_raw(&hs256(), &payload, SECRET.as_bytes());
        assert!(
            keys.verify(&sign(json!({"sub": "u", "exp": now - 3600})))
                .is_err()
        );
        assert!(
            keys.verify(&sign(json!({"sub": "u", "exp": now - 10})))
                .is_ok(),
            "within leeway"
        );
        assert!(
            keys.verify(&sign(
                json!({"sub": "u", "exp": now + 600, "nbf": now + 600})
            ))
            .is_err()
        );
        assert!(
            keys.verify(&sign(
                json!({"sub": "u", "exp": now + 600, "nbf": now + 10})
            ))
            .is_ok()
        );
    }

    #[test]
    fn rejects_malformed_and_oversized_tokens() {
        let keys = keys();
        let valid = sign_raw(&hs256(), &valid_payload(), SECRET.as_bytes());
        let (_, rest) = valid.split_once('.').unwrap();
        for bad in [
            String::new(),
            "not-a-jwt".to_owned(),
            format!("{valid}.extra.segments"),
            valid.replacen('.', " .", 1),
            format!("!!!.{rest}"),
            format!("{}.{rest}", URL_SAFE_NO_PAD.encode(b"[1,2]")),
        ] {
            assert!(keys.verify(&bad).is_err(), "{bad} accepted");
        }
        let padded = sign_raw(
            &hs256(),
            &json!({"sub": "u", "exp": unix_now() + 60, "pad": "x".repeat(MAX_TOKEN_BYTES)}),
            SECRET.as_bytes(),
        );
        assert!(matches!(keys.verify(&padded), Err(TokenError::TooLong)));
    }
}
