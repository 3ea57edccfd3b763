//! A private key with its `kid` and the `iss`/`aud` its tokens claim; the
//! key files `--signing-key` reads (one private JWK, or a JWK Set whose
//! first key mints) and `todo-conformance issuer` writes.

use std::path::Path;

use serde_json::{Value, json};

use super::alg::Alg;
use super::error::KeyError;
use super::private::PrivateKey;
use super::public::PublicKey;

pub struct SigningIdentity {
    pub key: PrivateKey,
    /// The `alg` its tokens carry.
    pub alg: String,
    pub kid: String,
    pub issuer: String,
    pub audience: String,
}

impl SigningIdentity {
    /// A fresh key of this one's algorithm, issuer and audience: the key a
    /// rotation brings.
    pub fn successor(&self) -> Self {
        // `alg` is one the suite signs with, or RFC 9864's `Ed25519`.
        let alg = <Alg as clap::ValueEnum>::from_str(&self.alg, false).unwrap_or(Alg::EdDsa);
        Self::generate(alg, &self.issuer, &self.audience)
    }

    /// A fresh key for `alg`, with a fresh `kid`.
    pub fn generate(alg: Alg, issuer: &str, audience: &str) -> Self {
        Self {
            key: PrivateKey::generate(alg),
            alg: alg.name().to_owned(),
            kid: format!("todo-conformance-{}", uuid::Uuid::new_v4().simple()),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
    }

    /// From a private JWK such as Better Auth exports with
    /// `jwks.disablePrivateKeyEncryption`.
    pub fn from_jwk(jwk: &Value, issuer: &str, audience: &str) -> Result<Self, KeyError> {
        let kid = jwk
            .get("kid")
            .and_then(Value::as_str)
            .ok_or_else(|| KeyError::Unsupported("no `kid`".to_owned()))?;
        let (key, alg) = PrivateKey::from_jwk(jwk)?;
        Ok(Self {
            key,
            alg,
            kid: kid.to_owned(),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        })
    }

    /// Every key of a key file: a private JWK, or a JWK Set of them, in
    /// order (the first mints).
    pub fn read(path: &Path, issuer: &str, audience: &str) -> Result<Vec<Self>, KeyError> {
        let unreadable = |reason: String| KeyError::Read {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|error| unreadable(error.to_string()))?;
        let file: Value =
            serde_json::from_str(&text).map_err(|error| unreadable(error.to_string()))?;
        let jwks = match file.get("keys") {
            Some(Value::Array(keys)) if keys.is_empty() => {
                return Err(unreadable("the JWK Set holds no key".to_owned()));
            }
            Some(Value::Array(keys)) => keys.clone(),
            Some(_) => return Err(unreadable("`keys` is not an array".to_owned())),
            None => vec![file],
        };
        jwks.iter()
            .map(|jwk| Self::from_jwk(jwk, issuer, audience))
            .collect()
    }

    /// The private JWK, for `--signing-key`.
    pub fn private_jwk(&self) -> Value {
        let mut jwk = self.key.private_members();
        jwk["kid"] = json!(self.kid);
        jwk["alg"] = json!(self.alg);
        jwk
    }

    /// The public JWK as Better Auth publishes it: `alg`, the key's
    /// members, `kid`; no `use`.
    pub fn public_jwk(&self) -> Value {
        let mut jwk = json!({"alg": self.alg});
        for (name, value) in self.key.public_members().as_object().into_iter().flatten() {
            jwk[name] = value.clone();
        }
        jwk["kid"] = json!(self.kid);
        jwk
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_jwk(&self.public_jwk()).expect("the suite's own keys are well formed")
    }

    /// Better Auth's header: exactly `alg` and `kid`, no `typ`.
    pub fn header(&self) -> Value {
        json!({"alg": self.alg, "kid": self.kid})
    }
}
