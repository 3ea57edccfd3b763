//! A JWKS document turned into verification keys: which of its keys this
//! server can use, the one algorithm each key is for, and the check of a
//! signature with it.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey};
use p521::ecdsa::signature::Verifier as _;
use serde_json::Value;

use super::error::JwksError;

/// The algorithms a JWKS key can be for here, as a token header names them.
/// `Ed25519` is RFC 9864's name for EdDSA over Ed25519.
pub(super) const SUPPORTED: [&str; 7] = [
    "EdDSA", "Ed25519", "ES256", "ES384", "ES512", "RS256", "PS256",
];

/// A public key, with the one algorithm it verifies.
#[derive(Clone)]
pub(super) enum Key {
    /// What `jsonwebtoken` verifies.
    Jwt(DecodingKey, Algorithm),
    /// ES512 (P-521), which `jsonwebtoken` lacks.
    Es512(p521::ecdsa::VerifyingKey),
}

impl Key {
    /// Whether a token whose header names `alg` may be checked with this
    /// key: the algorithm comes from the key, the header may only agree.
    pub(super) fn accepts(&self, alg: &str) -> bool {
        match self {
            Self::Jwt(_, Algorithm::EdDSA) => alg == "EdDSA" || alg == "Ed25519",
            Self::Jwt(_, algorithm) => alg == name(*algorithm),
            Self::Es512(_) => alg == "ES512",
        }
    }

    /// Whether `signature` (base64url) signs `message` under this key.
    pub(super) fn verifies(&self, message: &[u8], signature: &str) -> bool {
        match self {
            Self::Jwt(key, algorithm) => {
                jsonwebtoken::crypto::verify(signature, message, key, *algorithm).unwrap_or(false)
            }
            Self::Es512(key) => URL_SAFE_NO_PAD
                .decode(signature)
                .ok()
                .and_then(|bytes| p521::ecdsa::Signature::from_slice(&bytes).ok())
                .is_some_and(|signature| key.verify(message, &signature).is_ok()),
        }
    }
}

pub(super) type Keys = HashMap<String, Key>;

/// The usable public keys of a JWKS, by kid. Symmetric (`oct`) keys are
/// skipped: a JWKS never vouches for an HMAC secret.
pub(super) fn parse(document: &Value) -> Result<Keys, JwksError> {
    let keys = document
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| JwksError::Invalid("no `keys` array".to_owned()))?;
    let mut usable = Keys::new();
    for key in keys {
        let Some(kid) = key.get("kid").and_then(Value::as_str) else {
            tracing::warn!("skipping a JWKS key without kid");
            continue;
        };
        if let Some(entry) = key_of(key) {
            usable.insert(kid.to_owned(), entry);
        } else {
            tracing::warn!(kid, "skipping a JWKS key this server cannot use");
        }
    }
    Ok(usable)
}

fn key_of(key: &Value) -> Option<Key> {
    let text = |field: &str| key.get(field).and_then(Value::as_str);
    if (text("kty"), text("crv")) == (Some("EC"), Some("P-521")) {
        return p521_key(key).filter(|_| matches!(text("alg"), None | Some("ES512")));
    }
    let algorithm = algorithm_of(key)?;
    let jwk: Jwk = serde_json::from_value(key.clone()).ok()?;
    let decoding = DecodingKey::from_jwk(&jwk).ok()?;
    Some(Key::Jwt(decoding, algorithm))
}

/// A P-521 key from its `x` and `y` (66 bytes each).
fn p521_key(key: &Value) -> Option<Key> {
    let coordinate = |field: &str| {
        let text = key.get(field)?.as_str()?;
        URL_SAFE_NO_PAD.decode(text).ok()
    };
    let mut point = vec![0x04];
    point.extend(coordinate("x")?);
    point.extend(coordinate("y")?);
    p521::ecdsa::VerifyingKey::from_sec1_bytes(&point)
        .ok()
        .map(Key::Es512)
}

/// The algorithm a key is for, from its type and curve; a stated `alg` must
/// agree with them.
fn algorithm_of(key: &Value) -> Option<Algorithm> {
    let text = |field: &str| key.get(field).and_then(Value::as_str);
    let stated = text("alg");
    let derived = match (text("kty")?, text("crv")) {
        ("OKP", Some("Ed25519")) => Algorithm::EdDSA,
        ("EC", Some("P-256")) => Algorithm::ES256,
        ("EC", Some("P-384")) => Algorithm::ES384,
        ("RSA", _) => match stated {
            Some("PS256") => Algorithm::PS256,
            Some("RS256") | None => Algorithm::RS256,
            _ => return None,
        },
        _ => return None,
    };
    match stated {
        // RFC 9864 names EdDSA over Ed25519 `Ed25519`.
        Some("Ed25519") if derived == Algorithm::EdDSA => Some(derived),
        Some(alg) if alg != name(derived) => None,
        _ => Some(derived),
    }
}

fn name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::EdDSA => "EdDSA",
        Algorithm::ES256 => "ES256",
        Algorithm::ES384 => "ES384",
        Algorithm::RS256 => "RS256",
        Algorithm::PS256 => "PS256",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p521::ecdsa::signature::Signer as _;
    use serde_json::json;

    const X: &str = "AKAz_r0SyBfCqnw1AHvgcFP85mFMlYbje7Rb2Ti4dYw";

    #[test]
    fn keys_are_typed_by_their_curve_and_oct_keys_are_ignored() {
        let document = json!({"keys": [
            {"kty": "OKP", "crv": "Ed25519", "x": X, "kid": "ed"},
            {"kty": "OKP", "crv": "Ed25519", "alg": "Ed25519", "x": X, "kid": "rfc9864"},
            {"kty": "OKP", "crv": "Ed25519", "alg": "ES256", "x": X, "kid": "lying"},
            {"kty": "oct", "k": "c2VjcmV0", "alg": "HS256", "kid": "hmac"},
            {"kty": "OKP", "crv": "Ed25519", "x": X}
        ]});
        let keys = parse(&document).unwrap();
        let mut kids: Vec<&String> = keys.keys().collect();
        kids.sort();
        assert_eq!(kids, ["ed", "rfc9864"]);
        for kid in ["ed", "rfc9864"] {
            assert!(keys[kid].accepts("EdDSA") && keys[kid].accepts("Ed25519"));
            assert!(!keys[kid].accepts("ES256"));
        }
    }

    /// A P-521 key as Better Auth publishes it, and its signing half.
    fn p521_pair(alg: &str) -> (p521::ecdsa::SigningKey, Value) {
        let mut secret = [0u8; 66];
        secret[40..].copy_from_slice(&[7u8; 26]);
        let signing = p521::ecdsa::SigningKey::from_slice(&secret).unwrap();
        let point = p521::ecdsa::VerifyingKey::from(&signing).to_encoded_point(false);
        let jwk = json!({
            "alg": alg, "kty": "EC", "crv": "P-521", "kid": "p521",
            "x": URL_SAFE_NO_PAD.encode(point.x().unwrap()),
            "y": URL_SAFE_NO_PAD.encode(point.y().unwrap()),
        });
        (signing, jwk)
    }

    #[test]
    fn es512_signatures_verify_with_a_p521_key() {
        let (signing, jwk) = p521_pair("ES512");
        let keys = parse(&json!({"keys": [jwk]})).unwrap();
        let key = &keys["p521"];
        assert!(key.accepts("ES512") && !key.accepts("ES256"));
        let signature: p521::ecdsa::Signature = signing.sign(b"header.payload");
        let encoded = URL_SAFE_NO_PAD.encode(signature.to_bytes());
        assert_eq!(signature.to_bytes().len(), 132, "raw r||s, as JWS wants");
        assert!(key.verifies(b"header.payload", &encoded));
        assert!(!key.verifies(b"header.other", &encoded));
        assert!(!key.verifies(b"header.payload", "not base64!"));
    }

    #[test]
    fn a_p521_key_stating_another_algorithm_is_skipped() {
        let (_, jwk) = p521_pair("ES256");
        assert!(parse(&json!({"keys": [jwk]})).unwrap().is_empty());
    }
}
