//! `todo-conformance`: proves a Todo API keeps its security promises.
//!
//! Exit codes: 0 every scenario passed (skipped ones are listed with their
//! reason), 1 a scenario failed, 2 the run could not happen.

mod cli;
mod features;
mod http;
mod issuer;
mod keyserver;
mod report;
mod sources;
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

use cli::{Cli, Command};
use features::Features;
use sources::Sources;
use suite::Selection;
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
    if let Some(Command::Issuer(args)) = &cli.command {
        issuer::serve(args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let features = match &cli.features {
        Some(dir) => Features::from_dir(dir)?,
        None => Features::embedded()?,
    };
    // The bundled server gets a fresh secret of the suite's choosing.
    let bundled_secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let sources = match cli.base_url {
        Some(_) => Sources::external(&cli)?,
        None => Sources::bundled(&cli, &bundled_secret)?,
    };
    let selection = Selection {
        tags: cli.tags.clone(),
        name: cli.name.clone(),
        strict: cli.strict,
        unavailable: sources.unavailable(),
    };
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
            bundled = target::start_bundled(&bundled_secret) => Some(bundled?),
            signal = &mut interrupt => bail!("interrupted ({}) while starting the bundled server", signal.unwrap_or("signal")),
        },
    };
    let base_url = match &bundled {
        Some(server) => server.url(),
        None => cli.base_url.clone().unwrap_or_default(),
    };
    let outcome = tokio::select! {
        outcome = check_and_run(&cli, features, selection, sources, &base_url, bundled.is_some()) => outcome,
        signal = &mut interrupt => Err(anyhow!("interrupted ({})", signal.unwrap_or("signal"))),
    };
    if let Some(server) = bundled {
        server.shutdown().await.map_err(|error| {
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
    sources: Sources,
    base_url: &str,
    bundled: bool,
) -> anyhow::Result<suite::Tally> {
    let timeout = Duration::from_secs(cli.timeout);
    let client = http::Client::new(base_url, timeout, cli.ca_cert.as_deref())?;
    let better_auth = match &sources.better_auth {
        Some(url) => Some(http::Client::new(url, timeout, cli.ca_cert.as_deref())?),
        None => None,
    };
    target::preflight(&client).await?;
    let public_key = match (&better_auth, &sources.minter) {
        (Some(better_auth), _) => target::better_auth_public_key(better_auth).await?,
        (None, Some(minter)) => minter.public_key(),
        (None, None) => None,
    };
    if public_key.is_none() {
        selection.unavailable.push((
            "needs-public-key",
            "needs the target's public key, and the suite reads only Ed25519 keys: the JWKS had none".to_owned(),
        ));
    }
    target::check_users(
        &client,
        sources.users,
        sources.minter.as_ref(),
        better_auth.as_ref(),
    )
    .await?;
    // Users from elsewhere prove nothing about the minter. A refused minted
    // token is a finding of its own (a stateful target fails the stateless
    // promise), but also the sign of a stray BETTER_AUTH_SECRET: say so now.
    if let (Some(minter), false) = (&sources.minter, sources.users == UserSource::Mint)
        && let Err(refused) =
            target::check_users(&client, UserSource::Mint, Some(minter), None).await
    {
        eprintln!(
            "warning: {refused}. Scenarios that mint tokens will fail; if BETTER_AUTH_SECRET is set in this environment for something else, unset it"
        );
    }
    selection
        .unavailable
        .extend(target::missing_routes(&client).await);
    eprintln!(
        "target:  {base_url}{}",
        if bundled {
            " (bundled reference server)"
        } else {
            ""
        }
    );
    eprintln!(
        "tokens:  {}",
        match &sources.minter {
            Some(minter) => minter.describe(),
            None =>
                "the target's own (forgeries need no key); no key to mint valid tokens".to_owned(),
        }
    );
    eprintln!(
        "users:   {}, fresh for every scenario",
        match sources.users {
            UserSource::Mint => "made up, with minted tokens".to_owned(),
            UserSource::Register => "registered on the target's /api/auth/register".to_owned(),
            UserSource::BetterAuth => format!(
                "signed up on Better Auth at {}",
                sources.better_auth.as_deref().unwrap_or_default()
            ),
        }
    );
    eprintln!(
        "keys:    {}",
        match &public_key {
            Some(key) => format!(
                "the target's public key {} (key-confusion attacks run)",
                key.kid
            ),
            None => "no public key of the target (key-confusion attacks skipped)".to_owned(),
        }
    );
    eprintln!(
        "strict:  {}",
        if cli.strict {
            "@should checks fail the run"
        } else {
            "@should checks are reported as non-strict"
        }
    );

    let attacker = SigningKey::from_bytes(&tokens::attacks::random_bytes());
    let key_server = KeyServer::start(
        &json!({"keys": [tokens::attacks::public_jwk(&attacker)]}),
        0,
    )
    .await?;
    world::install(world::Context {
        client,
        minter: sources.minter,
        public_key,
        better_auth,
        users: sources.users,
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
