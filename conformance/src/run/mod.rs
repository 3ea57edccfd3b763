//! One run of the suite: the command line made into a plan, the session
//! that prepares the target and finishes with cleanup and reports, and the
//! scenarios in between.

pub mod banner;
pub mod cli;
pub mod dry_run;
pub mod features;
pub mod plan;
pub mod prepare;
pub mod reports;
pub mod scenarios;
pub mod session;
pub mod signals;
pub mod sources;

use std::process::ExitCode;

use crate::run::cli::{Cli, Command};
use crate::run::plan::{Mode, RunPlan};
use crate::tokens;

/// What the command line asks for. Errors returned here are setup problems
/// (exit 2); scenario failures are counted in the results (exit 1).
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Some(Command::Issuer(args)) = &cli.command {
        tokens::issuer::serve(args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let plan = RunPlan::from_cli(cli)?;
    match plan.mode {
        Mode::List => list(&plan),
        Mode::DryRun => dry_run::print(&plan),
        Mode::Run => return session::run(plan).await,
    }
    Ok(ExitCode::SUCCESS)
}

/// `--list`: the scenarios that would run, and why the others would not.
fn list(plan: &RunPlan) {
    for (feature, scenario, skip) in scenarios::plan(&plan.features, &plan.selection) {
        match skip {
            None => println!("{feature}: {scenario}"),
            Some(reason) => println!("{feature}: {scenario}  [skipped: {reason}]"),
        }
    }
}
