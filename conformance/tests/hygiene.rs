//! Hygiene against a hostile target: every task the suite leaves in the
//! target is reported by id and nothing it deleted is, and a signal ends the
//! run promptly with the reports written. Each test runs the built suite
//! binary against the in-memory server of `support`, behind the hostile
//! target of `support::hostile`.

mod support;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use support::Bug;
use support::hostile::left_behind::{LeftBehind, assert_exact, left_behind};
use support::hostile::{self, Mode};
use support::run::{self, Options};
use support::server;

fn report_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hygiene");
    std::fs::create_dir_all(&dir).expect("a directory for the reports");
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn after_random_resets_exactly_the_tasks_left_are_reported() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let mut ran = 0;
    for seed in [1, 2, 3] {
        let server = runtime.block_on(server::start(Bug::None, &secret));
        let mode = Mode::RandomResets { percent: 20, seed };
        let proxy = runtime.block_on(hostile::start(&server.url, mode));
        let json = report_path(&format!("resets-{seed}.json"));
        let options = Options {
            args: vec!["--json".to_owned(), json.display().to_string()],
            ..Options::default()
        };
        let run = run::run_at(&proxy.url, &secret, Bug::None, &options);
        let left = left_behind(&json, &run.stderr);
        let lost = proxy.counts.lost_creates();
        assert_exact(&left, &server, &lost, &run.dump());
        // Resets over a correct server are no finding: the run fails only
        // for what it left behind, or stops (exit 2) at a reset preflight.
        assert!(run.broken.is_empty(), "{}", run.dump());
        let leaves = !left.ids.is_empty() || !left.maybe.is_empty();
        let code = if run.tally.is_none() {
            2
        } else {
            i32::from(leaves)
        };
        assert_eq!(run.code, Some(code), "{}", run.dump());
        ran += usize::from(run.tally.is_some());
        eprintln!(
            "seed {seed}: exit {:?}, {} resets, {} creates lost, {} tasks left and reported, {} maybe, {} stored",
            run.code,
            proxy.counts.resets.load(Ordering::Relaxed),
            lost.values().sum::<usize>(),
            left.ids.len(),
            left.maybe.len(),
            server.task_count()
        );
    }
    assert!(ran > 0, "no run got past the preflight");
}

#[test]
fn a_target_that_stops_answering_task_routes_has_every_task_it_holds_reported() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    // Early: some scenarios' first create goes unanswered too.
    let mode = Mode::StopsAnsweringTasksAfter(STOP_AFTER / 2);
    let proxy = runtime.block_on(hostile::start(&server.url, mode));
    let json = report_path("stops.json");
    // Not `run::run_at`: its `--timeout 5` would make this run minutes long.
    let mut command = Command::new(run::SUITE);
    command
        .args([
            "--base-url",
            &proxy.url,
            "--secret",
            &secret,
            "--timeout",
            "1",
        ])
        .args(FEW_SCENARIOS)
        .arg("--json")
        .arg(&json)
        .env_remove("BETTER_AUTH_SECRET")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    let started = Instant::now();
    let (code, stdout, stderr) = run::run_bounded(command);
    let output = format!("exit code {code:?}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
    assert_eq!(code, Some(1), "{output}");
    let left = left_behind(&json, &stderr);
    assert!(server.task_count() > 0, "{output}");
    // Nothing unanswered was forwarded: no create's task is unknown.
    assert_exact(&left, &server, &BTreeMap::new(), &output);
    // Creates after the stop never reached the server: every task it holds
    // is named.
    assert_eq!(left.ids, server.task_ids(), "{output}");
    eprintln!(
        "{} tasks left, all reported by id, {} maybe, in {:.1?}",
        left.ids.len(),
        left.maybe.len(),
        started.elapsed()
    );
}

/// A target whose routes broke, answering 404 to every task request: a
/// DELETE's 404 proves nothing, so every task it still holds is reported
/// by id; its 404s to creates stored nothing.
#[test]
fn a_target_that_answers_404_to_everything_has_every_task_it_holds_reported() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let proxy = runtime.block_on(hostile::start(&server.url, Mode::NotFoundAfter(STOP_AFTER)));
    let json = report_path("not-found.json");
    let options = Options {
        args: [
            FEW_SCENARIOS.as_slice(),
            &["--json", &json.display().to_string()],
        ]
        .concat()
        .iter()
        .map(ToString::to_string)
        .collect(),
        ..Options::default()
    };
    let run = run::run_at(&proxy.url, &secret, Bug::None, &options);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    let left = left_behind(&json, &run.stderr);
    assert!(server.task_count() > 0, "{}", run.dump());
    assert_exact(&left, &server, &BTreeMap::new(), &run.dump());
    assert_eq!(left.ids, server.task_ids(), "{}", run.dump());
    eprintln!(
        "{} tasks left, all reported by id, {} maybe, in {:.1?}",
        left.ids.len(),
        left.maybe.len(),
        run.elapsed
    );
}

/// Task requests the hostile target answers before it stops: past the
/// preflight, into the scenarios.
const STOP_AFTER: usize = 40;

/// Scenarios that create tasks, few enough that a run whose every task
/// request times out stays short.
const FEW_SCENARIOS: [&str; 2] = ["--tags", "@crud or @bola"];

/// The suite, started and not waited for: its output read on threads.
struct Started {
    child: Child,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

/// How a started run ended.
struct Ended {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Ended {
    fn dump(&self) -> String {
        format!(
            "exit code {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn start(url: &str, secret: &str, args: &[String]) -> Started {
    let mut command = run::suite_command(url, secret, run::CONCURRENCY);
    let mut child = command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the suite");
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    Started {
        child,
        stdout,
        stderr,
    }
}

impl Started {
    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name}");
    }

    /// Waits until the run ends (killed at `deadline`): how it ended, and
    /// when.
    fn wait(mut self, deadline: Duration) -> (Ended, Duration) {
        let started = Instant::now();
        let code = loop {
            if let Some(status) = self.child.try_wait().expect("wait for the suite") {
                break status.code();
            }
            if started.elapsed() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let elapsed = started.elapsed();
        let ended = Ended {
            code,
            stdout: self.stdout.join().expect("stdout reader"),
            stderr: self.stderr.join().expect("stderr reader"),
        };
        (ended, elapsed)
    }
}

/// Waits (bounded) until `ready`.
fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(started.elapsed() < Duration::from_secs(60), "never: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A run against a target that stopped answering task routes (with a 5 s
/// timeout, so that it would take minutes), signalled once it holds
/// tasks; `second` signals again a second later. Returns how the run
/// ended, the time from the (last) signal to the exit, and the report
/// paths.
fn signalled(name: &str, second: bool) -> (Ended, Duration, LeftBehind) {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let mode = Mode::StopsAnsweringTasksAfter(STOP_AFTER);
    let proxy = runtime.block_on(hostile::start(&server.url, mode));
    let (junit, json) = (
        report_path(&format!("{name}.xml")),
        report_path(&format!("{name}.json")),
    );
    let args = [
        "--junit".to_owned(),
        junit.display().to_string(),
        "--json".to_owned(),
        json.display().to_string(),
    ];
    let started = start(&proxy.url, &secret, &args);
    wait_for("the target stops answering, holding tasks", || {
        server.task_count() > 0 && proxy.counts.requests.load(Ordering::Relaxed) > STOP_AFTER + 20
    });
    started.signal("TERM");
    if second {
        std::thread::sleep(Duration::from_secs(1));
        started.signal("TERM");
    }
    let (ended, elapsed) = started.wait(Duration::from_secs(30));
    let junit = std::fs::read_to_string(&junit).expect("the --junit report was written");
    assert!(junit.contains("</testsuites>"), "{junit}");
    let left = left_behind(&json, &ended.stderr);
    assert_exact(&left, &server, &BTreeMap::new(), &ended.dump());
    assert_eq!(left.ids, server.task_ids(), "{}", ended.dump());
    (ended, elapsed, left)
}

#[test]
fn sigterm_ends_the_run_within_15_s_with_the_reports_written_and_every_task_accounted_for() {
    let (ended, elapsed, left) = signalled("sigterm", false);
    assert_eq!(ended.code, Some(2), "{}", ended.dump());
    assert!(
        ended.stderr.contains("interrupted (SIGTERM)"),
        "{}",
        ended.dump()
    );
    assert!(
        elapsed < Duration::from_secs(15),
        "{elapsed:?}\n{}",
        ended.dump()
    );
    eprintln!(
        "SIGTERM to exit: {elapsed:.2?}, {} tasks reported left behind",
        left.ids.len()
    );
}

#[test]
fn a_second_signal_cuts_the_cleanup_short_and_the_reports_are_still_written() {
    let (ended, elapsed, left) = signalled("second-signal", true);
    assert_eq!(ended.code, Some(2), "{}", ended.dump());
    assert!(
        ended.stderr.contains("cleanup stopped by SIGTERM"),
        "{}",
        ended.dump()
    );
    assert!(
        elapsed < Duration::from_secs(3),
        "{elapsed:?}\n{}",
        ended.dump()
    );
    eprintln!(
        "second SIGTERM to exit: {elapsed:.2?}, {} tasks reported left behind",
        left.ids.len()
    );
}

/// A target that answers: the cleanup after a SIGTERM deletes what the
/// load scenario's users created, and the run ends soon after.
#[test]
fn sigterm_during_load_deletes_what_the_suite_created() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let json = report_path("sigterm-load.json");
    let args = ["--load", "8", "--duration", "60", "--json"]
        .iter()
        .map(ToString::to_string)
        .chain([json.display().to_string()])
        .collect::<Vec<_>>();
    let started = start(&server.url, &secret, &args);
    wait_for("the load's users hold tasks", || server.task_count() > 20);
    std::thread::sleep(Duration::from_secs(1));
    let held = server.task_count();
    started.signal("TERM");
    let (ended, elapsed) = started.wait(Duration::from_secs(30));
    assert_eq!(ended.code, Some(2), "{}", ended.dump());
    // A target that answers: everything is deleted, nothing reported.
    let left = left_behind(&json, &ended.stderr);
    assert_eq!(server.task_count(), 0, "{}", ended.dump());
    assert!(
        left.ids.is_empty() && left.maybe.is_empty(),
        "{left:?}\n{}",
        ended.dump()
    );
    assert!(
        elapsed < Duration::from_secs(15),
        "{elapsed:?}\n{}",
        ended.dump()
    );
    eprintln!("SIGTERM to exit during load: {elapsed:.2?}; {held} tasks held, all deleted");
}
