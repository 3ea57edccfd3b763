//! The per-request cost of authentication, through the real `Verifier`:
//! verifying a token alone, and the whole `Authorization` header path
//! (`authenticate`: header parsing, then verification), for HS256 with the
//! secret and for Better Auth's EdDSA tokens against its JWKS.
//!
//! The EdDSA tokens are signed fresh, in Better Auth's format, with the
//! test-only key Better Auth exported in fixtures/better-auth/variants/plain-key,
//! and verified against that variant's captured JWKS.
//!
//! `cargo bench -p todo-reference-server --bench tokens`

use std::future::Future;
use std::hint::black_box;
use std::path::Path;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};
use todo_reference_server::authenticate;
use todo_reference_server::tokens::{JwksVerifier, TokenKeys, Verifier};
use todo_reference_server::{Secret, config};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../fixtures/better-auth/variants/plain-key"
);
/// Better Auth's base URL when the fixtures were captured: `iss` and `aud`.
const BETTER_AUTH: &str = "http://127.0.0.1:3000";
const SECRET: &str = "bench-secret-0123456789abcdef0123456789abcdef";
const SUB: &str = "ER52myxGlxrKPHGiRkvSSJHz7tdeCO9N";

/// A future that never waits, resolved without a runtime: the verifier
/// does no I/O here (HS256 is pure, the JWKS is in memory), so polling once
/// measures it and nothing else.
fn ready<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the verifier waited, though it has nothing to wait for"),
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// The server's HS256 mode, and a token it issued.
fn hs256() -> (Verifier, String) {
    let keys = TokenKeys::new(
        &Secret::new(SECRET).expect("a long secret"),
        config::DEFAULT_TOKEN_TTL,
        config::DEFAULT_LEEWAY,
    );
    let token = keys.issue(SUB, "user-a@example.test").expect("a token");
    (Verifier::new(Some(keys), None), token)
}

/// The server's JWKS mode, and a token in Better Auth's format.
fn eddsa() -> (Verifier, String) {
    let jwks = JwksVerifier::from_file(
        &Path::new(FIXTURE).join("jwks.json"),
        BETTER_AUTH,
        BETTER_AUTH,
        config::DEFAULT_LEEWAY,
    )
    .expect("the captured JWKS");
    (Verifier::new(None, Some(jwks)), better_auth_token())
}

fn better_auth_token() -> String {
    let private = std::fs::read_to_string(Path::new(FIXTURE).join("issuer-private.jwk.json"))
        .expect("the fixture's private key");
    let private: Value = serde_json::from_str(&private).expect("a JWK");
    let seed = URL_SAFE_NO_PAD
        .decode(private["d"].as_str().expect("d"))
        .expect("base64url");
    let key = SigningKey::from_bytes(&seed.try_into().expect("32 bytes"));
    let header = json!({"alg": "EdDSA", "kid": private["kid"]});
    let now = now();
    let claims = json!({
        "iat": now, "name": "User A", "email": "user-a@example.test", "emailVerified": false,
        "image": null, "createdAt": "2026-11-25T09:44:32.372Z",
        "updatedAt": "2026-11-25T09:44:32.372Z", "id": SUB, "sub": SUB,
        "exp": now + 900, "iss": BETTER_AUTH, "aud": BETTER_AUTH,
    });
    let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    let input = format!("{}.{}", encode(&header), encode(&claims));
    let signature = URL_SAFE_NO_PAD.encode(key.sign(input.as_bytes()).to_bytes());
    format!("{input}.{signature}")
}

fn bearer(token: &str) -> HeaderMap {
    let value = HeaderValue::from_str(&format!("Bearer {token}")).expect("a header value");
    HeaderMap::from_iter([(AUTHORIZATION, value)])
}

fn tokens(c: &mut Criterion) {
    for (mode, (verifier, token)) in [("hs256", hs256()), ("eddsa", eddsa())] {
        // A token that does not verify would measure a refusal.
        let claims = ready(verifier.verify(&token)).expect("the token verifies");
        assert_eq!(claims.sub, SUB);
        c.bench_function(&format!("verify/{mode}"), |b| {
            b.iter(|| ready(verifier.verify(black_box(&token))));
        });
        let headers = bearer(&token);
        c.bench_function(&format!("authenticate/{mode}"), |b| {
            b.iter(|| ready(authenticate(black_box(&headers), &verifier)));
        });
    }
}

criterion_group!(benches, tokens);
criterion_main!(benches);
