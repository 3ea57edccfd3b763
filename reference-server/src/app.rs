//! The router: every route, the body limit, the request time limit, and the
//! JSON answers for unknown routes and methods.

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use tower_http::trace::TraceLayer;

use crate::auth;
use crate::error::AppError;
use crate::health;
use crate::openapi;
use crate::state::AppState;
use crate::tasks;

/// Larger request bodies get 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Every route; a request taking longer than `request_timeout` is 503.
pub fn router(state: AppState, request_timeout: Duration) -> Router {
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/openapi.json", get(openapi::serve))
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
