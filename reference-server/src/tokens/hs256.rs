//! HS256 with the shared secret: the tokens register and login issue, and
//! the seed design's verification.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Serialize;

use super::claims::{Claims, TokenError, unix_now, validation};
use crate::config::Secret;

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
        Self {
            encoding: EncodingKey::from_secret(secret.expose()),
            decoding: DecodingKey::from_secret(secret.expose()),
            validation: validation(Algorithm::HS256, leeway),
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

    /// Checks the signature and the claims of a token whose header says HS256.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        Ok(jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{MAX_TOKEN_BYTES, Verifier};
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::{Value, json};

    const SECRET: &str = "unit-test-secret-0123456789abcdef0123";

    fn keys() -> Verifier {
        Verifier::new(
            Some(TokenKeys::new(
                &Secret::new(SECRET).unwrap(),
                Duration::from_secs(3600),
                Duration::from_secs(30),
            )),
            None,
        )
    }

    /// The HS256 path does no I/O: a current-thread runtime is enough.
    fn verify(verifier: &Verifier, token: &str) -> Result<Claims, TokenError> {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(verifier.verify(token))
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
        let issuer = TokenKeys::new(
            &Secret::new(SECRET).unwrap(),
            Duration::from_secs(3600),
            Duration::from_secs(30),
        );
        let token = issuer.issue("user-1", "a@example.test").unwrap();
        let claims = verify(&keys(), &token).unwrap();
        assert_eq!(claims.sub, "user-1");
        assert!(claims.exp.abs_diff(unix_now() + 3600) <= 1);
    }

    #[test]
    fn hand_signed_token_verifies() {
        let token = sign_raw(&hs256(), &valid_payload(), SECRET.as_bytes());
        assert_eq!(verify(&keys(), &token).unwrap().sub, "user-1");
    }

    #[test]
    fn rejects_wrong_secret() {
        let token = sign_raw(
            &hs256(),
            &valid_payload(),
            b"another-secret-0123456789abcdef0123",
        );
        assert!(matches!(
            verify(&keys(), &token),
            Err(TokenError::Rejected(_))
        ));
    }

    #[test]
    fn rejects_alg_none_and_other_algorithms() {
        for alg in ["none", "None", "HS384", "HS512", "RS256", "EdDSA"] {
            let token = sign_raw(&json!({"alg": alg}), &valid_payload(), SECRET.as_bytes());
            assert!(
                matches!(verify(&keys(), &token), Err(TokenError::Algorithm(_))),
                "{alg} accepted"
            );
        }
        let unsigned = format!(
            "{}.{}.",
            b64(&json!({"alg": "none"})),
            b64(&valid_payload())
        );
        assert!(verify(&keys(), &unsigned).is_err());
    }

    #[test]
    fn rejects_crit_header() {
        let header = json!({"alg": "HS256", "crit": ["exp"], "exp": 1});
        let token = sign_raw(&header, &valid_payload(), SECRET.as_bytes());
        assert!(matches!(verify(&keys(), &token), Err(TokenError::Critical)));
    }

    #[test]
    fn requires_exp_and_sub() {
        let keys = keys();
        let no_exp = sign_raw(&hs256(), &json!({"sub": "user-1"}), SECRET.as_bytes());
        assert!(verify(&keys, &no_exp).is_err());
        let no_sub = sign_raw(
            &hs256(),
            &json!({"exp": unix_now() + 60}),
            SECRET.as_bytes(),
        );
        assert!(verify(&keys, &no_sub).is_err());
        let empty_sub = sign_raw(
            &hs256(),
            &json!({"sub": "", "exp": unix_now() + 60}),
            SECRET.as_bytes(),
        );
        assert!(matches!(
            verify(&keys, &empty_sub),
            Err(TokenError::InvalidSubject)
        ));
        let numeric_sub = sign_raw(
            &hs256(),
            &json!({"sub": 7, "exp": unix_now() + 60}),
            SECRET.as_bytes(),
        );
        assert!(verify(&keys, &numeric_sub).is_err());
    }

    #[test]
    fn rejects_claims_of_the_wrong_type() {
        let future = (unix_now() + 600).to_string();
        for payload in [
            json!({"sub": "user-1", "exp": future}),
            json!({"sub": "user-1", "exp": unix_now() + 600, "nbf": "0"}),
        ] {
            let token = sign_raw(&hs256(), &payload, SECRET.as_bytes());
            assert!(verify(&keys(), &token).is_err(), "{payload} accepted");
        }
    }

    #[test]
    fn honours_exp_and_nbf_with_leeway() {
        let keys = keys();
        let now = unix_now();
        let sign = |payload: Value| sign_raw(&hs256(), &payload, SECRET.as_bytes());
        assert!(verify(&keys, &sign(json!({"sub": "u", "exp": now - 3600}))).is_err());
        assert!(
            verify(&keys, &sign(json!({"sub": "u", "exp": now - 10}))).is_ok(),
            "within leeway"
        );
        assert!(
            verify(
                &keys,
                &sign(json!({"sub": "u", "exp": now + 600, "nbf": now + 600}))
            )
            .is_err()
        );
        assert!(
            verify(
                &keys,
                &sign(json!({"sub": "u", "exp": now + 600, "nbf": now + 10}))
            )
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
            assert!(verify(&keys, &bad).is_err(), "{bad} accepted");
        }
        let padded = sign_raw(
            &hs256(),
            &json!({"sub": "u", "exp": unix_now() + 60, "pad": "x".repeat(MAX_TOKEN_BYTES)}),
            SECRET.as_bytes(),
        );
        assert!(matches!(verify(&keys, &padded), Err(TokenError::TooLong)));
    }
}
