//! Password hashing with argon2id, always off the async runtime.

use argon2::password_hash::SaltString;
use argon2::password_hash::rand_core::OsRng;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the password hashing task failed: {0}")]
    Task(String),
}

/// Hashes and verifies passwords. Holds a hash of a random password so that a
/// login for an unknown email costs the same as one with a wrong password.
pub struct Passwords {
    dummy_hash: String,
}

impl Passwords {
    pub async fn new() -> Result<Self, PasswordError> {
        let dummy = uuid::Uuid::new_v4().to_string();
        Ok(Self {
            dummy_hash: hash(dummy).await?,
        })
    }

    pub async fn hash(&self, password: String) -> Result<String, PasswordError> {
        hash(password).await
    }

    /// Verifies against `stored`, or against the dummy hash when there is no
    /// such user (the answer is then always false).
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, PasswordError> {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| self.dummy_hash.clone());
        let matches = blocking(move || {
            let parsed = PasswordHash::new(&stored).map_err(|e| e.to_string())?;
            Ok(Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok())
        })
        .await?;
        Ok(known && matches)
    }
}

async fn hash(password: String) -> Result<String, PasswordError> {
    blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| e.to_string())
    })
    .await
}

/// Argon2 takes tens of milliseconds of CPU: keep it off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, PasswordError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| PasswordError::Task(e.to_string()))?
        .map_err(PasswordError::Hash)
}
