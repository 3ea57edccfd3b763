//! `todo-conformance`: proves a Todo API keeps its security promises.
//!
//! Exit codes: 0 every scenario passed (skipped ones are listed with their
//! reason), 1 a scenario failed, 2 the run could not happen.

mod cli;
mod features;
mod http;
mod keyserver;
mod report;
mod steps;
mod suite;
mod target;
mod tokens;
mod users;
mod world;

use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail};
use clap::Parser as _;
use ed25519_dalek::SigningKey;
use keyserver::KeyServer;
use serde_json::json;

use cli::Cli;
use features::Features;
use suite::Selection;
use tokens::Minter;
use users::UserSource;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("todo-conformance: {error}");
            ExitCode::from(2)
        }
    }
}

/// Errors returned here are setup problems (exit 2); scenario failures are
/// counted in the tally (exit 1).
async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let features = match &cli.features {
        Some(dir) => Features::from_dir(dir)?,
        None => Features::embedded()?,
    };
    let external = cli.base_url.is_some();
    let secret = cli.secret.clone().filter(|secret| !secret.is_empty());
    let users = match (cli.users, external, &secret) {
        (Some(UserSource::Register), _, _) => UserSource::Register,
        (_, false, _) | (_, true, Some(_)) => UserSource::Mint,
        (_, true, None) => bail!(
            "no token source for {}: pass --secret (or set BETTER_AUTH_SECRET) to mint tokens, or --users register",
            cli.base_url.as_deref().unwrap_or_default()
        ),
    };
    let mut selection = Selection {
        tags: cli.tags.clone(),
        name: cli.name.clone(),
        strict: cli.strict,
        unavailable: vec![(
            "needs-public-key",
            "needs the target's public key, which the suite cannot take yet (JWKS support comes with the Better Auth issue)".to_owned(),
        )],
    };
    if external && secret.is_none() {
        selection.unavailable.push((
            "needs-signing-key",
            "needs a key the target trusts to mint tokens: pass --secret (or set BETTER_AUTH_SECRET)".to_owned(),
        ));
    }
    if cli.list {
        list(&features, &selection);
        return Ok(ExitCode::SUCCESS);
    }

    let started = Instant::now();
    // Listen before starting anything: a signal while the bundled server's
    // container starts must not leave the container behind.
    let interrupt = interrupted();
    tokio::pin!(interrupt);
    let bundled = match &cli.base_url {
        Some(_) => None,
        None => tokio::select! {
            bundled = target::start_bundled() => Some(bundled?),
            signal = &mut interrupt => bail!("interrupted ({}) while starting the bundled server", signal.unwrap_or("signal")),
        },
    };
    let outcome = tokio::select! {
        outcome = check_and_run(&cli, features, selection, users, secret, bundled.as_ref()) => outcome,
        signal = &mut interrupt => Err(anyhow!("interrupted ({})", signal.unwrap_or("signal"))),
    };
    if let Some(bundled) = bundled {
        bundled.server.shutdown().await.map_err(|error| {
            anyhow!("the bundled reference server did not shut down cleanly: {error}")
        })?;
    }
    let tally = outcome?;
    println!(
        "conformance: {} passed, {} failed, {} non-strict, {} skipped in {:.1}s",
        tally.passed,
        tally.failed,
        tally.non_strict,
        tally.skipped.len(),
        started.elapsed().as_secs_f64()
    );
    if !tally.skipped.is_empty() {
        println!(
            "warning: {} scenarios did not run; the checks they make are NOT verified by this run (reasons above)",
            tally.skipped.len()
        );
    }
    Ok(if tally.failed > 0 || tally.execution_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Preflight, then the scenarios; the bundled server, if any, is already up.
async fn check_and_run(
    cli: &Cli,
    features: Features,
    mut selection: Selection,
    users: UserSource,
    secret: Option<String>,
    bundled: Option<&target::Bundled>,
) -> anyhow::Result<suite::Tally> {
    let (base_url, secret) = match bundled {
        Some(bundled) => (bundled.server.url(), Some(bundled.secret.clone())),
        None => (cli.base_url.clone().unwrap_or_default(), secret),
    };
    let client = http::Client::new(
        &base_url,
        Duration::from_secs(cli.timeout),
        cli.ca_cert.as_deref(),
    )?;
    target::preflight(&client).await?;
    let minter = secret
        .as_deref()
        .map(|secret| Minter::hs256(secret.as_bytes()));
    target::check_users(&client, users, minter.as_ref()).await?;
    selection
        .unavailable
        .extend(target::missing_routes(&client).await);
    eprintln!(
        "target:  {base_url}{}",
        if bundled.is_some() {
            " (bundled reference server)"
        } else {
            ""
        }
    );
    eprintln!(
        "tokens:  {}",
        match &minter {
            Some(_) => "HS256, minted by the suite with the target's secret",
            None => "the target's own, from /api/auth/login (forgeries need no key)",
        }
    );
    eprintln!("users:   {users:?}, fresh for every scenario");
    eprintln!(
        "strict:  {}",
        if cli.strict {
            "@should checks fail the run"
        } else {
            "@should checks are reported as non-strict"
        }
    );

    let attacker = SigningKey::from_bytes(&tokens::attacks::random_bytes());
    let key_server =
        KeyServer::start(&json!({"keys": [tokens::attacks::public_jwk(&attacker)]})).await?;
    world::install(world::Context {
        client,
        minter,
        users,
        show_tokens: cli.show_tokens,
        attacker,
        key_server,
        notes: Mutex::new(Vec::new()),
    });
    let tally = suite::run(
        features,
        selection,
        usize::from(cli.concurrency),
        cli.junit.as_deref(),
        cli.json.as_deref(),
    )
    .await?;
    for note in world::context()
        .notes
        .lock()
        .map(|notes| notes.clone())
        .unwrap_or_default()
    {
        println!("{note}");
    }
    for skipped in &tally.skipped {
        println!(
            "[skipped] {}: {} ({})",
            skipped.feature, skipped.scenario, skipped.reason
        );
    }
    Ok(tally)
}

/// Ctrl-C or SIGTERM: the run stops, and the bundled server and its
/// container are still shut down.
async fn interrupted() -> Option<&'static str> {
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok()?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => Some("Ctrl-C"),
        _ = terminate.recv() => Some("SIGTERM"),
    }
}

fn list(features: &Features, selection: &Selection) {
    for (feature, scenario, skip) in suite::plan(features, selection) {
        match skip {
            None => println!("{feature}: {scenario}"),
            Some(reason) => println!("{feature}: {scenario}  [skipped: {reason}]"),
        }
    }
}
