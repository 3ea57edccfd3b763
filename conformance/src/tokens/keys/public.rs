//! A public key the target trusts, read from its JWKS: OKP Ed25519, EC
//! P-256, P-384 or P-521, or RSA. The key-confusion attacks use it in each
//! of its encodings, and the psychic ES256 signature names a P-256 one.

use rsa::{BigUint, RsaPublicKey};
use serde_json::Value;

use super::jwk::{bytes, text};

#[derive(Debug, Clone)]
pub struct PublicKey {
    pub kid: String,
    /// The `alg` the JWKS names, if it names one.
    pub alg: Option<String>,
    /// The JWK as published, for the JWK-text encoding.
    pub jwk: Value,
    pub material: Material,
}

#[derive(Debug, Clone)]
pub enum Material {
    /// The 32-byte key.
    Ed25519(Vec<u8>),
    /// The SEC1 uncompressed point (`04‖x‖y`).
    Ec(Curve, Vec<u8>),
    Rsa(RsaPublicKey),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Curve {
    P256,
    P384,
    P521,
}

/// A key type, as the key-confusion attacks group keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    Ed25519,
    Ec,
    Rsa,
}

impl Family {
    pub const ALL: [Self; 3] = [Self::Ed25519, Self::Ec, Self::Rsa];

    pub fn name(self) -> &'static str {
        match self {
            Self::Ed25519 => "Ed25519",
            Self::Ec => "EC",
            Self::Rsa => "RSA",
        }
    }
}

impl Curve {
    /// The JWK `crv`.
    pub fn jwk_name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
            Self::P521 => "P-521",
        }
    }

    /// The SSH curve name (RFC 5656 §6.1).
    pub fn ssh_name(self) -> &'static str {
        match self {
            Self::P256 => "nistp256",
            Self::P384 => "nistp384",
            Self::P521 => "nistp521",
        }
    }

    fn named(crv: &str) -> Option<Self> {
        [Self::P256, Self::P384, Self::P521]
            .into_iter()
            .find(|curve| curve.jwk_name() == crv)
    }

    /// Whether `point` is an uncompressed point on the curve.
    fn holds(self, point: &[u8]) -> bool {
        match self {
            Self::P256 => p256::PublicKey::from_sec1_bytes(point).is_ok(),
            Self::P384 => p384::PublicKey::from_sec1_bytes(point).is_ok(),
            Self::P521 => p521::PublicKey::from_sec1_bytes(point).is_ok(),
        }
    }
}

impl PublicKey {
    /// From a JWKS key; `None` for a key type the suite does not know, or
    /// a key that is not one.
    pub fn from_jwk(jwk: &Value) -> Option<Self> {
        let material = match (text(jwk, "kty")?, text(jwk, "crv")) {
            ("OKP", Some("Ed25519")) => {
                Material::Ed25519(bytes(jwk, "x").ok().filter(|x| x.len() == 32)?)
            }
            ("EC", Some(crv)) => {
                let curve = Curve::named(crv)?;
                let mut point = vec![0x04];
                point.extend(bytes(jwk, "x").ok()?);
                point.extend(bytes(jwk, "y").ok()?);
                curve.holds(&point).then_some(Material::Ec(curve, point))?
            }
            ("RSA", _) => {
                let uint = |name| bytes(jwk, name).ok().map(|b| BigUint::from_bytes_be(&b));
                Material::Rsa(RsaPublicKey::new(uint("n")?, uint("e")?).ok()?)
            }
            _ => return None,
        };
        Some(Self {
            kid: text(jwk, "kid").unwrap_or_default().to_owned(),
            alg: text(jwk, "alg").map(str::to_owned),
            jwk: jwk.clone(),
            material,
        })
    }

    pub fn family(&self) -> Family {
        match self.material {
            Material::Ed25519(_) => Family::Ed25519,
            Material::Ec(..) => Family::Ec,
            Material::Rsa(_) => Family::Rsa,
        }
    }

    pub fn is_p256(&self) -> bool {
        matches!(self.material, Material::Ec(Curve::P256, _))
    }

    /// `kid (alg)`, or the key type when the JWKS names no `alg`.
    pub fn describe(&self) -> String {
        let kind = match (&self.alg, &self.material) {
            (Some(alg), _) => alg.clone(),
            (None, Material::Ec(curve, _)) => format!("EC {}", curve.jwk_name()),
            (None, _) => self.family().name().to_owned(),
        };
        format!("{} ({kind})", self.kid)
    }
}
