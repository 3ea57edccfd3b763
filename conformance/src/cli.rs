//! Command-line flags.

use std::path::PathBuf;

use clap::Parser;
use cucumber::gherkin::tagexpr::TagOperation;
use regex::Regex;

use crate::users::UserSource;

/// Security conformance suite for JWT-secured Todo REST APIs.
///
/// With no --base-url it starts the bundled reference server (on a
/// testcontainers Postgres, or DATABASE_URL) and runs every scenario against
/// it. Exit codes: 0 every scenario that ran passed (skipped ones are listed
/// with their reason), 1 a scenario failed, 2 the run could not happen.
#[derive(Debug, Parser)]
#[command(name = "todo-conformance", version)]
pub struct Cli {
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

    /// Where users come from: `mint` (default; needs --secret) or `register`
    /// (the target's /api/auth/register and /api/auth/login).
    #[arg(long, value_enum, value_name = "SOURCE")]
    pub users: Option<UserSource>,

    /// Run only scenarios whose tags match, e.g. '@cross-user and not @crud'.
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<TagOperation>,

    /// Run only scenarios whose name matches this regex.
    #[arg(long, value_name = "REGEX")]
    pub name: Option<Regex>,

    /// Print the scenarios that would run, and exit.
    #[arg(long)]
    pub list: bool,

    /// Write a JUnit XML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Write a Cucumber JSON report to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Scenarios run at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=1024), value_name = "N")]
    pub concurrency: u16,

    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600), value_name = "SECS")]
    pub timeout: u64,

    /// Read the feature files from DIR instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub features: Option<PathBuf>,

    /// Fail the run on `@should` findings (RFC SHOULDs and hardening) too.
    #[arg(long)]
    pub strict: bool,

    /// Print tokens in full in failure reports and curl commands.
    #[arg(long)]
    pub show_tokens: bool,

    /// Also trust this PEM CA certificate, besides the built-in web PKI roots (TLS stays verified).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}
