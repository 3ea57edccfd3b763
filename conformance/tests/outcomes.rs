//! What a CI pipeline relies on beyond pass and fail: accepted findings
//! (`--expect-failures`), given users, `--dry-run` sending nothing, and an
//! interrupted run deleting what it created. Each test runs the built suite
//! binary against the in-memory server of `support`.

mod support;

use std::fmt::Write as _;
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;
use support::Bug;
use support::flaws;
use support::listing;
use support::run::{self, Options, Run};
use support::server;

/// A TOML list of accepted findings.
fn expected_file(scenarios: &[(String, String)]) -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("expected-{}.toml", uuid::Uuid::new_v4().simple()));
    let entries = scenarios
        .iter()
        .fold(String::new(), |mut entries, (feature, scenario)| {
            let _ = write!(
                entries,
                "[[expected]]\nscenario = {:?}\ngrade = \"failed\"\nreason = \"accepted by the test\"\n\n",
                format!("{feature}: {scenario}")
            );
            entries
        });
    std::fs::write(&path, entries).expect("write the expected-failures file");
    path
}

fn run_expecting(bug: Bug, accepted: &[(String, String)]) -> Run {
    let path = expected_file(accepted);
    let options = Options {
        args: vec!["--expect-failures".to_owned(), path.display().to_string()],
        ..Options::default()
    };
    let run = run::run_suite(run::runtime().handle(), bug, &options);
    let _ = std::fs::remove_file(path);
    run
}

#[test]
fn accepted_findings_pass_and_only_new_or_stale_ones_fail() {
    let bug = Bug::AcceptsExpiredTokens;
    let known = support::expected(flaws::of(bug));

    let all_accepted = run_expecting(bug, &known);
    assert_eq!(all_accepted.code, Some(0), "{}", all_accepted.dump());
    assert_eq!(
        all_accepted.stdout.matches("[expected failure] ").count(),
        known.len(),
        "{}",
        all_accepted.dump()
    );

    // One finding not on the list is new: it fails the run, and only it.
    let (new, rest) = known.split_first().expect("the flaw fails something");
    let one_new = run_expecting(bug, rest);
    assert_eq!(one_new.code, Some(1), "{}", one_new.dump());
    assert_eq!(
        one_new.tally.map(|tally| tally.failed),
        Some(1),
        "{}",
        one_new.dump()
    );
    assert_eq!(
        one_new.stdout.matches("[expected failure] ").count(),
        rest.len(),
        "{}",
        one_new.dump()
    );
    assert!(one_new.broken.contains(new), "{}", one_new.dump());

    // A listed scenario that passes means the list is stale.
    let (runnable, _) = listing::runnable();
    let passing = runnable
        .iter()
        .find(|scenario| !known.contains(scenario))
        .expect("a scenario the flaw does not touch");
    let mut stale = known.clone();
    stale.push(passing.clone());
    let stale_run = run_expecting(bug, &stale);
    assert_eq!(stale_run.code, Some(1), "{}", stale_run.dump());
    assert!(
        stale_run.stdout.contains(&format!(
            "[expected to fail, passed] {}: {}",
            passing.0, passing.1
        )),
        "{}",
        stale_run.dump()
    );
}

#[test]
fn a_typo_in_the_accepted_findings_stops_the_run() {
    let typo = [("Missing tokn".to_owned(), "list".to_owned())];
    let run = run_expecting(Bug::None, &typo);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(
        run.stderr.contains("not a scenario of the catalogue"),
        "{}",
        run.dump()
    );
}

fn token(secret: &str, user: &str) -> String {
    let now = jsonwebtoken::get_current_timestamp();
    let claims =
        json!({"sub": user, "email": format!("{user}@example.test"), "iat": now, "exp": now + 900});
    jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("an HS256 token")
}

#[test]
fn given_users_pass_and_their_own_tasks_are_left_alone() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let alice = token(&secret, "given-alice");
    let bob = token(&secret, "given-bob");
    let own = runtime
        .block_on(
            reqwest::Client::new()
                .post(format!("{}/api/given-alice/tasks", server.url))
                .bearer_auth(&alice)
                .json(&json!({"title": "Alice's own task, not the suite's"}))
                .send(),
        )
        .expect("create Alice's own task");
    assert_eq!(own.status(), 201);

    let mut command = run::suite_command(&server.url, &secret, run::CONCURRENCY);
    command
        .args(["--users", "given"])
        .env("TODO_ALICE_TOKEN", &alice)
        .env("TODO_BOB_TOKEN", &bob);
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "given: Alice given-alice and Bob given-bob, shared, so scenarios run one at a time"
        ),
        "{stderr}"
    );
    assert!(stdout.contains(" 0 failed, 0 non-strict, "), "{stdout}");
    assert_eq!(server.task_count(), 1, "only Alice's own task is left");
}

#[test]
fn a_dry_run_sends_nothing() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.set_nonblocking(true).expect("non-blocking");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let mut command = run::suite_command(&url, "a-secret-of-no-consequence", run::CONCURRENCY);
    command.arg("--dry-run");
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("dry run: nothing is sent"), "{stdout}");
    assert!(
        stdout.contains("toggle  PATCH /api/{user}/tasks/{task}/complete"),
        "{stdout}"
    );
    assert!(
        stdout.contains("    When someone calls list on Alice's task with no Authorization header"),
        "{stdout}"
    );
    assert!(
        listener.accept().is_err(),
        "the dry run connected to the target"
    );
}

#[test]
fn a_dry_run_needs_no_key_and_says_what_a_run_would_need() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.set_nonblocking(true).expect("non-blocking");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let mut command = run::keyless_command(&url, run::CONCURRENCY);
    command.arg("--dry-run");
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("(no key given: the scenarios are listed as a run with the target's secret would run them, each token named by what it is; a run needs --secret"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "    When someone calls list on Alice's task with a token that expired an hour ago"
        ),
        "{stdout}"
    );
    assert!(
        listener.accept().is_err(),
        "the dry run connected to the target"
    );
    // A run, unlike a dry run, still needs a key.
    let (code, _, stderr) = run::run_bounded(run::keyless_command(&url, run::CONCURRENCY));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no token source"), "{stderr}");
}

#[test]
fn an_interrupted_run_deletes_what_it_created() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    // One scenario at a time, so that the run is still going when stopped.
    let child = run::suite_command(&server.url, &secret, 1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the suite");
    let started = Instant::now();
    while server.task_count() == 0 && started.elapsed() < run::RUN_DEADLINE {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(server.task_count() > 0, "the run never created a task");
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let output = child.wait_with_output().expect("the suite exits");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("interrupted (Ctrl-C)"), "{stderr}");
    assert!(!stderr.contains("left behind"), "{stderr}");
    assert_eq!(server.task_count(), 0, "tasks left behind: {stderr}");
}

fn load_run(bug: Bug) -> Run {
    let options = Options {
        args: ["--load", "8", "--duration", "2"]
            .map(str::to_owned)
            .to_vec(),
        ..Options::default()
    };
    run::run_suite(run::runtime().handle(), bug, &options)
}

#[test]
fn the_load_scenario_catches_a_cross_user_leak() {
    let correct = load_run(Bug::None);
    assert_eq!(correct.code, Some(0), "{}", correct.dump());
    assert!(
        correct.stdout.contains(" req/s; latency p50 "),
        "{}",
        correct.dump()
    );

    // Reads by id ignore the owner: a probe of another user's task succeeds.
    let leaky = load_run(Bug::IgnoresOwner);
    assert_eq!(leaky.code, Some(1), "{}", leaky.dump());
    assert!(
        leaky.stdout.contains("cross-user leak(s); the first: "),
        "{}",
        leaky.dump()
    );
}

/// A profile whose routes take the user from the token passes against a
/// target built that way, and the scenarios about a path naming another
/// user are skipped, with the reason.
#[test]
fn a_target_that_takes_the_user_from_the_token_passes_with_its_profile() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start_with(
        Bug::None,
        &secret,
        server::Routes::FromToken,
    ));
    let profile = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("user-from-token.toml");
    std::fs::write(
        &profile,
        "name = \"user-from-token\"\n[routes]\ntasks = \"/api/tasks\"\n",
    )
    .expect("write the profile");
    let mut command = run::suite_command(&server.url, &secret, run::CONCURRENCY);
    command
        .args(["--strict", "--verbose", "--profile"])
        .arg(&profile);
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "[skipped] Cross-user isolation: Bob's token on Alice's path: list: the profile's routes (/api/tasks) take the user from the token"
        ),
        "{stdout}"
    );
    assert!(stdout.contains(" 0 failed, 0 non-strict, "), "{stdout}");
    assert_eq!(server.task_count(), 0, "the run left tasks behind");
}

/// What cleanup cannot delete is reported with its ids, and fails the run.
#[test]
fn tasks_the_run_cannot_delete_are_reported_as_left_behind() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::DeleteFails);
    let server = runtime.block_on(server::start(Bug::DeleteFails, &secret));
    let mut command = run::suite_command(&server.url, &secret, run::CONCURRENCY);
    command.args(["--tags", "@crud"]);
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let line = stderr
        .lines()
        .find(|line| line.starts_with("left behind: "))
        .unwrap_or_else(|| panic!("no left-behind line:\n{stderr}"));
    let (count, ids) = line
        .strip_prefix("left behind: ")
        .and_then(|rest| rest.split_once(" task(s) the suite created and could not delete: "))
        .unwrap_or_else(|| panic!("{line}"));
    assert_eq!(
        count.parse::<usize>().ok(),
        Some(server.task_count()),
        "{line}"
    );
    assert_eq!(ids.split(", ").count(), server.task_count(), "{line}");
}

/// A 403 where 404 is due is a harmless deviation when nothing happened,
/// and a broken promise when the write was carried out anyway: the checks
/// after the status still run.
#[test]
fn a_403_is_a_deviation_unless_the_write_happened() {
    let runtime = run::runtime();
    let harmless = run::run_suite(
        runtime.handle(),
        Bug::OtherUsersPathIs403,
        &Options::default(),
    );
    assert_eq!(harmless.code, Some(0), "{}", harmless.dump());
    assert!(harmless.broken.is_empty(), "{}", harmless.dump());
    assert_eq!(harmless.findings.len(), 6, "{}", harmless.dump());
    assert!(
        harmless
            .stdout
            .contains("hint:     the backend compares the path's user id"),
        "{}",
        harmless.dump()
    );

    let breach = run::run_suite(
        runtime.handle(),
        Bug::ForbiddenButWrites,
        &Options::default(),
    );
    assert_eq!(breach.code, Some(1), "{}", breach.dump());
    assert_eq!(
        breach.broken.iter().collect::<Vec<_>>(),
        [&(
            "Cross-user isolation".to_owned(),
            "Bob's token on Alice's path: update".to_owned()
        )],
        "{}",
        breach.dump()
    );
}
