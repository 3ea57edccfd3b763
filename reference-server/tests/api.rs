//! Every route and every status of the contract, over real HTTP against a
//! real Postgres. Each reply is also checked against contract/openapi.yaml.

mod common;

use std::time::{Duration, Instant};

use common::{Api, User, mint, mint_with, token_for, unix_now};
use jsonwebtoken::{Algorithm, Header};
use reqwest::Method;
use serde_json::{Value, json};

const NIL_UUID: &str = "00000000-0000-0000-0000-000000000000";

fn task_routes(user: &User, task_id: &str) -> Vec<(Method, String, Option<Value>)> {
    let update = json!({"title": "changed", "description": "changed", "completed": true});
    vec![
        (Method::GET, user.tasks(), None),
        (
            Method::POST,
            user.tasks(),
            Some(json!({"title": "intruder"})),
        ),
        (Method::GET, user.task(task_id), None),
        (Method::PUT, user.task(task_id), Some(update)),
        (Method::DELETE, user.task(task_id), None),
        (
            Method::PATCH,
            format!("{}/complete", user.task(task_id)),
            None,
        ),
    ]
}

async fn task_count(api: &Api, user: &User) -> usize {
    api.call(Method::GET, &user.tasks(), Some(&user.token), None)
        .await
        .expect(200)
        .json()
        .as_array()
        .expect("the list is an array")
        .len()
}

// --- /api/auth ------------------------------------------------------------

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

// --- authentication on task routes ----------------------------------------

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

// --- task CRUD --------------------------------------------------------------

#[tokio::test]
async fn full_crud() {
    let api = Api::new();
    let user = api.register().await;
    let token = Some(user.token.as_str());
    assert_eq!(
        api.call(Method::GET, &user.tasks(), token, None)
            .await
            .expect(200)
            .json(),
        json!([])
    );

    let created = api
        .call(
            Method::POST,
            &user.tasks(),
            token,
            Some(json!({"title": "  Buy milk  ", "description": "2 litres"})),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(created["title"], "Buy milk");
    assert_eq!(created["description"], "2 litres");
    assert_eq!(created["completed"], false);
    assert_eq!(created["user_id"], user.id);
    let id = created["id"].as_str().unwrap().to_owned();

    let read = api
        .call(Method::GET, &user.task(&id), token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(read, created);

    let updated = api
        .call(
            Method::PUT,
            &user.task(&id),
            token,
            Some(json!({"title": "Buy oat milk", "description": "1 litre", "completed": true})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(
        (
            &updated["title"],
            &updated["description"],
            &updated["completed"]
        ),
        (&json!("Buy oat milk"), &json!("1 litre"), &json!(true))
    );
    let reread = api
        .call(Method::GET, &user.task(&id), token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(reread, updated);
    assert!(timestamp(&reread["updated_at"]) > timestamp(&created["updated_at"]));
    assert_eq!(reread["created_at"], created["created_at"]);

    let toggle = format!("{}/complete", user.task(&id));
    let toggled = api
        .call(Method::PATCH, &toggle, token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(toggled["completed"], false);
    let toggled = api
        .call(Method::PATCH, &toggle, token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(toggled["completed"], true);
    let reread = api
        .call(Method::GET, &user.task(&id), token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(reread["completed"], true);

    let deleted = api.call(Method::DELETE, &user.task(&id), token, None).await;
    deleted.expect(204);
    assert!(deleted.body.is_empty());
    api.call(Method::GET, &user.task(&id), token, None)
        .await
        .expect(404);
    api.call(Method::DELETE, &user.task(&id), token, None)
        .await
        .expect(404);
    api.call(Method::PATCH, &toggle, token, None)
        .await
        .expect(404);
    assert_eq!(task_count(&api, &user).await, 0);
}

#[tokio::test]
async fn the_list_is_oldest_first_and_only_the_callers() {
    let api = Api::new();
    let user = api.register().await;
    let other = api.register().await;
    api.create_task(&other, "someone else's").await;
    for title in ["first", "second", "third"] {
        api.create_task(&user, title).await;
    }
    let list = api
        .call(Method::GET, &user.tasks(), Some(&user.token), None)
        .await
        .expect(200)
        .json();
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["first", "second", "third"]);
}

#[tokio::test]
async fn put_keeps_absent_fields_and_clears_a_null_description() {
    let api = Api::new();
    let user = api.register().await;
    let token = Some(user.token.as_str());
    let created = api
        .call(
            Method::POST,
            &user.tasks(),
            token,
            Some(json!({"title": "t", "description": "d"})),
        )
        .await
        .expect(201)
        .json();
    let path = user.task(created["id"].as_str().unwrap());
    api.call(Method::PATCH, &format!("{path}/complete"), token, None)
        .await
        .expect(200);

    let kept = api
        .call(Method::PUT, &path, token, Some(json!({"title": "renamed"})))
        .await
        .expect(200)
        .json();
    assert_eq!(
        (&kept["description"], &kept["completed"]),
        (&json!("d"), &json!(true))
    );

    let cleared = api
        .call(
            Method::PUT,
            &path,
            token,
            Some(json!({"title": "renamed", "description": null})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(cleared["description"], Value::Null);
}

#[tokio::test]
async fn invalid_task_bodies_get_422_and_store_nothing() {
    let api = Api::new();
    let user = api.register().await;
    let token = Some(user.token.as_str());
    let invalid = [
        json!({"title": ""}),
        json!({"title": "   "}),
        json!({"title": "x".repeat(201)}),
        json!({"title": "ok", "description": "d".repeat(1001)}),
        json!({"title": "nul \u{0} inside"}),
        json!({"title": 42}),
        json!({"title": "ok", "description": 7}),
        json!({"description": "no title"}),
        json!("just a string"),
    ];
    for body in invalid.iter().cloned() {
        api.call(Method::POST, &user.tasks(), token, Some(body))
            .await
            .expect(422);
    }
    let garbage = api
        .request(Method::POST, &user.tasks())
        .bearer_auth(&user.token)
        .header("content-type", "application/json")
        .body("{\"title\": \"unterminated");
    api.send(garbage).await.expect(422);
    let no_content_type = api
        .request(Method::POST, &user.tasks())
        .bearer_auth(&user.token)
        .body(r#"{"title":"x"}"#);
    api.send(no_content_type).await.expect(422);
    assert_eq!(task_count(&api, &user).await, 0);

    // The same rules on update, and the stored task is left alone.
    let task = api.create_task(&user, "original").await;
    let path = user.task(task["id"].as_str().unwrap());
    for body in invalid {
        api.call(Method::PUT, &path, token, Some(body))
            .await
            .expect(422);
    }
    api.call(
        Method::PUT,
        &path,
        token,
        Some(json!({"title": "ok", "completed": "yes"})),
    )
    .await
    .expect(422);
    let reread = api
        .call(Method::GET, &path, token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(reread, task);
}

#[tokio::test]
async fn title_and_description_limits_are_inclusive() {
    let api = Api::new();
    let user = api.register().await;
    let body = json!({"title": "é".repeat(200), "description": "d".repeat(1000)});
    let task = api
        .call(Method::POST, &user.tasks(), Some(&user.token), Some(body))
        .await
        .expect(201)
        .json();
    assert_eq!(task["title"].as_str().unwrap().chars().count(), 200);
}

#[tokio::test]
async fn bodies_over_64_kib_get_413() {
    let api = Api::new();
    let user = api.register().await;
    let body = json!({"title": "big", "description": "d".repeat(70 * 1024)});
    api.call(
        Method::POST,
        &user.tasks(),
        Some(&user.token),
        Some(body.clone()),
    )
    .await
    .expect(413);
    api.call(Method::POST, "/api/auth/register", None, Some(body))
        .await
        .expect(413);
    assert_eq!(task_count(&api, &user).await, 0);
}

#[tokio::test]
async fn malformed_and_unknown_task_ids_get_404() {
    let api = Api::new();
    let user = api.register().await;
    for id in ["123", "not-a-uuid", "%00", "'%20OR%201=1--", NIL_UUID] {
        for (method, path, body) in task_routes(&user, id).into_iter().skip(2) {
            let reply = api
                .call(method.clone(), &path, Some(&user.token), body)
                .await;
            assert_eq!(reply.status, 404, "{method} {path}: {}", reply.text());
        }
    }
}

// --- cross-user access ----------------------------------------------------

#[tokio::test]
async fn another_users_tasks_are_invisible_and_untouchable() {
    let api = Api::new();
    let alice = api.register().await;
    let bob = api.register().await;
    let task = api.create_task(&alice, "alice's secret").await;
    let id = task["id"].as_str().unwrap();

    let bobs_list = api
        .call(Method::GET, &bob.tasks(), Some(&bob.token), None)
        .await;
    bobs_list.expect(200);
    assert!(!bobs_list.text().contains(id));

    // Bob's token on Alice's path: 404 everywhere, exactly like a missing task.
    for (method, path, body) in task_routes(&alice, id) {
        let reply = api
            .call(method.clone(), &path, Some(&bob.token), body)
            .await;
        assert_eq!(reply.status, 404, "{method} {path}: {}", reply.text());
        assert_eq!(reply.json(), json!({"detail": "not found"}));
    }
    // Alice's task id under Bob's own path: 404 as well.
    for (method, path, body) in task_routes(&bob, id).into_iter().skip(2) {
        let reply = api
            .call(method.clone(), &path, Some(&bob.token), body)
            .await;
        assert_eq!(reply.status, 404, "{method} {path}: {}", reply.text());
    }
    // Nothing was lost or changed, and Bob created nothing.
    let reread = api
        .call(Method::GET, &alice.task(id), Some(&alice.token), None)
        .await
        .expect(200)
        .json();
    assert_eq!(reread, task);
    assert_eq!(task_count(&api, &alice).await, 1);
    assert_eq!(task_count(&api, &bob).await, 0);
}

#[tokio::test]
async fn a_wrong_path_user_is_404_even_before_the_body_is_read() {
    let api = Api::new();
    let alice = api.register().await;
    let bob = api.register().await;
    let garbage = api
        .request(Method::POST, &alice.tasks())
        .bearer_auth(&bob.token)
        .header("content-type", "application/json")
        .body("{not json");
    api.send(garbage).await.expect(404);
}

// --- the rest of the surface ---------------------------------------------

#[tokio::test]
async fn unknown_routes_and_wrong_methods_answer_json() {
    let api = Api::new();
    let user = api.register().await;
    let unknown = api
        .call(Method::GET, "/api/nothing/here/at/all", None, None)
        .await;
    unknown.expect(404);
    assert_eq!(unknown.header("content-type"), Some("application/json"));

    let wrong_method = api
        .call(Method::DELETE, &user.tasks(), Some(&user.token), None)
        .await;
    wrong_method.expect(405);
    assert_eq!(wrong_method.json(), json!({"detail": "method not allowed"}));
    api.call(Method::GET, "/api/auth/login", None, None)
        .await
        .expect(405);
}

#[tokio::test]
async fn health_and_readiness() {
    let api = Api::new();
    assert_eq!(
        api.call(Method::GET, "/health", None, None)
            .await
            .expect(200)
            .json(),
        json!({"status": "ok"})
    );
    assert_eq!(
        api.call(Method::GET, "/ready", None, None)
            .await
            .expect(200)
            .json(),
        json!({"status": "ready"})
    );
}

fn b64(value: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

fn timestamp(value: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a string timestamp"))
        .expect("RFC 3339")
}

#[tokio::test]
async fn nul_characters_are_refused_not_a_server_error() {
    let api = Api::new();
    let login = json!({"email": "a\u{0}@example.test", "password": "password123"});
    api.call(Method::POST, "/api/auth/login", None, Some(login))
        .await
        .expect(401);
    let register = json!({"email": "a\u{0}@example.test", "password": "password123"});
    api.call(Method::POST, "/api/auth/register", None, Some(register))
        .await
        .expect(400);
    let sub = "nul\u{0}user";
    let token = token_for(sub);
    let path = format!("/api/{}/tasks", sub.replace('\u{0}', "%00"));
    api.call(Method::GET, &path, Some(&token), None)
        .await
        .expect(401);
}
