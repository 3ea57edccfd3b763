//! The Postgres the server runs on: `DATABASE_URL`, or a throwaway one that
//! lives exactly as long as the server, a container (`container`) or a
//! cluster from the installed binaries (`local`), as `chain` decides.

mod chain;
mod container;
mod error;
mod local;

use std::io;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::time::Instant;

use crate::config::DatabaseConfig;
use chain::Throwaway;
pub use container::docker_engine_answers;
pub use error::DatabaseError;
pub use local::{Cluster as LocalCluster, Halt, LocalError};

/// The pool's size: two connections per core (PostgreSQL's rule of thumb).
/// More only queue up inside Postgres, competing for the same cores: on 2
/// cores, 16 connections gave ci/bench a p99 half again as high.
fn max_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    u32::try_from(cores * 2).unwrap_or(u32::MAX).clamp(4, 32)
}

/// A request waiting longer than this for a connection gets 503. While the
/// database is down every request waits this long (sqlx keeps retrying the
/// connection until then), so it is what bounds the 503's latency.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);
/// The pause after the first failed connection attempt at start; it doubles
/// up to `MAX_RETRY_DELAY`.
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(250);
const MAX_RETRY_DELAY: Duration = Duration::from_secs(2);
/// One attempt that gets no answer at all (a firewall dropping packets)
/// gives up after this, so that the next attempt is logged.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Database {
    pub pool: PgPool,
    throwaway: Option<Throwaway>,
    description: String,
}

impl Database {
    /// Connects, waiting up to `connect_timeout` for a database that is not
    /// reachable yet, and applies the migrations.
    pub async fn open(
        config: &DatabaseConfig,
        connect_timeout: Duration,
    ) -> Result<Self, DatabaseError> {
        // A failure below drops `throwaway`, which removes it.
        let (options, throwaway, description) = chain::start(config).await?;
        if throwaway.is_none() {
            tracing::info!(target = %describe(&options), "using the database from DATABASE_URL");
        }
        wait_for_postgres(&options, connect_timeout).await?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections())
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // sqlx's default, relied on: every connection is pinged before a
            // request gets it, so after a database restart the dead ones are
            // replaced instead of failing the first request on each.
            .test_before_acquire(true)
            .connect_lazy_with(options);
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self {
            pool,
            throwaway,
            description,
        })
    }

    /// Which Postgres this is, for a banner: "a Postgres container (…)".
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Closes the pool and removes the throwaway Postgres, if there is one.
    pub async fn close(self) {
        self.pool.close().await;
        match self.throwaway {
            None => {}
            Some(Throwaway::Container(container)) => {
                let id = container.id().to_owned();
                match container.rm().await {
                    Ok(()) => tracing::info!(container = %id, "removed the Postgres container"),
                    Err(error) => {
                        tracing::warn!(container = %id, %error, "could not remove the Postgres container");
                    }
                }
            }
            Some(Throwaway::Local(cluster)) => cluster.close().await,
        }
    }
}

/// Tries single connections, with exponential backoff, until one works,
/// `timeout` has passed, or an error says that retrying cannot help (a wrong
/// password, a missing database).
async fn wait_for_postgres(
    options: &PgConnectOptions,
    timeout: Duration,
) -> Result<(), DatabaseError> {
    let target = describe(options);
    let started = Instant::now();
    let deadline = started + timeout;
    let mut delay = FIRST_RETRY_DELAY;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let left = deadline.saturating_duration_since(Instant::now());
        let error = match connect_once(options, left.min(ATTEMPT_TIMEOUT)).await {
            Ok(()) => return Ok(()),
            Err(error) => error,
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || !is_unavailable(&error) {
            return Err(DatabaseError::Connect {
                target,
                attempts,
                waited: started.elapsed(),
                source: error,
            });
        }
        let pause = delay.min(left);
        // `target` has no credentials, and sqlx's errors never carry them.
        tracing::warn!(%target, attempt = attempts, %error, retry_in = ?pause, "Postgres is not reachable yet; retrying");
        tokio::time::sleep(pause).await;
        delay = (delay * 2).min(MAX_RETRY_DELAY);
    }
}

async fn connect_once(options: &PgConnectOptions, timeout: Duration) -> Result<(), sqlx::Error> {
    match tokio::time::timeout(timeout, PgConnection::connect_with(options)).await {
        Ok(connection) => connection?.close().await,
        Err(_) => Err(sqlx::Error::Io(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("no answer within {timeout:?}"),
        ))),
    }
}

/// Whether an error means that the database is unreachable, restarting or
/// saturated, so that the same query may work a moment later: such errors
/// are retried at start and answered 503, never 500.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(error) => error.code().is_some_and(|code| {
            // Class 08: connection exceptions. 57P01-57P03: the server is
            // shutting down, crashed, or not accepting connections yet.
            // 53300: too many connections.
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

/// Host, port and database, without the credentials.
fn describe(options: &PgConnectOptions) -> String {
    format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("(default database)")
    )
}
