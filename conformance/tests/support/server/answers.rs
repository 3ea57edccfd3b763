//! Answers: the JSON bodies, and how a refusal is dressed, 401 challenges
//! included (which some bugs get wrong).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Answer;

pub(super) fn error(status: StatusCode, detail: &str) -> Response {
    (status, Json(json!({ "detail": detail }))).into_response()
}

#[allow(
    clippy::unnecessary_wraps,
    reason = "every handler answers an `Answer`, errors or not"
)]
pub(super) fn ok(status: StatusCode, body: Value) -> Answer {
    Ok((status, Json(body)).into_response())
}

/// How a 401 is dressed, which some bugs get wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Challenge {
    /// RFC 6750 §3: `Bearer`, plus `error="invalid_token"` for a token.
    Rfc6750,
    NoHeader,
    WithoutError,
    /// RFC 6750, and the body shows the verifier's error and backtrace.
    Backtrace,
}

/// Why a request is refused: small, so that every `Result` stays cheap.
#[derive(Debug)]
pub(super) enum Refusal {
    BadRequest(&'static str),
    /// 401; `invalid` when a token was presented.
    Unauthorized {
        invalid: bool,
        challenge: Challenge,
    },
    /// A failed login, with its body's detail.
    BadCredentials(&'static str),
    NotFound,
    /// 404 naming the task asked for, as many APIs word it.
    TaskNotFound(uuid::Uuid),
    Conflict(&'static str),
    Unprocessable(&'static str),
    TooManyRequests,
    /// 403 with this detail.
    Forbidden(&'static str),
    /// 500 with this body text.
    ServerError(&'static str),
    /// 503: the issuer's JWKS could not be fetched.
    Unavailable,
}

pub(super) const GENERIC_500: &str = r#"{"detail":"Internal server error"}"#;

pub(super) const PANIC_BODY: &str = "thread 'tokio-runtime-worker' panicked at src/auth/verify.rs:57:44:\n\
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
            Self::TaskNotFound(id) => error(StatusCode::NOT_FOUND, &format!("task {id} not found")),
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
            Self::Unavailable => error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the token issuer's keys are unavailable",
            ),
            Self::BadCredentials(detail) => {
                with_challenge(error(StatusCode::UNAUTHORIZED, detail), Some("Bearer"))
            }
            Self::Unauthorized { invalid, challenge } => unauthorized(invalid, challenge),
        }
    }
}

/// A 401; `invalid` when a token was presented.
fn unauthorized(invalid: bool, challenge: Challenge) -> Response {
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

fn with_challenge(mut response: Response, challenge: Option<&'static str>) -> Response {
    if let Some(challenge) = challenge {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
    }
    response
}
