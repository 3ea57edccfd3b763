//! A deliberately simple in-memory implementation of the contract, for the
//! negative controls and the kill matrix: strict and correct with
//! `Bug::None`, and with each other `Bug` broken in exactly one way, the way
//! real verifiers and APIs get it wrong. Not a second reference server: no
//! 413, no 405 bodies, no HEAD rules; just what the suite exercises.
//!
//! By concern: this file holds the `Bug` knob, the shared state, the
//! router and `start`; `answers` how refusals are dressed; `auth` the
//! Authorization header, the challenges and the owner check; `verify` the
//! token and its claims; `keys` the keys a token is checked with (`kid`,
//! `jku`, `jwk`); `jwks` the JWKS mode (an asymmetric issuer's tokens,
//! checked against its published keys); `accounts` register, login and logout; `body` the request
//! bodies; `tasks` the task handlers; `shape` the harmless variations;
//! `document` the OpenAPI document and `extras` the routes beyond the
//! contract it declares.

mod accounts;
mod answers;
mod auth;
mod body;
mod document;
mod extras;
mod jwks;
mod keys;
mod shape;
mod tasks;
mod verify;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::{get, patch, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::EncodingKey;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use uuid::Uuid;

// The public surface of the token parsing; each test crate uses its own part.
#[allow(unused_imports)]
pub use verify::{MAX_TOKEN_BYTES, RawClaims, strict_claims};

use accounts::{User, login, logout, register};
use answers::{Refusal, error};
use tasks::{Task, create, list, read, remove, toggle, update};

pub use shape::{Accounts, Listing, Routes, Shape, Unmatched};

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
    /// Routes that name a task look it up by id before anything else: a
    /// missing task is 404, another user's 403 (an existence oracle).
    OwnerCheckAfterLookup,
    /// The list is `SELECT * FROM tasks`: everyone's tasks, on any path.
    ListsEveryonesTasks,
    /// Create maps every field but `description`, which is lost.
    DropsDescriptionOnCreate,
    /// GET of one task uses the list-view serializer, without `description`.
    GetOmitsDescription,
    /// No validation of title and description.
    AcceptsInvalidInput,
    /// A title or description out of bounds is refused with 400, not 422.
    ValidationAnswers400,

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
    /// JavaScript-style coercion: a numeric string is accepted as `exp`/`nbf`
    /// (and enforced).
    CoercesStringDates,
    /// Compares `exp` with the clock only when it is a number: a string
    /// `exp` is never enforced.
    StringExpUnchecked,
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
    /// Of several Authorization headers, lets the request through when any
    /// verifies (a gateway's check), then acts on the last one's `sub`,
    /// unverified (the handler's decode).
    ChecksAnyHeaderActsOnLast,
    /// Of several Authorization headers, verifies the last (a proxy that
    /// keeps the last value) and acts on the first one's `sub`, unverified
    /// (Starlette's `headers["authorization"]` is the first).
    ChecksLastHeaderActsOnFirst,
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
    /// Login finds the account by email and never compares the password.
    LoginAcceptsAnyPassword,
    /// Register and login issue tokens without `exp`, and the verifier
    /// checks `exp` only when there is one (python-jose's default).
    IssuesTokensWithoutExp,
    /// Logout never authenticates: always 200.
    LogoutWithoutAuth,

    // --- routes beyond the contract (served with `Shape::document`) --------------
    /// `GET /api/{user_id}/tasks/stats` was added without the auth
    /// dependency: anyone's counts, no token needed.
    ExtraRouteWithoutAuth,
    /// The stats route checks the token and the path, then counts with
    /// `SELECT count(*) FROM tasks`: every user's tasks.
    StatsCountEveryone,
    /// `GET /api/users/{id}` checks the token but not whose it is: any
    /// user's id and email for anyone signed in.
    UserRouteBola,
    /// `GET /api/{user_id}/tasks/shared`, which the document declares
    /// without security, serves the path user's tasks to anyone.
    PublicRouteServesData,
    /// `POST /api/{user_id}/tasks/import` takes the owner from `user_id`,
    /// `userId`, `owner_id` or `owner` in the body when there is one.
    ImportTakesOwnerFromBody,
    /// `PUT /api/users/{id}` checks the token but not whose it is: anyone
    /// renames anyone.
    UserUpdateBola,
    /// CORS as Starlette does it with `allow_origins=["*"]` and
    /// `allow_credentials=True`: any origin reflected, with credentials.
    ReflectsOriginWithCredentials,
    /// The same, on a target that also takes its token from a `token`,
    /// `access_token` or `jwt` cookie: another site reads a user's data.
    ReflectsOriginWithCookieAuth,

    // --- statelessness -----------------------------------------------------------
    /// Keeps a session table: only tokens it issued (and not logged out) work.
    StatefulSessions,
    /// Logout puts the token on a denylist, and a denylisted token is
    /// answered 403 instead of 401.
    RevokedTokensGet403,

    // --- flaws the suite only reports -----------------------------------------------
    /// Takes the token from a `token`/`access_token`/`jwt` cookie.
    AcceptsCookieToken,
    /// Takes the token from Better Auth's `better-auth.session_token` cookie.
    AcceptsBetterAuthCookie,
    /// Fetches the `jku`/`x5u` URL of a token (then refuses the token).
    FetchesKeyUrl,
    /// No size cap on tokens (a 64 KiB one is parsed and HMACed).
    NoTokenSizeCap,
    /// Register and login issue tokens that live 400 days.
    LongLivedTokens,

    // --- JWKS mode (`start_jwks`) ---------------------------------------------------
    /// Trusts a key once fetched for good: refetches the JWKS only for a
    /// kid it never saw, never when the max-age has passed, so a key the
    /// issuer dropped keeps working.
    CachesJwksForever,
    /// Fetches the JWKS once and never again, not even for an unknown kid:
    /// a key the issuer adds is never accepted.
    NeverRefetchesJwks,
    /// Fetches the JWKS again for every unknown kid, no rate limit.
    RefetchesJwksPerUnknownKid,
    /// Never compares `iss` with the issuer.
    IgnoresIss,
    /// Never compares `aud` with the issuer.
    IgnoresAud,
    /// An `HS256` token is verified with the key's PEM as the HMAC secret
    /// (a library that takes "a key" for any algorithm).
    AcceptsHmacWithPublicKey,
    /// The token's `alg` decides how the key is used: `HS256` is an HMAC
    /// with the key's raw bytes as the secret.
    AlgFromToken,
    /// An unknown kid while the JWKS cannot be fetched is a 500.
    JwksOutageIs500,
}

/// The secret the server runs with: random, or the weak one of `WeakSecret`.
pub fn secret_for(bug: Bug) -> String {
    if bug == Bug::WeakSecret {
        return "secret".to_owned();
    }
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
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
    /// Names given with `PUT /api/users/{id}`, by user id.
    names: HashMap<String, String>,
    /// The `email` claim of verified tokens, by `sub`: what the user routes
    /// of `extras` answer with (minted users are never registered).
    emails: HashMap<String, String>,
}

struct App {
    bug: Bug,
    secret: Vec<u8>,
    encoding: EncodingKey,
    /// `Bug::KidIsAFilePath`: where key files live.
    key_dir: PathBuf,
    http: reqwest::Client,
    store: Mutex<Store>,
    listing: Listing,
    /// JWKS mode: the issuer whose keys verify tokens, instead of `secret`.
    jwks: Option<jwks::Jwks>,
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

    /// The ids of the tasks stored now, of every user.
    pub fn task_ids(&self) -> std::collections::BTreeSet<String> {
        self.task_owners().into_keys().collect()
    }

    /// The tasks stored now, of every user: each id with its owner's user
    /// id (the path's, or the token's `sub` on `/api/tasks`).
    pub fn task_owners(&self) -> std::collections::BTreeMap<String, String> {
        self.app
            .store()
            .tasks
            .values()
            .map(|task| (task.id().to_string(), task.owner().to_owned()))
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the server on an ephemeral loopback port of the current runtime.
pub async fn start(bug: Bug, secret: &str) -> Server {
    start_shaped(bug, secret, Shape::default()).await
}

/// Starts the server with task routes that name the user, or not.
pub async fn start_with(bug: Bug, secret: &str, routes: Routes) -> Server {
    start_shaped(
        bug,
        secret,
        Shape {
            routes,
            ..Shape::default()
        },
    )
    .await
}

/// Starts the server in `shape`.
pub async fn start_shaped(bug: Bug, secret: &str, shape: Shape) -> Server {
    start_verifying(bug, secret, shape, None).await
}

/// Starts the server in JWKS mode: tokens are checked against the JWKS of
/// `issuer` (a base URL, also their `iss` and `aud`), not the secret (which
/// only its own accounts' tokens are signed with).
pub async fn start_jwks(bug: Bug, issuer: &str, shape: Shape) -> Server {
    start_verifying(bug, &secret_for(bug), shape, Some(jwks::Jwks::new(issuer))).await
}

async fn start_verifying(bug: Bug, secret: &str, shape: Shape, jwks: Option<jwks::Jwks>) -> Server {
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
        listing: shape.listing,
        jwks,
    });
    let router = router(&app, shape);
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral loopback port");
    let url = format!("http://{}", listener.local_addr().expect("a bound address"));
    let task = tokio::spawn(async move {
        let served = match shape.routes {
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

/// The routes of the contract, `{user_id}` in the path, and the account
/// routes where `shape` puts them.
fn router(app: &Arc<App>, shape: Shape) -> Router {
    let mut router = Router::new()
        .route("/api/auth/logout", post(logout))
        .route("/api/{user_id}/tasks", get(list).post(create))
        .route(
            "/api/{user_id}/tasks/{id}",
            get(read).put(update).delete(remove),
        )
        .route("/api/{user_id}/tasks/{id}/complete", patch(toggle));
    let accounts = match shape.accounts {
        Accounts::Contract => Some(("/api/auth/register", "/api/auth/login")),
        Accounts::At { sign_up, login } => Some((sign_up, login)),
        Accounts::Absent => None,
    };
    if let Some((sign_up, at)) = accounts {
        router = router.route(sign_up, post(register)).route(at, post(login));
    }
    if shape.document {
        router = extras::routes(router);
    }
    if matches!(
        app.bug,
        Bug::ReflectsOriginWithCredentials | Bug::ReflectsOriginWithCookieAuth
    ) {
        router = router.layer(axum::middleware::from_fn(extras::reflect_origin));
    }
    let router = match shape.unmatched {
        Unmatched::NotFound => {
            router.fallback(|| async { error(StatusCode::NOT_FOUND, "route not found") })
        }
        Unmatched::Unauthorized => {
            router.fallback(|| async { error(StatusCode::UNAUTHORIZED, "Not authenticated") })
        }
    };
    router.with_state(Arc::clone(app))
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

impl App {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
