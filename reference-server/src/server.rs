//! Running the server in-process: what the binary, the tests and the
//! conformance suite all call.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app::{self, AppState};
use crate::auth::{PasswordError, Passwords};
use crate::config::Config;
use crate::config::JwksLocation;
use crate::database::{Database, DatabaseError};
use crate::tokens::{JwksError, JwksVerifier, TokenKeys, Verifier};

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
    #[error("the server failed: {0}")]
    Serve(io::Error),
}

/// A server running on the current tokio runtime.
///
/// Dropping it also shuts the server down, but only `shutdown` waits until
/// connections are drained and the Postgres container is removed.
pub struct RunningServer {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<io::Result<()>>,
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
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
            .map_err(|error| SpawnError::Serve(io::Error::other(error)))?
            .map_err(SpawnError::Serve)
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
    let database = Database::open(&config.database).await?;
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
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app::router(state))
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        database.close().await;
        served
    });
    Ok(RunningServer { addr, stop, task })
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
                jwks.refresh_interval,
            )?,
            JwksLocation::File(path) => {
                JwksVerifier::from_file(path, &jwks.issuer, &jwks.audience, config.leeway)?
            }
        }),
    };
    Ok(Verifier::new(hs256, jwks))
}
