//! The moves forgeries are made of: signing under any header with any key,
//! even an empty one, re-dressing a token's payload, dropping its signature,
//! moving its expiry. None needs the target's secret.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};

use super::jws::{encode_segment, unix_now};
use super::mint::Minter;
use crate::target::profile::Claims;

/// 32 random bytes (from two v4 UUIDs: no extra RNG dependency).
pub fn random_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes
}

/// The plain HS256 header.
pub fn hs256_header() -> Value {
    json!({"alg": "HS256", "typ": "JWT"})
}

/// HS256 over any header, with any key, even an empty one.
pub fn sign_hmac(header: &Value, claims: &Value, key: &[u8]) -> String {
    Minter::hs256(key, &Claims::default()).sign_raw(header, &claims.to_string())
}

/// EdDSA over any header, with any key.
pub fn sign_eddsa(header: &Value, claims: &Value, key: &SigningKey) -> String {
    let signing_input = format!("{}.{}", encode_segment(header), encode_segment(claims));
    let signature = key.sign(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    )
}

/// HS256 under a random secret the target cannot know.
pub fn signed_with_another_secret(claims: &Value) -> String {
    let secret = format!("{}{}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    Minter::hs256(secret.as_bytes(), &Claims::default()).sign(claims)
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

/// `claims` with `exp` moved to `now + offset` seconds (negative: the past).
pub fn with_exp(claims: &Value, offset: i64) -> Value {
    let mut claims = claims.clone();
    claims["exp"] = json!(unix_now().saturating_add_signed(offset));
    claims
}

/// `claims` without the claim `name`.
pub fn without_claim(claims: &Value, name: &str) -> Value {
    let mut claims = claims.clone();
    if let Some(object) = claims.as_object_mut() {
        object.remove(name);
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::jws::payload;
    use crate::tokens::mint::seed_claims;
    use crate::tokens::testing::{SECRET, verify};

    #[test]
    fn forgeries_do_not_verify_but_keep_the_claims() {
        let minter = Minter::hs256(SECRET, &Claims::default());
        let alice = seed_claims("alice", "a@example.test");
        let bob_token = minter.sign(&seed_claims("bob", "b@example.test"));
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
        let claims = seed_claims("u", "u@example.test");
        let expired = with_exp(&claims, -3600);
        assert!(!verify(
            &Minter::hs256(SECRET, &Claims::default()).sign(&expired)
        ));
        let fresh = with_exp(&expired, 3600);
        assert!(verify(
            &Minter::hs256(SECRET, &Claims::default()).sign(&fresh)
        ));
    }
}
