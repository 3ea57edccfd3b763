//! Accounts: register, login and logout, the users, and the tokens they
//! issue.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use jsonwebtoken::{Algorithm, Header};
use serde_json::{Value, json};
use uuid::Uuid;

use super::answers::{GENERIC_500, Refusal, ok};
use super::body::json_object;
use super::verify::unix_now;
use super::{Answer, App, Bug, Store};

/// Lifetime of the tokens register and login issue.
const TOKEN_TTL_SECS: u64 = 15 * 60;
const MIN_PASSWORD_CHARS: usize = 8;
const MAX_PASSWORD_CHARS: usize = 128;

pub(super) struct User {
    id: String,
    email: String,
    name: Option<String>,
    /// A test double: no hashing.
    password: String,
}

impl App {
    /// A token for a user, as register and login issue it.
    fn issue(&self, store: &mut Store, user: &User) -> String {
        let now = unix_now();
        let mut claims = json!({
            "sub": user.id,
            "email": user.email,
            "iat": now,
            "exp": now + if self.bug == Bug::LongLivedTokens { 400 * 86_400 } else { TOKEN_TTL_SECS },
        });
        if self.bug == Bug::IssuesTokensWithoutExp
            && let Some(claims) = claims.as_object_mut()
        {
            claims.remove("exp");
        }
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail");
        if self.bug == Bug::StatefulSessions {
            store.sessions.insert(token.clone());
        }
        token
    }
}

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

fn auth_answer(token: &str, user: &User) -> Value {
    json!({
        "token": token,
        "user": {"id": user.id, "email": user.email, "name": user.name},
    })
}

pub(super) async fn register(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
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
    let answer = auth_answer(&token, &user);
    store.users.insert(email, user);
    ok(StatusCode::CREATED, answer)
}

pub(super) async fn login(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Answer {
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
    if user.password != password && app.bug != Bug::LoginAcceptsAnyPassword {
        return Err(Refusal::BadCredentials("invalid email or password"));
    }
    let user = User {
        id: user.id.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
        password: String::new(),
    };
    let token = app.issue(&mut store, &user);
    ok(StatusCode::OK, auth_answer(&token, &user))
}

pub(super) async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Answer {
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
