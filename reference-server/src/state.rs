//! What every handler gets through `State`: the database pool, the token
//! verifier, the password hasher and the OpenAPI document.

use std::sync::Arc;

use sqlx::PgPool;

use crate::password::Passwords;
use crate::tokens::Verifier;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub tokens: Arc<Verifier>,
    pub passwords: Arc<Passwords>,
    /// The OpenAPI document served at `/openapi.json`, as JSON.
    pub openapi: Arc<str>,
}
