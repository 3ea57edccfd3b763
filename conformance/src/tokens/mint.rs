//! Valid tokens the target trusts: HS256 with its secret, or Better Auth's
//! format with a key its JWKS vouches for (any algorithm of `keys`); the
//! claims of a fresh token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value, json};

use super::jws::{encode_segment, unix_now};
use super::keys::{PublicKey, SigningIdentity};
use crate::target::profile::Claims;

/// How long the suite's own valid tokens live: Better Auth's default.
const LIFETIME_SECS: u64 = 15 * 60;

/// Signs valid tokens the target trusts.
pub enum Minter {
    /// HS256 with the target's secret, with the profile's claims (the seed
    /// design's: `sub`, `user_id`, `email`, `iat` and `exp`).
    Hs256(EncodingKey, Box<Claims>),
    /// A private key the target's JWKS vouches for, in Better Auth's format.
    BetterAuth(Box<SigningIdentity>),
}

impl Minter {
    pub fn hs256(secret: &[u8], claims: &Claims) -> Self {
        Self::Hs256(EncodingKey::from_secret(secret), Box::new(claims.clone()))
    }

    /// The claims of a fresh token for `user_id`, in this minter's format.
    pub fn claims(&self, user_id: &str, email: &str) -> Value {
        match self {
            Self::Hs256(_, shape) => claims_shaped(shape, user_id, email),
            Self::BetterAuth(identity) => {
                // Better Auth's order: the user row, then sub, exp, iss, aud.
                let now = unix_now();
                json!({
                    "iat": now,
                    "name": "todo-conformance",
                    "email": email,
                    "emailVerified": false,
                    "image": null,
                    "createdAt": "2026-01-01T00:00:00.000Z",
                    "updatedAt": "2026-01-01T00:00:00.000Z",
                    "id": user_id,
                    "sub": user_id,
                    "exp": now + LIFETIME_SECS,
                    "iss": identity.issuer,
                    "aud": identity.audience,
                })
            }
        }
    }

    pub fn sign(&self, claims: &Value) -> String {
        self.sign_raw(&json!({}), &claims.to_string())
    }

    /// Signs `payload` text, which may be JSON serde would never write
    /// (duplicate keys), under this minter's header plus `extra` members.
    pub fn sign_raw(&self, extra: &Value, payload: &str) -> String {
        let mut header = match self {
            Self::Hs256(..) => json!({"alg": "HS256", "typ": "JWT"}),
            Self::BetterAuth(identity) => identity.header(),
        };
        for (name, value) in extra.as_object().into_iter().flatten() {
            header[name] = value.clone();
        }
        let signing_input = format!(
            "{}.{}",
            encode_segment(&header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let signature = match self {
            Self::Hs256(key, _) => {
                jsonwebtoken::crypto::sign(signing_input.as_bytes(), key, Algorithm::HS256)
                    .expect("HMAC signing cannot fail")
            }
            Self::BetterAuth(identity) => {
                URL_SAFE_NO_PAD.encode(identity.key.sign(signing_input.as_bytes()))
            }
        };
        format!("{signing_input}.{signature}")
    }

    /// HS256's secret under another HMAC algorithm (HS384, HS512).
    pub fn sign_hmac_as(&self, algorithm: Algorithm, claims: &Value) -> Option<String> {
        match self {
            Self::Hs256(key, _) => jsonwebtoken::encode(&Header::new(algorithm), claims, key).ok(),
            Self::BetterAuth(_) => None,
        }
    }

    /// The public half, when the minter's key is asymmetric.
    pub fn public_key(&self) -> Option<PublicKey> {
        match self {
            Self::Hs256(..) => None,
            Self::BetterAuth(identity) => Some(identity.public_key()),
        }
    }

    /// The `iss` its tokens claim, when they claim one.
    pub fn issuer(&self) -> Option<&str> {
        match self {
            Self::Hs256(_, claims) => claims.issuer.as_deref(),
            Self::BetterAuth(identity) => Some(&identity.issuer),
        }
    }

    /// The `aud` its tokens claim, when they claim one.
    pub fn audience(&self) -> Option<&str> {
        match self {
            Self::Hs256(_, claims) => claims.audience.as_deref(),
            Self::BetterAuth(identity) => Some(&identity.audience),
        }
    }

    /// What the run header says about the tokens.
    pub fn describe(&self) -> String {
        match self {
            Self::Hs256(..) => "HS256, minted by the suite with the target's secret".to_owned(),
            Self::BetterAuth(identity) => format!(
                "{} in Better Auth's format, minted by the suite with key {} (iss {}, aud {})",
                identity.alg, identity.kid, identity.issuer, identity.audience
            ),
        }
    }
}

/// The seed design's claims: `sub`, `user_id`, `email`, `iat`, `exp`.
pub fn seed_claims(user_id: &str, email: &str) -> Value {
    claims_shaped(&Claims::default(), user_id, email)
}

/// A fresh token's claims as a profile names them: the user id under each
/// of its names, the email, `iat`, `exp`, then `iss`, `aud` and extras.
fn claims_shaped(shape: &Claims, user_id: &str, email: &str) -> Value {
    let now = unix_now();
    let mut claims = Map::new();
    for name in &shape.user_id {
        claims.insert(name.clone(), json!(user_id));
    }
    claims.insert(shape.email.clone(), json!(email));
    claims.insert("iat".to_owned(), json!(now));
    claims.insert("exp".to_owned(), json!(now + LIFETIME_SECS));
    if let Some(issuer) = &shape.issuer {
        claims.insert("iss".to_owned(), json!(issuer));
    }
    if let Some(audience) = &shape.audience {
        claims.insert("aud".to_owned(), json!(audience));
    }
    claims.extend(shape.extra.clone());
    Value::Object(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::payload;
    use crate::tokens::testing::{SECRET, verify};

    #[test]
    fn minted_tokens_carry_the_seed_claims_and_verify() {
        let claims = seed_claims("u-1", "u1@example.test");
        let token = Minter::hs256(SECRET, &Claims::default()).sign(&claims);
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

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/better-auth");

    fn captured_identity() -> SigningIdentity {
        let path = format!("{FIXTURES}/variants/plain-key/issuer-private.jwk.json");
        let base = "http://127.0.0.1:3000";
        let mut keys = SigningIdentity::read(std::path::Path::new(&path), base, base).unwrap();
        keys.remove(0)
    }

    #[test]
    fn better_auth_tokens_are_reproduced_byte_for_byte() {
        let minter = Minter::BetterAuth(Box::new(captured_identity()));
        for file in ["token-user-a.jwt", "token-user-b.jwt"] {
            let captured =
                std::fs::read_to_string(format!("{FIXTURES}/variants/plain-key/{file}")).unwrap();
            let captured = captured.trim();
            let payload = URL_SAFE_NO_PAD
                .decode(captured.split('.').nth(1).unwrap())
                .unwrap();
            let minted = minter.sign_raw(&json!({}), std::str::from_utf8(&payload).unwrap());
            assert_eq!(minted, captured, "{file}");
        }
    }

    #[test]
    fn better_auth_claims_come_in_better_auths_order() {
        let minter = Minter::BetterAuth(Box::new(captured_identity()));
        let claims = minter.claims("user-1", "u@example.test");
        let names: Vec<&str> = claims
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let captured =
            std::fs::read_to_string(format!("{FIXTURES}/variants/plain-key/token-user-a.jwt"))
                .unwrap();
        let captured = payload(captured.trim()).unwrap();
        let captured_names: Vec<&str> = captured
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(names, captured_names);
        assert_eq!(
            claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
            900
        );
    }
}
