//! Request extractors that authenticate the bearer token.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::error::{AppError, AuthFailure};
use crate::extract::path_param;
use crate::state::AppState;
use crate::tokens::{TokenError, Verifier};

/// The subject of a valid bearer token.
pub struct Authenticated {
    pub user_id: String,
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        authenticate(&parts.headers, &state.tokens).await
    }
}

/// The caller named by the request's bearer token: what [`Authenticated`]
/// extracts, without the rest of a request (the fuzz tests and benchmarks
/// call it directly).
pub async fn authenticate(
    headers: &HeaderMap,
    verifier: &Verifier,
) -> Result<Authenticated, AppError> {
    let token = bearer_token(headers)?;
    let claims = verifier.verify(token).await.map_err(|error| match error {
        // Not the token's fault: the issuer's keys cannot be fetched.
        TokenError::IssuerUnavailable(reason) => AppError::IssuerUnavailable(reason),
        error => {
            // The reason helps whoever runs the server; the client only
            // learns that the token was refused.
            tracing::debug!(%error, "bearer token rejected");
            AppError::Unauthorized(AuthFailure::InvalidToken)
        }
    })?;
    Ok(Authenticated {
        user_id: claims.sub,
    })
}

/// An authenticated request on the caller's own `/api/{user_id}/...` path.
/// Another user's path is a 404, exactly like a missing task, so that nobody
/// learns whether that user exists.
pub struct Caller {
    pub user_id: String,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Authenticated { user_id } = Authenticated::from_request_parts(parts, state).await?;
        match path_param(parts, state, "user_id").await {
            Some(path_user) if path_user == user_id => Ok(Self { user_id }),
            _ => Err(AppError::NotFound),
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1),
/// with the scheme matched case-insensitively.
fn bearer_token(headers: &HeaderMap) -> Result<&str, AppError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let value = match (values.next(), values.next()) {
        (None, _) => return Err(AppError::Unauthorized(AuthFailure::Missing)),
        (Some(value), None) => value,
        // Which one would be meant is anyone's guess; refuse both.
        (Some(_), Some(_)) => {
            return Err(AppError::BadRequest(
                "more than one Authorization header".to_owned(),
            ));
        }
    };
    let value = value
        .to_str()
        .map_err(|_| AppError::Unauthorized(AuthFailure::InvalidToken))?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AppError::Unauthorized(AuthFailure::Missing));
    }
    match token.trim_start_matches(' ') {
        "" => Err(AppError::Unauthorized(AuthFailure::Missing)),
        token => Ok(token),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn failure(values: &[&str]) -> Option<AuthFailure> {
        match bearer_token(&headers(values)) {
            Err(AppError::Unauthorized(failure)) => Some(failure),
            _ => None,
        }
    }

    #[test]
    fn scheme_is_case_insensitive() {
        for value in ["Bearer abc", "bearer abc", "BEARER abc", "Bearer   abc"] {
            assert_eq!(bearer_token(&headers(&[value])).unwrap(), "abc", "{value}");
        }
    }

    #[test]
    fn missing_or_other_schemes_are_missing_credentials() {
        assert_eq!(failure(&[]), Some(AuthFailure::Missing));
        assert_eq!(failure(&["Basic dXNlcjpwYXNz"]), Some(AuthFailure::Missing));
        assert_eq!(failure(&["Bearer"]), Some(AuthFailure::Missing));
        assert_eq!(failure(&["Bearer "]), Some(AuthFailure::Missing));
        assert_eq!(failure(&["abc.def.ghi"]), Some(AuthFailure::Missing));
    }

    #[test]
    fn two_headers_are_refused() {
        assert!(matches!(
            bearer_token(&headers(&["Bearer a", "Bearer b"])),
            Err(AppError::BadRequest(_))
        ));
    }
}
