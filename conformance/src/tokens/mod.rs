//! Tokens the suite makes: valid ones, when it knows the target's secret, and
//! forgeries, which need no secret at all. `attacks` is the catalogue.

pub mod attacks;

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value, json};

/// How long the suite's own valid tokens live.
const LIFETIME_SECS: u64 = 15 * 60;

/// Signs HS256 tokens in the seed design's format: `sub`, `user_id`,
/// `email`, `iat` and `exp`.
pub struct Minter {
    key: EncodingKey,
}

impl Minter {
    pub fn hs256(secret: &[u8]) -> Self {
        Self {
            key: EncodingKey::from_secret(secret),
        }
    }

    /// The claims of a fresh token for `user_id`.
    pub fn claims(user_id: &str, email: &str) -> Value {
        let now = unix_now();
        json!({
            "sub": user_id,
            "user_id": user_id,
            "email": email,
            "iat": now,
            "exp": now + LIFETIME_SECS,
        })
    }

    pub fn sign(&self, claims: &Value) -> String {
        sign_hs256(claims, &self.key)
    }

    /// Signs with the trusted key under another header, e.g. HS512.
    pub fn sign_with(&self, header: &Header, claims: &Value) -> String {
        jsonwebtoken::encode(header, claims, &self.key).expect("a JSON object always serialises")
    }

    /// HS256 over an arbitrary header and payload text, which may be JSON
    /// that serde would never write (duplicate keys).
    pub fn sign_raw(&self, header: &Value, payload: &str) -> String {
        let signing_input = format!(
            "{}.{}",
            encode_segment(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let signature =
            jsonwebtoken::crypto::sign(signing_input.as_bytes(), &self.key, Algorithm::HS256)
                .expect("HMAC signing cannot fail");
        format!("{signing_input}.{signature}")
    }
}

fn sign_hs256(claims: &Value, key: &EncodingKey) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, key)
        .expect("a JSON object always serialises")
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// `claims` with `exp` moved to `now + offset` seconds (negative: the past).
pub fn with_exp(claims: &Value, offset: i64) -> Value {
    let mut claims = claims.clone();
    claims["exp"] = json!(unix_now().saturating_add_signed(offset));
    claims
}

/// The decoded payload of a compact JWS, if it has one.
pub fn payload(token: &str) -> Option<Value> {
    let segment = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(segment).ok()?;
    serde_json::from_slice::<Map<String, Value>>(&bytes)
        .ok()
        .map(Value::Object)
}

pub fn encode_segment(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// HS256 under a random secret the target cannot know.
pub fn signed_with_another_secret(claims: &Value) -> String {
    let secret = format!("{}{}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    sign_hs256(claims, &EncodingKey::from_secret(secret.as_bytes()))
}

/// `token`'s header and signature around a different payload: the signature
/// no longer matches.
pub fn with_payload(token: &str, claims: &Value) -> String {
    let mut segments = token.splitn(3, '.');
    let header = segments.next().unwrap_or_default();
    let signature = segments.nth(1).unwrap_or_default();
    format!("{header}.{}.{signature}", encode_segment(claims))
}

/// `alg` (some spelling of `none`), with an empty signature.
pub fn alg_none_with(alg: &str, claims: &Value) -> String {
    format!(
        "{}.{}.",
        encode_segment(&json!({"alg": alg, "typ": "JWT"})),
        encode_segment(claims)
    )
}

/// `header.payload.`: the token with its signature removed.
pub fn without_signature(token: &str) -> String {
    match token.rsplit_once('.') {
        Some((signed, _)) => format!("{signed}."),
        None => format!("{token}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation, decode};

    const SECRET: &[u8] = b"suite-unit-test-secret-0123456789abcdef";

    fn verify(token: &str) -> bool {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub"]);
        decode::<Value>(token, &DecodingKey::from_secret(SECRET), &validation).is_ok()
    }

    #[test]
    fn minted_tokens_carry_the_seed_claims_and_verify() {
        let claims = Minter::claims("u-1", "u1@example.test");
        let token = Minter::hs256(SECRET).sign(&claims);
        assert!(verify(&token));
        let payload = payload(&token).unwrap();
        for claim in ["sub", "user_id", "email", "iat", "exp"] {
            assert!(payload.get(claim).is_some(), "{claim} missing");
        }
        assert_eq!(
            payload["exp"].as_u64().unwrap() - payload["iat"].as_u64().unwrap(),
            LIFETIME_SECS
        );
    }

    #[test]
    fn forgeries_do_not_verify_but_keep_the_claims() {
        let minter = Minter::hs256(SECRET);
        let alice = Minter::claims("alice", "a@example.test");
        let bob_token = minter.sign(&Minter::claims("bob", "b@example.test"));
        let forgeries = [
            signed_with_another_secret(&alice),
            with_payload(&bob_token, &alice),
            alg_none_with("none", &alice),
            without_signature(&minter.sign(&alice)),
        ];
        for forged in forgeries {
            assert!(!verify(&forged), "{forged} verified");
            assert_eq!(payload(&forged).unwrap()["sub"], "alice");
        }
    }

    #[test]
    fn expiry_moves_both_ways() {
        let claims = Minter::claims("u", "u@example.test");
        let expired = with_exp(&claims, -3600);
        assert!(!verify(&Minter::hs256(SECRET).sign(&expired)));
        let fresh = with_exp(&expired, 3600);
        assert!(verify(&Minter::hs256(SECRET).sign(&fresh)));
    }
}
