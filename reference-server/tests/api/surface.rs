//! The rest of the surface: unknown routes and wrong methods, the health and
//! readiness probes, the OpenAPI document, and NUL characters wherever a
//! client can put them.

use reqwest::Method;
use serde_json::json;

use crate::common::{Api, token_for};

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

/// `/openapi.json` is the contract, without a token, as FastAPI serves its
/// own: every route this server has is in it.
#[tokio::test]
async fn the_contract_is_served_at_openapi_json() {
    let api = Api::new();
    let served = api.call(Method::GET, "/openapi.json", None, None).await;
    served.expect(200);
    assert_eq!(served.header("content-type"), Some("application/json"));
    let document = served.json();
    assert_eq!(document["openapi"], json!("3.1.0"));
    for path in [
        "/api/auth/register",
        "/api/auth/login",
        "/api/auth/logout",
        "/api/{user_id}/tasks",
        "/api/{user_id}/tasks/{id}",
        "/api/{user_id}/tasks/{id}/complete",
        "/health",
        "/ready",
        "/openapi.json",
    ] {
        assert!(document["paths"].get(path).is_some(), "{path}");
    }
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
