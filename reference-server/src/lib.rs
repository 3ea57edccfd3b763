//! The reference implementation of the JWT-secured Todo REST API contract
//! (`contract/openapi.yaml`): axum, sqlx and Postgres.
//!
//! [`spawn`] runs it in-process on a Postgres from `DATABASE_URL`, or on a
//! throwaway one (a testcontainers container, or a cluster from the installed
//! PostgreSQL binaries); the binary does the same from environment variables.

mod app;
mod auth;
pub mod config;
mod database;
mod error;
mod extract;
mod health;
mod openapi;
mod password;
mod server;
mod state;
mod tasks;
pub mod tokens;

pub use config::{Config, ConfigError, DatabaseConfig, ImageRef, Secret};
pub use database::{DatabaseError, LocalError};
// A throwaway Postgres of the chain's two kinds, for the tests that take
// theirs down and bring it back (no Docker engine needed). Public for those
// tests only, not behind a `test-support` feature: enabled through a
// dev-dependency on this crate, it would give `cargo test --workspace` and
// `cargo run -p todo-conformance` (which links this library) two builds of
// it, each command rebuilding after the other.
pub use database::{Halt, LocalCluster, docker_engine_answers};
pub use server::{RunningServer, SpawnError, spawn};

// What the routes run on a request's credentials and bodies, public so that
// the fuzz tests and the benchmarks drive that code and not a copy of it.
pub use auth::{Authenticated, authenticate};
pub use error::{AppError, AuthFailure};
pub use extract::AppJson;
pub use tasks::input::{
    MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, NewTask, TaskFields, TaskUpdate, ValidUpdate,
};
