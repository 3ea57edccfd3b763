//! Running the server in-process: what the binary, the tests and the
//! conformance suite all call.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app;
use crate::config::Config;
use crate::config::JwksLocation;
use crate::database::{Database, DatabaseError};
use crate::openapi::{self, ContractError};
use crate::password::{PasswordError, Passwords};
use crate::state::AppState;
use crate::tokens::{JwksError, JwksVerifier, Refresh, TokenKeys, Verifier};

/// A request head (request line and headers) larger than this gets 431 and
/// the connection is closed: no client needs more, and every connection may
/// buffer this much.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;
/// After an accept error that is not about one connection (no file
/// descriptors left), the pause before accepting again instead of spinning.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    #[error("could not listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error(transparent)]
    Jwks(#[from] JwksError),
    #[error("could not prepare password hashing: {0}")]
    Passwords(#[from] PasswordError),
    #[error(transparent)]
    Contract(#[from] ContractError),
    #[error("the server failed: {0}")]
    Serve(io::Error),
}

/// A server running on the current tokio runtime.
///
/// Dropping it also shuts the server down, but only `shutdown` waits until
/// connections are drained and the Postgres container is removed.
pub struct RunningServer {
    addr: SocketAddr,
    database: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Which Postgres it runs on, for a banner: "a Postgres container (…)".
    pub fn database(&self) -> &str {
        &self.database
    }

    /// `http://ip:port`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, finishes the requests in flight, closes
    /// the database and removes its container.
    pub async fn shutdown(self) -> Result<(), SpawnError> {
        // An error means the server task is already gone; the join tells why.
        let _ = self.stop.send(());
        self.task
            .await
            .map_err(|error| SpawnError::Serve(io::Error::other(error)))
    }
}

/// Binds `config.bind` (port 0 picks a free port), opens the database,
/// applies the migrations and starts serving.
pub async fn spawn(config: Config) -> Result<RunningServer, SpawnError> {
    // Bind first: a taken port fails before a container is started for nothing.
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|source| SpawnError::Bind {
            addr: config.bind,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SpawnError::Bind {
        addr: config.bind,
        source,
    })?;
    // Before the database: a broken JWKS file fails fast.
    let verifier = verifier(&config)?;
    if let Some(jwks) = &config.jwks {
        tracing::info!(
            keys = ?jwks.location,
            issuer = %jwks.issuer,
            audience = %jwks.audience,
            hs256 = config.secret.is_some(),
            "verifying Better Auth's tokens against its JWKS"
        );
    }
    let openapi = openapi::document(verifier.issuer().is_some())?;
    let database = Database::open(&config.database, config.db_connect_timeout).await?;
    let passwords = match Passwords::new().await {
        Ok(passwords) => passwords,
        Err(error) => {
            database.close().await;
            return Err(SpawnError::Passwords(error));
        }
    };
    let state = AppState {
        pool: database.pool.clone(),
        tokens: Arc::new(verifier),
        passwords: Arc::new(passwords),
        openapi,
    };
    let router = app::router(state, config.request_timeout);
    let description = database.description().to_owned();
    let http = http1_builder(config.header_read_timeout);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        serve(listener, router, http, stopped).await;
        database.close().await;
    });
    Ok(RunningServer {
        addr,
        database: description,
        stop,
        task,
    })
}

/// HTTP/1.1 only (no h2c, which `axum::serve` would also accept), with what
/// `axum::serve` cannot be told: a client that trickles its request head
/// (or sits idle between requests) is disconnected after
/// `header_read_timeout`, and heads are bounded.
fn http1_builder(header_read_timeout: Duration) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .max_header_size(MAX_HEAD_BYTES);
    builder
}

/// Serves each connection on its own task until `stop` fires (or its sender
/// is dropped), then waits for the open connections to finish the requests
/// in flight; idle ones close at once.
async fn serve(
    listener: TcpListener,
    router: Router,
    http: http1::Builder,
    mut stop: oneshot::Receiver<()>,
) {
    let connections = GracefulShutdown::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stop => break,
        };
        match accepted {
            Ok((stream, _)) => {
                let service = TowerToHyperService::new(router.clone());
                let connection =
                    connections.watch(http.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    if let Err(error) = connection.await {
                        // A client that went away or was too slow: its business.
                        tracing::debug!(%error, "connection ended with an error");
                    }
                });
            }
            Err(error) if is_connection_error(&error) => {}
            Err(error) => {
                tracing::warn!(%error, "could not accept a connection");
                tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
            }
        }
    }
    drop(listener);
    connections.shutdown().await;
}

/// An accept error about one connection only, which the next accept does not
/// repeat.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

fn verifier(config: &Config) -> Result<Verifier, JwksError> {
    let hs256 = config
        .secret
        .as_ref()
        .map(|secret| TokenKeys::new(secret, config.token_ttl, config.leeway));
    let jwks = match &config.jwks {
        None => None,
        Some(jwks) => Some(match &jwks.location {
            JwksLocation::Url(url) => JwksVerifier::from_url(
                url,
                &jwks.issuer,
                &jwks.audience,
                config.leeway,
                Refresh {
                    min_interval: jwks.refresh_interval,
                    max_age: jwks.max_age,
                },
            )?,
            JwksLocation::File(path) => {
                JwksVerifier::from_file(path, &jwks.issuer, &jwks.audience, config.leeway)?
            }
        }),
    };
    Ok(Verifier::new(hs256, jwks))
}
