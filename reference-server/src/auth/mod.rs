//! `/api/auth/register|login|logout` and the bearer-token extractors.
//!
//! Tokens are stateless: logout only confirms the token; it stays valid until
//! it expires.

mod extract;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use extract::{Authenticated, Caller, authenticate};

use crate::error::AppError;
use crate::extract::AppJson;
use crate::state::AppState;

const MIN_PASSWORD_CHARS: usize = 8;
const MAX_PASSWORD_CHARS: usize = 128;
const MAX_EMAIL_CHARS: usize = 254;
const MAX_NAME_CHARS: usize = 100;
/// Postgres' code for a unique constraint violation.
const UNIQUE_VIOLATION: &str = "23505";

/// Register and login exist only when the server has a secret to issue
/// tokens with; with Better Auth as the issuer they are its business.
pub fn router(issues_tokens: bool) -> Router<AppState> {
    let router = Router::new().route("/logout", post(logout));
    if issues_tokens {
        router
            .route("/register", post(register))
            .route("/login", post(login))
    } else {
        router
    }
}

#[derive(Deserialize)]
struct RegisterRequest {
    email: String,
    password: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Serialize)]
struct AuthResponse {
    token: String,
    user: User,
}

#[derive(Serialize)]
struct User {
    id: String,
    email: String,
    name: Option<String>,
}

async fn register(
    State(state): State<AppState>,
    AppJson(request): AppJson<RegisterRequest>,
) -> Result<(StatusCode, Json<AuthResponse>), AppError> {
    let email = valid_email(&request.email)?;
    check_password(&request.password)?;
    let name = valid_name(request.name)?;
    let password_hash = state.passwords.hash(request.password).await?;
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query!(
        "INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4)",
        id,
        email,
        name,
        password_hash,
    )
    .execute(&state.pool)
    .await
    .map_err(|error| match &error {
        sqlx::Error::Database(db) if db.code().as_deref() == Some(UNIQUE_VIOLATION) => {
            AppError::EmailTaken
        }
        _ => AppError::from(error),
    })?;
    let user = User { id, email, name };
    let token = issuer(&state)?.issue(&user.id, &user.email)?;
    Ok((StatusCode::CREATED, Json(AuthResponse { token, user })))
}

async fn login(
    State(state): State<AppState>,
    AppJson(request): AppJson<LoginRequest>,
) -> Result<Json<AuthResponse>, AppError> {
    let email = request.email.trim().to_lowercase();
    // Postgres text cannot hold NUL: such an email is simply unknown.
    let row = if email.contains('\0') {
        None
    } else {
        sqlx::query!(
            "SELECT id, email, name, password_hash FROM users WHERE lower(email) = $1",
            email,
        )
        .fetch_optional(&state.pool)
        .await?
    };
    // Unknown email and wrong password take the same path and the same time.
    let stored_hash = row.as_ref().map(|row| row.password_hash.clone());
    let verified = state
        .passwords
        .verify(request.password, stored_hash)
        .await?;
    let Some(row) = row.filter(|_| verified) else {
        return Err(AppError::InvalidCredentials);
    };
    let user = User {
        id: row.id,
        email: row.email,
        name: row.name,
    };
    let token = issuer(&state)?.issue(&user.id, &user.email)?;
    Ok(Json(AuthResponse { token, user }))
}

async fn logout(_: Authenticated) -> Json<Value> {
    Json(json!({
        "detail": "Logged out. Tokens are stateless: this token stays valid until it expires."
    }))
}

/// The HS256 keys to issue with; the routes exist only when there are some.
fn issuer(state: &AppState) -> Result<&crate::tokens::TokenKeys, AppError> {
    state.tokens.issuer().ok_or(AppError::NotFound)
}

/// Lower-cased and trimmed: emails are unique regardless of case.
fn valid_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    let invalid = || AppError::BadRequest("invalid email address".to_owned());
    if email.chars().count() > MAX_EMAIL_CHARS
        || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(invalid());
    }
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let domain_ok = domain.contains('.')
        && !domain.contains('@')
        && domain.split('.').all(|label| !label.is_empty());
    if local.is_empty() || !domain_ok {
        return Err(invalid());
    }
    Ok(email)
}

fn check_password(password: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "password must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long"
        )))
    }
}

fn valid_name(raw: Option<String>) -> Result<Option<String>, AppError> {
    let Some(name) = raw.map(|name| name.trim().to_owned()) else {
        return Ok(None);
    };
    if name.chars().count() > MAX_NAME_CHARS || name.contains('\0') {
        return Err(AppError::BadRequest(format!(
            "name must be at most {MAX_NAME_CHARS} characters, without NUL"
        )));
    }
    Ok(Some(name).filter(|name| !name.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_validated() {
        assert_eq!(
            valid_email("  Alice@Example.TEST ").unwrap(),
            "alice@example.test"
        );
        for bad in [
            "",
            "alice",
            "@example.test",
            "alice@",
            "alice@localhost",
            "alice@@example.test",
            "al ice@example.test",
            "alice@example..test",
            "alice\0@example.test",
        ] {
            assert!(valid_email(bad).is_err(), "{bad:?} accepted");
        }
        assert!(valid_email(&format!("{}@example.test", "a".repeat(250))).is_err());
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert!(check_password("1234567").is_err());
        assert!(check_password("12345678").is_ok());
        assert!(check_password(&"é".repeat(128)).is_ok());
        assert!(check_password(&"x".repeat(129)).is_err());
    }

    #[test]
    fn names_are_optional_and_bounded() {
        assert_eq!(valid_name(None).unwrap(), None);
        assert_eq!(valid_name(Some("  ".into())).unwrap(), None);
        assert_eq!(
            valid_name(Some(" Bob ".into())).unwrap().as_deref(),
            Some("Bob")
        );
        assert!(valid_name(Some("x".repeat(101))).is_err());
    }
}
