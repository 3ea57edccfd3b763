//! JWKS mode: Better Auth's EdDSA tokens verified against a JWKS the test
//! serves on loopback, next to HS256 mode, with the issuer's failures.
//!
//! Signed with the test-only private key Better Auth exported in
//! fixtures/better-auth/variants/plain-key, in Better Auth's token format.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::State;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};
use todo_reference_server::config::{
    DEFAULT_JWKS_MAX_AGE, JwksConfig, JwksLocation, database_from_lookup,
};
use todo_reference_server::{Config, RunningServer, Secret, spawn};

const SECRET: &str = "jwks-test-secret-0123456789abcdef0123456789";
const PRIVATE_JWK: &str =
    include_str!("../../fixtures/better-auth/variants/plain-key/issuer-private.jwk.json");

/// A JWKS endpoint whose keys the test controls, counting fetches.
#[derive(Clone)]
struct Issuer {
    keys: Arc<Mutex<Value>>,
    fetches: Arc<AtomicUsize>,
}

async fn jwks(State(issuer): State<Issuer>) -> Json<Value> {
    issuer.fetches.fetch_add(1, Ordering::SeqCst);
    Json(issuer.keys.lock().unwrap().clone())
}

async fn start_issuer(keys: Value) -> (Issuer, String, tokio::task::JoinHandle<()>) {
    let issuer = Issuer {
        keys: Arc::new(Mutex::new(keys)),
        fetches: Arc::new(AtomicUsize::new(0)),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/api/auth/jwks", get(jwks))
        .with_state(issuer.clone());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (issuer, base, task)
}

fn private_key() -> (SigningKey, Value) {
    let jwk: Value = serde_json::from_str(PRIVATE_JWK).unwrap();
    let d = URL_SAFE_NO_PAD.decode(jwk["d"].as_str().unwrap()).unwrap();
    let key = SigningKey::from_bytes(&d.try_into().unwrap());
    let public =
        json!({"alg": "EdDSA", "crv": "Ed25519", "x": jwk["x"], "kty": "OKP", "kid": jwk["kid"]});
    (key, public)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A token in Better Auth's format: `{"alg":"EdDSA","kid":…}` and the user
/// fields plus `sub`, `iat`, `exp` (15 minutes), `iss` and `aud`.
fn better_auth_token(key: &SigningKey, kid: &str, sub: &str, base: &str, changes: Value) -> String {
    let mut claims = json!({
        "iat": now(), "name": "User A", "email": "a@example.test", "emailVerified": false,
        "image": null, "createdAt": "2026-11-25T09:44:32.372Z", "updatedAt": "2026-11-25T09:44:32.372Z",
        "id": sub, "sub": sub, "exp": now() + 900, "iss": base, "aud": base,
    });
    for (name, value) in changes.as_object().unwrap() {
        claims[name] = value.clone();
    }
    let header = json!({"alg": "EdDSA", "kid": kid});
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = key.sign(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    )
}

async fn server_for(secret: Option<&str>, base: &str, refresh: Duration) -> RunningServer {
    server_with(secret, base, refresh, DEFAULT_JWKS_MAX_AGE).await
}

async fn server_with(
    secret: Option<&str>,
    base: &str,
    refresh: Duration,
    max_age: Duration,
) -> RunningServer {
    let database = database_from_lookup(&|name| std::env::var(name).ok()).unwrap();
    let mut config = Config::new(Secret::new(SECRET).unwrap(), database);
    config.secret = secret.map(|secret| Secret::new(secret).unwrap());
    config.jwks = Some(JwksConfig {
        location: JwksLocation::Url(format!("{base}/api/auth/jwks")),
        issuer: base.to_owned(),
        audience: base.to_owned(),
        refresh_interval: refresh,
        max_age,
    });
    spawn(config).await.expect("the server starts")
}

async fn status(url: &str, token: Option<&str>) -> u16 {
    let mut request = reqwest::Client::new().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn better_auth_tokens_next_to_hs256_and_what_the_issuer_can_break() {
    let (key, public) = private_key();
    let kid = public["kid"].as_str().unwrap().to_owned();
    let (issuer, base, issuer_task) = start_issuer(json!({"keys": [public]})).await;
    let server = server_for(Some(SECRET), &base, Duration::from_secs(3600)).await;
    let tasks = |sub: &str| format!("{}/api/{sub}/tasks", server.url());

    // A Better Auth token works; tasks need no users row.
    let token = better_auth_token(&key, &kid, "ba-user-1", &base, json!({}));
    assert_eq!(status(&tasks("ba-user-1"), Some(&token)).await, 200);
    assert_eq!(
        issuer.fetches.load(Ordering::SeqCst),
        1,
        "fetched once, lazily"
    );
    assert_eq!(status(&tasks("ba-user-1"), Some(&token)).await, 200);
    assert_eq!(
        issuer.fetches.load(Ordering::SeqCst),
        1,
        "then served from the cache"
    );

    // HS256 with the secret works alongside.
    let hs256 = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({"sub": "hs-user", "exp": now() + 600}),
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    assert_eq!(status(&tasks("hs-user"), Some(&hs256)).await, 200);

    // Wrong issuer, wrong audience, expired, no aud: refused.
    for changes in [
        json!({"iss": "https://evil.example"}),
        json!({"aud": "https://evil.example"}),
        json!({"exp": now() - 3600}),
        json!({"aud": null}),
    ] {
        let token = better_auth_token(&key, &kid, "ba-user-1", &base, changes.clone());
        assert_eq!(
            status(&tasks("ba-user-1"), Some(&token)).await,
            401,
            "{changes}"
        );
    }

    // Key confusion: HS256 signed with the public key is checked against the
    // secret only, and fails.
    let x = URL_SAFE_NO_PAD
        .decode(
            issuer.keys.lock().unwrap()["keys"][0]["x"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    let confused = jsonwebtoken::encode(
        &jsonwebtoken::Header {
            kid: Some(kid.clone()),
            ..Default::default()
        },
        &json!({"sub": "ba-user-1", "exp": now() + 600, "iss": base, "aud": base}),
        &jsonwebtoken::EncodingKey::from_secret(&x),
    )
    .unwrap();
    assert_eq!(status(&tasks("ba-user-1"), Some(&confused)).await, 401);

    // Garbage kids refresh the set at most once per interval; the first
    // fetch began this one, so they fetch nothing at all.
    let before = issuer.fetches.load(Ordering::SeqCst);
    for n in 0..5 {
        let token = better_auth_token(&key, &format!("garbage-{n}"), "ba-user-1", &base, json!({}));
        assert_eq!(status(&tasks("ba-user-1"), Some(&token)).await, 401);
    }
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), before);

    // With the issuer gone, a key the server must fetch is a 503 (here on a
    // second, JWKS-only server that never saw the keys), while the first
    // server's cached key still works.
    issuer_task.abort();
    let _ = issuer_task.await;
    let orphan = server_for(None, &base, Duration::from_secs(1)).await;
    let unknown = better_auth_token(&key, &kid, "ba-user-1", &base, json!({}));
    assert_eq!(
        status(
            &format!("{}/api/ba-user-1/tasks", orphan.url()),
            Some(&unknown)
        )
        .await,
        503
    );
    assert_eq!(status(&format!("{}/health", orphan.url()), None).await, 200);
    assert_eq!(status(&tasks("ba-user-1"), Some(&token)).await, 200);
    orphan.shutdown().await.unwrap();
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn without_a_secret_there_is_no_register_or_login_and_no_hs256() {
    let (key, public) = private_key();
    let kid = public["kid"].as_str().unwrap().to_owned();
    // Better Auth creates its key lazily: the set starts empty.
    let (issuer, base, _task) = start_issuer(json!({"keys": []})).await;
    let server = server_for(None, &base, Duration::from_secs(1)).await;
    let client = reqwest::Client::new();
    for route in ["register", "login"] {
        let answer = client
            .post(format!("{}/api/auth/{route}", server.url()))
            .json(&json!({"email": "a@example.test", "password": "password123"}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{route}");
    }
    let hs256 = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({"sub": "hs-user", "exp": now() + 600}),
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    assert_eq!(
        status(&format!("{}/api/hs-user/tasks", server.url()), Some(&hs256)).await,
        401
    );
    let token = better_auth_token(&key, &kid, "ba-user-2", &base, json!({}));
    let tasks = format!("{}/api/ba-user-2/tasks", server.url());
    assert_eq!(status(&tasks, Some(&token)).await, 401, "no such key yet");
    // The key appears; after the refresh interval one request fetches it.
    *issuer.keys.lock().unwrap() = json!({"keys": [public]});
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(status(&tasks, Some(&token)).await, 200);
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 2);
    server.shutdown().await.unwrap();
}

/// `public` under another `kid`: the same key material, as a rotation
/// that regenerates kids looks to a verifier.
fn under_kid(public: &Value, kid: &str) -> Value {
    let mut key = public.clone();
    key["kid"] = json!(kid);
    key
}

#[tokio::test]
async fn a_new_key_works_within_a_second_and_a_dropped_one_stops() {
    let (key, public) = private_key();
    let (issuer, base, _task) = start_issuer(json!({"keys": [under_kid(&public, "old")]})).await;
    let server = server_for(None, &base, Duration::from_secs(1)).await;
    let tasks = format!("{}/api/ba-user-3/tasks", server.url());
    let token = |kid: &str| better_auth_token(&key, kid, "ba-user-3", &base, json!({}));
    assert_eq!(status(&tasks, Some(&token("old"))).await, 200);
    // Rotation: the issuer publishes the new key and drops the old one.
    *issuer.keys.lock().unwrap() = json!({"keys": [under_kid(&public, "new")]});
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        status(&tasks, Some(&token("new"))).await,
        200,
        "a new key on its first use"
    );
    // That fetch replaced the set: the dropped key is refused (after one
    // more look at the set, once the interval has passed).
    assert_eq!(status(&tasks, Some(&token("old"))).await, 401);
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 3);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_new_key_right_after_a_garbage_kid_waits_for_the_next_fetch_and_works() {
    let (key, public) = private_key();
    let (issuer, base, _task) = start_issuer(json!({"keys": [under_kid(&public, "old")]})).await;
    let server = server_for(None, &base, Duration::from_secs(1)).await;
    let tasks = format!("{}/api/ba-user-5/tasks", server.url());
    let token = |kid: &str| better_auth_token(&key, kid, "ba-user-5", &base, json!({}));
    assert_eq!(status(&tasks, Some(&token("old"))).await, 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // A made-up kid takes the interval's one fetch...
    assert_eq!(status(&tasks, Some(&token("garbage"))).await, 401);
    // ...and the rotation that lands just after it is not refused for that.
    *issuer.keys.lock().unwrap() = json!({"keys": [under_kid(&public, "new")]});
    assert_eq!(
        status(&tasks, Some(&token("new"))).await,
        200,
        "a new key on its first use, even within the refresh interval"
    );
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 3);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_dropped_key_stops_working_within_the_max_age() {
    let (key, public) = private_key();
    let (issuer, base, _task) = start_issuer(json!({"keys": [under_kid(&public, "old")]})).await;
    let server = server_with(None, &base, Duration::from_secs(1), Duration::from_secs(1)).await;
    let tasks = format!("{}/api/ba-user-4/tasks", server.url());
    let old = better_auth_token(&key, "old", "ba-user-4", &base, json!({}));
    assert_eq!(status(&tasks, Some(&old)).await, 200);
    *issuer.keys.lock().unwrap() = json!({"keys": [under_kid(&public, "new")]});
    // Within the max age the cached set still holds it (no fetch per token).
    assert_eq!(status(&tasks, Some(&old)).await, 200);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        status(&tasks, Some(&old)).await,
        401,
        "past the max age, the set is fetched again"
    );
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 2);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn through_an_outage_the_keys_already_fetched_keep_working() {
    let (key, public) = private_key();
    let (_issuer, base, issuer_task) =
        start_issuer(json!({"keys": [under_kid(&public, "old")]})).await;
    let server = server_with(None, &base, Duration::from_secs(1), Duration::from_secs(1)).await;
    let tasks = format!("{}/api/ba-user-5/tasks", server.url());
    let token = |kid: &str| better_auth_token(&key, kid, "ba-user-5", &base, json!({}));
    assert_eq!(status(&tasks, Some(&token("old"))).await, 200);
    issuer_task.abort();
    let _ = issuer_task.await;
    // Past the max age, the fetch fails: the cached key still works, and a
    // key the server never had is a 503.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(status(&tasks, Some(&token("old"))).await, 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(status(&tasks, Some(&token("unknown"))).await, 503);
    server.shutdown().await.unwrap();
}
