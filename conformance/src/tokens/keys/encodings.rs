//! The forms a public key takes, as verifiers are handed their key: PEM
//! (SubjectPublicKeyInfo, or PKCS#1 for RSA), an OpenSSH key line, the JWK
//! as JSON text, DER, and the raw `x`/`n` member. A verifier that lets the
//! token choose HS256 uses whichever form it holds as the HMAC secret, and
//! libraries refuse only the forms on their list (see `report::hints`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1::EncodeRsaPublicKey as _;
use rsa::traits::PublicKeyParts as _;

use super::public::{Curve, Family, Material, PublicKey};

/// The fixed DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410).
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Encoding {
    PemSpki,
    /// RSA keys only.
    PemPkcs1,
    OpenSsh,
    JwkText,
    Der,
    Raw,
}

impl Encoding {
    pub const ALL: [Self; 6] = [
        Self::PemSpki,
        Self::PemPkcs1,
        Self::OpenSsh,
        Self::JwkText,
        Self::Der,
        Self::Raw,
    ];

    pub fn applies_to(self, family: Family) -> bool {
        self != Self::PemPkcs1 || family == Family::Rsa
    }

    /// How the attack names say it.
    pub fn describe(self, family: Family) -> &'static str {
        match (self, family) {
            (Self::PemSpki, _) => "as PEM (SubjectPublicKeyInfo)",
            (Self::PemPkcs1, _) => "as PEM (PKCS#1)",
            (Self::OpenSsh, _) => "as an OpenSSH key line",
            (Self::JwkText, _) => "as JWK text",
            (Self::Der, _) => "as DER",
            (Self::Raw, Family::Rsa) => "as the raw n bytes",
            (Self::Raw, _) => "as the raw x bytes",
        }
    }
}

impl PublicKey {
    /// The key in `encoding`; `None` when it has no such form (PKCS#1 of a
    /// key that is not RSA).
    pub fn encoded(&self, encoding: Encoding) -> Option<Vec<u8>> {
        match encoding {
            Encoding::PemSpki => Some(pem("PUBLIC KEY", &self.spki_der()?).into_bytes()),
            Encoding::PemPkcs1 => match &self.material {
                Material::Rsa(key) => {
                    Some(pem("RSA PUBLIC KEY", key.to_pkcs1_der().ok()?.as_bytes()).into_bytes())
                }
                _ => None,
            },
            Encoding::OpenSsh => Some(self.openssh_line().into_bytes()),
            Encoding::JwkText => Some(self.jwk.to_string().into_bytes()),
            Encoding::Der => self.spki_der(),
            Encoding::Raw => Some(match &self.material {
                Material::Ed25519(raw) => raw.clone(),
                Material::Ec(_, point) => point[1..=(point.len() - 1) / 2].to_vec(),
                Material::Rsa(key) => key.n().to_bytes_be(),
            }),
        }
    }

    /// The SubjectPublicKeyInfo DER (RFC 5280 §4.1).
    fn spki_der(&self) -> Option<Vec<u8>> {
        use rsa::pkcs8::EncodePublicKey as _;
        let document = match &self.material {
            Material::Ed25519(raw) => return Some([&ED25519_SPKI_PREFIX[..], raw].concat()),
            Material::Ec(Curve::P256, point) => p256::PublicKey::from_sec1_bytes(point)
                .ok()?
                .to_public_key_der(),
            Material::Ec(Curve::P384, point) => p384::PublicKey::from_sec1_bytes(point)
                .ok()?
                .to_public_key_der(),
            Material::Ec(Curve::P521, point) => p521::PublicKey::from_sec1_bytes(point)
                .ok()?
                .to_public_key_der(),
            Material::Rsa(key) => key.to_public_key_der(),
        };
        document.ok().map(|document| document.as_bytes().to_vec())
    }

    /// `type base64` in OpenSSH's authorized_keys form (RFC 4253 §6.6,
    /// RFC 5656 §3.1, RFC 8709 §4).
    fn openssh_line(&self) -> String {
        let (kind, fields): (String, Vec<Vec<u8>>) = match &self.material {
            Material::Ed25519(raw) => ("ssh-ed25519".to_owned(), vec![raw.clone()]),
            Material::Ec(curve, point) => (
                format!("ecdsa-sha2-{}", curve.ssh_name()),
                vec![curve.ssh_name().as_bytes().to_vec(), point.clone()],
            ),
            Material::Rsa(key) => (
                "ssh-rsa".to_owned(),
                vec![mpint(&key.e().to_bytes_be()), mpint(&key.n().to_bytes_be())],
            ),
        };
        let mut blob = Vec::new();
        for field in std::iter::once(kind.as_bytes().to_vec()).chain(fields) {
            let length = u32::try_from(field.len()).expect("a key field fits in 4 GiB");
            blob.extend(length.to_be_bytes());
            blob.extend(field);
        }
        format!("{kind} {}", STANDARD.encode(blob))
    }
}

/// An SSH mpint's bytes: big-endian, with a leading zero when the top bit
/// is set (RFC 4251 §5).
fn mpint(bytes: &[u8]) -> Vec<u8> {
    match bytes.first() {
        Some(first) if first & 0x80 != 0 => [&[0][..], bytes].concat(),
        _ => bytes.to_vec(),
    }
}

/// PEM with `label`, in 64-column lines (RFC 7468).
fn pem(label: &str, der: &[u8]) -> String {
    let encoded = STANDARD.encode(der);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(64)
        .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}
