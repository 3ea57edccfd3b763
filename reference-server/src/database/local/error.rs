//! What can stop a local cluster, each in one line that names the fix.

use std::io;
use std::path::PathBuf;

pub use super::discover::SEARCHED_FOLDERS;

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error(
        "TODO_POSTGRES=local, but PostgreSQL is not installed here (no initdb and postgres on PATH or in {SEARCHED_FOLDERS}): install it (e.g. `apt-get install postgresql`), or set DATABASE_URL, or unset TODO_POSTGRES to use a Docker engine"
    )]
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
