//! Authentication on the task routes: missing, foreign, forged, expired and
//! malformed bearer tokens, and tokens of users another issuer registered.

use jsonwebtoken::{Algorithm, Header};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{self, Api, mint, mint_with, token_for, unix_now};
use crate::{task_count, task_routes};

#[tokio::test]
async fn every_task_route_needs_a_token() {
    let api = Api::new();
    let user = api.register().await;
    let task = api.create_task(&user, "private").await;
    let id = task["id"].as_str().unwrap();
    for (method, path, body) in task_routes(&user, id) {
        let reply = api.call(method.clone(), &path, None, body).await;
        reply.expect(401);
        assert_eq!(
            reply.header("www-authenticate"),
            Some("Bearer"),
            "{method} {path}"
        );
        assert!(
            !reply.text().contains("private"),
            "{method} {path} leaked task data"
        );
    }
}

#[tokio::test]
async fn other_schemes_and_empty_or_garbage_bearers_get_401() {
    let api = Api::new();
    let user = api.register().await;
    for (value, challenge) in [
        ("Basic dXNlcjpwYXNzd29yZA==", "Bearer"),
        ("Bearer", "Bearer"),
        ("Bearer ", "Bearer"),
        ("Bearer not-a-jwt", r#"Bearer error="invalid_token""#),
        ("Bearer a.b.c", r#"Bearer error="invalid_token""#),
    ] {
        let reply = api
            .send(
                api.request(Method::GET, &user.tasks())
                    .header("authorization", value),
            )
            .await;
        reply.expect(401);
        assert_eq!(reply.header("www-authenticate"), Some(challenge), "{value}");
        assert!(reply.json()["detail"].is_string(), "{value}");
    }
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let api = Api::new();
    let user = api.register().await;
    for scheme in ["bearer", "BEARER", "BeArEr"] {
        let request = api
            .request(Method::GET, &user.tasks())
            .header("authorization", format!("{scheme} {}", user.token));
        api.send(request).await.expect(200);
    }
}

#[tokio::test]
async fn forged_expired_and_malformed_tokens_get_401_invalid_token() {
    let api = Api::new();
    let user = api.register().await;
    let now = unix_now();
    let claims = json!({"sub": user.id, "exp": now + 600});
    let none_token = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&claims)
    );
    let (signed_part, _) = user.token.rsplit_once('.').unwrap();
    let forged = [
        (
            "wrong secret",
            mint_with(
                &Header::new(Algorithm::HS256),
                &claims,
                b"some-other-secret-0123456789abcdef0",
            ),
        ),
        ("alg none", none_token),
        ("signature stripped", format!("{signed_part}.")),
        (
            "HS512",
            mint_with(
                &Header::new(Algorithm::HS512),
                &claims,
                common::SECRET.as_bytes(),
            ),
        ),
        (
            "expired an hour ago",
            mint(&json!({"sub": user.id, "exp": now - 3600})),
        ),
        ("no exp", mint(&json!({"sub": user.id}))),
        ("no sub", mint(&json!({"exp": now + 600}))),
        ("numeric sub", mint(&json!({"sub": 1, "exp": now + 600}))),
        (
            "string exp",
            mint(&json!({"sub": user.id, "exp": (now + 600).to_string()})),
        ),
        (
            "nbf in the future",
            mint(&json!({"sub": user.id, "exp": now + 7200, "nbf": now + 3600})),
        ),
        (
            "oversized",
            mint(&json!({"sub": user.id, "exp": now + 600, "pad": "x".repeat(9000)})),
        ),
    ];
    for (attack, token) in forged {
        let reply = api
            .call(Method::GET, &user.tasks(), Some(&token), None)
            .await;
        assert_eq!(reply.status, 401, "{attack}: {}", reply.text());
        assert_eq!(
            reply.header("www-authenticate"),
            Some(r#"Bearer error="invalid_token""#),
            "{attack}"
        );
    }
    // Control: the same claims, properly signed, are accepted.
    api.call(Method::GET, &user.tasks(), Some(&mint(&claims)), None)
        .await
        .expect(200);
}

#[tokio::test]
async fn a_forged_write_does_not_happen() {
    let api = Api::new();
    let user = api.register().await;
    let claims = json!({"sub": user.id, "exp": unix_now() + 600});
    let forged = mint_with(
        &Header::new(Algorithm::HS256),
        &claims,
        b"some-other-secret-0123456789abcdef0",
    );
    api.call(
        Method::POST,
        &user.tasks(),
        Some(&forged),
        Some(json!({"title": "forged"})),
    )
    .await
    .expect(401);
    assert_eq!(task_count(&api, &user).await, 0);
}

#[tokio::test]
async fn two_authorization_headers_are_refused() {
    let api = Api::new();
    let alice = api.register().await;
    let bob = api.register().await;
    let request = api
        .request(Method::GET, &alice.tasks())
        .header("authorization", format!("Bearer {}", bob.token))
        .header("authorization", format!("Bearer {}", alice.token));
    api.send(request).await.expect(400);
}

#[tokio::test]
async fn tokens_from_another_issuer_need_no_user_row() {
    let api = Api::new();
    let sub = format!("external-{}", uuid::Uuid::new_v4());
    let token = token_for(&sub);
    let tasks = format!("/api/{sub}/tasks");
    let task = api
        .call(
            Method::POST,
            &tasks,
            Some(&token),
            Some(json!({"title": "from Better Auth"})),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(task["user_id"], sub);
    let listed = api
        .call(Method::GET, &tasks, Some(&token), None)
        .await
        .expect(200)
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

fn b64(value: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}
