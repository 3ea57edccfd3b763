use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, jwk::Jwk};
use serde_json::{Value, json};

use super::private::PrivateKey;
use super::*;
use crate::tokens::jws::encode_segment;

const BASE: &str = "http://127.0.0.1:3000";

/// A token for `identity`, as Better Auth signs one.
fn token(identity: &SigningIdentity) -> String {
    let input = format!(
        "{}.{}",
        encode_segment(&identity.header()),
        encode_segment(&json!({"sub": "u", "exp": 4_000_000_000_u64}))
    );
    let signature = URL_SAFE_NO_PAD.encode(identity.key.sign(input.as_bytes()));
    format!("{input}.{signature}")
}

/// Whether an independent verifier accepts `token` under `jwk`.
fn verifies(token: &str, jwk: &Value, alg: Algorithm) -> bool {
    let jwk: Jwk = serde_json::from_value(jwk.clone()).unwrap();
    let mut validation = Validation::new(alg);
    validation.set_required_spec_claims(&["exp"]);
    decode::<Value>(token, &DecodingKey::from_jwk(&jwk).unwrap(), &validation).is_ok()
}

#[test]
fn every_algorithm_signs_what_its_published_key_verifies() {
    let algs = [
        (Alg::EdDsa, Algorithm::EdDSA),
        (Alg::Es256, Algorithm::ES256),
        (Alg::Rs256, Algorithm::RS256),
        (Alg::Ps256, Algorithm::PS256),
    ];
    for (alg, algorithm) in algs {
        let identity = SigningIdentity::generate(alg, BASE, BASE);
        let public = identity.public_jwk();
        let names: Vec<&str> = public
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(names.first(), Some(&"alg"), "{alg:?}");
        assert_eq!(names.last(), Some(&"kid"), "{alg:?}");
        assert!(public.get("use").is_none());
        let token = token(&identity);
        assert!(verifies(&token, &public, algorithm), "{alg:?}");
        // The private JWK reads back as the same key.
        let again = SigningIdentity::from_jwk(&identity.private_jwk(), BASE, BASE).unwrap();
        assert_eq!(again.public_jwk(), public, "{alg:?}");
        assert_eq!(again.alg, alg.name());
    }
}

#[test]
fn ecdsa_signatures_are_raw_r_and_s() {
    for (alg, length) in [(Alg::Es256, 64), (Alg::Es512, 132)] {
        let identity = SigningIdentity::generate(alg, BASE, BASE);
        assert_eq!(identity.key.sign(b"input").len(), length, "{alg:?}");
    }
    // ES512 is outside jsonwebtoken: verify with p521 itself.
    let identity = SigningIdentity::generate(Alg::Es512, BASE, BASE);
    let PrivateKey::P521(key) = &identity.key else {
        panic!("ES512 is P-521")
    };
    let signature = p521::ecdsa::Signature::from_slice(&identity.key.sign(b"input")).unwrap();
    let verifying = p521::ecdsa::VerifyingKey::from(key);
    assert!(p521::ecdsa::signature::Verifier::verify(&verifying, b"input", &signature).is_ok());
    assert_eq!(identity.public_jwk()["crv"], "P-521");
}

#[test]
fn an_ed25519_jwk_may_name_its_alg_ed25519() {
    let mut jwk = SigningIdentity::generate(Alg::EdDsa, BASE, BASE).private_jwk();
    jwk["alg"] = json!("Ed25519");
    let identity = SigningIdentity::from_jwk(&jwk, BASE, BASE).unwrap();
    assert_eq!(identity.header()["alg"], "Ed25519");
    let public = PublicKey::from_jwk(&identity.public_jwk()).unwrap();
    assert_eq!(public.family(), Family::Ed25519);
}

#[test]
fn a_key_set_reads_in_order_and_bad_files_say_why() {
    let dir = std::env::temp_dir().join(format!("keys-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys = [Alg::EdDsa, Alg::Es256].map(|alg| SigningIdentity::generate(alg, "", ""));
    let set = json!({"keys": keys.iter().map(SigningIdentity::private_jwk).collect::<Vec<_>>()});
    let path = dir.join("set.json");
    std::fs::write(&path, set.to_string()).unwrap();
    let read = SigningIdentity::read(&path, BASE, BASE).unwrap();
    assert_eq!(
        read.iter().map(|key| &key.kid).collect::<Vec<_>>(),
        [&keys[0].kid, &keys[1].kid]
    );
    std::fs::write(&path, r#"{"keys": []}"#).unwrap();
    assert!(matches!(
        SigningIdentity::read(&path, BASE, BASE),
        Err(KeyError::Read { .. })
    ));
    std::fs::write(&path, r#"{"kty": "oct", "k": "c2VjcmV0", "kid": "k"}"#).unwrap();
    assert!(matches!(
        SigningIdentity::read(&path, BASE, BASE),
        Err(KeyError::Unsupported(_))
    ));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn public_keys_of_every_type_are_read_and_encoded() {
    for alg in [Alg::EdDsa, Alg::Es256, Alg::Es512, Alg::Rs256] {
        let identity = SigningIdentity::generate(alg, BASE, BASE);
        let key = PublicKey::from_jwk(&identity.public_jwk()).unwrap();
        assert_eq!(key.kid, identity.kid);
        for encoding in Encoding::ALL {
            let encoded = key.encoded(encoding);
            assert_eq!(
                encoded.is_some(),
                encoding.applies_to(key.family()),
                "{alg:?} {encoding:?}"
            );
        }
        let pem = String::from_utf8(key.encoded(Encoding::PemSpki).unwrap()).unwrap();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
        let ssh = String::from_utf8(key.encoded(Encoding::OpenSsh).unwrap()).unwrap();
        let expected = match alg {
            Alg::EdDsa => "ssh-ed25519 ",
            Alg::Es256 => "ecdsa-sha2-nistp256 ",
            Alg::Es512 => "ecdsa-sha2-nistp521 ",
            _ => "ssh-rsa ",
        };
        assert!(ssh.starts_with(expected), "{ssh}");
    }
}

#[test]
fn the_ed25519_spki_is_rfc_8410s() {
    // RFC 8410 §10.1's example key.
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "kid": "k",
        "x": "Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE"});
    let key = PublicKey::from_jwk(&jwk).unwrap();
    let pem = String::from_utf8(key.encoded(Encoding::PemSpki).unwrap()).unwrap();
    assert_eq!(
        pem,
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n"
    );
}
