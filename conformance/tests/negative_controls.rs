//! Negative controls: the suite must catch a server that breaks a promise,
//! name the right promise, and leave the other promises passing.
//!
//! Each test starts the in-memory server of `support` with one `Bug` on its
//! own runtime, runs the built suite binary against it (in a blocking task,
//! so the server keeps serving), and checks the exit code, the tally line,
//! the `promise broken:` reports and the JUnit file.

mod support;

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use regex::Regex;
use support::Bug;

/// The suite binary under test.
const SUITE: &str = env!("CARGO_BIN_EXE_todo-conformance");
/// A whole run takes a second or two; this only stops a hung one.
const RUN_DEADLINE: Duration = Duration::from_secs(180);

/// A scenario: (feature, scenario) names.
type Scenario = (String, String);

/// Which scenarios of the broken promise's feature must fail.
enum Broken {
    /// Every scenario of the feature except these.
    AllBut(&'static [&'static str]),
    /// Only these.
    Only(&'static [&'static str]),
}

struct Expectation {
    bug: Bug,
    feature: &'static str,
    broken: Broken,
}

/// What one run of the suite showed.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    passed: usize,
    failed: usize,
    skipped: usize,
    /// Every scenario named by a `promise broken:` report.
    broken: BTreeSet<Scenario>,
    elapsed: Duration,
}

impl Run {
    fn dump(&self) -> String {
        dump(self.code, &self.stdout, &self.stderr)
    }
}

fn secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

fn suite_command(base_url: &str, secret: &str) -> Command {
    let mut command = Command::new(SUITE);
    command
        .args(["--base-url", base_url, "--secret", secret])
        .args(["--concurrency", "8", "--timeout", "5"])
        .env_remove("BETTER_AUTH_SECRET")
        .env_remove("DATABASE_URL")
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    command
}

/// Every scenario the suite would run, from `--list`.
fn listed_scenarios() -> Vec<Scenario> {
    let output = suite_command("http://127.0.0.1:9", &secret())
        .arg("--list")
        .output()
        .expect("run the suite with --list");
    assert!(output.status.success(), "--list failed: {output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let scenarios: Vec<Scenario> = stdout
        .lines()
        .map(|line| {
            assert!(
                !line.contains("[skipped"),
                "nothing is skipped with --secret: {line}"
            );
            let (feature, scenario) = line.split_once(": ").expect("`feature: scenario`");
            (feature.to_owned(), scenario.to_owned())
        })
        .collect();
    assert!(scenarios.len() > 40, "too few scenarios listed:\n{stdout}");
    scenarios
}

fn strip_ansi(text: &str) -> String {
    Regex::new("\x1b\\[[0-9;]*[A-Za-z]")
        .expect("a valid regex")
        .replace_all(text, "")
        .into_owned()
}

/// Runs the binary to completion (or kills it at the deadline), reading its
/// output on threads so that a full pipe never blocks it.
fn run_blocking(mut command: Command) -> (Option<i32>, String, String) {
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
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the suite") {
            break Some(status);
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
    let Some(status) = status else {
        panic!("the suite did not finish within {RUN_DEADLINE:?}\n{stdout}\n{stderr}");
    };
    (status.code(), stdout, stderr)
}

/// Starts the server with `bug` and runs the whole suite against it.
async fn run_suite(bug: Bug, junit: Option<&Path>) -> Run {
    let secret = secret();
    let server = support::start(bug, &secret).await;
    let mut command = suite_command(&server.url, &secret);
    if let Some(path) = junit {
        command.arg("--junit").arg(path);
    }
    let started = Instant::now();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || run_blocking(command))
        .await
        .expect("the suite runner thread");
    let elapsed = started.elapsed();
    drop(server);
    let stdout = strip_ansi(&stdout);
    let stderr = strip_ansi(&stderr);

    let tally =
        Regex::new(r"(?m)^conformance: (\d+) passed, (\d+) failed, (\d+) skipped in [0-9.]+s$")
            .expect("a valid regex");
    let Some(counts) = tally.captures_iter(&stdout).last() else {
        panic!("no tally line\n{}", dump(code, &stdout, &stderr));
    };
    let count = |index: usize| counts[index].parse::<usize>().expect("a count");
    let (passed, failed, skipped) = (count(1), count(2), count(3));

    let broken = stdout
        .lines()
        .filter_map(|line| {
            line.split_once("promise broken: ")
                .map(|(_, rest)| rest.trim_end())
        })
        .map(|report| {
            let parsed = report
                .split_once(" (")
                .and_then(|(feature, rest)| Some((feature, rest.strip_suffix(')')?)));
            let Some((feature, scenario)) = parsed else {
                panic!(
                    "unparsable report line {report:?}\n{}",
                    dump(code, &stdout, &stderr)
                );
            };
            (feature.to_owned(), scenario.to_owned())
        })
        .collect();

    eprintln!(
        "{bug:?}: suite ran in {elapsed:.2?} (exit {code:?}, {passed} passed, {failed} failed)"
    );
    Run {
        code,
        stdout,
        stderr,
        passed,
        failed,
        skipped,
        broken,
        elapsed,
    }
}

fn dump(code: Option<i32>, stdout: &str, stderr: &str) -> String {
    format!("exit code {code:?}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}")
}

/// Where the JUnit report of a test goes.
fn junit_path(bug: Bug) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "negative-control-{bug:?}-{}.xml",
        uuid::Uuid::new_v4().simple()
    ))
}

/// `failures` of every `<testsuite>` of the JUnit report, by suite name.
fn junit_failures(xml: &str) -> Vec<(String, usize)> {
    let suite = Regex::new(r"<testsuite\b[^>]*>").expect("a valid regex");
    let name = Regex::new(r#"\bname="([^"]*)""#).expect("a valid regex");
    let failures = Regex::new(r#"\bfailures="(\d+)""#).expect("a valid regex");
    suite
        .find_iter(xml)
        .map(|tag| {
            let tag = tag.as_str();
            let name = name
                .captures(tag)
                .map_or_else(String::new, |c| c[1].to_owned());
            let Some(count) = failures.captures(tag) else {
                panic!("a <testsuite> without failures=\"...\": {tag}");
            };
            (name, count[1].parse().expect("a count"))
        })
        .collect()
}

/// The whole negative control for one bug.
async fn negative_control(expectation: Expectation) {
    let Expectation {
        bug,
        feature,
        broken,
    } = expectation;
    let listed = listed_scenarios();
    let of_feature: Vec<&Scenario> = listed.iter().filter(|(f, _)| f == feature).collect();
    assert!(
        !of_feature.is_empty(),
        "no feature named {feature:?} in the suite"
    );
    let named = match broken {
        Broken::AllBut(names) | Broken::Only(names) => names,
    };
    for name in named {
        assert!(
            of_feature.iter().any(|(_, scenario)| scenario == name),
            "{feature:?} has no scenario {name:?}"
        );
    }
    let expected: BTreeSet<Scenario> = of_feature
        .iter()
        .filter(|(_, scenario)| match broken {
            Broken::AllBut(spared) => !spared.contains(&scenario.as_str()),
            Broken::Only(only) => only.contains(&scenario.as_str()),
        })
        .map(|scenario| (*scenario).clone())
        .collect();

    let junit = junit_path(bug);
    let run = run_suite(bug, Some(&junit)).await;
    assert_eq!(
        run.code,
        Some(1),
        "{bug:?} must fail the run\n{}",
        run.dump()
    );

    let leaked: Vec<&Scenario> = run.broken.iter().filter(|(f, _)| f != feature).collect();
    assert!(
        leaked.is_empty(),
        "{bug:?} breaks only {feature:?}, yet the suite reports other promises broken: {leaked:#?}\n{}",
        run.dump()
    );
    let missed: Vec<&Scenario> = expected.difference(&run.broken).collect();
    assert!(
        missed.is_empty(),
        "the suite did not catch {bug:?} in: {missed:#?}\n{}",
        run.dump()
    );
    let extra: Vec<&Scenario> = run.broken.difference(&expected).collect();
    assert!(
        extra.is_empty(),
        "with {bug:?}, these should still pass: {extra:#?}\n{}",
        run.dump()
    );
    assert_eq!(
        (run.failed, run.skipped, run.passed),
        (expected.len(), 0, listed.len() - expected.len()),
        "the tally disagrees with the reports\n{}",
        run.dump()
    );

    let xml = std::fs::read_to_string(&junit).expect("the JUnit report was written");
    let _ = std::fs::remove_file(&junit);
    let suites = junit_failures(&xml);
    let of_promise: Vec<&(String, usize)> = suites
        .iter()
        .filter(|(name, _)| name.contains(feature))
        .collect();
    assert!(
        of_promise.iter().any(|(_, failures)| *failures > 0),
        "the JUnit report shows no failure for {feature:?}: {suites:?}\n{xml}"
    );
    let others_failing: Vec<&(String, usize)> = suites
        .iter()
        .filter(|(name, failures)| !name.contains(feature) && *failures > 0)
        .collect();
    assert!(
        others_failing.is_empty(),
        "the JUnit report shows failures outside {feature:?}: {others_failing:?}\n{xml}"
    );
    eprintln!(
        "{bug:?}: caught in {} scenario(s) in {:.2?}",
        expected.len(),
        run.elapsed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_correct_server_passes_everything() {
    let listed = listed_scenarios();
    let run = run_suite(Bug::None, None).await;
    assert_eq!(
        run.code,
        Some(0),
        "the correct server must pass\n{}",
        run.dump()
    );
    assert!(run.broken.is_empty(), "{:#?}\n{}", run.broken, run.dump());
    assert_eq!((run.failed, run.skipped), (0, 0), "{}", run.dump());
    assert_eq!(
        run.passed,
        listed.len(),
        "every listed scenario ran\n{}",
        run.dump()
    );
    assert!(
        run.stdout.contains(" 0 failed, 0 skipped in "),
        "{}",
        run.dump()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_tokens_accepted_breaks_only_missing_token() {
    // Every scenario sends no, Basic, empty or non-JWT credentials and is
    // served as Alice: each must fail. Forgeries are three-segment tokens,
    // so they still reach verification and the forged promise holds.
    negative_control(Expectation {
        bug: Bug::AcceptsMissingToken,
        feature: "Missing token",
        broken: Broken::AllBut(&[]),
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skipped_signature_check_breaks_only_forged_token() {
    // The non-JWT Bearer of "Missing token" has no payload to read, and
    // expiry is still checked, so only the forgeries get through.
    negative_control(Expectation {
        bug: Bug::SkipsSignatureCheck,
        feature: "Forged token",
        broken: Broken::AllBut(&[]),
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_tokens_accepted_breaks_only_expired_token() {
    negative_control(Expectation {
        bug: Bug::AcceptsExpiredTokens,
        feature: "Expired token",
        // The control scenario first shows the expired token refused, so it
        // fails with the rest.
        broken: Broken::AllBut(&[]),
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignored_owner_breaks_only_cross_user_isolation() {
    negative_control(Expectation {
        bug: Bug::IgnoresOwner,
        feature: "Cross-user isolation",
        // Bob's list is read under his own path, which the buggy server
        // still scopes correctly: that one scenario cannot catch this bug.
        broken: Broken::AllBut(&["Bob's list does not contain Alice's task"]),
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_updates_break_only_crud() {
    negative_control(Expectation {
        bug: Bug::LosesUpdates,
        feature: "Full CRUD for the owner",
        // Create, get, delete and validation do not depend on PUT or toggle
        // persisting.
        broken: Broken::Only(&["Update persists every field", "Toggle persists"]),
    })
    .await;
}
