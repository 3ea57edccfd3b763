//! The task handlers: list, create, read, update, toggle and remove, and
//! the task as stored.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::{Value, json};
use uuid::Uuid;

use super::answers::{Refusal, error, ok};
use super::auth::{Caller, Identity};
use super::body::{body_owner, completed, description, json_object, task_id, title};
use super::{Answer, App, Bug, Listing, Store};

/// The page size of a paginated list, unless `?limit=` says otherwise.
const PAGE: usize = 10;
/// The largest page a paginated list serves.
const MAX_PAGE: usize = 100;

#[derive(Clone)]
pub(super) struct Task {
    /// Creation order, for "oldest first".
    seq: u64,
    id: Uuid,
    user_id: String,
    title: String,
    description: Option<String>,
    completed: bool,
    created_at: String,
    updated_at: String,
}

impl Task {
    pub(super) fn id(&self) -> Uuid {
        self.id
    }

    /// The user id it is stored under.
    pub(super) fn owner(&self) -> &str {
        &self.user_id
    }

    pub(super) fn completed(&self) -> bool {
        self.completed
    }

    pub(super) fn to_json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "user_id": self.user_id,
            "title": self.title,
            "description": self.description,
            "completed": self.completed,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }
}

impl App {
    /// `{user_id}`'s task `id`; with `IgnoresOwner`, anyone's task `id`;
    /// with `OwnerCheckAfterLookup`, a 403 for the caller's want of it.
    fn find<'a>(
        &self,
        store: &'a mut Store,
        caller: &Identity,
        user_id: &str,
        id: Uuid,
    ) -> Result<&'a mut Task, Refusal> {
        let task = store.tasks.get_mut(&id).ok_or(Refusal::TaskNotFound(id))?;
        match caller {
            Identity::User(sub)
                if self.bug == Bug::OwnerCheckAfterLookup && task.user_id != *sub =>
            {
                Err(Refusal::Forbidden("not your task"))
            }
            _ if self.bug == Bug::IgnoresOwner || task.user_id == user_id => Ok(task),
            _ => Err(Refusal::TaskNotFound(id)),
        }
    }

    /// The owner check of a route that names a task: with
    /// `OwnerCheckAfterLookup`, left to `find`.
    fn authorize_task(&self, caller: &Identity, user_id: &str) -> Result<(), Refusal> {
        if self.bug == Bug::OwnerCheckAfterLookup {
            Ok(())
        } else {
            self.authorize(caller, user_id)
        }
    }

    /// A new, incomplete task of `owner`, stored; its JSON answered.
    pub(super) fn store_task(
        &self,
        owner: String,
        title: String,
        description: Option<String>,
    ) -> Value {
        let now = timestamp();
        let mut store = self.store();
        store.next_seq += 1;
        let task = Task {
            seq: store.next_seq,
            id: Uuid::new_v4(),
            user_id: owner,
            title,
            description,
            completed: false,
            created_at: now.clone(),
            updated_at: now,
        };
        let answer = task.to_json();
        store.tasks.insert(task.id, task);
        answer
    }
}

/// RFC 3339 in UTC with microseconds.
fn timestamp() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    let secs = now.as_secs();
    let time = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = i64::try_from(secs / 86_400).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        time / 3600,
        time % 3600 / 60,
        time % 60,
        now.subsec_micros()
    )
}

pub(super) async fn list(
    State(app): State<Arc<App>>,
    Path(user_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    Caller(caller): Caller,
) -> Answer {
    app.authorize(&caller, &user_id)?;
    let number = |name: &str, default: usize| -> Result<usize, Refusal> {
        query.get(name).map_or(Ok(default), |value| {
            value
                .parse()
                .map_err(|_| Refusal::Unprocessable("skip and limit are integers"))
        })
    };
    let (skip, limit) = (number("skip", 0)?, number("limit", PAGE)?);
    let store = app.store();
    let mut tasks: Vec<&Task> = store
        .tasks
        .values()
        .filter(|task| task.user_id == user_id || app.bug == Bug::ListsEveryonesTasks)
        .collect();
    tasks.sort_by_key(|task| task.seq);
    let page = || -> Vec<Value> {
        tasks
            .iter()
            .skip(skip)
            .take(limit.min(MAX_PAGE))
            .map(|task| task.to_json())
            .collect()
    };
    match app.listing {
        Listing::Array => ok(
            StatusCode::OK,
            tasks.iter().map(|task| task.to_json()).collect(),
        ),
        Listing::Paginated if limit > MAX_PAGE => Err(Refusal::Unprocessable(
            "limit: Input should be less than or equal to 100",
        )),
        Listing::Paginated => ok(
            StatusCode::OK,
            json!({"tasks": page(), "total": tasks.len(), "skip": skip, "limit": limit}),
        ),
        Listing::ArrayPage => ok(StatusCode::OK, Value::Array(page())),
    }
}

pub(super) async fn create(
    State(app): State<Arc<App>>,
    Path(user_id): Path<String>,
    Caller(caller): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    app.authorize(&caller, &user_id)?;
    let body = json_object(&headers, &body)?;
    let lax = app.bug == Bug::AcceptsInvalidInput;
    // Pydantic's 422 turned into a 400 by a catch-all exception handler.
    let as_400 = |refusal: Refusal| match (app.bug, refusal) {
        (Bug::ValidationAnswers400, Refusal::Unprocessable(detail)) => Refusal::BadRequest(detail),
        (_, refusal) => refusal,
    };
    let title = title(&body, lax).map_err(as_400)?;
    let description = description(&body, lax)
        .map_err(as_400)?
        .flatten()
        .filter(|_| app.bug != Bug::DropsDescriptionOnCreate);
    let owner = match body_owner(&body) {
        Some(owner) if app.bug == Bug::MassAssignmentOnCreate => owner,
        _ => user_id,
    };
    ok(
        StatusCode::CREATED,
        app.store_task(owner, title, description),
    )
}

pub(super) async fn read(
    State(app): State<Arc<App>>,
    Path((user_id, id)): Path<(String, String)>,
    Caller(caller): Caller,
) -> Answer {
    app.authorize_task(&caller, &user_id)?;
    let id = task_id(&id)?;
    let mut store = app.store();
    match app.find(&mut store, &caller, &user_id, id) {
        Ok(task) if app.bug == Bug::GetOmitsDescription => {
            let mut summary = task.to_json();
            if let Some(summary) = summary.as_object_mut() {
                summary.remove("description");
            }
            ok(StatusCode::OK, summary)
        }
        Ok(task) => ok(StatusCode::OK, task.to_json()),
        Err(_) if app.bug == Bug::MissingTaskIs200Null => ok(StatusCode::OK, Value::Null),
        Err(refusal) => Err(refusal),
    }
}

pub(super) async fn update(
    State(app): State<Arc<App>>,
    Path((user_id, id)): Path<(String, String)>,
    Caller(caller): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    // With `ForbiddenButWrites`, the check's answer comes after the write.
    let authorized = match (app.bug, app.authorize_task(&caller, &user_id)) {
        (Bug::ForbiddenButWrites, authorized) => authorized,
        (_, authorized) => {
            authorized?;
            Ok(())
        }
    };
    let id = task_id(&id)?;
    let body = json_object(&headers, &body)?;
    let lax = app.bug == Bug::AcceptsInvalidInput;
    let (title, description, completed) = (
        title(&body, lax)?,
        description(&body, lax)?,
        completed(&body)?,
    );
    let mut store = app.store();
    let stored = app.find(&mut store, &caller, &user_id, id)?;
    let mut updated = stored.clone();
    updated.title = title;
    if let Some(description) = description {
        updated.description = description;
    }
    if let Some(completed) = completed {
        updated.completed = completed;
    }
    if let (Some(owner), Bug::MassAssignmentOnUpdate) = (body_owner(&body), app.bug) {
        updated.user_id = owner;
    }
    updated.updated_at = timestamp();
    let answer = updated.to_json();
    if app.bug != Bug::LosesUpdates {
        *stored = updated;
    }
    authorized?;
    ok(StatusCode::OK, answer)
}

pub(super) async fn toggle(
    State(app): State<Arc<App>>,
    Path((user_id, id)): Path<(String, String)>,
    Caller(caller): Caller,
) -> Answer {
    app.authorize_task(&caller, &user_id)?;
    let id = task_id(&id)?;
    let mut store = app.store();
    let stored = app.find(&mut store, &caller, &user_id, id)?;
    let mut toggled = stored.clone();
    toggled.completed = !toggled.completed;
    toggled.updated_at = timestamp();
    let answer = toggled.to_json();
    if app.bug != Bug::LosesUpdates {
        *stored = toggled;
    }
    ok(StatusCode::OK, answer)
}

pub(super) async fn remove(
    State(app): State<Arc<App>>,
    Path((user_id, id)): Path<(String, String)>,
    Caller(caller): Caller,
) -> Answer {
    app.authorize_task(&caller, &user_id)?;
    let id = task_id(&id)?;
    let mut store = app.store();
    app.find(&mut store, &caller, &user_id, id)?;
    if app.bug == Bug::DeleteFails {
        return Ok(error(StatusCode::INTERNAL_SERVER_ERROR, "could not delete"));
    }
    store.tasks.remove(&id);
    Ok(StatusCode::NO_CONTENT.into_response())
}
