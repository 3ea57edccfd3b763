//! Liveness and readiness probes.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::state::AppState;

/// How long `/ready` waits for the database before saying 503.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// Alive: answers without touching the database.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Ready: the database answers a query in time.
pub async fn ready(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    match tokio::time::timeout(READY_TIMEOUT, sqlx::query("SELECT 1").execute(&state.pool)).await {
        Ok(Ok(_)) => Ok(Json(json!({ "status": "ready" }))),
        Ok(Err(error)) => Err(AppError::Unavailable(error.to_string())),
        Err(_) => Err(AppError::Unavailable(format!(
            "no answer within {READY_TIMEOUT:?}"
        ))),
    }
}
