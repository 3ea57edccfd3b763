//! A deliberately simple in-memory implementation of the contract, for the
//! negative controls and the kill matrix: strict and correct with
//! `Bug::None`, and with each other `Bug` broken in exactly one way, the way
//! real verifiers and APIs get it wrong. Not a second reference server: no
//! 413, no 405 bodies, no HEAD rules; just what the suite exercises.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use regex::Regex;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// Clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 5;
/// The clock skew of `Bug::ExcessiveLeeway`: a quarter of an hour.
const EXCESSIVE_LEEWAY_SECS: u64 = 15 * 60;
/// Larger tokens are refused before any parsing.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// Lifetime of the tokens register and login issue.
const TOKEN_TTL_SECS: u64 = 15 * 60;
/// Refused tokens naming one `sub` before `Bug::LocksOutAfterRefusals` locks it.
const LOCKOUT_AFTER: u32 = 20;
/// `Bug::KidInShellCommand` runs the payload's sleeps, capped at this so the
/// run stays short (still past the suite's 3 s limit).
const SHELL_SLEEP_CAP: Duration = Duration::from_secs(4);
const MIN_PASSWORD_CHARS: usize = 8;
const MAX_PASSWORD_CHARS: usize = 128;

/// The one way the server is broken. Each is a mistake real verifiers or
/// APIs make; `support::flaws` says which scenarios must catch it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bug {
    /// Correct: the control of the controls.
    None,

    // --- the five promises ----------------------------------------------------
    /// No, non-Bearer, empty Bearer or non-JWT credentials are served as if
    /// they were the path's user.
    AcceptsMissingToken,
    /// Reads the payload without looking at the header or the signature;
    /// still checks the claims (`exp`, `sub`, types).
    SkipsSignatureCheck,
    /// Checks the signature but never looks at `exp`.
    AcceptsExpiredTokens,
    /// Authenticates, but never compares the token's `sub` with anything:
    /// lists and creates under the path's user, finds tasks by id alone.
    IgnoresOwner,
    /// PUT and toggle answer as if they had worked but store nothing.
    LosesUpdates,
    /// DELETE of one's own task fails with a 500, and the task stays.
    DeleteFails,
    /// Another user's path gets 403 instead of 404, with no task data: a
    /// harmless deviation.
    OtherUsersPathIs403,
    /// Another user's path gets 403, but a PUT there is carried out first.
    ForbiddenButWrites,
    /// The list is `SELECT * FROM tasks`: everyone's tasks, on any path.
    ListsEveryonesTasks,
    /// Create maps every field but `description`, which is lost.
    DropsDescriptionOnCreate,
    /// GET of one task uses the list-view serializer, without `description`.
    GetOmitsDescription,
    /// No validation of title and description.
    AcceptsInvalidInput,

    // --- forgery ----------------------------------------------------------------
    /// A case-sensitive denylist refuses `alg: "none"`, but the algorithm
    /// table is looked up case-insensitively: `None`, `NONE`, `nOnE` are the
    /// unsigned algorithm.
    AlgNoneDenylistIsCaseSensitive,
    /// The key ring for rotation holds the current secret and an unset
    /// "previous" one, an empty string: HMAC with an empty key verifies.
    EmptyKeyInKeyRing,
    /// Deployed with the tutorial secret `secret` (the suite is told it).
    WeakSecret,
    /// Allows the whole HMAC family: HS384 and HS512 with the secret verify.
    AllowsHs384AndHs512,
    /// Verifies with the `jwk` embedded in the header when there is one
    /// (CVE-2018-0114).
    TrustsEmbeddedJwk,
    /// Fetches the JWKS at the header's `jku` (or `x5u`) and verifies with it.
    TrustsKeyUrl,
    /// `kid` names a key file under the key directory, unsanitised:
    /// `../../dev/null` is an empty key.
    KidIsAFilePath,
    /// `kid` is concatenated into `SELECT key FROM keys WHERE kid = '…'`:
    /// `' UNION SELECT '1'--` makes `1` the key.
    KidInSqlQuery,
    /// `kid` is pasted into `sh -c "cat keys/…"`: the payload's sleeps run
    /// (the key it yields is empty and refused, so only the time shows).
    KidInShellCommand,
    /// Ignores `crit` (RFC 7515 §4.1.11 says an unknown one must fail).
    IgnoresCrit,
    /// JavaScript-style coercion: a numeric string is accepted as `exp`/`nbf`.
    CoercesStringDates,
    /// Parses the payload into a map, so of duplicate keys the last wins.
    DuplicateClaimsFirstWins,
    /// Reads `sub` with `.as_str().unwrap()`: a missing or non-string `sub`
    /// is a 500.
    SubUnwrapPanics,
    /// `if (sub && sub !== userId) return 404`: a missing or empty `sub` is
    /// falsy and skips the owner check.
    FalsySubSkipsOwnerCheck,
    /// Tokens over the size cap crash the parser: 500.
    HugeTokenCrashes,
    /// Decodes the signature as Python's base64 does, skipping characters
    /// outside the alphabet, so that junk in a valid signature still verifies.
    SkipsNonBase64Url,

    // --- lifetime ---------------------------------------------------------------
    /// Checks `exp` when present, accepts tokens without one.
    ExpOptional,
    /// Never looks at `nbf`.
    IgnoresNbf,
    /// A quarter of an hour of clock skew on `exp` and `nbf`.
    ExcessiveLeeway,

    // --- header parsing -----------------------------------------------------------
    /// Only `Bearer` exactly, though the scheme is case-insensitive.
    CaseSensitiveScheme,
    /// Of two Authorization headers, uses the first.
    FirstAuthorizationHeaderWins,
    /// Takes `?access_token=` when there is no Authorization header.
    AcceptsQueryToken,

    // --- disclosure ---------------------------------------------------------------
    /// 401 without any `WWW-Authenticate`.
    NoChallenge,
    /// `WWW-Authenticate: Bearer` without `error="invalid_token"`.
    ChallengeWithoutError,
    /// Refusals of a presented token carry the error with its backtrace.
    BacktraceInErrors,
    /// `URL_SAFE_NO_PAD.decode(segment).unwrap()`: bad base64 is a 500 whose
    /// body is the panic message.
    PanicsOnBadBase64,
    /// After 20 refused tokens naming a `sub` (unverified), that user is
    /// locked out, valid token or not: anyone can lock anyone out.
    LocksOutAfterRefusals,

    // --- object-level authorization -------------------------------------------------
    /// A `user_id` in a create body decides the owner.
    MassAssignmentOnCreate,
    /// A `user_id` in an update body moves the task.
    MassAssignmentOnUpdate,
    /// GET of a task that is not the caller's answers 200 with `null`.
    MissingTaskIs200Null,

    // --- accounts -------------------------------------------------------------------
    /// Login says whether the email exists.
    LoginRevealsUnknownEmail,
    /// A duplicate email hits the unique index unhandled: 500.
    DuplicateRegisterCrashes,
    /// No minimum password length.
    AcceptsWeakPasswords,
    /// Logout never authenticates: always 200.
    LogoutWithoutAuth,

    // --- statelessness -----------------------------------------------------------
    /// Keeps a session table: only tokens it issued (and not logged out) work.
    StatefulSessions,
    /// Logout puts the token on a denylist, and a denylisted token is
    /// answered 403 instead of 401.
    RevokedTokensGet403,

    // --- flaws the suite only reports -----------------------------------------------
    /// Takes the token from a `token`/`access_token`/`jwt` cookie.
    AcceptsCookieToken,
    /// Fetches the `jku`/`x5u` URL of a token (then refuses the token).
    FetchesKeyUrl,
    /// No size cap on tokens (a 64 KiB one is parsed and HMACed).
    NoTokenSizeCap,
}

/// The secret the server runs with: random, or the weak one of `WeakSecret`.
pub fn secret_for(bug: Bug) -> String {
    if bug == Bug::WeakSecret {
        return "secret".to_owned();
    }
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
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

struct User {
    id: String,
    email: String,
    name: Option<String>,
    /// A test double: no hashing.
    password: String,
}

#[derive(Default)]
struct Store {
    next_seq: u64,
    tasks: HashMap<Uuid, Task>,
    /// By lower-cased email.
    users: HashMap<String, User>,
    /// `Bug::StatefulSessions`: tokens issued and not logged out.
    sessions: HashSet<String>,
    /// `Bug::RevokedTokensGet403`: tokens logged out.
    revoked: HashSet<String>,
    /// `Bug::LocksOutAfterRefusals`: refused tokens per claimed `sub`.
    refusals: HashMap<String, u32>,
}

struct App {
    bug: Bug,
    secret: Vec<u8>,
    encoding: EncodingKey,
    /// `Bug::KidIsAFilePath`: where key files live.
    key_dir: PathBuf,
    http: reqwest::Client,
    store: Mutex<Store>,
}

type Answer = Result<Response, Refusal>;

/// The server, serving until dropped.
pub struct Server {
    pub url: String,
    task: JoinHandle<()>,
    app: Arc<App>,
}

impl Server {
    /// The tasks stored now, of every user.
    pub fn task_count(&self) -> usize {
        self.app.store().tasks.len()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Where the task routes take the user from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routes {
    /// `/api/{user_id}/tasks`, the seed contract.
    InPath,
    /// `/api/tasks`, the user taken from the token (the seed routes stay).
    FromToken,
}

/// Starts the server on an ephemeral loopback port of the current runtime.
pub async fn start(bug: Bug, secret: &str) -> Server {
    start_with(bug, secret, Routes::InPath).await
}

/// Starts the server with task routes that name the user, or not.
pub async fn start_with(bug: Bug, secret: &str, routes: Routes) -> Server {
    let key_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("kill-matrix-keys");
    std::fs::create_dir_all(&key_dir).expect("create the key directory");
    std::fs::write(key_dir.join("k1"), secret).expect("write the key file");
    let app = Arc::new(App {
        bug,
        secret: secret.as_bytes().to_vec(),
        encoding: EncodingKey::from_secret(secret.as_bytes()),
        key_dir,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("an HTTP client"),
        store: Mutex::new(Store::default()),
    });
    let router = Router::new()
        .route("/api/auth/register", post(register))
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
        .route("/api/{user_id}/tasks", get(list).post(create))
        .route(
            "/api/{user_id}/tasks/{id}",
            get(read).put(update).delete(remove),
        )
        .route("/api/{user_id}/tasks/{id}/complete", patch(toggle))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "route not found") })
        .with_state(Arc::clone(&app));
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral loopback port");
    let url = format!("http://{}", listener.local_addr().expect("a bound address"));
    let task = tokio::spawn(async move {
        let served = match routes {
            Routes::InPath => axum::serve(listener, router).await,
            Routes::FromToken => {
                let router = tower::ServiceExt::map_request(router, user_from_token);
                axum::serve(listener, axum::ServiceExt::into_make_service(router)).await
            }
        };
        served.expect("the test server serves");
    });
    Server { url, task, app }
}

/// `/api/tasks...` becomes `/api/{sub}/tasks...`, the `sub` read (not
/// verified: the handler does that) from the bearer token, so that the
/// user comes from the token and nowhere else.
fn user_from_token(mut request: axum::extract::Request) -> axum::extract::Request {
    let Some(rest) = request.uri().path().strip_prefix("/api/tasks") else {
        return request;
    };
    let sub = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split('.').nth(1))
        .and_then(|payload| URL_SAFE_NO_PAD.decode(payload).ok())
        .and_then(|payload| serde_json::from_slice::<Value>(&payload).ok())
        .and_then(|claims| claims.get("sub")?.as_str().map(str::to_owned))
        .filter(|sub| !sub.is_empty() && !sub.contains(['/', '?', '#', '%']))
        .unwrap_or_else(|| "-".to_owned());
    let query = request
        .uri()
        .query()
        .map(|query| format!("?{query}"))
        .unwrap_or_default();
    if let Ok(uri) = format!("/api/{sub}/tasks{rest}{query}").parse() {
        *request.uri_mut() = uri;
    }
    request
}

// --- answers -----------------------------------------------------------------

fn error(status: StatusCode, detail: &str) -> Response {
    (status, Json(json!({ "detail": detail }))).into_response()
}

fn ok(status: StatusCode, body: Value) -> Answer {
    Ok((status, Json(body)).into_response())
}

/// How a 401 is dressed, which some bugs get wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Challenge {
    /// RFC 6750 §3: `Bearer`, plus `error="invalid_token"` for a token.
    Rfc6750,
    NoHeader,
    WithoutError,
    /// RFC 6750, and the body shows the verifier's error and backtrace.
    Backtrace,
}

/// Why a request is refused: small, so that every `Result` stays cheap.
#[derive(Debug)]
enum Refusal {
    BadRequest(&'static str),
    /// 401; `invalid` when a token was presented.
    Unauthorized {
        invalid: bool,
        challenge: Challenge,
    },
    /// A failed login, with its body's detail.
    BadCredentials(&'static str),
    NotFound,
    Conflict(&'static str),
    Unprocessable(&'static str),
    TooManyRequests,
    /// 403 with this detail.
    Forbidden(&'static str),
    /// 500 with this body text.
    ServerError(&'static str),
}

const GENERIC_500: &str = r#"{"detail":"Internal server error"}"#;

const PANIC_BODY: &str = "thread 'tokio-runtime-worker' panicked at src/auth/verify.rs:57:44:\n\
called `Result::unwrap()` on an `Err` value: InvalidByte(6, 33)\n\
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";

const BACKTRACE: &str = "jsonwebtoken::errors::Error(InvalidSignature)\n\
Stack backtrace:\n   0: jsonwebtoken::decoding::verify_signature\n\
             at /home/ci/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/jsonwebtoken-10.3.0/src/decoding.rs:251:9\n\
   1: todo_api::auth::verify\n             at ./src/auth.rs:88:5";

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Self::BadRequest(detail) => error(StatusCode::BAD_REQUEST, detail),
            Self::NotFound => error(StatusCode::NOT_FOUND, "task not found"),
            Self::Conflict(detail) => error(StatusCode::CONFLICT, detail),
            Self::Unprocessable(detail) => error(StatusCode::UNPROCESSABLE_ENTITY, detail),
            Self::TooManyRequests => error(
                StatusCode::TOO_MANY_REQUESTS,
                "too many failed attempts: account locked",
            ),
            Self::Forbidden(detail) => error(StatusCode::FORBIDDEN, detail),
            Self::ServerError(body) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                body,
            )
                .into_response(),
            Self::BadCredentials(detail) => {
                with_challenge(error(StatusCode::UNAUTHORIZED, detail), Some("Bearer"))
            }
            Self::Unauthorized { invalid, challenge } => {
                let detail = if invalid {
                    "invalid or expired token"
                } else {
                    "not authenticated"
                };
                let response = if invalid && challenge == Challenge::Backtrace {
                    (
                        StatusCode::UNAUTHORIZED,
                        Json(json!({"detail": detail, "error": BACKTRACE})),
                    )
                        .into_response()
                } else {
                    error(StatusCode::UNAUTHORIZED, detail)
                };
                let value = match (challenge, invalid) {
                    (Challenge::NoHeader, _) => None,
                    (Challenge::WithoutError, _) | (_, false) => Some("Bearer"),
                    (_, true) => Some("Bearer error=\"invalid_token\""),
                };
                with_challenge(response, value)
            }
        }
    }
}

fn with_challenge(mut response: Response, challenge: Option<&'static str>) -> Response {
    if let Some(challenge) = challenge {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
    }
    response
}

// --- authentication ----------------------------------------------------------

/// Who a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Identity {
    /// The token's `sub`.
    User(String),
    /// Whoever the path names: what the bugs that let a request through
    /// without a usable subject end up doing.
    PathUser,
}

/// The registered claims the server reads, each as JSON so that the typing
/// rules are the server's (and the bugs'). A derived struct: serde refuses
/// a duplicate `sub`, `exp` or `nbf` ("duplicate field"), and ignores the
/// rest.
#[derive(Debug, Default, Deserialize)]
pub struct RawClaims {
    #[serde(default)]
    pub sub: Option<Value>,
    #[serde(default)]
    pub exp: Option<Value>,
    #[serde(default)]
    pub nbf: Option<Value>,
}

/// The strict parse of a payload: a JSON object (a derived struct would
/// also take an array, in field order), no duplicate claim the server reads.
pub fn strict_claims(payload: &[u8]) -> Option<RawClaims> {
    let object = payload
        .iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|first| *first == b'{');
    object
        .then(|| serde_json::from_slice(payload).ok())
        .flatten()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// The value of `name` in a query string or a cookie header.
fn parameter<'a>(pairs: &'a str, separator: char, name: &str) -> Option<&'a str> {
    pairs
        .split(separator)
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// An authenticated caller, or the refusal.
struct Caller(Identity);

impl FromRequestParts<Arc<App>> for Caller {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Refusal> {
        app.authenticate(&parts.headers, parts.uri.query())
            .await
            .map(Caller)
    }
}

impl App {
    fn challenge(&self) -> Challenge {
        match self.bug {
            Bug::NoChallenge => Challenge::NoHeader,
            Bug::ChallengeWithoutError => Challenge::WithoutError,
            Bug::BacktraceInErrors => Challenge::Backtrace,
            _ => Challenge::Rfc6750,
        }
    }

    fn missing(&self) -> Refusal {
        Refusal::Unauthorized {
            invalid: false,
            challenge: self.challenge(),
        }
    }

    fn invalid(&self) -> Refusal {
        Refusal::Unauthorized {
            invalid: true,
            challenge: self.challenge(),
        }
    }

    fn leeway(&self) -> u64 {
        if self.bug == Bug::ExcessiveLeeway {
            EXCESSIVE_LEEWAY_SECS
        } else {
            LEEWAY_SECS
        }
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The bearer token, if the request presents one (`Ok(None)`: no usable
    /// bearer credentials).
    fn bearer_token(
        &self,
        headers: &HeaderMap,
        query: Option<&str>,
    ) -> Result<Option<String>, Refusal> {
        let values: Vec<_> = headers.get_all(header::AUTHORIZATION).iter().collect();
        let value = match values.as_slice() {
            [] => return Ok(self.token_elsewhere(headers, query)),
            [value] => *value,
            [first, ..] if self.bug == Bug::FirstAuthorizationHeaderWins => *first,
            _ => return Err(Refusal::BadRequest("more than one Authorization header")),
        };
        let Some((scheme, token)) = value.to_str().ok().and_then(|text| text.split_once(' '))
        else {
            return Ok(None);
        };
        let bearer = if self.bug == Bug::CaseSensitiveScheme {
            scheme == "Bearer"
        } else {
            scheme.eq_ignore_ascii_case("bearer")
        };
        let token = token.trim_start_matches(' ');
        Ok((bearer && !token.is_empty()).then(|| token.to_owned()))
    }

    /// Where the bugs look when there is no Authorization header.
    fn token_elsewhere(&self, headers: &HeaderMap, query: Option<&str>) -> Option<String> {
        match self.bug {
            Bug::AcceptsQueryToken => parameter(query?, '&', "access_token").map(str::to_owned),
            Bug::AcceptsCookieToken => {
                let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
                ["token", "access_token", "jwt"]
                    .into_iter()
                    .find_map(|name| parameter(cookies, ';', name))
                    .map(str::to_owned)
            }
            _ => None,
        }
    }

    /// The caller, or the 400/401 (or a bug's 429/500) answer.
    async fn authenticate(
        &self,
        headers: &HeaderMap,
        query: Option<&str>,
    ) -> Result<Identity, Refusal> {
        let token = self.bearer_token(headers, query)?;
        if self.bug == Bug::AcceptsMissingToken
            && token
                .as_deref()
                .is_none_or(|token| token.split('.').count() != 3)
        {
            return Ok(Identity::PathUser);
        }
        let token = token.ok_or_else(|| self.missing())?;
        let claimed = (self.bug == Bug::LocksOutAfterRefusals)
            .then(|| claimed_subject(&token))
            .flatten();
        if let Some(sub) = &claimed
            && self.store().refusals.get(sub).copied().unwrap_or(0) >= LOCKOUT_AFTER
        {
            return Err(Refusal::TooManyRequests);
        }
        let verified = self.verify(&token).await;
        if let (Err(Refusal::Unauthorized { .. }), Some(sub)) = (&verified, claimed) {
            *self.store().refusals.entry(sub).or_default() += 1;
        }
        let identity = verified?;
        if self.bug == Bug::StatefulSessions && !self.store().sessions.contains(&token) {
            return Err(self.invalid());
        }
        if self.bug == Bug::RevokedTokensGet403 && self.store().revoked.contains(&token) {
            return Err(Refusal::Forbidden("token revoked"));
        }
        Ok(identity)
    }

    /// The whole verification of a compact JWS.
    async fn verify(&self, token: &str) -> Result<Identity, Refusal> {
        if token.len() > MAX_TOKEN_BYTES {
            match self.bug {
                Bug::HugeTokenCrashes => return Err(Refusal::ServerError(GENERIC_500)),
                Bug::NoTokenSizeCap => {}
                _ => return Err(self.invalid()),
            }
        }
        let segments: Vec<&str> = token.split('.').collect();
        let [header, payload, signature] = segments[..] else {
            return Err(self.invalid());
        };
        // Python's base64 (python-jose) skips characters outside the alphabet.
        let skipped: String;
        let signature = if self.bug == Bug::SkipsNonBase64Url {
            skipped = signature
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            skipped.as_str()
        } else {
            signature
        };
        let signing_input_len = header.len() + 1 + payload.len();
        let header_json = self.decode_segment(header)?;
        let payload_json = self.decode_segment(payload)?;
        self.decode_segment(signature)?;
        if self.bug != Bug::SkipsSignatureCheck {
            let header: Map<String, Value> =
                serde_json::from_slice(&header_json).map_err(|_| self.invalid())?;
            let signing_input = &token[..signing_input_len];
            self.check_signature(&header, signing_input.as_bytes(), signature)
                .await?;
            if header.contains_key("crit") && self.bug != Bug::IgnoresCrit {
                return Err(self.invalid());
            }
        }
        self.identity(&payload_json)
    }

    fn decode_segment(&self, segment: &str) -> Result<Vec<u8>, Refusal> {
        URL_SAFE_NO_PAD.decode(segment).map_err(|_| {
            if self.bug == Bug::PanicsOnBadBase64 {
                Refusal::ServerError(PANIC_BODY)
            } else {
                self.invalid()
            }
        })
    }

    /// The header's `alg` against the allow-list, and the signature against
    /// the key(s): the secret, or what a bug takes instead.
    async fn check_signature(
        &self,
        header: &Map<String, Value>,
        signing_input: &[u8],
        signature: &str,
    ) -> Result<(), Refusal> {
        let alg = header
            .get("alg")
            .and_then(Value::as_str)
            .ok_or_else(|| self.invalid())?;
        if self.bug == Bug::TrustsEmbeddedJwk
            && let Some(jwk) = header.get("jwk")
        {
            let jwk: Jwk = serde_json::from_value(jwk.clone()).map_err(|_| self.invalid())?;
            return self.verify_with_jwk(&jwk, alg, signing_input, signature);
        }
        let key_url = ["jku", "x5u"]
            .into_iter()
            .find_map(|field| header.get(field).and_then(Value::as_str));
        if let (Bug::TrustsKeyUrl | Bug::FetchesKeyUrl, Some(url)) = (self.bug, key_url) {
            let jwks = self.fetch_jwks(url).await;
            if self.bug == Bug::TrustsKeyUrl {
                let kid = header.get("kid").and_then(Value::as_str);
                let jwk = jwks
                    .as_ref()
                    .and_then(|jwks| {
                        jwks.keys
                            .iter()
                            .find(|jwk| jwk.common.key_id.as_deref() == kid)
                    })
                    .ok_or_else(|| self.invalid())?;
                return self.verify_with_jwk(jwk, alg, signing_input, signature);
            }
        }
        let algorithm = match alg {
            "HS256" => Algorithm::HS256,
            "HS384" if self.bug == Bug::AllowsHs384AndHs512 => Algorithm::HS384,
            "HS512" if self.bug == Bug::AllowsHs384AndHs512 => Algorithm::HS512,
            "none" => return Err(self.invalid()),
            other
                if self.bug == Bug::AlgNoneDenylistIsCaseSensitive
                    && other.eq_ignore_ascii_case("none") =>
            {
                return if signature.is_empty() {
                    Ok(())
                } else {
                    Err(self.invalid())
                };
            }
            _ => return Err(self.invalid()),
        };
        let kid = header.get("kid").and_then(Value::as_str);
        for key in self.keys(kid).await? {
            let key = DecodingKey::from_secret(&key);
            if jsonwebtoken::crypto::verify(signature, signing_input, &key, algorithm)
                .unwrap_or(false)
            {
                return Ok(());
            }
        }
        Err(self.invalid())
    }

    fn verify_with_jwk(
        &self,
        jwk: &Jwk,
        alg: &str,
        signing_input: &[u8],
        signature: &str,
    ) -> Result<(), Refusal> {
        let algorithm: Algorithm = alg.parse().map_err(|_| self.invalid())?;
        let key = DecodingKey::from_jwk(jwk).map_err(|_| self.invalid())?;
        match jsonwebtoken::crypto::verify(signature, signing_input, &key, algorithm) {
            Ok(true) => Ok(()),
            _ => Err(self.invalid()),
        }
    }

    async fn fetch_jwks(&self, url: &str) -> Option<JwkSet> {
        let response = self.http.get(url).send().await.ok()?;
        response.json::<JwkSet>().await.ok()
    }

    /// The HMAC keys to try. Correct: the secret, whatever the `kid` says.
    async fn keys(&self, kid: Option<&str>) -> Result<Vec<Vec<u8>>, Refusal> {
        let Some(kid) = kid else {
            return Ok(match self.bug {
                Bug::EmptyKeyInKeyRing => vec![self.secret.clone(), Vec::new()],
                _ => vec![self.secret.clone()],
            });
        };
        match self.bug {
            Bug::EmptyKeyInKeyRing => Ok(vec![self.secret.clone(), Vec::new()]),
            Bug::KidIsAFilePath => std::fs::read(self.key_dir.join(kid))
                .map(|key| vec![key])
                .map_err(|_| self.invalid()),
            Bug::KidInSqlQuery => sql_key(
                &format!("SELECT key FROM keys WHERE kid = '{kid}'"),
                &self.secret,
            )
            .map(|key| vec![key])
            .ok_or_else(|| self.invalid()),
            Bug::KidInShellCommand => {
                tokio::time::sleep(shell_sleeps(kid).min(SHELL_SLEEP_CAP)).await;
                // `cat keys/x…` found no file: the output, the key, is
                // empty, and an empty key is refused.
                if kid == "k1" {
                    Ok(vec![self.secret.clone()])
                } else {
                    Err(self.invalid())
                }
            }
            _ => Ok(vec![self.secret.clone()]),
        }
    }

    /// The payload's claims, typed by the server's rules (or a bug's).
    fn identity(&self, payload: &[u8]) -> Result<Identity, Refusal> {
        let claims = if self.bug == Bug::DuplicateClaimsFirstWins {
            let map: Map<String, Value> =
                serde_json::from_slice(payload).map_err(|_| self.invalid())?;
            RawClaims {
                sub: first_member(payload, "sub").or_else(|| map.get("sub").cloned()),
                exp: map.get("exp").cloned(),
                nbf: map.get("nbf").cloned(),
            }
        } else {
            strict_claims(payload).ok_or_else(|| self.invalid())?
        };
        let now = unix_now();
        if self.bug != Bug::AcceptsExpiredTokens {
            match self.numeric_date(claims.exp.as_ref())? {
                Some(exp) if exp.saturating_add(self.leeway()) < now => {
                    return Err(self.invalid());
                }
                Some(_) => {}
                None if self.bug == Bug::ExpOptional => {}
                None => return Err(self.invalid()),
            }
        }
        if self.bug != Bug::IgnoresNbf
            && let Some(nbf) = self.numeric_date(claims.nbf.as_ref())?
            && nbf > now.saturating_add(self.leeway())
        {
            return Err(self.invalid());
        }
        match (self.bug, claims.sub) {
            (_, Some(Value::String(sub))) if !sub.is_empty() => Ok(Identity::User(sub)),
            (Bug::SubUnwrapPanics, Some(Value::String(sub))) => Ok(Identity::User(sub)),
            (Bug::SubUnwrapPanics, _) => Err(Refusal::ServerError(GENERIC_500)),
            (Bug::FalsySubSkipsOwnerCheck, sub) => Ok(match sub {
                None | Some(Value::Null | Value::Bool(false)) => Identity::PathUser,
                // Non-empty strings were taken above: this one is "".
                Some(Value::String(_)) => Identity::PathUser,
                Some(Value::Number(n)) if n.as_f64() == Some(0.0) => Identity::PathUser,
                Some(other) => Identity::User(other.to_string()),
            }),
            _ => Err(self.invalid()),
        }
    }

    /// A NumericDate: a non-negative integer (or, with the bug, a string
    /// of one). Absent: `None`; anything else refuses the token.
    fn numeric_date(&self, value: Option<&Value>) -> Result<Option<u64>, Refusal> {
        match value {
            None => Ok(None),
            Some(Value::Number(number)) => number.as_u64().map(Some).ok_or_else(|| self.invalid()),
            Some(Value::String(text)) if self.bug == Bug::CoercesStringDates => {
                text.trim().parse().map(Some).map_err(|_| self.invalid())
            }
            Some(_) => Err(self.invalid()),
        }
    }

    /// Authenticates and checks that `{user_id}` is the caller: another
    /// user's path is a 404, as for a missing task.
    fn authorize(&self, caller: &Identity, user_id: &str) -> Result<(), Refusal> {
        match caller {
            Identity::User(sub) if sub != user_id && self.bug != Bug::IgnoresOwner => {
                match self.bug {
                    Bug::OtherUsersPathIs403 | Bug::ForbiddenButWrites => {
                        Err(Refusal::Forbidden("not your tasks"))
                    }
                    _ => Err(Refusal::NotFound),
                }
            }
            _ => Ok(()),
        }
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

    /// A token for a user, as register and login issue it.
    fn issue(&self, store: &mut Store, user: &User) -> String {
        let now = unix_now();
        let claims = json!({
            "sub": user.id,
            "email": user.email,
            "iat": now,
            "exp": now + TOKEN_TTL_SECS,
        });
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail");
        if self.bug == Bug::StatefulSessions {
            store.sessions.insert(token.clone());
        }
        token
    }
}

/// The `sub` a token claims, unverified (for the lockout bug's counter).
fn claimed_subject(token: &str) -> Option<String> {
    let payload = URL_SAFE_NO_PAD.decode(token.split('.').nth(1)?).ok()?;
    let claims: Map<String, Value> = serde_json::from_slice(&payload).ok()?;
    claims.get("sub")?.as_str().map(str::to_owned)
}

/// A toy of the one query `Bug::KidInSqlQuery` builds: the rows of
/// `WHERE kid = '…'` from a one-row table, then those of a `UNION SELECT
/// '…'`; a trailing `--` comment is ignored. The first row is the key.
fn sql_key(query: &str, secret: &[u8]) -> Option<Vec<u8>> {
    let grammar = Regex::new(
        r"^SELECT key FROM keys WHERE kid = '([^']*)'(?: UNION SELECT '([^']*)')?\s*(?:--.*)?$",
    )
    .expect("a valid regex");
    let rows = grammar.captures(query)?;
    let mut result = Vec::new();
    if &rows[1] == "k1" {
        result.push(secret.to_vec());
    }
    if let Some(literal) = rows.get(2) {
        result.push(literal.as_str().as_bytes().to_vec());
    }
    result.into_iter().next()
}

/// How long `sh -c "cat keys/{kid}"` would sleep: every `sleep N` in it.
fn shell_sleeps(kid: &str) -> Duration {
    let sleep = Regex::new(r"sleep\s+(\d+)").expect("a valid regex");
    let seconds = sleep
        .captures_iter(kid)
        .filter_map(|captures| captures[1].parse::<u64>().ok())
        .sum();
    Duration::from_secs(seconds)
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

/// `lax`: `Bug::AcceptsInvalidInput`, any string will do.
fn title(body: &Map<String, Value>, lax: bool) -> Result<String, Refusal> {
    let title = body
        .get("title")
        .and_then(Value::as_str)
        .ok_or(Refusal::Unprocessable("title must be a string"))?
        .trim();
    let length = title.chars().count();
    if !lax && (!(1..=200).contains(&length) || title.contains('\0')) {
        return Err(Refusal::Unprocessable(
            "title must have 1 to 200 characters",
        ));
    }
    Ok(title.to_owned())
}

/// Absent: `None`; `null`: `Some(None)`; a valid string: `Some(Some(_))`.
/// `lax`: `Bug::AcceptsInvalidInput`, any string will do.
fn description(body: &Map<String, Value>, lax: bool) -> Result<Option<Option<String>>, Refusal> {
    match body.get("description") {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(text))
            if lax || (text.chars().count() <= 1000 && !text.contains('\0')) =>
        {
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

/// The `user_id` of a body, which only the mass-assignment bugs read.
fn body_owner(body: &Map<String, Value>) -> Option<String> {
    body.get("user_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
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

// --- account handlers --------------------------------------------------------

/// Trimmed and lower-cased, with a local part and a dotted domain.
fn valid_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && domain.split('.').all(|label| !label.is_empty())
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.chars().count() <= 254;
    valid.then_some(email)
}

fn auth_answer(token: String, user: &User) -> Value {
    json!({
        "token": token,
        "user": {"id": user.id, "email": user.email, "name": user.name},
    })
}

async fn register(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Answer {
    let body = json_object(&headers, &body)?;
    let email = body
        .get("email")
        .and_then(Value::as_str)
        .and_then(valid_email)
        .ok_or(Refusal::BadRequest("invalid email address"))?;
    let password = body
        .get("password")
        .and_then(Value::as_str)
        .ok_or(Refusal::BadRequest("password must be a string"))?;
    let length = password.chars().count();
    let too_short = length < MIN_PASSWORD_CHARS && app.bug != Bug::AcceptsWeakPasswords;
    if too_short || length > MAX_PASSWORD_CHARS {
        return Err(Refusal::BadRequest(
            "password must be 8 to 128 characters long",
        ));
    }
    let name = match body.get("name") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) if name.chars().count() <= 100 => {
            Some(name.trim().to_owned()).filter(|name| !name.is_empty())
        }
        Some(_) => return Err(Refusal::BadRequest("name must be at most 100 characters")),
    };
    let mut store = app.store();
    if store.users.contains_key(&email) {
        return Err(if app.bug == Bug::DuplicateRegisterCrashes {
            Refusal::ServerError(GENERIC_500)
        } else {
            Refusal::Conflict("email already registered")
        });
    }
    let user = User {
        id: Uuid::new_v4().to_string(),
        email: email.clone(),
        name,
        password: password.to_owned(),
    };
    let token = app.issue(&mut store, &user);
    let answer = auth_answer(token, &user);
    store.users.insert(email, user);
    ok(StatusCode::CREATED, answer)
}

async fn login(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Answer {
    let body = json_object(&headers, &body)?;
    let (Some(email), Some(password)) = (
        body.get("email").and_then(Value::as_str),
        body.get("password").and_then(Value::as_str),
    ) else {
        return Err(Refusal::Unprocessable("email and password are required"));
    };
    let email = email.trim().to_lowercase();
    let mut store = app.store();
    let Some(user) = store.users.get(&email) else {
        return Err(Refusal::BadCredentials(
            if app.bug == Bug::LoginRevealsUnknownEmail {
                "no account with this email"
            } else {
                "invalid email or password"
            },
        ));
    };
    if user.password != password {
        return Err(Refusal::BadCredentials("invalid email or password"));
    }
    let user = User {
        id: user.id.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
        password: String::new(),
    };
    let token = app.issue(&mut store, &user);
    ok(StatusCode::OK, auth_answer(token, &user))
}

async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Answer {
    if app.bug != Bug::LogoutWithoutAuth {
        app.authenticate(&headers, None).await?;
    }
    if let (Bug::StatefulSessions | Bug::RevokedTokensGet403, Ok(Some(token))) =
        (app.bug, app.bearer_token(&headers, None))
    {
        let mut store = app.store();
        store.sessions.remove(&token);
        store.revoked.insert(token);
        return ok(StatusCode::OK, json!({"detail": "Logged out."}));
    }
    ok(
        StatusCode::OK,
        json!({"detail": "Logged out. Tokens are stateless: this token stays valid until it expires."}),
    )
}

// --- task handlers -----------------------------------------------------------

async fn list(
    State(app): State<Arc<App>>,
    Path(user_id): Path<String>,
    Caller(caller): Caller,
) -> Answer {
    app.authorize(&caller, &user_id)?;
    let store = app.store();
    let mut tasks: Vec<&Task> = store
        .tasks
        .values()
        .filter(|task| task.user_id == user_id || app.bug == Bug::ListsEveryonesTasks)
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
    Caller(caller): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    app.authorize(&caller, &user_id)?;
    let body = json_object(&headers, &body)?;
    let lax = app.bug == Bug::AcceptsInvalidInput;
    let title = title(&body, lax)?;
    let description = description(&body, lax)?
        .flatten()
        .filter(|_| app.bug != Bug::DropsDescriptionOnCreate);
    let owner = match body_owner(&body) {
        Some(owner) if app.bug == Bug::MassAssignmentOnCreate => owner,
        _ => user_id,
    };
    let now = timestamp();
    let mut store = app.store();
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
    ok(StatusCode::CREATED, answer)
}

async fn read(
    State(app): State<Arc<App>>,
    Path((user_id, id)): Path<(String, String)>,
    Caller(caller): Caller,
) -> Answer {
    app.authorize(&caller, &user_id)?;
    let id = task_id(&id)?;
    let mut store = app.store();
    match app.find(&mut store, &user_id, id) {
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

async fn update(
    State(app): State<Arc<App>>,
    Path((user_id, id)): Path<(String, String)>,
    Caller(caller): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    // With `ForbiddenButWrites`, the check's answer comes after the write.
    let authorized = match (app.bug, app.authorize(&caller, &user_id)) {
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
    let stored = app.find(&mut store, &user_id, id)?;
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

async fn toggle(
    State(app): State<Arc<App>>,
    Path((user_id, id)): Path<(String, String)>,
    Caller(caller): Caller,
) -> Answer {
    app.authorize(&caller, &user_id)?;
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
    Caller(caller): Caller,
) -> Answer {
    app.authorize(&caller, &user_id)?;
    let id = task_id(&id)?;
    let mut store = app.store();
    app.find(&mut store, &user_id, id)?;
    if app.bug == Bug::DeleteFails {
        return Ok(error(StatusCode::INTERNAL_SERVER_ERROR, "could not delete"));
    }
    store.tasks.remove(&id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The value of the first `"name":` member in a JSON text: what a parser
/// that keeps the first of duplicate keys would see (RFC 7519 §4 forbids it).
fn first_member(payload: &[u8], name: &str) -> Option<Value> {
    let text = std::str::from_utf8(payload).ok()?;
    let start = text.find(&format!("\"{name}\":"))? + name.len() + 3;
    serde_json::Deserializer::from_str(&text[start..])
        .into_iter::<Value>()
        .next()?
        .ok()
}
