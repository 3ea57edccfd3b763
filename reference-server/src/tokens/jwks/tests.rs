//! The verifier against the captured Better Auth tokens, an unreachable
//! issuer, ES512 and RFC 9864's name, and the bounded warnings.

use super::*;

const BETTER_AUTH: &str = "http://127.0.0.1:3000";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/better-auth");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The captured tokens expired 15 minutes after their capture; a leeway
/// back to then lets the rest of the checks run on them.
fn since_capture() -> Duration {
    Duration::from_secs(crate::tokens::claims::unix_now().saturating_sub(1_795_599_000))
}

fn captured() -> JwksVerifier {
    let leeway = since_capture();
    JwksVerifier::from_file(
        Path::new(&format!("{FIXTURES}/jwks.json")),
        BETTER_AUTH,
        BETTER_AUTH,
        leeway,
    )
    .unwrap()
}

fn verify(verifier: &JwksVerifier, token: &str) -> Result<Claims, TokenError> {
    let header = crate::tokens::inspect(token).unwrap();
    runtime().block_on(verifier.verify(token, &header.alg, header.kid.as_deref()))
}

#[test]
fn real_better_auth_tokens_verify_against_their_jwks() {
    let verifier = captured();
    for file in ["token-user-a.jwt", "token-user-b.jwt"] {
        let claims = verify(&verifier, fixture(file).trim()).unwrap();
        assert!(!claims.sub.is_empty());
    }
}

#[test]
fn issuer_audience_and_key_must_match() {
    let token = fixture("token-user-a.jwt");
    let leeway = since_capture();
    let path = format!("{FIXTURES}/jwks.json");
    let other_issuer =
        JwksVerifier::from_file(Path::new(&path), "https://elsewhere", BETTER_AUTH, leeway)
            .unwrap();
    assert!(verify(&other_issuer, token.trim()).is_err());
    let other_audience =
        JwksVerifier::from_file(Path::new(&path), BETTER_AUTH, "https://elsewhere", leeway)
            .unwrap();
    assert!(verify(&other_audience, token.trim()).is_err());
    // The custom variant was signed by another key.
    let other_key = fixture("variants/custom/token-user-a.jwt");
    assert!(verify(&captured(), other_key.trim()).is_err());
}

#[test]
fn expired_captures_are_refused_with_the_normal_leeway() {
    let path = format!("{FIXTURES}/jwks.json");
    let verifier = JwksVerifier::from_file(
        Path::new(&path),
        BETTER_AUTH,
        BETTER_AUTH,
        Duration::from_secs(30),
    )
    .unwrap();
    assert!(verify(&verifier, fixture("token-user-a.jwt").trim()).is_err());
}

#[test]
fn an_unreachable_issuer_is_unavailable_and_not_hammered() {
    let runtime = runtime();
    let verifier = JwksVerifier::from_url(
        "http://127.0.0.1:9/api/auth/jwks",
        BETTER_AUTH,
        BETTER_AUTH,
        Duration::from_secs(30),
        Refresh {
            min_interval: Duration::from_secs(60),
            max_age: Duration::from_secs(60),
        },
    )
    .unwrap();
    let first = runtime.block_on(verifier.key("some-kid"));
    assert!(matches!(first, Err(TokenError::IssuerUnavailable(_))));
    let refreshed_at = || {
        runtime.block_on(async {
            verifier
                .last_refresh
                .lock()
                .await
                .as_ref()
                .map(|last| last.at)
        })
    };
    let started = refreshed_at();
    let second = runtime.block_on(verifier.key("another-kid"));
    assert!(matches!(second, Err(TokenError::IssuerUnavailable(_))));
    let after = refreshed_at();
    assert_eq!(
        started, after,
        "a second unknown kid within the interval must not refetch"
    );
}

/// A compact JWS of `claims` under `header`, signed by `sign`.
fn signed(header: &Value, claims: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = URL_SAFE_NO_PAD.encode(sign(input.as_bytes()));
    format!("{input}.{signature}")
}

#[test]
fn es512_tokens_and_the_rfc_9864_name_verify() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use p521::ecdsa::signature::Signer as _;
    let p521 = p521::ecdsa::SigningKey::from_slice(&[3u8; 65]).unwrap();
    let point = p521::ecdsa::VerifyingKey::from(&p521).to_encoded_point(false);
    let document = serde_json::json!({"keys": [{
        "alg": "ES512", "kty": "EC", "crv": "P-521", "kid": "es512",
        "x": URL_SAFE_NO_PAD.encode(point.x().unwrap()),
        "y": URL_SAFE_NO_PAD.encode(point.y().unwrap()),
    }]});
    let path = std::env::temp_dir().join(format!("jwks-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, document.to_string()).unwrap();
    let verifier = JwksVerifier::from_file(&path, BETTER_AUTH, BETTER_AUTH, Duration::ZERO);
    std::fs::remove_file(&path).unwrap();
    let verifier = verifier.unwrap();
    let now = crate::tokens::claims::unix_now();
    let claims =
        serde_json::json!({"sub": "u", "exp": now + 900, "iss": BETTER_AUTH, "aud": BETTER_AUTH});
    let sign = |input: &[u8]| {
        let signature: p521::ecdsa::Signature = p521.sign(input);
        signature.to_bytes().to_vec()
    };
    let es512 = signed(
        &serde_json::json!({"alg": "ES512", "kid": "es512"}),
        &claims,
        sign,
    );
    assert_eq!(verify(&verifier, &es512).unwrap().sub, "u");
    let lying = signed(
        &serde_json::json!({"alg": "ES256", "kid": "es512"}),
        &claims,
        sign,
    );
    assert!(matches!(
        verify(&verifier, &lying),
        Err(TokenError::Algorithm(_))
    ));

    // Better Auth's exported Ed25519 key, in a token that names its
    // algorithm `Ed25519`.
    let plain = format!("{FIXTURES}/variants/plain-key/jwks.json");
    let ed = JwksVerifier::from_file(Path::new(&plain), BETTER_AUTH, BETTER_AUTH, Duration::ZERO)
        .unwrap();
    let jwk: Value =
        serde_json::from_str(&fixture("variants/plain-key/issuer-private.jwk.json")).unwrap();
    let d = URL_SAFE_NO_PAD.decode(jwk["d"].as_str().unwrap()).unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&d.try_into().unwrap());
    let header = serde_json::json!({"alg": "Ed25519", "kid": jwk["kid"]});
    let named = signed(&header, &claims, |input| {
        use ed25519_dalek::Signer as _;
        key.sign(input).to_bytes().to_vec()
    });
    assert_eq!(verify(&ed, &named).unwrap().sub, "u");
}

#[test]
fn an_unverifiable_algorithm_is_warned_about_once_and_within_bounds() {
    let verifier = captured();
    for _ in 0..3 {
        let _ = runtime().block_on(verifier.verify("x.y.z", "ES256K", Some("k")));
    }
    for n in 0..100 {
        let kid = format!("kid-{n}");
        let _ = runtime().block_on(verifier.verify("x.y.z", "ES256K", Some(&kid)));
    }
    assert_eq!(verifier.warned.lock().unwrap().len(), WARNED_AT_MOST);
}
