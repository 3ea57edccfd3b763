//! `todo-conformance`: proves a Todo API keeps its security promises.
//!
//! Exit codes: 0 no finding fails the run (skipped, non-strict and accepted
//! findings are listed), 1 a scenario failed, an accepted finding stopped
//! happening or a created task was left behind, 2 the run could not happen.

mod contract;
mod report;
mod run;
mod steps;
mod target;
mod tokens;
mod world;

use std::process::ExitCode;

use run::cli::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse_noting_the_secret();
    match run::run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("todo-conformance: {error}");
            ExitCode::from(2)
        }
    }
}
