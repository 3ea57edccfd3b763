//! `/api/{user_id}/tasks` routes. The `Caller` extractor has already checked
//! the token and that `{user_id}` is its subject.

pub(crate) mod input;
mod store;

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, patch};
use axum::{Json, Router};
use uuid::Uuid;

use crate::auth::Caller;
use crate::error::AppError;
use crate::extract::{AppJson, path_param};
use crate::state::AppState;
use input::{NewTask, TaskUpdate};
use store::Task;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/{user_id}/tasks", get(list).post(create))
        .route(
            "/api/{user_id}/tasks/{id}",
            get(read).put(update).delete(delete),
        )
        .route("/api/{user_id}/tasks/{id}/complete", patch(toggle))
}

/// The `{id}` of a task path. Anything that is not a UUID cannot name a task,
/// so it is a 404 like any other missing task.
struct TaskId(Uuid);

impl<S: Send + Sync> FromRequestParts<S> for TaskId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        path_param(parts, state, "id")
            .await
            .and_then(|id| Uuid::parse_str(&id).ok())
            .map(TaskId)
            .ok_or(AppError::NotFound)
    }
}

async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<Task>>, AppError> {
    Ok(Json(store::list(&state.pool, &caller.user_id).await?))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    AppJson(body): AppJson<NewTask>,
) -> Result<(StatusCode, Json<Task>), AppError> {
    let task = store::create(&state.pool, &caller.user_id, body.validate()?).await?;
    Ok((StatusCode::CREATED, Json(task)))
}

async fn read(
    State(state): State<AppState>,
    caller: Caller,
    TaskId(id): TaskId,
) -> Result<Json<Task>, AppError> {
    found(store::get(&state.pool, &caller.user_id, id).await?)
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    TaskId(id): TaskId,
    AppJson(body): AppJson<TaskUpdate>,
) -> Result<Json<Task>, AppError> {
    let update = body.validate()?;
    found(store::update(&state.pool, &caller.user_id, id, update).await?)
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    TaskId(id): TaskId,
) -> Result<StatusCode, AppError> {
    if store::delete(&state.pool, &caller.user_id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound)
    }
}

async fn toggle(
    State(state): State<AppState>,
    caller: Caller,
    TaskId(id): TaskId,
) -> Result<Json<Task>, AppError> {
    found(store::toggle(&state.pool, &caller.user_id, id).await?)
}

fn found(task: Option<Task>) -> Result<Json<Task>, AppError> {
    task.map(Json).ok_or(AppError::NotFound)
}
