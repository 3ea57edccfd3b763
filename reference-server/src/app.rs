//! The router, its shared state, and the extractors every route uses.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{
    DefaultBodyLimit, FromRequest, FromRequestParts, RawPathParams, Request, State,
};
use axum::http::request::Parts;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::PgPool;
use tower_http::trace::TraceLayer;

use crate::auth::{self, Passwords};
use crate::error::AppError;
use crate::health;
use crate::tasks;
use crate::tokens::Verifier;

/// Larger request bodies get 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub tokens: Arc<Verifier>,
    pub passwords: Arc<Passwords>,
}

/// A JSON object body. Unlike `axum::Json`, every rejection is an `AppError`
/// (422 or 413 with a JSON body, not plain text), and a body that is not an
/// object is refused even where serde would read a struct from an array.
pub struct AppJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AppJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let Json(value) = Json::<Value>::from_request(request, state).await?;
        if !value.is_object() {
            return Err(AppError::Unprocessable(
                "the body must be a JSON object".to_owned(),
            ));
        }
        serde_json::from_value(value)
            .map(AppJson)
            .map_err(|error| AppError::Unprocessable(format!("invalid body: {error}")))
    }
}

/// A named capture of the matched route, percent-decoded.
pub async fn path_param<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
    name: &str,
) -> Option<String> {
    let params = RawPathParams::from_request_parts(parts, state).await.ok()?;
    params
        .iter()
        .find(|(param, _)| *param == name)
        .map(|(_, value)| value.to_owned())
}

/// Every route; a request taking longer than `request_timeout` is 503.
pub fn router(state: AppState, request_timeout: Duration) -> Router {
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .nest("/api/auth", auth::router(state.tokens.issuer().is_some()))
        .merge(tasks::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(request_timeout, time_limit))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            // Method and path only: a query string may carry a token.
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
        }))
        .with_state(state)
}

/// Cuts a request off after `limit`, whatever it waits for (a slowly sent
/// body, a lock in the database, an issuer that does not answer), so that
/// neither the client nor the server waits forever.
async fn time_limit(
    State(limit): State<Duration>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    tokio::time::timeout(limit, next.run(request))
        .await
        .map_err(|_| AppError::TimedOut(limit))
}

async fn not_found() -> AppError {
    AppError::NotFound
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
