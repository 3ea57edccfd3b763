//! What the token modules' unit tests share: a secret, and a verifier that
//! checks a token the way a correct HS256 target does.

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde_json::Value;

pub const SECRET: &[u8] = b"suite-unit-test-secret-0123456789abcdef";

/// Signature, `exp` and `sub` checked, as a correct target checks them.
pub fn verify(token: &str) -> bool {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_required_spec_claims(&["exp", "sub"]);
    decode::<Value>(token, &DecodingKey::from_secret(SECRET), &validation).is_ok()
}
