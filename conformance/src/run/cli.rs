//! Command-line flags.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use cucumber::gherkin::tagexpr::TagOperation;
use regex::Regex;

use crate::target::users::UserSource;
use crate::tokens::issuer::IssuerArgs;

/// Security conformance suite for JWT-secured Todo REST APIs.
///
/// With no --base-url it starts the bundled reference server (on
/// DATABASE_URL, else a testcontainers Postgres when a Docker engine answers,
/// else a throwaway cluster from the PostgreSQL installed here) and runs every
/// scenario against it; a client-only build (without the `bundled` feature)
/// needs --base-url. Exit codes: 0 every scenario that ran passed (skipped ones are listed
/// with their reason), 1 a scenario failed, 2 the run could not happen.
#[derive(Debug, Parser)]
#[command(name = "todo-conformance", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Base URL of the implementation to test, e.g. https://api.example.com.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// The target's HS256 secret: the suite mints its tokens with it.
    #[arg(
        long,
        env = "BETTER_AUTH_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub secret: Option<String>,

    /// A private JWK the target trusts (e.g. exported from Better Auth with
    /// jwks.disablePrivateKeyEncryption, or written by `todo-conformance
    /// issuer`): tokens are minted in Better Auth's format with it.
    #[arg(long, value_name = "FILE", requires = "base_url")]
    pub signing_key: Option<PathBuf>,

    /// The `iss` of tokens minted with --signing-key (default: --better-auth).
    #[arg(long, value_name = "URL", requires = "base_url")]
    pub token_issuer: Option<String>,

    /// The `aud` of tokens minted with --signing-key (default: the issuer).
    #[arg(long, value_name = "URL", requires = "base_url")]
    pub token_audience: Option<String>,

    /// A Better Auth server: users sign up there (/api/auth/sign-up/email)
    /// and get their JWTs from /api/auth/token; its JWKS gives the public key
    /// for the key-confusion attacks (Ed25519 keys).
    #[arg(long, value_name = "URL", requires = "base_url")]
    pub better_auth: Option<String>,

    /// Where users come from: `mint` (needs --secret or --signing-key),
    /// `register` (the target's /api/auth/register and /api/auth/login),
    /// `better-auth` (needs --better-auth) or `given` (two existing users,
    /// see --given-users). Default: better-auth when --better-auth is given,
    /// else mint.
    #[arg(
        long,
        value_enum,
        value_name = "SOURCE",
        requires_ifs = [("better-auth", "base_url"), ("given", "base_url")]
    )]
    pub users: Option<UserSource>,

    /// With --users given: a TOML file with [alice] and [bob], each with a
    /// `token` (and optional `id`) or an `email` and `password` to log in
    /// with. Without it: TODO_ALICE_TOKEN and TODO_BOB_TOKEN (and optional
    /// TODO_ALICE_ID, TODO_BOB_ID) from the environment.
    #[arg(long, value_name = "FILE", requires = "base_url")]
    pub given_users: Option<PathBuf>,

    /// The target's shape: `seed` (the contract, built in) or a TOML
    /// profile file (see profiles/ and docs/profiles.md). Default: inferred
    /// from the target's OpenAPI document, or the seed when it has none.
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: Option<String>,

    /// The target's OpenAPI document (3.0 or 3.1, JSON or YAML). Default:
    /// looked for at /openapi.json, /api/openapi.json, /docs/openapi.json,
    /// /openapi.yaml, /swagger.json and /v3/api-docs on the target.
    #[arg(long, value_name = "FILE|URL")]
    pub openapi: Option<String>,

    /// Print the profile the run would use as TOML, and exit: nothing is
    /// sent but the requests that look for the OpenAPI document.
    #[arg(long)]
    pub print_profile: bool,

    /// Save the profile the run uses to FILE (TOML, for --profile), then
    /// run.
    #[arg(long, value_name = "FILE")]
    pub write_profile: Option<PathBuf>,

    /// The sweep of the document's operations sends only GET and HEAD: for
    /// a production target.
    #[arg(long)]
    pub read_only: bool,

    /// Known findings to accept (TOML, see docs/profiles.md): they do not
    /// fail the run, but one that stops happening does, and so does an
    /// entry past its `until` date (e.g. until = 2027-01-31).
    #[arg(long, value_name = "FILE")]
    pub expect_failures: Option<PathBuf>,

    /// Run only scenarios whose tags match, e.g. '@cross-user and not @crud'.
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<TagOperation>,

    /// Run only scenarios whose name matches this regex.
    #[arg(long, value_name = "REGEX")]
    pub name: Option<Regex>,

    /// Run only the scenarios that failed (or were non-strict) in an
    /// earlier run's --json report: to iterate on a fix in seconds.
    #[arg(long, value_name = "REPORT.json")]
    pub rerun_failed: Option<PathBuf>,

    /// Run only the load scenario: USERS fresh users at once, for
    /// --duration seconds (bounded: at most 200 000 requests).
    #[arg(long, value_name = "USERS", value_parser = clap::value_parser!(u16).range(2..=1000))]
    pub load: Option<u16>,

    /// How long the load scenario runs.
    #[arg(long, default_value_t = 10, requires = "load", value_parser = clap::value_parser!(u64).range(1..=600), value_name = "SECS")]
    pub duration: u64,

    /// Print the scenarios that would run, each with its grade (@must or
    /// @should) and tags, and why any would be skipped, and exit.
    #[arg(long)]
    pub list: bool,

    /// Print what the run would send (routes, preflight, every scenario's
    /// steps), and exit without sending anything.
    #[arg(long)]
    pub dry_run: bool,

    /// Write a JUnit XML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Write the suite's own JSON report to FILE: every scenario with its
    /// grade and its rule, CWE and OWASP ids, and every finding with its
    /// ids, check, hint, request, response excerpt and curl command
    /// (docs/json-report.md).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Write Cucumber's JSON (features, scenarios and steps) to FILE.
    #[arg(long, value_name = "FILE")]
    pub cucumber_json: Option<PathBuf>,

    /// Write a self-contained HTML report (promise matrix, every finding
    /// with its request, response and curl) to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// Write a Markdown summary (the verdict, the promise matrix, each
    /// failed finding with its hint and curl) to FILE, e.g.
    /// "$GITHUB_STEP_SUMMARY" in a GitHub Actions step.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,

    /// Write a SARIF 2.1.0 report to FILE, for GitHub code scanning and
    /// other security dashboards: one rule per scenario family with its CWE
    /// and OWASP API Top 10 ids, one result per finding.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,

    /// Write this run's findings to FILE in the --expect-failures format,
    /// to start a list of accepted findings from.
    #[arg(long, value_name = "FILE")]
    pub record_failures: Option<PathBuf>,

    /// Scenarios run at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=1024), value_name = "N")]
    pub concurrency: u16,

    /// How long the key-lifecycle scenarios wait for the target to take up
    /// a change of the issuer's JWKS (a new key, a dropped one): at least
    /// the issuer's `issuer --max-age`.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=600), value_name = "SECS")]
    pub jwks_wait: u64,

    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600), value_name = "SECS")]
    pub timeout: u64,

    /// Read the feature files from DIR instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub features: Option<PathBuf>,

    /// Fail the run on non-strict findings too: contract deviations that
    /// expose no data (403 for 404, a missing or incomplete
    /// WWW-Authenticate) and `@should` checks (RFC SHOULDs, hardening).
    #[arg(long)]
    pub strict: bool,

    /// Also print cucumber's step log (each finding in full where it
    /// stopped its scenario), the deviations each scenario noted, every
    /// skipped scenario and every informational note.
    #[arg(long, short = 'v', conflicts_with = "quiet")]
    pub verbose: bool,

    /// Print only the summary, the findings groups' headlines and the
    /// warnings: no banner, no progress, no matrix.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Print tokens in full in failure reports and curl commands.
    #[arg(long)]
    pub show_tokens: bool,

    /// Also trust this PEM CA certificate, besides the built-in web PKI roots (TLS stays verified).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,

    /// The secret came from BETTER_AUTH_SECRET in the environment, not from
    /// --secret: a stray one is worth a word when the target refuses it.
    #[arg(skip)]
    pub secret_from_environment: bool,
}

impl Cli {
    /// The command line, and where the secret came from; exits on bad flags
    /// as `Cli::parse` does.
    pub fn parse_noting_the_secret() -> Self {
        let matches = <Self as clap::CommandFactory>::command().get_matches();
        let mut cli = <Self as clap::FromArgMatches>::from_arg_matches(&matches)
            .unwrap_or_else(|error| error.exit());
        cli.secret_from_environment =
            matches.value_source("secret") == Some(clap::parser::ValueSource::EnvVariable);
        cli
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Be the token issuer: serve a JWKS of a fresh Ed25519 key on loopback,
    /// write the private key for --signing-key, and run until Ctrl-C.
    Issuer(IssuerArgs),
}
