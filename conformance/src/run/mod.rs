//! One run of the suite: the command line made into a plan, the session
//! that prepares the target and finishes with cleanup and reports, and the
//! scenarios in between.

pub mod api;
pub mod banner;
pub mod cli;
pub mod cucumber_json;
pub mod dry_run;
pub mod features;
pub mod plan;
pub mod prepare;
pub mod progress;
pub mod reports;
pub mod rerun;
pub mod scenarios;
pub mod session;
pub mod signals;
pub mod sources;
pub mod step_log;

use std::process::ExitCode;

use crate::run::cli::{Cli, Command};
use crate::run::plan::{Connection, Mode, RunPlan};
use crate::target::http::Client;
use crate::tokens;

/// What the command line asks for. Errors returned here are setup problems
/// (exit 2); scenario failures are counted in the results (exit 1).
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Some(Command::Issuer(args)) = &cli.command {
        tokens::issuer::serve(args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    if cli.print_profile && !cli.list && !cli.dry_run {
        print_profile(&cli).await?;
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

/// `--print-profile`: the profile the run would use, as TOML, found with
/// nothing sent but the requests for the OpenAPI document. It needs no
/// token source: nothing is sent with a token.
async fn print_profile(cli: &Cli) -> anyhow::Result<()> {
    let (profile, api) = plan::profile_and_api(cli)?;
    let connection = Connection::from_cli(cli);
    let client = match &cli.base_url {
        Some(url) => Some(Client::new(
            url,
            connection.timeout,
            connection.ca_cert.as_deref(),
        )?),
        None => None,
    };
    let bounds = (connection.timeout, connection.ca_cert.as_deref());
    let settled = api.settle(client.as_ref(), bounds, profile).await?;
    print!("{}", settled.toml()?);
    if let Some(path) = &api.write {
        settled.write(path)?;
    }
    Ok(())
}

/// `--list`: the scenarios that would run, each with its grade and tags,
/// and why the others would not.
fn list(plan: &RunPlan) {
    for planned in scenarios::plan(&plan.features, &plan.selection) {
        let grade = if planned.should { "@should" } else { "@must" };
        let tags: Vec<String> = std::iter::once(grade.to_owned())
            .chain(planned.tags.iter().map(|tag| format!("@{tag}")))
            .collect();
        let skip = planned
            .skip
            .map(|skip| format!("  [skipped: {}]", skip.reason))
            .unwrap_or_default();
        println!("{}  [{}]{skip}", planned.id, tags.join(" "));
    }
}
