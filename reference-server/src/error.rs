//! The one error type of the HTTP layer, and how each variant is answered.
//!
//! Every error body is `{"detail": "..."}`, the shape FastAPI clients already
//! parse. Internal failures are logged here and answered with a generic body.

use std::time::Duration;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::database::is_unavailable;

/// Why a request was not authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// No usable bearer credentials were sent.
    Missing,
    /// A bearer token was sent and rejected.
    InvalidToken,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not authenticated")]
    Unauthorized(AuthFailure),
    #[error("invalid email or password")]
    InvalidCredentials,
    /// The same answer for a missing resource and for one owned by somebody
    /// else, so that nobody learns which users exist.
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    BadRequest(String),
    #[error("email already registered")]
    EmailTaken,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("{0}")]
    Unprocessable(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The token issuer's JWKS cannot be fetched, and the token names a key
    /// the server does not have yet.
    #[error("token issuer unavailable: {0}")]
    IssuerUnavailable(String),
    /// The request took longer than the server allows.
    #[error("request timed out after {0:?}")]
    TimedOut(Duration),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("{0}")]
    Internal(String),
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        // The database is down, restarting or saturated: a retry may work,
        // so say 503.
        if is_unavailable(&error) {
            Self::Unavailable(error.to_string())
        } else {
            Self::Database(error)
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::PayloadTooLarge
        } else {
            Self::Unprocessable(rejection.body_text())
        }
    }
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized(_) | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::EmailTaken => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unavailable(_) | Self::IssuerUnavailable(_) | Self::TimedOut(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Unauthorized(AuthFailure::Missing) => "Not authenticated".to_owned(),
            Self::Unauthorized(AuthFailure::InvalidToken) => "Invalid or expired token".to_owned(),
            Self::Unavailable(_) | Self::IssuerUnavailable(_) => {
                "Service temporarily unavailable".to_owned()
            }
            Self::TimedOut(_) => "Request timed out".to_owned(),
            Self::Database(_) | Self::Internal(_) => "Internal server error".to_owned(),
            other => other.to_string(),
        }
    }

    /// RFC 6750 §3: a 401 names the scheme, and says `invalid_token` when a
    /// token was presented.
    fn www_authenticate(&self) -> Option<&'static str> {
        match self {
            Self::Unauthorized(AuthFailure::InvalidToken) => {
                Some(r#"Bearer error="invalid_token""#)
            }
            Self::Unauthorized(AuthFailure::Missing) | Self::InvalidCredentials => Some("Bearer"),
            _ => None,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            Self::Unavailable(error) => tracing::warn!(%error, "database unavailable"),
            Self::IssuerUnavailable(error) => tracing::warn!(%error, "token issuer unavailable"),
            Self::TimedOut(limit) => tracing::warn!(?limit, "request timed out"),
            Self::Database(error) => tracing::error!(%error, "database error"),
            Self::Internal(error) => tracing::error!(%error, "internal error"),
            _ => {}
        }
        let mut response =
            (self.status(), Json(json!({ "detail": self.detail() }))).into_response();
        if let Some(challenge) = self.www_authenticate() {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}

impl From<crate::password::PasswordError> for AppError {
    fn from(error: crate::password::PasswordError) -> Self {
        Self::Internal(error.to_string())
    }
}

impl From<crate::tokens::TokenError> for AppError {
    // Only issuing can fail this way at a handler: verification failures
    // become `Unauthorized` in the extractor.
    fn from(error: crate::tokens::TokenError) -> Self {
        Self::Internal(format!("could not issue a token: {error}"))
    }
}
