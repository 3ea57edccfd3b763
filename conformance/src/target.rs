//! The implementation under test: the bundled reference server, started
//! in-process, or an external one at `--base-url`.

use reqwest::Method;
use todo_reference_server::{Config, RunningServer, Secret, config};

use crate::http::Client;

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("{0}")]
    Config(#[from] todo_reference_server::ConfigError),
    #[error("could not start the bundled reference server: {0}")]
    Spawn(#[from] todo_reference_server::SpawnError),
    #[error(
        "the target {url} is unreachable ({reason}); check that it is running and that --base-url is right"
    )]
    Unreachable { url: String, reason: String },
}

/// The bundled reference server, with the secret the suite gave it.
pub struct Bundled {
    pub server: RunningServer,
    pub secret: String,
}

/// Starts the reference server on an ephemeral loopback port, with a fresh
/// random secret, on `DATABASE_URL` or a testcontainers Postgres.
pub async fn start_bundled() -> Result<Bundled, TargetError> {
    let database = config::database_from_lookup(&|name| std::env::var(name).ok())?;
    let description = match &database {
        todo_reference_server::DatabaseConfig::Url(_) => "the Postgres at DATABASE_URL".to_owned(),
        todo_reference_server::DatabaseConfig::Container(image) => {
            format!("a Postgres container ({image})")
        }
    };
    eprintln!("starting the bundled reference server on {description}...");
    let secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let config = Config::new(Secret::new(secret.clone())?, database);
    let server = todo_reference_server::spawn(config).await?;
    Ok(Bundled { server, secret })
}

/// Any HTTP answer at all proves the target is there; only a transport
/// error stops the run.
pub async fn preflight(client: &Client) -> Result<(), TargetError> {
    let probe = format!("/api/preflight-{}/tasks", uuid::Uuid::new_v4().simple());
    let exchange = client.send(Method::GET, &probe, &[], None).await;
    exchange
        .response
        .map(drop)
        .map_err(|reason| TargetError::Unreachable {
            url: client.base_url().to_owned(),
            reason,
        })
}
