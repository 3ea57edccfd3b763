//! The issuer's control API, on loopback beside its JWKS: the key-lifecycle
//! scenarios replace the published key set, make it fail or hang, and read
//! how often the target fetched it. Every request carries the random token
//! written to the key file (`--key-out`, mode 0600), which is never logged.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, put};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::tokens::key_server::{Mode, Publication};

/// The member of the key file that says where the control API is and how
/// to authenticate to it; a JWK reader ignores members it does not know.
pub const KEY_FILE_MEMBER: &str = "todo_conformance_control";

/// Where the control API listens and its token, as the key file holds them.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Access {
    pub url: String,
    pub token: String,
}

/// What `GET /state` answers.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PublishedState {
    pub jwks: Value,
    pub mode: Mode,
    /// Requests for the key set since the issuer started.
    pub fetches: u64,
    /// The `Cache-Control: max-age` the key set is answered with.
    pub max_age: Option<u64>,
}

#[derive(Debug, serde::Deserialize)]
struct ModeChange {
    mode: Mode,
}

struct Control {
    publication: Arc<Publication>,
    token: String,
}

/// Serves the control API on a free loopback port until the process ends;
/// returns where it listens, with the token it requires.
pub async fn start(publication: Arc<Publication>) -> std::io::Result<Access> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let token = URL_SAFE_NO_PAD.encode(crate::tokens::forge::random_bytes());
    let control = Arc::new(Control {
        publication,
        token: token.clone(),
    });
    let app = axum::Router::new()
        .route("/state", get(state))
        .route("/jwks", put(replace))
        .route("/mode", put(set_mode))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&control),
            authenticated,
        ))
        .with_state(control);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Access { url, token })
}

/// Refuses a request without the token, compared in constant time.
async fn authenticated(
    State(control): State<Arc<Control>>,
    request: Request,
    next: Next,
) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    if same(presented.as_bytes(), control.token.as_bytes()) {
        next.run(request).await
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |diff, (x, y)| diff | (x ^ y)) == 0
}

async fn state(State(control): State<Arc<Control>>) -> Json<PublishedState> {
    let publication = &control.publication;
    Json(PublishedState {
        jwks: serde_json::from_str(&publication.jwks()).unwrap_or(Value::Null),
        mode: publication.mode(),
        fetches: publication.fetches(),
        max_age: publication.max_age(),
    })
}

async fn replace(State(control): State<Arc<Control>>, Json(jwks): Json<Value>) -> Response {
    if !jwks.get("keys").is_some_and(Value::is_array) {
        let error = json!({"error": "a JWKS is an object with a `keys` array"});
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(error)).into_response();
    }
    control.publication.replace(&jwks);
    StatusCode::NO_CONTENT.into_response()
}

async fn set_mode(
    State(control): State<Arc<Control>>,
    Json(change): Json<ModeChange>,
) -> StatusCode {
    control.publication.set_mode(change.mode);
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_the_token_opens_the_api_and_it_changes_what_is_published() {
        let publication = Publication::new(&json!({"keys": []}), Some(5));
        let access = start(Arc::clone(&publication)).await.unwrap();
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let url = format!("{}/state", access.url);
        let refused = client.get(&url).bearer_auth("wrong").send().await.unwrap();
        assert_eq!(refused.status(), 401);
        assert_eq!(client.get(&url).send().await.unwrap().status(), 401);

        let keys = json!({"keys": [{"kid": "k", "kty": "OKP"}]});
        let jwks_url = format!("{}/jwks", access.url);
        let put = client.put(&jwks_url).bearer_auth(&access.token);
        assert_eq!(put.json(&keys).send().await.unwrap().status(), 204);
        let bad = client.put(&jwks_url).bearer_auth(&access.token);
        assert_eq!(bad.json(&json!([])).send().await.unwrap().status(), 422);
        let mode = client.put(format!("{}/mode", access.url));
        let changed = mode
            .bearer_auth(&access.token)
            .json(&json!({"mode": "failing"}));
        assert_eq!(changed.send().await.unwrap().status(), 204);

        let answer = client.get(&url).bearer_auth(&access.token).send().await;
        let state: PublishedState = answer.unwrap().json().await.unwrap();
        assert_eq!(state.jwks, keys);
        assert_eq!(state.mode, Mode::Failing);
        assert_eq!(state.max_age, Some(5));
        assert_eq!(publication.mode(), Mode::Failing);
    }
}
