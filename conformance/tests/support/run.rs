//! Running the built suite binary against a test server, bounded in time,
//! and reading its verdicts: the exit code, the tally line and the failure
//! reports.

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use regex::Regex;

use super::server::{self, Bug};

/// The suite binary under test.
pub const SUITE: &str = env!("CARGO_BIN_EXE_todo-conformance");
/// A run takes about a second; this only stops a hung one.
pub const RUN_DEADLINE: Duration = Duration::from_secs(120);

/// A scenario: (feature, scenario) names.
pub type Scenario = (String, String);

/// How to run the suite.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--strict`: `@should` findings fail the run.
    pub strict: bool,
    /// `--users register` instead of minted users.
    pub register: bool,
    /// `--junit FILE`.
    pub junit: Option<PathBuf>,
    /// `--concurrency N` instead of [`CONCURRENCY`].
    pub concurrency: Option<u16>,
    /// The server serves `/openapi.json` and the routes beyond the contract
    /// it declares, for the sweep.
    pub document: bool,
    /// JWKS mode: the server verifies the tokens of a `todo-conformance
    /// issuer` started for the run, and the suite mints with its key.
    pub jwks: bool,
    /// More arguments.
    pub args: Vec<String>,
    /// More environment variables.
    pub env: Vec<(String, String)>,
}

/// What one run of the suite showed.
#[derive(Debug)]
pub struct Run {
    pub bug: Bug,
    /// `None`: killed at the deadline.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The tally line's counts; `None` when there was no tally line.
    pub tally: Option<Tally>,
    /// Scenarios reported as `promise broken:`.
    pub broken: BTreeSet<Scenario>,
    /// Scenarios reported as non-strict findings or contract deviations.
    pub findings: BTreeSet<Scenario>,
    /// Scenarios reported as not set up.
    pub not_set_up: BTreeSet<Scenario>,
    /// Scenarios skipped as "NOT CHECKED": they could not judge the target.
    pub unchecked: BTreeSet<Scenario>,
    /// The run's `--json` report: every finding whole, where the console
    /// shows one example per cause.
    pub report: serde_json::Value,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub non_strict: usize,
    pub skipped: usize,
}

impl Run {
    /// Everything the run printed, for assertion messages.
    pub fn dump(&self) -> String {
        format!(
            "{:?}: exit code {:?} after {:.2?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.bug, self.code, self.elapsed, self.stdout, self.stderr
        )
    }

    /// Whether the run said `text`: on the console, or in any text of its
    /// JSON report (a finding the console grouped under another example).
    pub fn said(&self, text: &str) -> bool {
        fn holds(value: &serde_json::Value, text: &str) -> bool {
            match value {
                serde_json::Value::String(string) => string.contains(text),
                serde_json::Value::Array(items) => items.iter().any(|item| holds(item, text)),
                serde_json::Value::Object(members) => {
                    members.values().any(|member| holds(member, text))
                }
                _ => false,
            }
        }
        self.stdout.contains(text) || holds(&self.report, text)
    }

    /// Every scenario the run reported as failing, at any level.
    pub fn failing(&self) -> BTreeSet<Scenario> {
        self.broken
            .iter()
            .chain(&self.findings)
            .chain(&self.not_set_up)
            .cloned()
            .collect()
    }
}

/// A multi-thread runtime for the test servers.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Scenarios in flight at once, unless a run says otherwise.
pub const CONCURRENCY: u16 = 8;

pub fn suite_command(base_url: &str, secret: &str, concurrency: u16) -> Command {
    let mut command = keyless_command(base_url, concurrency);
    command.args(["--secret", secret]);
    command
}

/// The suite's command without `--secret`: the caller says how it mints.
pub fn keyless_command(base_url: &str, concurrency: u16) -> Command {
    let mut command = Command::new(SUITE);
    command
        .args(["--base-url", base_url])
        .args(["--concurrency", &concurrency.to_string(), "--timeout", "5"])
        .env_remove("BETTER_AUTH_SECRET")
        .env_remove("DATABASE_URL")
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    command
}

fn strip_ansi(text: &str) -> String {
    Regex::new("\x1b\\[[0-9;]*[A-Za-z]")
        .expect("a valid regex")
        .replace_all(text, "")
        .into_owned()
}

/// Runs the command to completion (or kills it at the deadline), reading its
/// output on threads so that a full pipe never blocks it.
pub fn run_bounded(mut command: Command) -> (Option<i32>, String, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the suite binary");
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait for the suite") {
            break status.code();
        }
        if started.elapsed() > RUN_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    (code, strip_ansi(&stdout), strip_ansi(&stderr))
}

/// Starts the server with `bug` on `runtime` and runs the whole suite
/// against it, blocking this thread.
pub fn run_suite(runtime: &tokio::runtime::Handle, bug: Bug, options: &Options) -> Run {
    let shape = server::Shape {
        document: options.document,
        ..server::Shape::default()
    };
    if options.jwks {
        let issuer = super::issuer::Issuer::start();
        let server = runtime.block_on(server::start_jwks(bug, &issuer.base, shape));
        let mut options = options.clone();
        options.args.extend(issuer.suite_args());
        return run_at(&server.url, "", bug, &options);
    }
    let secret = server::secret_for(bug);
    let server = runtime.block_on(server::start_shaped(bug, &secret, shape));
    let run = run_at(&server.url, &secret, bug, options);
    drop(server);
    run
}

/// Runs the whole suite against the server with `bug` at `url` (or a front
/// of it), blocking this thread. In JWKS mode `secret` is unused: the
/// issuer's flags are in `options.args`.
pub fn run_at(url: &str, secret: &str, bug: Bug, options: &Options) -> Run {
    let concurrency = options.concurrency.unwrap_or(CONCURRENCY);
    let mut command = if options.jwks {
        keyless_command(url, concurrency)
    } else {
        suite_command(url, secret, concurrency)
    };
    if options.strict {
        command.arg("--strict");
    }
    if options.register {
        command.args(["--users", "register"]);
    }
    if let Some(path) = &options.junit {
        command.arg("--junit").arg(path);
    }
    // The verdicts come from the suite's own JSON report, never from the
    // console's words: a run that asked for one keeps it, the others get
    // one of their own.
    let asked = options
        .args
        .iter()
        .position(|arg| arg == "--json")
        .and_then(|at| options.args.get(at + 1))
        .map(PathBuf::from);
    let report_path = asked.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("run-{}.json", uuid::Uuid::new_v4().simple()))
    });
    if asked.is_none() {
        command.arg("--json").arg(&report_path);
    }
    command
        .args(&options.args)
        .envs(options.env.iter().cloned());
    let started = Instant::now();
    let (code, stdout, stderr) = run_bounded(command);
    let elapsed = started.elapsed();
    let report: serde_json::Value = std::fs::read_to_string(&report_path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    // A run that ended (exit 0 or 1) wrote its report: without it, every
    // set of scenarios below would be empty, and pass any test of it.
    assert!(
        !matches!(code, Some(0 | 1)) || report.is_object(),
        "the run ended with {code:?} and wrote no JSON report at {}\n{stdout}\n{stderr}",
        report_path.display()
    );
    if asked.is_none() {
        let _ = std::fs::remove_file(&report_path);
    }
    let graded = |grades: &[&str]| with_findings(&report, grades);
    // Deviations fail a strict run: there they count as broken promises.
    let (broken, non_strict): (&[&str], &[&str]) = if options.strict {
        (&["broken", "deviation"], &["should"])
    } else {
        (&["broken"], &["should", "deviation"])
    };
    Run {
        bug,
        code,
        tally: tally(&stdout),
        broken: graded(broken),
        findings: graded(non_strict),
        not_set_up: graded(&["not-set-up"]),
        unchecked: unchecked(&report),
        report,
        stdout,
        stderr,
        elapsed,
    }
}

/// The scenarios of a `--json` report with a finding of one of `grades`.
fn with_findings(report: &serde_json::Value, grades: &[&str]) -> BTreeSet<Scenario> {
    scenarios(report)
        .filter(|scenario| {
            scenario["findings"].as_array().is_some_and(|findings| {
                findings
                    .iter()
                    .any(|finding| grades.contains(&finding["grade"].as_str().unwrap_or_default()))
            })
        })
        .map(named)
        .collect()
}

/// The scenarios skipped as "NOT CHECKED": they could not judge the target.
fn unchecked(report: &serde_json::Value) -> BTreeSet<Scenario> {
    scenarios(report)
        .filter(|scenario| {
            scenario["verdict"] == "skipped"
                && scenario["reason"]
                    .as_str()
                    .is_some_and(|reason| reason.starts_with("NOT CHECKED"))
        })
        .map(named)
        .collect()
}

fn scenarios(report: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
    report["scenarios"].as_array().into_iter().flatten()
}

fn named(scenario: &serde_json::Value) -> Scenario {
    let text = |key: &str| scenario[key].as_str().unwrap_or_default().to_owned();
    (text("promise"), text("scenario"))
}

/// The counts of the final tally line.
pub fn tally(stdout: &str) -> Option<Tally> {
    let line = Regex::new(
        r"(?m)^conformance: (\d+) passed, (\d+) failed, (\d+) non-strict, (\d+) skipped, \d+ expected failures, \d+ informational in [0-9.]+s$",
    )
    .expect("a valid regex");
    let counts = line.captures_iter(stdout).last()?;
    let count = |index: usize| counts[index].parse::<usize>().expect("a count");
    Some(Tally {
        passed: count(1),
        failed: count(2),
        non_strict: count(3),
        skipped: count(4),
    })
}

/// Runs the suite against `url` (with `--timeout 1`), which must stop
/// before any scenario, leaving nothing behind: exit code 2, and one line
/// on stderr, returned.
pub fn stopped_at_preflight(url: &str, secret: &str) -> String {
    let (line, left_behind) = stopped_at_preflight_leaving(url, secret);
    assert_eq!(left_behind, None, "{line}");
    line
}

/// Runs the suite against `url` (with `--timeout 1`), which must stop
/// before any scenario: exit code 2, and on stderr one line that says why,
/// after the `left behind:` line if there is one. Both returned.
pub fn stopped_at_preflight_leaving(url: &str, secret: &str) -> (String, Option<String>) {
    let mut command = Command::new(SUITE);
    command
        .args(["--base-url", url, "--secret", secret, "--timeout", "1"])
        .env_remove("BETTER_AUTH_SECRET")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    let (code, stdout, stderr) = run_bounded(command);
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    let mut lines: Vec<&str> = stderr.lines().collect();
    let line = lines.pop().unwrap_or_default().to_owned();
    assert!(line.starts_with("todo-conformance: "), "{stderr}");
    let left_behind = match lines.as_slice() {
        [] => None,
        [left] if left.starts_with("left behind: ") => Some((*left).to_owned()),
        _ => panic!("more than a left-behind line before the reason: {stderr}"),
    };
    (line, left_behind)
}
