//! `/api/auth`: register, login and logout.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use crate::common::Api;

#[tokio::test]
async fn register_returns_a_working_token_and_the_user() {
    let api = Api::new();
    let email = format!("New-{}@Example.TEST", uuid::Uuid::new_v4());
    let reply = api
        .call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({"email": email, "password": "password123", "name": "Ada"})),
        )
        .await;
    let body = reply.expect(201).json();
    assert_eq!(body["user"]["email"], email.to_lowercase());
    assert_eq!(body["user"]["name"], "Ada");
    let token = body["token"].as_str().unwrap();
    let tasks = format!("/api/{}/tasks", body["user"]["id"].as_str().unwrap());
    api.call(Method::GET, &tasks, Some(token), None)
        .await
        .expect(200);
}

#[tokio::test]
async fn register_rejects_a_taken_email_whatever_its_case() {
    let api = Api::new();
    let user = api.register().await;
    let reply = api
        .call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({"email": user.email.to_uppercase(), "password": "password123"})),
        )
        .await;
    reply.expect(409);
}

#[tokio::test]
async fn register_rejects_invalid_emails_and_passwords_with_400() {
    let api = Api::new();
    let unique = uuid::Uuid::new_v4();
    for (email, password) in [
        ("not-an-email".to_owned(), "password123".to_owned()),
        (format!("{unique}@nodot"), "password123".to_owned()),
        (format!("a{unique}@example.test"), "short12".to_owned()),
        (format!("b{unique}@example.test"), "x".repeat(129)),
    ] {
        let reply = api
            .call(
                Method::POST,
                "/api/auth/register",
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await;
        reply.expect(400);
    }
    // The boundaries themselves are accepted.
    for password in ["x".repeat(8), "y".repeat(128)] {
        let email = format!("{}@example.test", uuid::Uuid::new_v4());
        api.call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({"email": email, "password": password})),
        )
        .await
        .expect(201);
    }
}

#[tokio::test]
async fn auth_bodies_that_are_not_the_right_json_get_422() {
    let api = Api::new();
    for path in ["/api/auth/register", "/api/auth/login"] {
        for body in [
            json!({"email": "a@example.test"}),
            json!({"password": "password123"}),
            json!({"email": 42, "password": "password123"}),
            json!(["a@example.test", "password123"]),
        ] {
            api.call(Method::POST, path, None, Some(body))
                .await
                .expect(422);
        }
        let garbage = api
            .request(Method::POST, path)
            .header("content-type", "application/json")
            .body("{\"email\": ");
        api.send(garbage).await.expect(422);
    }
}

#[tokio::test]
async fn login_returns_a_fresh_token() {
    let api = Api::new();
    let user = api.register().await;
    let body = api
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": user.email.to_uppercase(), "password": "correct horse battery"})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(body["user"]["id"], user.id);
    let token = body["token"].as_str().unwrap();
    api.call(Method::GET, &user.tasks(), Some(token), None)
        .await
        .expect(200);
}

#[tokio::test]
async fn login_failures_look_the_same_for_unknown_email_and_wrong_password() {
    let api = Api::new();
    let user = api.register().await;
    let login = |email: String, password: &'static str| {
        let api = &api;
        async move {
            let started = Instant::now();
            let reply = api
                .call(
                    Method::POST,
                    "/api/auth/login",
                    None,
                    Some(json!({"email": email, "password": password})),
                )
                .await;
            (reply, started.elapsed())
        }
    };
    let mut wrong_password = Duration::MAX;
    let mut unknown_email = Duration::MAX;
    let mut bodies = Vec::new();
    for _ in 0..3 {
        let (reply, elapsed) = login(user.email.clone(), "wrong password").await;
        reply.expect(401);
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
        bodies.push(reply.body.clone());
        wrong_password = wrong_password.min(elapsed);
        let (reply, elapsed) = login(
            format!("nobody-{}@example.test", uuid::Uuid::new_v4()),
            "wrong password",
        )
        .await;
        reply.expect(401);
        bodies.push(reply.body.clone());
        unknown_email = unknown_email.min(elapsed);
    }
    assert!(
        bodies.windows(2).all(|pair| pair[0] == pair[1]),
        "bodies differ"
    );
    // An unknown email still pays for a password hash check. Without the dummy
    // hash it would answer many times faster than a wrong password.
    assert!(
        unknown_email * 3 > wrong_password,
        "unknown email answered in {unknown_email:?}, wrong password in {wrong_password:?}"
    );
}

#[tokio::test]
async fn logout_needs_a_valid_token_and_leaves_it_valid() {
    let api = Api::new();
    let user = api.register().await;
    api.call(Method::POST, "/api/auth/logout", None, None)
        .await
        .expect(401);
    api.call(Method::POST, "/api/auth/logout", Some("garbage"), None)
        .await
        .expect(401);
    api.call(Method::POST, "/api/auth/logout", Some(&user.token), None)
        .await
        .expect(200);
    // Stateless tokens: still valid until they expire.
    api.call(Method::GET, &user.tasks(), Some(&user.token), None)
        .await
        .expect(200);
}
