//! What can stop the server from getting a database, each said in one line
//! that names the fix.

use std::fmt;
use std::time::Duration;

use testcontainers_modules::testcontainers::TestcontainersError;

use super::local::error::LocalError;
use crate::config::ImageRef;

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    /// None of the three ways works on this machine.
    #[error(
        "no Postgres to run on: set DATABASE_URL to an existing database, or start a Docker engine ({engine}; `bash ci/docker-up.sh` starts one in this repository), or install PostgreSQL ({})",
        LocalError::NotInstalled
    )]
    Nowhere { engine: EngineDown },
    #[error(
        "TODO_POSTGRES=container, but {engine}: start one (`bash ci/docker-up.sh` in this repository), or set DATABASE_URL, or unset TODO_POSTGRES to fall back to the PostgreSQL installed here"
    )]
    NoEngine { engine: EngineDown },
    #[error("could not start a Postgres container from image {image}: {}; {hint}", one_line(.source))]
    Container {
        image: ImageRef,
        #[source]
        source: TestcontainersError,
        /// What to do about it.
        hint: String,
    },
    #[error(
        "TODO_POSTGRES=local, but PostgreSQL is not installed here ({source}): install it (e.g. `apt-get install postgresql`), or set DATABASE_URL, or unset TODO_POSTGRES to use a Docker engine"
    )]
    NotInstalled { source: LocalError },
    #[error(transparent)]
    Local(#[from] LocalError),
    #[error("DATABASE_URL is not a valid Postgres URL: {0}")]
    InvalidUrl(sqlx::Error),
    #[error(
        "could not connect to Postgres at {target} (gave up after {waited:.1?}, {attempts} attempt(s)): {source}"
    )]
    Connect {
        target: String,
        attempts: u32,
        waited: Duration,
        source: sqlx::Error,
    },
    #[error("could not apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// No Docker engine answered the probe; the reason names where it looked
/// when the client says (a socket not found).
#[derive(Debug)]
pub struct EngineDown {
    reason: String,
}

impl EngineDown {
    pub(super) fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for EngineDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no Docker engine answers ({})", self.reason)
    }
}

/// Docker's messages may span lines; the error is one.
fn one_line(error: &TestcontainersError) -> String {
    error
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
