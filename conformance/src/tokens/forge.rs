//! The moves forgeries are made of: signing with a secret the target cannot
//! know, re-dressing a token's payload, dropping its signature, moving its
//! expiry. None needs the target's secret.

use serde_json::{Value, json};

use super::{Minter, encode_segment, unix_now};
use crate::target::profile::Claims;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{payload, seed_claims};
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};

    const SECRET: &[u8] = b"suite-unit-test-secret-0123456789abcdef";

    fn verify(token: &str) -> bool {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub"]);
        decode::<Value>(token, &DecodingKey::from_secret(SECRET), &validation).is_ok()
    }

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
