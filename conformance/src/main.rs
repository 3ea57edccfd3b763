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

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail};
use clap::Parser as _;
use ed25519_dalek::SigningKey;
use serde_json::json;
use tokens::key_server::KeyServer;

use contract::Capability;

use report::expected::ExpectedFailures;
use report::results::RunReport;
use run::cli::{Cli, Command};
use run::features::Features;
use run::scenarios::Selection;
use run::sources::Sources;
use target::ledger::Ledger;
use target::profile::Profile;
use target::users::{GivenUsers, Provisioning, UserSource};

/// How long the final cleanup may take.
const SWEEP_LIMIT: Duration = Duration::from_secs(60);

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
/// counted in the results (exit 1).
async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Some(Command::Issuer(args)) = &cli.command {
        tokens::issuer::serve(args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let features = match &cli.features {
        Some(dir) => Features::from_dir(dir)?,
        None => Features::embedded()?,
    };
    let profile = Profile::load(&cli.profile)?;
    // The bundled server gets a fresh secret of the suite's choosing.
    let bundled_secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let sources = match cli.base_url {
        Some(_) => Sources::external(&cli, &profile)?,
        None => Sources::bundled(&cli, &bundled_secret, &profile)?,
    };
    let expected = match &cli.expect_failures {
        Some(path) => Some(ExpectedFailures::load(path, &features.scenario_ids())?),
        None => None,
    };
    let selection = Selection {
        tags: cli.tags.clone(),
        name: cli.name.clone(),
        strict: cli.strict,
        load: cli.load.is_some(),
        unavailable: sources.unavailable(),
    };
    if cli.list {
        list(&features, &selection);
        return Ok(ExitCode::SUCCESS);
    }
    if cli.dry_run {
        run::dry_run::print(&cli, &profile, &sources, &features, &selection);
        return Ok(ExitCode::SUCCESS);
    }

    let started = Instant::now();
    let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    // Listen before starting anything: a signal while the bundled server's
    // container starts must not leave the container behind.
    let interrupt = interrupted();
    tokio::pin!(interrupt);
    let bundled = match &cli.base_url {
        Some(_) => None,
        None => tokio::select! {
            bundled = target::preflight::start_bundled(&bundled_secret) => Some(bundled?),
            signal = &mut interrupt => bail!("interrupted ({}) while starting the bundled server", signal.unwrap_or("signal")),
        },
    };
    let base_url = match &bundled {
        Some(server) => server.url(),
        None => cli.base_url.clone().unwrap_or_default(),
    };
    let outcome = tokio::select! {
        outcome = check_and_run(&cli, features, selection, sources, profile.clone(), &base_url, bundled.is_some()) => outcome,
        signal = &mut interrupt => Err(anyhow!("interrupted ({})", signal.unwrap_or("signal"))),
    };
    // Whatever happened, delete what the suite created, before the
    // bundled server (and its database) goes away; bounded in time, and a
    // second Ctrl-C stops it too.
    let left_behind = match world::installed() {
        Some(context) => {
            tokio::select! {
                () = context.ledger.sweep(context.tasks(), context.users) => {}
                () = tokio::time::sleep(SWEEP_LIMIT) => eprintln!("cleanup stopped after {SWEEP_LIMIT:?}"),
                _ = interrupted() => eprintln!("cleanup interrupted"),
            }
            context.ledger.left_behind()
        }
        None => Vec::new(),
    };
    if let Some(server) = bundled {
        server.shutdown().await.map_err(|error| {
            anyhow!("the bundled reference server did not shut down cleanly: {error}")
        })?;
    }
    if !left_behind.is_empty() {
        eprintln!(
            "left behind: {} task(s) the suite created and could not delete: {}",
            left_behind.len(),
            left_behind.join(", ")
        );
    }
    let tally = outcome?;
    let mut scenarios = tally.results;
    let not_run = expected
        .as_ref()
        .map(|expected| expected.apply(&mut scenarios))
        .unwrap_or_default();
    let report = RunReport {
        target: base_url,
        profile: profile.name.clone(),
        started_at,
        duration_secs: started.elapsed().as_secs_f64(),
        strict: cli.strict,
        scenarios,
        informational: world::installed()
            .and_then(|context| context.notes.lock().ok().map(|notes| notes.clone()))
            .unwrap_or_default(),
        left_behind,
    };
    report::console::print(&report, &not_run);
    write_reports(&cli, &report)?;
    Ok(
        if report.fails_run() || tally.execution_failed || !report.left_behind.is_empty() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    )
}

/// The report files that were asked for.
fn write_reports(cli: &Cli, report: &RunReport) -> anyhow::Result<()> {
    let write = |path: &Option<PathBuf>, text: String| -> anyhow::Result<()> {
        if let Some(path) = path {
            std::fs::write(path, text)
                .map_err(|error| anyhow!("could not write {}: {error}", path.display()))?;
        }
        Ok(())
    };
    write(&cli.junit, report::junit::render(report))?;
    write(&cli.html, report::html::render(report))?;
    if let Some(path) = &cli.record_failures {
        ExpectedFailures::record(&report.scenarios, path)?;
    }
    Ok(())
}

/// Preflight, then the scenarios; the bundled server, if any, is already up.
async fn check_and_run(
    cli: &Cli,
    features: Features,
    mut selection: Selection,
    sources: Sources,
    profile: Profile,
    base_url: &str,
    bundled: bool,
) -> anyhow::Result<run::scenarios::Tally> {
    let timeout = Duration::from_secs(cli.timeout);
    let client = target::http::Client::new(base_url, timeout, cli.ca_cert.as_deref())?;
    let better_auth = match &sources.better_auth {
        Some(url) => Some(target::http::Client::new(
            url,
            timeout,
            cli.ca_cert.as_deref(),
        )?),
        None => None,
    };
    target::preflight::preflight(&client, &profile).await?;
    let public_key = match (&better_auth, &sources.minter) {
        (Some(better_auth), _) => target::preflight::better_auth_public_key(better_auth).await?,
        (None, Some(minter)) => minter.public_key(),
        (None, None) => None,
    };
    if public_key.is_none() {
        selection.unavailable.push((
            Capability::PublicKey,
            "needs the target's public key, and the suite reads only Ed25519 keys: the JWKS had none".to_owned(),
        ));
    }
    selection.unavailable.extend(sources.load_unavailable());
    let given = match sources.users {
        UserSource::Given => Some(
            GivenUsers::load(cli.given_users.as_deref(), &client, &profile)
                .await
                .map_err(|error| anyhow!("--users given: {}", error.reason))?,
        ),
        _ => None,
    };
    let provisioning = |source| Provisioning {
        source,
        minter: sources.minter.as_ref(),
        client: &client,
        better_auth: better_auth.as_ref(),
        given: given.as_ref(),
        profile: &profile,
    };
    // Preflight tasks that could not be deleted go to the ledger: cleanup
    // tries again at the end, and reports them if they stay.
    let ledger = Ledger::default();
    if let Some(task) = target::preflight::check_users(&provisioning(sources.users)).await? {
        ledger.record(task);
    }
    // Users from elsewhere prove nothing about the minter. A refused minted
    // token is a finding of its own (a stateful target fails the stateless
    // promise), but also the sign of a stray BETTER_AUTH_SECRET: say so now.
    if sources.minter.is_some() && sources.users != UserSource::Mint {
        match target::preflight::check_users(&provisioning(UserSource::Mint)).await {
            Ok(task) => task.into_iter().for_each(|task| ledger.record(task)),
            Err(refused) => eprintln!(
                "warning: {refused}. Scenarios that mint tokens will fail; if BETTER_AUTH_SECRET is set in this environment for something else, unset it"
            ),
        }
    }
    selection
        .unavailable
        .extend(target::preflight::missing_routes(&client, &profile).await);
    // Given users are shared: scenarios run one at a time, so that each
    // sees only its own changes.
    let concurrency = match sources.users {
        UserSource::Given => 1,
        _ => usize::from(cli.concurrency),
    };
    eprintln!(
        "target:  {base_url}{}",
        if bundled {
            " (bundled reference server)"
        } else {
            ""
        }
    );
    eprintln!("profile: {} ({})", profile.name, profile.description);
    eprintln!(
        "tokens:  {}",
        match &sources.minter {
            Some(minter) => minter.describe(),
            None =>
                "the target's own (forgeries need no key); no key to mint valid tokens".to_owned(),
        }
    );
    eprintln!(
        "users:   {}",
        match sources.users {
            UserSource::Mint => "made up, with minted tokens, fresh for every scenario".to_owned(),
            UserSource::Register => format!(
                "registered on the target's {}, fresh for every scenario",
                profile.routes.register
            ),
            UserSource::BetterAuth => format!(
                "signed up on Better Auth at {}, fresh for every scenario",
                sources.better_auth.as_deref().unwrap_or_default()
            ),
            UserSource::Given => given.as_ref().map_or_else(String::new, |given| format!(
                "given: Alice {} and Bob {}, shared, so scenarios run one at a time",
                given.alice.id, given.bob.id
            )),
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
            "deviations and @should checks fail the run"
        } else {
            "deviations and @should checks are reported as non-strict"
        }
    );

    let attacker = SigningKey::from_bytes(&tokens::catalogue::random_bytes());
    let key_server = KeyServer::start(
        &json!({"keys": [tokens::catalogue::public_jwk(&attacker)]}),
        0,
    )
    .await?;
    world::install(world::Context {
        client,
        minter: sources.minter,
        public_key,
        better_auth,
        users: sources.users,
        given,
        profile,
        load: cli.load.map(|users| world::LoadPlan {
            users,
            duration: Duration::from_secs(cli.duration),
        }),
        show_tokens: cli.show_tokens,
        attacker,
        key_server,
        notes: Mutex::new(Vec::new()),
        ledger: Arc::new(ledger),
    });
    Ok(run::scenarios::run(features, selection, concurrency, cli.json.as_deref()).await?)
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
    for (feature, scenario, skip) in run::scenarios::plan(features, selection) {
        match skip {
            None => println!("{feature}: {scenario}"),
            Some(reason) => println!("{feature}: {scenario}  [skipped: {reason}]"),
        }
    }
}
