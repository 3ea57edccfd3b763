//! `todo-reference-server`: serves the contract until Ctrl-C or SIGTERM.

use std::io::IsTerminal;
use std::process::ExitCode;

use todo_reference_server::{Config, spawn};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("todo-reference-server: {error}");
            return ExitCode::from(2);
        }
    };
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    // Listen for signals before starting: Ctrl-C while the container starts
    // stops the start instead of killing the process with the container up.
    let signal = shutdown_signal();
    tokio::pin!(signal);
    let server = tokio::select! {
        server = spawn(config) => server?,
        result = &mut signal => {
            result?;
            tracing::info!("interrupted while starting");
            return Ok(());
        }
    };
    tracing::info!(database = %server.database(), "listening on {}", server.url());
    signal.await?;
    tracing::info!("shutting down");
    server.shutdown().await?;
    Ok(())
}

async fn shutdown_signal() -> std::io::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result,
        _ = terminate.recv() => Ok(()),
    }
}
