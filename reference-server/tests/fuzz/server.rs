//! The code under test, set up once: the verifier with both modes, and the
//! ways into it (the `Authorization` header, the verifier alone, a request
//! body), each answering with a verdict.

use std::future::Future;
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use proptest::test_runner::TestCaseError;
use serde_json::{Value, json};
use todo_reference_server::tokens::{JwksVerifier, TokenError, TokenKeys, Verifier};
use todo_reference_server::{AppError, AppJson, Secret, authenticate};

pub const SECRET: &str = "fuzz-secret-0123456789abcdef0123456789abcdef";
/// Both the required `iss` and `aud` of EdDSA tokens, as with Better Auth.
pub const ISSUER: &str = "https://issuer.test";
pub const KID: &str = "fuzz-key";
pub const LEEWAY: Duration = Duration::from_secs(30);

/// The verifier, and the keys that sign the tokens it must accept.
pub struct Keys {
    pub verifier: Verifier,
    pub ed25519: SigningKey,
    /// The public JWK, which an attacker knows too.
    pub jwk: Value,
}

pub static KEYS: LazyLock<Keys> = LazyLock::new(|| {
    let ed25519 = SigningKey::from_bytes(&[0x5a; 32]);
    let jwk = public_jwk(&ed25519, KID);
    let hs256 = TokenKeys::new(
        &Secret::new(SECRET).expect("a long secret"),
        Duration::from_secs(3600),
        LEEWAY,
    );
    let jwks = JwksVerifier::from_file(&jwks_file(&jwk), ISSUER, ISSUER, LEEWAY)
        .expect("the JWKS verifier");
    Keys {
        verifier: Verifier::new(Some(hs256), Some(jwks)),
        ed25519,
        jwk,
    }
});

pub fn public_jwk(key: &SigningKey, kid: &str) -> Value {
    let x = URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes());
    json!({"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "kid": kid, "x": x})
}

/// The verifier reads its JWKS from a file.
fn jwks_file(jwk: &Value) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("fuzz-jwks-{}.json", std::process::id()));
    std::fs::write(&path, json!({"keys": [jwk]}).to_string()).expect("write the JWKS");
    path
}

thread_local! {
    /// Nothing here does I/O (the JWKS is a file, the bodies are in memory):
    /// a current-thread runtime per test thread is enough, and cheaper than
    /// one per case.
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
}

fn block_on<F: Future>(future: F) -> F::Output {
    RUNTIME.with(|runtime| runtime.block_on(future))
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// Who the request with these `Authorization` values is, if anyone. A
/// refusal must be a 401, or a 400 for several headers: never a 5xx.
pub fn header_user(values: &[Vec<u8>]) -> Result<Option<String>, TestCaseError> {
    let mut headers = HeaderMap::new();
    for value in values {
        // The HTTP layer refuses what is no header value.
        let Ok(value) = HeaderValue::from_bytes(value) else {
            return Ok(None);
        };
        headers.append(AUTHORIZATION, value);
    }
    match block_on(authenticate(&headers, &KEYS.verifier)) {
        Ok(caller) => Ok(Some(caller.user_id)),
        Err(AppError::Unauthorized(_) | AppError::BadRequest(_)) => Ok(None),
        Err(other) => Err(TestCaseError::fail(format!("not a refusal: {other:?}"))),
    }
}

/// Who `Authorization: Bearer <token>` authenticates, if anyone.
pub fn bearer_user(token: &[u8]) -> Result<Option<String>, TestCaseError> {
    header_user(&[[b"Bearer ", token].concat()])
}

/// Who the verifier alone says `token` is, if anyone: no header parsing, so
/// strings no header could carry get there too.
pub fn verifier_user(token: &[u8]) -> Result<Option<String>, TestCaseError> {
    let Ok(token) = std::str::from_utf8(token) else {
        return Ok(None);
    };
    match block_on(KEYS.verifier.verify(token)) {
        Ok(claims) => Ok(Some(claims.sub)),
        Err(TokenError::IssuerUnavailable(error)) => Err(TestCaseError::fail(format!(
            "a JWKS file cannot be unavailable: {error}"
        ))),
        Err(_) => Ok(None),
    }
}

/// Who `token` is, both ways in: by the request header, by the verifier.
pub fn users_of(token: &[u8]) -> Result<[Option<String>; 2], TestCaseError> {
    Ok([bearer_user(token)?, verifier_user(token)?])
}

/// The body as a route reads it: `AppJson`, then `validate`.
pub fn read_body<T, V>(
    bytes: &[u8],
    content_type: Option<&str>,
    validate: impl FnOnce(T) -> Result<V, AppError>,
) -> Result<V, AppError>
where
    AppJson<T>: FromRequest<(), Rejection = AppError>,
{
    let mut request = Request::post("/api/user/tasks");
    if let Some(content_type) = content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    let request = request.body(Body::from(bytes.to_vec())).expect("a request");
    let AppJson(body) = block_on(AppJson::<T>::from_request(request, &()))?;
    validate(body)
}
