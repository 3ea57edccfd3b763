//! Tokens the target issued, read without being verified: their header and
//! claims, whether a well-known weak secret signed them, and whether the
//! suite's own minting key did.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Map, Value};

use crate::tokens::Minter;
use crate::tokens::catalogue::Attack;

/// A compact JWS as the target wrote it: decoded, not verified.
#[derive(Debug, Clone)]
pub struct Issued {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// `header.payload`, what the signature covers.
    signing_input: String,
    signature: String,
}

impl Issued {
    /// The token's parts, when it is a JWS with JSON header and payload.
    pub fn decode(token: &str) -> Option<Self> {
        let mut segments = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return None;
        };
        let object = |segment: &str| -> Option<Map<String, Value>> {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).ok()?).ok()
        };
        Some(Self {
            header: object(header)?,
            claims: object(payload)?,
            signing_input: format!("{header}.{payload}"),
            signature: signature.to_owned(),
        })
    }

    pub fn alg(&self) -> &str {
        self.header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// A numeric claim in whole seconds (`exp`, `iat`).
    pub fn seconds(&self, claim: &str) -> Option<i64> {
        let value = self.claims.get(claim)?;
        value.as_i64().or_else(|| {
            #[allow(
                clippy::cast_possible_truncation,
                reason = "a NumericDate may be fractional; whole seconds are enough here"
            )]
            value.as_f64().map(|seconds| seconds as i64)
        })
    }

    /// Whether HS256 with `secret` made this token's signature.
    fn hs256_with(&self, key: &EncodingKey) -> bool {
        self.alg() == "HS256"
            && jsonwebtoken::crypto::sign(self.signing_input.as_bytes(), key, Algorithm::HS256)
                .is_ok_and(|signature| signature == self.signature)
    }

    /// The well-known weak secret (of the catalogue's list) that signed
    /// this token, if one did.
    pub fn weak_secret(&self) -> Option<&'static str> {
        weak_secrets()
            .into_iter()
            .find(|secret| self.hs256_with(&EncodingKey::from_secret(secret.as_bytes())))
    }

    /// Whether the suite's minting key made this token's signature: the
    /// key is then the one the target's issuer signs with.
    pub fn signed_by(&self, minter: &Minter) -> bool {
        match minter {
            Minter::Hs256(key, _) => self.hs256_with(key),
            Minter::BetterAuth(identity) => {
                self.alg() == identity.alg
                    && URL_SAFE_NO_PAD
                        .decode(&self.signature)
                        .is_ok_and(|signature| {
                            identity
                                .key
                                .verifies(self.signing_input.as_bytes(), &signature)
                        })
            }
        }
    }
}

/// The weak secrets the catalogue attacks with: one list for both checks.
fn weak_secrets() -> Vec<&'static str> {
    Attack::catalogue()
        .into_iter()
        .filter_map(|attack| match attack {
            Attack::WeakSecret(secret) => Some(secret),
            _ => None,
        })
        .collect()
}

/// Which key a minter signs with, for messages; never the key itself.
pub fn minting_key(minter: &Minter) -> String {
    match minter {
        Minter::Hs256(key, _) => {
            // `--secret` defaults to BETTER_AUTH_SECRET: name the one used.
            let from_environment = std::env::var("BETTER_AUTH_SECRET")
                .ok()
                .filter(|secret| !secret.is_empty())
                .is_some_and(|secret| {
                    let probe = b"which secret";
                    jsonwebtoken::crypto::sign(probe, key, Algorithm::HS256).ok()
                        == jsonwebtoken::crypto::sign(
                            probe,
                            &EncodingKey::from_secret(secret.as_bytes()),
                            Algorithm::HS256,
                        )
                        .ok()
                });
            if from_environment {
                "the HS256 secret in BETTER_AUTH_SECRET (from this environment)".to_owned()
            } else {
                "the HS256 secret of --secret".to_owned()
            }
        }
        Minter::BetterAuth(identity) => format!(
            "the --signing-key private key {} (iss {}, aud {})",
            identity.kid, identity.issuer, identity.audience
        ),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::target::profile::Claims;

    #[test]
    fn a_token_is_read_without_its_key() {
        let minter = Minter::hs256(b"a secret of the target", &Claims::default());
        let token = minter.sign(&json!({"sub": "alice", "exp": 1_700_000_000.5}));
        let issued = Issued::decode(&token).expect("a JWS");
        assert_eq!(issued.alg(), "HS256");
        assert_eq!(issued.seconds("exp"), Some(1_700_000_000));
        assert_eq!(issued.seconds("iat"), None);
        assert!(issued.signed_by(&minter));
        assert!(!issued.signed_by(&Minter::hs256(b"another", &Claims::default())));
        assert_eq!(issued.weak_secret(), None);
        assert!(Issued::decode("not.a.jwt").is_none());
        assert!(Issued::decode("opaque-session-token").is_none());
    }

    #[test]
    fn a_weak_secret_is_found_by_verifying_with_each() {
        let token = Minter::hs256(b"changeme", &Claims::default()).sign(&json!({"sub": "a"}));
        let issued = Issued::decode(&token).expect("a JWS");
        assert_eq!(issued.weak_secret(), Some("changeme"));
    }
}
