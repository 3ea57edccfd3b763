//! A private key of each family Better Auth uses, generated or read from a
//! private JWK, and how it signs: Ed25519, ECDSA with a raw `r‖s` signature
//! (64 bytes on P-256, 132 on P-521, as JOSE wants), RSA PKCS#1 v1.5 or PSS
//! with SHA-256.

use rand_core::{OsRng, RngCore as _};
use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _, Signer as _};
use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};
use rsa::{BigUint, RsaPrivateKey};
use serde_json::{Value, json};
use sha2::Sha256;

use super::alg::Alg;
use super::error::KeyError;
use super::jwk::{bytes, encode, text};

/// Better Auth's RSA key size.
const RSA_BITS: usize = 2048;

pub enum PrivateKey {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
    /// `true` signs PS256, `false` RS256.
    Rsa(Box<RsaPrivateKey>, bool),
}

impl PrivateKey {
    /// A fresh key for `alg`. RSA 2048 takes a moment.
    pub fn generate(alg: Alg) -> Self {
        match alg {
            Alg::EdDsa => {
                let mut secret = [0u8; 32];
                OsRng.fill_bytes(&mut secret);
                Self::Ed25519(ed25519_dalek::SigningKey::from_bytes(&secret))
            }
            Alg::Es256 => Self::P256(p256::ecdsa::SigningKey::random(&mut OsRng)),
            Alg::Es512 => Self::P521(p521::ecdsa::SigningKey::random(&mut OsRng)),
            Alg::Rs256 | Alg::Ps256 => {
                let key = RsaPrivateKey::new(&mut OsRng, RSA_BITS)
                    .expect("generating an RSA 2048 key cannot fail with the OS RNG");
                Self::Rsa(Box::new(key), alg == Alg::Ps256)
            }
        }
    }

    /// From a private JWK, with the `alg` its tokens carry: the JWK's own
    /// (EdDSA, or Ed25519 as RFC 9864 names it), or the one its curve
    /// implies; an RSA key without `alg` signs RS256.
    pub fn from_jwk(jwk: &Value) -> Result<(Self, String), KeyError> {
        let alg = text(jwk, "alg");
        let unsupported = |what: &str| KeyError::Unsupported(what.to_owned());
        let key = match (text(jwk, "kty"), text(jwk, "crv")) {
            (Some("OKP"), Some("Ed25519")) => {
                let d = <[u8; 32]>::try_from(bytes(jwk, "d")?)
                    .map_err(|_| unsupported("`d` is not 32 bytes"))?;
                Self::Ed25519(ed25519_dalek::SigningKey::from_bytes(&d))
            }
            (Some("EC"), Some("P-256")) => Self::P256(
                p256::ecdsa::SigningKey::from_slice(&bytes(jwk, "d")?)
                    .map_err(|_| unsupported("`d` is not a P-256 scalar"))?,
            ),
            (Some("EC"), Some("P-521")) => Self::P521(
                p521::ecdsa::SigningKey::from_slice(&bytes(jwk, "d")?)
                    .map_err(|_| unsupported("`d` is not a P-521 scalar"))?,
            ),
            (Some("RSA"), _) => Self::Rsa(Box::new(rsa_from_jwk(jwk)?), alg == Some("PS256")),
            (kty, crv) => {
                return Err(KeyError::Unsupported(format!(
                    "kty {kty:?} crv {crv:?} (OKP Ed25519, EC P-256 or P-521, or RSA)"
                )));
            }
        };
        let implied = key.implied_alg();
        let alg = match (alg, &key) {
            (None, _) => implied.to_owned(),
            (Some("Ed25519"), Self::Ed25519(_)) => "Ed25519".to_owned(),
            (Some("RS256" | "PS256"), Self::Rsa(..)) => alg.unwrap_or(implied).to_owned(),
            (Some(alg), _) if alg == implied => implied.to_owned(),
            (Some(alg), _) => {
                return Err(KeyError::Unsupported(format!(
                    "`alg` {alg} does not go with this key (expected {implied})"
                )));
            }
        };
        Ok((key, alg))
    }

    fn implied_alg(&self) -> &'static str {
        match self {
            Self::Ed25519(_) => Alg::EdDsa.name(),
            Self::P256(_) => Alg::Es256.name(),
            Self::P521(_) => Alg::Es512.name(),
            Self::Rsa(_, true) => Alg::Ps256.name(),
            Self::Rsa(_, false) => Alg::Rs256.name(),
        }
    }

    /// The public members, in the order Node's JWK export writes them (and
    /// so Better Auth publishes them).
    pub fn public_members(&self) -> Value {
        match self {
            Self::Ed25519(key) => json!({
                "crv": "Ed25519",
                "x": encode(&key.verifying_key().to_bytes()),
                "kty": "OKP",
            }),
            Self::P256(key) => ec_members(
                "P-256",
                key.verifying_key().to_encoded_point(false).as_bytes(),
            ),
            Self::P521(key) => ec_members(
                "P-521",
                p521::ecdsa::VerifyingKey::from(key)
                    .to_encoded_point(false)
                    .as_bytes(),
            ),
            Self::Rsa(key, _) => json!({
                "kty": "RSA",
                "n": encode(&key.n().to_bytes_be()),
                "e": encode(&key.e().to_bytes_be()),
            }),
        }
    }

    /// The public members plus the private ones.
    pub fn private_members(&self) -> Value {
        let mut members = self.public_members();
        match self {
            Self::Ed25519(key) => members["d"] = json!(encode(&key.to_bytes())),
            Self::P256(key) => members["d"] = json!(encode(&key.to_bytes())),
            Self::P521(key) => members["d"] = json!(encode(&key.to_bytes())),
            Self::Rsa(key, _) => {
                let uint = |value: &BigUint| json!(encode(&value.to_bytes_be()));
                let primes = key.primes();
                members["d"] = uint(key.d());
                members["p"] = uint(&primes[0]);
                members["q"] = uint(&primes[1]);
                if let (Some(dp), Some(dq), Some(qi)) = (key.dp(), key.dq(), key.qinv()) {
                    members["dp"] = uint(dp);
                    members["dq"] = uint(dq);
                    members["qi"] = json!(encode(&qi.to_bytes_be().1));
                }
            }
        }
        members
    }

    /// The JWS signature of `input` (RFC 7518 §3).
    pub fn sign(&self, input: &[u8]) -> Vec<u8> {
        match self {
            Self::Ed25519(key) => ed25519_dalek::Signer::sign(key, input).to_bytes().to_vec(),
            Self::P256(key) => {
                let signature: p256::ecdsa::Signature = key.sign(input);
                signature.to_bytes().to_vec()
            }
            Self::P521(key) => {
                let signature: p521::ecdsa::Signature = key.sign(input);
                signature.to_bytes().to_vec()
            }
            Self::Rsa(key, false) => rsa::pkcs1v15::SigningKey::<Sha256>::new(key.as_ref().clone())
                .sign(input)
                .to_vec(),
            Self::Rsa(key, true) => {
                rsa::pss::BlindedSigningKey::<Sha256>::new(key.as_ref().clone())
                    .sign_with_rng(&mut OsRng, input)
                    .to_vec()
            }
        }
    }

    /// Whether `signature` is this key's JWS signature of `input`.
    pub fn verifies(&self, input: &[u8], signature: &[u8]) -> bool {
        use rsa::signature::Verifier as _;
        match self {
            Self::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verifying_key().verify(input, &signature).is_ok()),
            Self::P256(key) => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verifying_key().verify(input, &signature).is_ok()),
            Self::P521(key) => {
                p521::ecdsa::Signature::from_slice(signature).is_ok_and(|signature| {
                    p521::ecdsa::VerifyingKey::from(key)
                        .verify(input, &signature)
                        .is_ok()
                })
            }
            Self::Rsa(key, pss) => {
                let public = key.to_public_key();
                if *pss {
                    rsa::pss::Signature::try_from(signature).is_ok_and(|signature| {
                        rsa::pss::VerifyingKey::<Sha256>::new(public)
                            .verify(input, &signature)
                            .is_ok()
                    })
                } else {
                    rsa::pkcs1v15::Signature::try_from(signature).is_ok_and(|signature| {
                        rsa::pkcs1v15::VerifyingKey::<Sha256>::new(public)
                            .verify(input, &signature)
                            .is_ok()
                    })
                }
            }
        }
    }
}

/// An EC key's members from its SEC1 uncompressed point (`04‖x‖y`).
fn ec_members(curve: &str, point: &[u8]) -> Value {
    let (x, y) = point[1..].split_at((point.len() - 1) / 2);
    json!({"kty": "EC", "x": encode(x), "y": encode(y), "crv": curve})
}

fn rsa_from_jwk(jwk: &Value) -> Result<RsaPrivateKey, KeyError> {
    let uint = |name: &str| bytes(jwk, name).map(|bytes| BigUint::from_bytes_be(&bytes));
    RsaPrivateKey::from_components(
        uint("n")?,
        uint("e")?,
        uint("d")?,
        vec![uint("p")?, uint("q")?],
    )
    .map_err(|error| KeyError::Unsupported(format!("not an RSA private key: {error}")))
}
