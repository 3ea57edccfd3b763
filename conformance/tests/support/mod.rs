//! A deliberately simple in-memory implementation of the contract, for the
//! negative controls: correct with `Bug::None`, and with each other `Bug`
//! broken in exactly one way. Not a second reference server: no 413, no
//! 405 bodies, no HEAD rules; just what the suite's promises exercise.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// Clock skew tolerated on `exp`.
const LEEWAY_SECS: u64 = 5;

/// The one way the server is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bug {
    /// Correct: the control of the controls.
    None,
    /// No, non-Bearer, empty Bearer or non-JWT credentials are served as if
    /// they were the path's user.
    AcceptsMissingToken,
    /// Reads the payload without checking the signature or `alg`; still
    /// checks `exp` and `sub`.
    SkipsSignatureCheck,
    /// Checks the signature but not `exp`.
    AcceptsExpiredTokens,
    /// Authenticates, but never compares the token's `sub` with anything:
    /// lists and creates under the path's user, finds tasks by id alone.
    IgnoresOwner,
    /// PUT and toggle answer as if they had worked but store nothing.
    LosesUpdates,
}

#[derive(Clone)]
struct Task {
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
    fn to_json(&self) -> Value {
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

#[derive(Default)]
struct Store {
    next_seq: u64,
    tasks: HashMap<Uuid, Task>,
}

struct App {
    bug: Bug,
    key: DecodingKey,
    store: Mutex<Store>,
}

type Answer = Result<Response, Refusal>;

/// The server, serving until dropped.
pub struct Server {
    pub url: String,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the server on an ephemeral loopback port of the current runtime.
pub async fn start(bug: Bug, secret: &str) -> Server {
    let app = Arc::new(App {
        bug,
        key: DecodingKey::from_secret(secret.as_bytes()),
        store: Mutex::new(Store::default()),
    });
    let router = Router::new()
        .route("/api/auth/logout", post(logout))
        .route("/api/{user_id}/tasks", get(list).post(create))
        .route(
            "/api/{user_id}/tasks/{id}",
            get(read).put(update).delete(remove),
        )
        .route("/api/{user_id}/tasks/{id}/complete", patch(toggle))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "route not found") })
        .with_state(app);
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral loopback port");
    let url = format!("http://{}", listener.local_addr().expect("a bound address"));
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .await
            .expect("the test server serves");
    });
    Server { url, task }
}

// --- answers -----------------------------------------------------------------

fn error(status: StatusCode, detail: &str) -> Response {
    (status, Json(json!({ "detail": detail }))).into_response()
}

/// Why a request is refused: small, so that every `Result` stays cheap.
#[derive(Debug)]
enum Refusal {
    BadRequest(&'static str),
    /// 401 with the RFC 6750 challenge; `invalid` when a token was presented.
    Unauthorized {
        invalid: bool,
    },
    NotFound,
    Unprocessable(&'static str),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Self::BadRequest(detail) => error(StatusCode::BAD_REQUEST, detail),
            Self::NotFound => error(StatusCode::NOT_FOUND, "task not found"),
            Self::Unprocessable(detail) => error(StatusCode::UNPROCESSABLE_ENTITY, detail),
            Self::Unauthorized { invalid } => {
                let (challenge, detail) = if invalid {
                    ("Bearer error=\"invalid_token\"", "invalid token")
                } else {
                    ("Bearer", "missing bearer token")
                };
                let mut response = error(StatusCode::UNAUTHORIZED, detail);
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static(challenge),
                );
                response
            }
        }
    }
}

fn ok(status: StatusCode, body: Value) -> Answer {
    Ok((status, Json(body)).into_response())
}

// --- authentication ----------------------------------------------------------

/// The bearer token, if the request presents one (`Ok(None)`: no usable
/// bearer credentials).
fn bearer_token(headers: &HeaderMap) -> Result<Option<String>, Refusal> {
    let values: Vec<_> = headers.get_all(header::AUTHORIZATION).iter().collect();
    let value = match values.as_slice() {
        [] => return Ok(None),
        [value] => *value,
        _ => {
            return Err(Refusal::BadRequest("more than one Authorization header"));
        }
    };
    let Some((scheme, token)) = value.to_str().ok().and_then(|text| text.split_once(' ')) else {
        return Ok(None);
    };
    let token = token.trim_start();
    Ok((scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned()))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// `sub` of a properly verified HS256 token; `check_exp: false` is the bug.
fn verified_subject(token: &str, key: &DecodingKey, check_exp: bool) -> Option<String> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = check_exp;
    validation.validate_aud = false;
    validation.leeway = LEEWAY_SECS;
    if check_exp {
        validation.set_required_spec_claims(&["exp", "sub"]);
    } else {
        validation.set_required_spec_claims(&["sub"]);
    }
    let claims = jsonwebtoken::decode::<Map<String, Value>>(token, key, &validation)
        .ok()?
        .claims;
    subject(&claims)
}

/// `sub` of a token whose signature and header are never looked at: the
/// bug. Expiry is still checked.
fn unverified_subject(token: &str) -> Option<String> {
    let mut segments = token.split('.');
    let (Some(_), Some(payload), Some(_), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return None;
    };
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: Map<String, Value> = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_u64()?;
    if exp.saturating_add(LEEWAY_SECS) < unix_now() {
        return None;
    }
    subject(&claims)
}

fn subject(claims: &Map<String, Value>) -> Option<String> {
    claims
        .get("sub")
        .and_then(Value::as_str)
        .filter(|sub| !sub.is_empty())
        .map(str::to_owned)
}

impl App {
    /// The caller's identity (the token's `sub`), or the 400/401 answer.
    /// `path_user` is the `{user_id}` of task routes.
    fn authenticate(
        &self,
        headers: &HeaderMap,
        path_user: Option<&str>,
    ) -> Result<String, Refusal> {
        let token = bearer_token(headers)?;
        if self.bug == Bug::AcceptsMissingToken {
            let unusable = token
                .as_deref()
                .is_none_or(|token| token.split('.').count() != 3);
            if unusable {
                return Ok(path_user.unwrap_or("anonymous").to_owned());
            }
        }
        let token = token.ok_or(Refusal::Unauthorized { invalid: false })?;
        let subject = match self.bug {
            Bug::SkipsSignatureCheck => unverified_subject(&token),
            Bug::AcceptsExpiredTokens => verified_subject(&token, &self.key, false),
            _ => verified_subject(&token, &self.key, true),
        };
        subject.ok_or(Refusal::Unauthorized { invalid: true })
    }

    /// Authenticates and checks that `{user_id}` is the caller: another
    /// user's path is a 404, as for a missing task.
    fn authorize(&self, headers: &HeaderMap, user_id: &str) -> Result<(), Refusal> {
        let subject = self.authenticate(headers, Some(user_id))?;
        if subject != user_id && self.bug != Bug::IgnoresOwner {
            return Err(Refusal::NotFound);
        }
        Ok(())
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `{user_id}`'s task `id`; with `IgnoresOwner`, anyone's task `id`.
    fn find<'a>(
        &self,
        store: &'a mut Store,
        user_id: &str,
        id: Uuid,
    ) -> Result<&'a mut Task, Refusal> {
        store
            .tasks
            .get_mut(&id)
            .filter(|task| self.bug == Bug::IgnoresOwner || task.user_id == user_id)
            .ok_or(Refusal::NotFound)
    }
}

// --- request bodies ----------------------------------------------------------

fn task_id(id: &str) -> Result<Uuid, Refusal> {
    Uuid::parse_str(id).map_err(|_| Refusal::NotFound)
}

fn json_object(headers: &HeaderMap, body: &Bytes) -> Result<Map<String, Value>, Refusal> {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|media| media.trim().to_ascii_lowercase())
        .is_some_and(|media| {
            media == "application/json"
                || (media.starts_with("application/") && media.ends_with("+json"))
        });
    if !json_type {
        return Err(Refusal::Unprocessable("the body must be application/json"));
    }
    serde_json::from_slice(body)
        .map_err(|_| Refusal::Unprocessable("the body must be a JSON object"))
}

fn title(body: &Map<String, Value>) -> Result<String, Refusal> {
    let title = body
        .get("title")
        .and_then(Value::as_str)
        .ok_or(Refusal::Unprocessable("title must be a string"))?
        .trim();
    let length = title.chars().count();
    if !(1..=200).contains(&length) || title.contains('\0') {
        return Err(Refusal::Unprocessable(
            "title must have 1 to 200 characters",
        ));
    }
    Ok(title.to_owned())
}

/// Absent: `None`; `null`: `Some(None)`; a valid string: `Some(Some(_))`.
fn description(body: &Map<String, Value>) -> Result<Option<Option<String>>, Refusal> {
    match body.get("description") {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(text)) if text.chars().count() <= 1000 && !text.contains('\0') => {
            Ok(Some(Some(text.clone())))
        }
        Some(_) => Err(Refusal::Unprocessable(
            "description must be null or at most 1000 characters",
        )),
    }
}

fn completed(body: &Map<String, Value>) -> Result<Option<bool>, Refusal> {
    match body.get("completed") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(completed)) => Ok(Some(*completed)),
        Some(_) => Err(Refusal::Unprocessable("completed must be a boolean")),
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

// --- handlers ----------------------------------------------------------------

async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Answer {
    app.authenticate(&headers, None)?;
    ok(
        StatusCode::OK,
        json!({"detail": "Logged out. Tokens are stateless: this token stays valid until it expires."}),
    )
}

async fn list(
    State(app): State<Arc<App>>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    app.authorize(&headers, &user_id)?;
    let store = app.store();
    let mut tasks: Vec<&Task> = store
        .tasks
        .values()
        .filter(|task| task.user_id == user_id)
        .collect();
    tasks.sort_by_key(|task| task.seq);
    ok(
        StatusCode::OK,
        tasks.iter().map(|task| task.to_json()).collect(),
    )
}

async fn create(
    State(app): State<Arc<App>>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    app.authorize(&headers, &user_id)?;
    let body = json_object(&headers, &body)?;
    let title = title(&body)?;
    let description = description(&body)?.flatten();
    let now = timestamp();
    let mut store = app.store();
    store.next_seq += 1;
    let task = Task {
        seq: store.next_seq,
        id: Uuid::new_v4(),
        user_id,
        title,
        description,
        completed: false,
        created_at: now.clone(),
        updated_at: now,
    };
    let answer = task.to_json();
    store.tasks.insert(task.id, task);
    ok(StatusCode::CREATED, answer)
}

async fn read(
    State(app): State<Arc<App>>,
    Path((user_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    app.authorize(&headers, &user_id)?;
    let id = task_id(&id)?;
    let mut store = app.store();
    ok(
        StatusCode::OK,
        app.find(&mut store, &user_id, id)?.to_json(),
    )
}

async fn update(
    State(app): State<Arc<App>>,
    Path((user_id, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    app.authorize(&headers, &user_id)?;
    let id = task_id(&id)?;
    let body = json_object(&headers, &body)?;
    let (title, description, completed) = (title(&body)?, description(&body)?, completed(&body)?);
    let mut store = app.store();
    let stored = app.find(&mut store, &user_id, id)?;
    let mut updated = stored.clone();
    updated.title = title;
    if let Some(description) = description {
        updated.description = description;
    }
    if let Some(completed) = completed {
        updated.completed = completed;
    }
    updated.updated_at = timestamp();
    let answer = updated.to_json();
    if app.bug != Bug::LosesUpdates {
        *stored = updated;
    }
    ok(StatusCode::OK, answer)
}

async fn toggle(
    State(app): State<Arc<App>>,
    Path((user_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    app.authorize(&headers, &user_id)?;
    let id = task_id(&id)?;
    let mut store = app.store();
    let stored = app.find(&mut store, &user_id, id)?;
    let mut toggled = stored.clone();
    toggled.completed = !toggled.completed;
    toggled.updated_at = timestamp();
    let answer = toggled.to_json();
    if app.bug != Bug::LosesUpdates {
        *stored = toggled;
    }
    ok(StatusCode::OK, answer)
}

async fn remove(
    State(app): State<Arc<App>>,
    Path((user_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    app.authorize(&headers, &user_id)?;
    let id = task_id(&id)?;
    let mut store = app.store();
    app.find(&mut store, &user_id, id)?;
    store.tasks.remove(&id);
    Ok(StatusCode::NO_CONTENT.into_response())
}
