//! Before any scenario: the bundled reference server started in-process
//! (or an external one at `--base-url` reached), its users checked, and
//! one line naming the real cause when something stops the run.

use std::time::Duration;

use reqwest::Method;
use todo_reference_server::{Config, RunningServer, Secret, config};

use crate::contract::Route;
use crate::target::accounts::issued;
use crate::target::http::{Cause, Client, Exchange, Unanswered, bearer};
use crate::target::ledger::Ledger;
use crate::target::profile::Profile;
use crate::target::routes;
use crate::target::tasks::Tasks;
use crate::target::users::{Account, Provisioning, UserSource};
use crate::tokens::PublicKey;

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("{0}")]
    Config(#[from] todo_reference_server::ConfigError),
    #[error("could not start the bundled reference server: {0}")]
    Spawn(#[from] todo_reference_server::SpawnError),
    /// A transport error: said as such, never as a refusal.
    #[error("{}", no_answer(.sent, .unanswered, *.timeout))]
    NoAnswer {
        /// The request, and as whom it was sent.
        sent: String,
        unanswered: Unanswered,
        timeout: Duration,
    },
    #[error(
        "the route was not found at {url}: it answered {status}, as a path that cannot exist does; check --base-url or the profile (--profile)"
    )]
    RouteNotFound { url: String, status: u16 },
    #[error("the target refused the suite's users: {reason}; {hint}")]
    Credentials { reason: String, hint: String },
    /// A redirect is never followed (a token must not travel elsewhere), so
    /// nothing behind it can be checked: said as such, never as a refusal.
    #[error(
        "{sent} was answered {status}, a redirect to {location}, which the suite never follows (a token must not travel to another place); check --base-url (the scheme, the host, a trailing slash) or what redirects in front of the target"
    )]
    Redirected {
        sent: String,
        status: u16,
        location: String,
    },
    /// A create that succeeded with a body the profile finds no task in:
    /// the route or the field names, not the users, are wrong.
    #[error(
        "{sent} succeeded ({status}), but its body is not a task: no id where the profile {profile:?} looks for one ({body}); check the profile's tasks route and field names (--profile)"
    )]
    NotATask {
        sent: String,
        status: u16,
        profile: String,
        body: String,
    },
}

/// What the target answers a request with no token: a 5xx there is the
/// sign of an auth middleware that fails instead of refusing.
#[derive(Debug, Clone, Copy)]
pub struct Reachable {
    pub status_without_token: u16,
}

/// Starts the reference server on an ephemeral loopback port, with the
/// suite's `secret`, on `DATABASE_URL` or a testcontainers Postgres.
pub async fn start_bundled(secret: &str) -> Result<RunningServer, TargetError> {
    let database = config::database_from_lookup(&|name| std::env::var(name).ok())?;
    let description = match &database {
        todo_reference_server::DatabaseConfig::Url(_) => "the Postgres at DATABASE_URL".to_owned(),
        todo_reference_server::DatabaseConfig::Container(image) => {
            format!("a Postgres container ({image})")
        }
    };
    eprintln!("starting the bundled reference server on {description}...");
    let config = Config::new(Secret::new(secret)?, database);
    let server = todo_reference_server::spawn(config).await?;
    Ok(server)
}

/// Any HTTP answer at all proves the target is there; only a transport
/// error stops the run.
pub async fn preflight(client: &Client, profile: &Profile) -> Result<Reachable, TargetError> {
    let probe = profile.tasks_path(&format!("preflight-{}", uuid::Uuid::new_v4().simple()));
    let exchange = client.send(Method::GET, &probe, &[], None).await;
    match &exchange.response {
        Ok(received) => Ok(Reachable {
            status_without_token: received.status,
        }),
        Err(unanswered) => Err(no_answer_to(client, &exchange, None, unanswered)),
    }
}

/// Makes one user the way the scenarios will, reads their list, and stores
/// and deletes a task, so that a wrong secret, a closed sign-up or a target
/// that needs its own user rows stops the run with one line instead of
/// failing every scenario. Returns the user; the task stays in `ledger`
/// until deleted, so the run's cleanup tries again, and reports it if it
/// stays.
pub async fn check_users(
    users: &Provisioning<'_>,
    reachable: Reachable,
    ledger: &Ledger,
) -> Result<Account, TargetError> {
    let client = users.client;
    let who = Some(who(users.source));
    let account = match users.provision("Preflight").await {
        Ok(account) => account,
        Err(error) => {
            if let Some(exchange) = error.exchange.as_deref() {
                stopped_by_transport_or_route(client, exchange, None, who).await?;
            }
            return Err(TargetError::Credentials {
                reason: error.reason,
                hint: credentials_hint(users.source).to_owned(),
            });
        }
    };
    let profile = users.profile;
    let tasks = Tasks::new(client, profile);
    let listed = tasks.list(&account).await;
    if !listed
        .status()
        .is_some_and(|status| profile.success(Route::List).contains(&status))
    {
        stopped_by_transport_or_route(client, &listed, Some(&account), who).await?;
        return Err(TargetError::Credentials {
            reason: describe(&listed, who),
            hint: refused_hint(users.source, &listed, reachable),
        });
    }
    // In the ledger from the moment it may exist: a run stopped before the
    // delete below still sweeps it.
    let in_flight = ledger.create_in_flight(vec![account.clone()], "");
    let created = tasks.create(&account, "todo-conformance preflight").await;
    let Some(_) = in_flight.settle(&created, profile) else {
        stopped_by_transport_or_route(client, &created, Some(&account), who).await?;
        if let Some(error) = not_a_task(&created, who, &profile.name) {
            return Err(error);
        }
        return Err(TargetError::Credentials {
            reason: describe(&created, who),
            hint: match users.source {
                UserSource::Mint => {
                    "the backend may require users to exist (a foreign key to its users table): use --users register|better-auth|given"
                }
                _ => "check the profile's tasks route and field names (--profile)",
            }
            .to_owned(),
        });
    };
    // What cannot be deleted stays in the ledger: cleanup tries again at
    // the end, and reports it if it stays.
    ledger.clean_up(tasks, "").await;
    Ok(account)
}

/// When the suite has a key but gets its users elsewhere: whether the
/// target refuses a token the suite mints for `account`, the run's own user,
/// as the scenarios that mint tokens mint them. A refusal is a finding of
/// its own (a stateful target fails the stateless promise), but also the
/// sign of a wrong key: it is said now, with which key, and `check`.
pub async fn minted_refused(
    users: &Provisioning<'_>,
    account: &Account,
    check: &str,
) -> Option<String> {
    let minter = users.minter.filter(|_| users.source != UserSource::Mint)?;
    let minted = Account {
        token: minter.sign(&minter.claims(&account.id, &account.email)),
        ..account.clone()
    };
    let listed = Tasks::new(users.client, users.profile).list(&minted).await;
    let success = users.profile.success(Route::List);
    if listed
        .status()
        .is_some_and(|status| success.contains(&status))
    {
        return None;
    }
    let check = if check.is_empty() {
        String::new()
    } else {
        format!("; {check}")
    };
    Some(format!(
        "the target refused a token minted with {} for the {} {}: {}; the scenarios that mint tokens are NOT CHECKED{check}",
        issued::minting_key(minter),
        who(users.source),
        account.id,
        describe(&listed, None)
    ))
}

/// The error for an exchange that got no answer, a redirect, or a 404 that
/// a path which cannot exist gets too: none is a refusal of the suite's
/// users.
async fn stopped_by_transport_or_route(
    client: &Client,
    exchange: &Exchange,
    account: Option<&Account>,
    who: Option<&str>,
) -> Result<(), TargetError> {
    match &exchange.response {
        Err(unanswered) => Err(no_answer_to(client, exchange, who, unanswered)),
        Ok(received) if (300..400).contains(&received.status) => Err(TargetError::Redirected {
            sent: sent_as(exchange, who),
            status: received.status,
            location: received
                .header("location")
                .map_or_else(|| "nowhere (no Location header)".to_owned(), str::to_owned),
        }),
        Ok(received) if received.status == 404 => {
            let token = account.map(|account| account.token.as_str());
            if answers_like_a_missing_path(client, exchange, token).await {
                Err(TargetError::RouteNotFound {
                    url: exchange.request.url.clone(),
                    status: received.status,
                })
            } else {
                Ok(())
            }
        }
        Ok(_) => Ok(()),
    }
}

/// Whether a path that cannot exist, asked of the same server with the same
/// credentials, gets the same status and body (each path masked in its own
/// body).
async fn answers_like_a_missing_path(
    client: &Client,
    exchange: &Exchange,
    token: Option<&str>,
) -> bool {
    // Better Auth's answers come from another server.
    if !exchange.request.url.starts_with(client.base_url()) {
        return false;
    }
    let missing = format!(
        "/todo-conformance-no-such-route-{}",
        uuid::Uuid::new_v4().simple()
    );
    let headers: Vec<_> = token.map(bearer).into_iter().collect();
    let control = client.send(Method::GET, &missing, &headers, None).await;
    routes::masked(exchange).is_some() && routes::masked(exchange) == routes::masked(&control)
}

/// The error for a create that succeeded without a task in its body.
fn not_a_task(created: &Exchange, who: Option<&str>, profile: &str) -> Option<TargetError> {
    let received = created
        .response
        .as_ref()
        .ok()
        .filter(|received| (200..300).contains(&received.status))?;
    Some(TargetError::NotATask {
        sent: sent_as(created, who),
        status: received.status,
        profile: profile.to_owned(),
        body: match received.header("content-encoding") {
            // Never asked for, never decoded: a bomb stays small.
            Some(encoding) => {
                format!("a body in content-encoding {encoding}, which the suite does not decode")
            }
            None => excerpt(&received.body, BODY_START_CHARS),
        },
    })
}

/// How much of a body a line of the preflight shows.
const BODY_START_CHARS: usize = 200;

/// The request, and as whom it was sent.
fn sent_as(exchange: &Exchange, who: Option<&str>) -> String {
    match who {
        Some(who) => format!("{} as a {who}", exchange.request),
        None => exchange.request.to_string(),
    }
}

fn no_answer_to(
    client: &Client,
    exchange: &Exchange,
    who: Option<&str>,
    unanswered: &Unanswered,
) -> TargetError {
    TargetError::NoAnswer {
        sent: sent_as(exchange, who),
        unanswered: unanswered.clone(),
        timeout: client.timeout(),
    }
}

/// A transport error in words: what happened, and what to check.
fn no_answer(sent: &str, unanswered: &Unanswered, timeout: Duration) -> String {
    let running = "check that the target is running and that --base-url is right";
    let (what, check) = match unanswered.cause {
        Cause::Refused => ("the connection was refused".to_owned(), running.to_owned()),
        Cause::TimedOut => (
            format!("none came within --timeout {} s", timeout.as_secs()),
            format!("{running}, or raise --timeout"),
        ),
        Cause::Closed => (
            "the target closed the connection without answering, a transport error, not a refusal"
                .to_owned(),
            "check the target's log for a crash, or a proxy in between".to_owned(),
        ),
        Cause::HeadTooLarge => (
            format!(
                "{}, so an answer came but could not be read",
                Cause::HeadTooLarge.says()
            ),
            "check what adds headers to the target's answers (a proxy, a cookie that grows)"
                .to_owned(),
        ),
        Cause::Other => ("the request failed".to_owned(), running.to_owned()),
    };
    format!("no answer to {sent}: {what} ({unanswered}); {check}")
}

/// What to check when the target refuses users from `source`.
fn credentials_hint(source: UserSource) -> &'static str {
    match source {
        UserSource::Mint => {
            "check that --secret is the target's token secret (its BETTER_AUTH_SECRET or JWT_SECRET), that the profile's claims name the user the way the target reads it, or that the target trusts --signing-key with that --token-issuer/--token-audience"
        }
        UserSource::BetterAuth => {
            "check that --better-auth is the URL of the Better Auth server whose JWKS the target trusts, with email and password sign-up enabled"
        }
        UserSource::Register => {
            "check that the target has the profile's register and login routes, or pass --secret to mint tokens instead"
        }
        UserSource::Given => {
            "check that the given tokens are current (Better Auth's live 15 minutes) and belong to users of this target"
        }
    }
}

/// FastAPI's `@app.middleware("http")` lets an `HTTPException` escape as a
/// 500 for every request it refuses, with or without a token.
const MIDDLEWARE_500: &str = "the target answers 5xx without a token too, as an auth middleware that raises does: FastAPI never turns an HTTPException raised in @app.middleware(\"http\") into a response, so every refusal is a 500; answer with JSONResponse(status_code=401, ...) instead. The suite's token was refused too, or crashed the target:";

/// The hint for a refused user: a 5xx that an unauthenticated request gets
/// too names the middleware first.
fn refused_hint(source: UserSource, exchange: &Exchange, reachable: Reachable) -> String {
    let hint = credentials_hint(source);
    let failed = exchange.status().is_some_and(|status| status >= 500);
    if failed && reachable.status_without_token >= 500 {
        format!("{MIDDLEWARE_500} {hint}")
    } else {
        hint.to_owned()
    }
}

fn who(source: UserSource) -> &'static str {
    match source {
        UserSource::Mint => "minted user",
        UserSource::Register => "registered user",
        UserSource::BetterAuth => "Better Auth user",
        UserSource::Given => "given user",
    }
}

/// The first `chars` characters of a body.
fn excerpt(body: &[u8], chars: usize) -> String {
    String::from_utf8_lossy(body).chars().take(chars).collect()
}

/// An answer in one line: the request, as whom, the status and the body's start.
fn describe(exchange: &Exchange, who: Option<&str>) -> String {
    let sent = sent_as(exchange, who);
    match &exchange.response {
        Ok(received) => format!(
            "{sent} gave {}: {}",
            received.status,
            excerpt(&received.body, BODY_START_CHARS)
        ),
        Err(error) => format!("{sent} failed: {error}"),
    }
}

/// The first Ed25519 key of a Better Auth server's JWKS (asking for it also
/// makes Better Auth create its key, which it does lazily), or `None` when
/// it has keys of other types only.
pub async fn better_auth_public_key(
    better_auth: &Client,
) -> Result<Option<PublicKey>, TargetError> {
    let unusable = |reason: String| TargetError::Credentials {
        reason: format!("{}/api/auth/jwks: {reason}", better_auth.base_url()),
        hint: "check the --better-auth URL".to_owned(),
    };
    let exchange = better_auth
        .send(Method::GET, "/api/auth/jwks", &[], None)
        .await;
    let received = match &exchange.response {
        Ok(received) => received,
        Err(unanswered) => return Err(no_answer_to(better_auth, &exchange, None, unanswered)),
    };
    if received.status != 200 {
        return Err(unusable(format!("status {}", received.status)));
    }
    let jwks = received
        .json()
        .ok_or_else(|| unusable("not JSON".to_owned()))?;
    let keys = jwks
        .get("keys")
        .and_then(|keys| keys.as_array())
        .ok_or_else(|| unusable("no `keys` array".to_owned()))?;
    Ok(keys.iter().find_map(PublicKey::from_jwk))
}
