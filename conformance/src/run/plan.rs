//! The command line made into a typed plan, once: what to run against,
//! where tokens and users come from, which scenarios, what to write, and
//! how strict and how fast. Everything after this reads the plan, not the
//! flags.

use std::path::PathBuf;
use std::time::Duration;

use crate::report::console::Detail;
use crate::report::expected::ExpectedFailures;
use crate::run::api::{ApiPlan, DocumentSource};
use crate::run::cli::Cli;
use crate::run::features::Features;
use crate::run::rerun;
use crate::run::scenarios::Selection;
use crate::run::sources::Sources;
use crate::target::openapi::infer;
use crate::target::preflight::TargetError;
use crate::target::profile::Profile;
use crate::target::users::UserSource;
use crate::world::context::LoadPlan;

/// What the invocation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `--list`: print the scenarios that would run.
    List,
    /// `--dry-run`: print what the run would send.
    DryRun,
    /// Run the scenarios.
    Run,
}

/// The implementation under test.
pub enum Target {
    /// The bundled reference server, with the secret the suite chose.
    Bundled { secret: String },
    /// `--base-url`.
    External { url: String },
}

/// The report files asked for.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    pub junit: Option<PathBuf>,
    /// The suite's own JSON report.
    pub json: Option<PathBuf>,
    /// Cucumber's JSON, scenario by scenario and step by step.
    pub cucumber_json: Option<PathBuf>,
    pub html: Option<PathBuf>,
    /// A Markdown summary, for a CI job's page.
    pub markdown: Option<PathBuf>,
    /// SARIF 2.1.0, for code scanning.
    pub sarif: Option<PathBuf>,
    /// `--record-failures`: this run's findings as accepted ones.
    pub record: Option<PathBuf>,
}

/// How the suite talks to the target.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Per request.
    pub timeout: Duration,
    /// `--ca-cert`, trusted besides the web PKI roots.
    pub ca_cert: Option<PathBuf>,
}

/// One run of the suite, as the flags describe it.
pub struct RunPlan {
    pub mode: Mode,
    pub target: Target,
    pub connection: Connection,
    /// `--profile`, or the seed until a document says otherwise.
    pub profile: Profile,
    /// The OpenAPI document, and whether the profile is inferred from it.
    pub api: ApiPlan,
    pub features: Features,
    pub selection: Selection,
    /// Where tokens, users and the public key come from.
    pub sources: Sources,
    /// `--given-users FILE`, for `--users given`.
    pub given_users: Option<PathBuf>,
    /// `--expect-failures`: the findings accepted.
    pub expected: Option<ExpectedFailures>,
    pub outputs: Outputs,
    /// Non-strict findings fail the run too.
    pub strict: bool,
    /// `--quiet`, `--verbose` or neither.
    pub detail: Detail,
    /// Scenarios at once: one with given users, who are shared.
    pub concurrency: usize,
    pub load: Option<LoadPlan>,
    pub show_tokens: bool,
}

impl RunPlan {
    /// Reads the features, the profile and the accepted findings, and
    /// decides the sources: each can stop the run (exit 2), in this order.
    pub fn from_cli(cli: Cli) -> anyhow::Result<Self> {
        let features = match &cli.features {
            Some(dir) => Features::from_dir(dir)?,
            None => Features::embedded()?,
        };
        let (profile, api) = profile_and_api(&cli)?;
        let detail = detail(&cli);
        let connection = Connection::from_cli(&cli);
        let target = target(&cli)?;
        let sources = match &target {
            Target::External { .. } => Sources::external(&cli, &profile)?,
            Target::Bundled { secret } => Sources::bundled(&cli, secret, &profile),
        };
        let only = match &cli.rerun_failed {
            Some(path) => Some(rerun::failed_in(path, &features.scenario_ids())?),
            None => None,
        };
        let expected = match &cli.expect_failures {
            Some(path) => Some(ExpectedFailures::load(path, &features.scenario_ids())?),
            None => None,
        };
        Ok(Self {
            mode: mode(&cli),
            selection: Selection {
                tags: cli.tags,
                name: cli.name,
                only,
                strict: cli.strict,
                detail,
                load: cli.load.is_some(),
                unavailable: sources.unavailable(),
            },
            concurrency: match sources.users {
                UserSource::Given => 1,
                _ => usize::from(cli.concurrency),
            },
            load: cli.load.map(|users| LoadPlan {
                users,
                duration: Duration::from_secs(cli.duration),
            }),
            target,
            connection,
            profile,
            api,
            features,
            sources,
            given_users: cli.given_users,
            expected,
            outputs: Outputs {
                junit: cli.junit,
                json: cli.json,
                cucumber_json: cli.cucumber_json,
                html: cli.html,
                markdown: cli.markdown,
                sarif: cli.sarif,
                record: cli.record_failures,
            },
            strict: cli.strict,
            detail,
            show_tokens: cli.show_tokens,
        })
    }

    /// The target's base URL as given, `None` for the bundled server.
    pub fn base_url(&self) -> Option<&str> {
        match &self.target {
            Target::External { url } => Some(url),
            Target::Bundled { .. } => None,
        }
    }
}

/// `--base-url`, else the bundled server, which a client-only build has
/// not (but `--list` needs no server: a client-only build lists too).
fn target(cli: &Cli) -> anyhow::Result<Target> {
    match &cli.base_url {
        Some(url) => Ok(Target::External { url: url.clone() }),
        None if cfg!(feature = "bundled") || mode(cli) == Mode::List => Ok(Target::Bundled {
            secret: fresh_secret(),
        }),
        None => Err(TargetError::NoBundledServer.into()),
    }
}

/// `--profile`, or the one inferred from `--openapi FILE`, or the seed
/// until a document found on the target says otherwise; and where the
/// document comes from (a bad `--openapi FILE` stops the run here).
pub fn profile_and_api(cli: &Cli) -> anyhow::Result<(Profile, ApiPlan)> {
    let source = ApiPlan::source(cli.openapi.as_deref())?;
    let profile = match (&cli.profile, &source) {
        (Some(given), _) => Profile::load(given)?,
        // Known before anything is sent: `--dry-run` shows its routes.
        (None, DocumentSource::File(document)) => infer::infer(document).profile,
        (None, _) => Profile::seed(),
    };
    let api = ApiPlan {
        source,
        given: cli.profile.clone(),
        write: cli.write_profile.clone(),
        read_only: cli.read_only,
    };
    Ok((profile, api))
}

impl Connection {
    pub fn from_cli(cli: &Cli) -> Self {
        Self {
            timeout: Duration::from_secs(cli.timeout),
            ca_cert: cli.ca_cert.clone(),
        }
    }
}

/// `--list` wins over `--dry-run`.
fn mode(cli: &Cli) -> Mode {
    if cli.list {
        Mode::List
    } else if cli.dry_run {
        Mode::DryRun
    } else {
        Mode::Run
    }
}

/// The bundled server gets a fresh secret of the suite's choosing.
fn fresh_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

fn detail(cli: &Cli) -> Detail {
    if cli.quiet {
        Detail::Quiet
    } else if cli.verbose {
        Detail::Verbose
    } else {
        Detail::Normal
    }
}
