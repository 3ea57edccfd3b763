//! A JWKS document turned into decoding keys: which of its keys this server
//! can use, and the one algorithm each key is for.

use std::collections::HashMap;

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

use super::error::JwksError;

/// The algorithms a JWKS key can be for here.
pub(super) const SUPPORTED: [&str; 5] = ["EdDSA", "ES256", "ES384", "RS256", "PS256"];

pub(super) type Keys = HashMap<String, (DecodingKey, Algorithm)>;

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
        if let Some(entry) = algorithm_of(key)
            .and_then(|algorithm| decoding_key(key).map(|decoding| (decoding, algorithm)))
        {
            usable.insert(kid.to_owned(), entry);
        } else {
            tracing::warn!(kid, "skipping a JWKS key this server cannot use");
        }
    }
    Ok(usable)
}

fn decoding_key(key: &Value) -> Option<DecodingKey> {
    let jwk: Jwk = serde_json::from_value(key.clone()).ok()?;
    DecodingKey::from_jwk(&jwk).ok()
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

pub(super) fn name(algorithm: Algorithm) -> &'static str {
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
    use serde_json::json;

    #[test]
    fn keys_are_typed_by_their_curve_and_oct_keys_are_ignored() {
        let document = json!({"keys": [
            {"kty": "OKP", "crv": "Ed25519", "x": "AKAz_r0SyBfCqnw1AHvgcFP85mFMlYbje7Rb2Ti4dYw", "kid": "ed"},
            {"kty": "OKP", "crv": "Ed25519", "alg": "Ed25519", "x": "AKAz_r0SyBfCqnw1AHvgcFP85mFMlYbje7Rb2Ti4dYw", "kid": "rfc9864"},
            {"kty": "OKP", "crv": "Ed25519", "alg": "ES256", "x": "AKAz_r0SyBfCqnw1AHvgcFP85mFMlYbje7Rb2Ti4dYw", "kid": "lying"},
            {"kty": "oct", "k": "c2VjcmV0", "alg": "HS256", "kid": "hmac"},
            {"kty": "OKP", "crv": "Ed25519", "x": "AKAz_r0SyBfCqnw1AHvgcFP85mFMlYbje7Rb2Ti4dYw"}
        ]});
        let keys = parse(&document).unwrap();
        let mut kids: Vec<&String> = keys.keys().collect();
        kids.sort();
        assert_eq!(kids, ["ed", "rfc9864"]);
        assert_eq!(keys["ed"].1, Algorithm::EdDSA);
        assert_eq!(keys["rfc9864"].1, Algorithm::EdDSA);
    }
}
