//! The routes beyond the contract that the document declares, the kind
//! real backends add: a stats route, `/api/me`, a user route, a shared
//! list declared without security, an import and a health check. Correct
//! with `Bug::None`; each of the sweep's flaws breaks one of them.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse as _;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::answers::{Refusal, ok};
use super::auth::{Caller, Identity};
use super::body::{description, json_object, title};
use super::document::document;
use super::{Answer, App, Bug};

/// Body fields `Bug::ImportTakesOwnerFromBody` takes the owner from.
const OWNER_FIELDS: [&str; 4] = ["user_id", "userId", "owner_id", "owner"];

/// `router` with the document and the routes it declares beyond the
/// contract.
pub(super) fn routes(router: Router<Arc<App>>) -> Router<Arc<App>> {
    router
        .route(
            "/openapi.json",
            get(|| async { ok(StatusCode::OK, document()) }),
        )
        .route(
            "/health",
            get(|| async { ok(StatusCode::OK, json!({"status": "ok"})) }),
        )
        .route("/api/me", get(me))
        .route("/api/users/{id}", get(user).put(rename))
        .route(
            "/",
            get(|| async { ok(StatusCode::OK, json!({"detail": "hello"})) }),
        )
        .route("/api/admin/reset", post(reset))
        .route("/api/{user_id}/tasks/stats", get(stats))
        .route("/api/{user_id}/tasks/shared", get(shared))
        .route("/api/{user_id}/tasks/import", post(import))
}

impl App {
    /// Keeps the `email` claim of a verified token, for the user routes.
    pub(super) fn remember_email(&self, sub: &str, payload: &[u8]) {
        let email = serde_json::from_slice::<Map<String, Value>>(payload)
            .ok()
            .and_then(|claims| claims.get("email")?.as_str().map(str::to_owned));
        if let Some(email) = email {
            self.store().emails.insert(sub.to_owned(), email);
        }
    }

    /// The token's user, and that the path names them, unless `skipped`
    /// (a route someone forgot to protect).
    async fn owner_only(
        &self,
        headers: &HeaderMap,
        uri: &Uri,
        user_id: &str,
        skipped: bool,
    ) -> Result<(), Refusal> {
        if skipped {
            return Ok(());
        }
        let caller = self.authenticate(headers, uri.query()).await?;
        self.authorize(&caller, user_id)
    }

    fn account(&self, id: &str) -> Value {
        let store = self.store();
        json!({"id": id, "email": store.emails.get(id), "name": store.names.get(id)})
    }
}

async fn me(State(app): State<Arc<App>>, Caller(caller): Caller) -> Answer {
    match caller {
        Identity::User(sub) => ok(StatusCode::OK, app.account(&sub)),
        Identity::PathUser => Err(app.invalid()),
    }
}

async fn user(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Caller(caller): Caller,
) -> Answer {
    let known = app.store().emails.contains_key(&id);
    if !(app.bug == Bug::UserRouteBola && known) {
        app.authorize(&caller, &id)?;
    }
    ok(StatusCode::OK, app.account(&id))
}

/// Renames the user, their own account only; with `UserUpdateBola`, anyone's.
async fn rename(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Caller(caller): Caller,
    body: Bytes,
) -> Answer {
    if app.bug != Bug::UserUpdateBola {
        app.authorize(&caller, &id)?;
    }
    let name = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|body| body.get("name")?.as_str().map(str::to_owned))
        .ok_or(Refusal::Unprocessable("name is required"))?;
    app.store().names.insert(id.clone(), name);
    ok(StatusCode::OK, app.account(&id))
}

/// Deletes every task: the route the sweep must never send.
async fn reset(State(app): State<Arc<App>>) -> Answer {
    app.store().tasks.clear();
    ok(StatusCode::OK, json!({"detail": "every task deleted"}))
}

/// The path user's counts; with `StatsCountEveryone`, everyone's.
async fn stats(
    State(app): State<Arc<App>>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Answer {
    let skipped = app.bug == Bug::ExtraRouteWithoutAuth;
    app.owner_only(&headers, &uri, &user_id, skipped).await?;
    let store = app.store();
    let counted: Vec<bool> = store
        .tasks
        .values()
        .filter(|task| task.owner() == user_id || app.bug == Bug::StatsCountEveryone)
        .map(super::tasks::Task::completed)
        .collect();
    let completed = counted.iter().filter(|done| **done).count();
    ok(
        StatusCode::OK,
        json!({"total": counted.len(), "completed": completed}),
    )
}

/// The path user's tasks, to their owner only, whatever the document says.
async fn shared(
    State(app): State<Arc<App>>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Answer {
    let skipped = app.bug == Bug::PublicRouteServesData;
    app.owner_only(&headers, &uri, &user_id, skipped).await?;
    let store = app.store();
    let mut tasks: Vec<_> = store
        .tasks
        .values()
        .filter(|task| task.owner() == user_id)
        .collect();
    tasks.sort_by_key(|task| task.id());
    let tasks = tasks.iter().map(|task| task.to_json()).collect();
    ok(StatusCode::OK, tasks)
}

/// A task for the path user from `{title, description?}`; owner fields in
/// the body are ignored, but by `ImportTakesOwnerFromBody`.
async fn import(
    State(app): State<Arc<App>>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Answer {
    app.owner_only(&headers, &uri, &user_id, false).await?;
    let body = json_object(&headers, &body)?;
    let title = title(&body, false)?;
    let description = description(&body, false)?.flatten();
    let named = OWNER_FIELDS
        .iter()
        .find_map(|field| body.get(*field)?.as_str().map(str::to_owned));
    let owner = match named {
        Some(owner) if app.bug == Bug::ImportTakesOwnerFromBody => owner,
        _ => user_id,
    };
    ok(
        StatusCode::CREATED,
        app.store_task(owner, title, description),
    )
}

/// Any `Origin` allowed back, with credentials; a preflight answered 200.
pub(super) async fn reflect_origin(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let origin = request.headers().get(axum::http::header::ORIGIN).cloned();
    let preflight = request.method() == axum::http::Method::OPTIONS;
    let mut response = if preflight && origin.is_some() {
        StatusCode::OK.into_response()
    } else {
        next.run(request).await
    };
    if let Some(origin) = origin {
        let headers = response.headers_mut();
        headers.insert("access-control-allow-origin", origin);
        headers.insert(
            "access-control-allow-credentials",
            axum::http::HeaderValue::from_static("true"),
        );
    }
    response
}
