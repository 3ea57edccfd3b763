//! The one line that stops a run at preflight: what went wrong, in the
//! target's words where it has them, and what to check.

use std::time::Duration;

use crate::target::http::{Cause, Client, Exchange, Unanswered};
use crate::target::users::UserSource;

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[cfg(feature = "bundled")]
    #[error("{0}")]
    Config(#[from] todo_reference_server::ConfigError),
    #[cfg(feature = "bundled")]
    #[error("could not start the bundled reference server: {0}")]
    Spawn(#[from] todo_reference_server::SpawnError),
    /// No --base-url, in a build without the bundled server.
    #[error(
        "no --base-url: this is a client-only build (without the `bundled` feature), which has no reference server to start; pass --base-url URL of the API to test"
    )]
    NoBundledServer,
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

/// The error for a create that succeeded without a task in its body.
pub(super) fn not_a_task(
    created: &Exchange,
    who: Option<&str>,
    profile: &str,
) -> Option<TargetError> {
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
pub(super) fn sent_as(exchange: &Exchange, who: Option<&str>) -> String {
    match who {
        Some(who) => format!("{} as a {who}", exchange.request),
        None => exchange.request.to_string(),
    }
}

pub(super) fn no_answer_to(
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
pub(super) fn credentials_hint(source: UserSource) -> &'static str {
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
pub(super) fn refused_hint(
    source: UserSource,
    exchange: &Exchange,
    status_without_token: u16,
) -> String {
    let hint = credentials_hint(source);
    let failed = exchange.status().is_some_and(|status| status >= 500);
    if failed && status_without_token >= 500 {
        format!("{MIDDLEWARE_500} {hint}")
    } else {
        hint.to_owned()
    }
}

pub(super) fn who(source: UserSource) -> &'static str {
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
pub(super) fn describe(exchange: &Exchange, who: Option<&str>) -> String {
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
