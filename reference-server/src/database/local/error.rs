//! What can stop a local cluster, each in one line that names the fix.

use std::io;
use std::path::PathBuf;

pub use super::discover::SEARCHED_FOLDERS;

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// What was looked for, and where; each caller says what it means there.
    #[error("no initdb and postgres on PATH or in {SEARCHED_FOLDERS}")]
    NotInstalled,
    #[error(
        "PostgreSQL refuses to run as root and there is no `postgres` OS user to run it as: create one (`useradd --system postgres`), or run as another user, or set DATABASE_URL"
    )]
    NoOsUser,
    #[error("could not prepare a PostgreSQL cluster in {dir}: {source}")]
    Io { dir: PathBuf, source: io::Error },
    #[error("{program} failed: {reason}")]
    Failed { program: PathBuf, reason: String },
}
