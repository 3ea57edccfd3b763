//! The suite against a hostile target (`support::hostile`): nothing the
//! target writes can act on the console or a CI log, the reports stay well
//! formed, a preflight that meets a redirect, an oversized head or a body
//! that is not a task names it, and no scenario passes on answers it could
//! not judge.

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use regex::Regex;

use support::Bug;
use support::hostile::{self, Mode};
use support::listing;
use support::run::{self, Options, Run, Tally, stopped_at_preflight_leaving};
use support::server;

/// What on a console could act instead of show: a control character but
/// the newline, DEL, a C1 control, a bidi override or isolate, and a CI
/// workflow command: GitHub's `::cmd::` at the start of a line (after
/// whitespace), and `##[cmd]` or Azure's `##vso[cmd]` anywhere in one
/// (GitHub's legacy parser acts on `##[cmd]` mid-line).
fn console_problems(text: &str) -> Vec<String> {
    let command = Regex::new(r"^\s*::|##(vso)?\[").expect("a valid regex");
    let mut problems: Vec<String> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .map(|c| format!("the character {c:?}"))
        .collect();
    problems.extend(
        text.lines()
            .filter(|line| command.is_match(line))
            .map(|line| format!("the line {line:?}")),
    );
    problems
}

/// A scratch file, unique to this test process.
fn scratch(name: &str) -> PathBuf {
    // Under the target directory: a failed run's reports stay there, to
    // read, and never litter the system's temporary directory.
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hostile-{}-{name}", std::process::id()))
}

/// The suite with `args` against a target whose 500s (findings, their
/// bodies printed) and headers attack the console; the run failed, showed
/// the attack as text, and nothing on its console acts on a terminal or a
/// CI log.
fn against_a_console_attack(args: Vec<String>) -> Run {
    let runtime = run::runtime();
    let bug = Bug::SubUnwrapPanics;
    let secret = server::secret_for(bug);
    let server = runtime.block_on(server::start(bug, &secret));
    let target = runtime.block_on(hostile::start(&server.url, Mode::ConsoleAttack));
    let options = Options {
        args,
        ..Options::default()
    };
    let run = run::run_at(&target.url, &secret, bug, &options);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(!run.broken.is_empty(), "{}", run.dump());
    assert!(
        run.stdout.contains(r"\u{3a}:add-mask::Bearer"),
        "{}",
        run.dump()
    );
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let problems = console_problems(text);
        assert!(problems.is_empty(), "{name}: {problems:#?}\n{}", run.dump());
    }
    run
}

#[test]
fn a_target_cannot_write_to_the_console_or_break_a_report() {
    let reports = ["junit.xml", "report.html", "report.json"].map(scratch);
    let [junit, html, json] = &reports;
    let mut args = Vec::new();
    for (flag, path) in [("--junit", junit), ("--html", html), ("--json", json)] {
        args.extend([flag.to_owned(), path.display().to_string()]);
    }
    let run = against_a_console_attack(args);
    // The hostile bodies did reach the console, shown, not acted on.
    assert!(
        run.stdout
            .contains(r"\u{1b}[2J\u{1b}]0;owned\u{7}\rlooks fine"),
        "{}",
        run.dump()
    );

    let junit = std::fs::read_to_string(junit).expect("the JUnit report");
    assert_well_formed_xml(&junit);
    assert!(
        junit.contains(r"\u{3a}:add-mask::Bearer"),
        "the report shows the body"
    );
    let html = std::fs::read_to_string(html).expect("the HTML report");
    assert!(
        !html.contains('\u{1b}') && !html.contains('\u{7}'),
        "raw control characters in HTML"
    );
    assert!(!html.contains("<script>alert"), "unescaped markup in HTML");
    let json = std::fs::read_to_string(json).expect("the JSON report");
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    // JSON escapes what it must (below U+0020); DEL and C1 stay valid JSON.
    let raw: Vec<char> = json.chars().filter(|&c| c < ' ' && c != '\n').collect();
    assert!(raw.is_empty(), "raw control characters in JSON: {raw:?}");
    assert!(
        parsed.to_string().contains("::add-mask::Bearer"),
        "the report shows the body"
    );
    for path in reports {
        let _ = std::fs::remove_file(path);
    }
}

/// `--verbose` adds cucumber's step log, which quotes the target in each
/// finding: it goes through the same sanitiser as the rest.
#[test]
fn the_verbose_step_log_cannot_write_to_the_console_either() {
    let run = against_a_console_attack(vec!["--verbose".to_owned()]);
    assert!(run.stdout.contains("Step stopped."), "{}", run.dump());
}

/// Well formed enough for a CI parser: every character one XML 1.0 may
/// hold, every `&` an entity, and no `<` or `>` outside a tag.
fn assert_well_formed_xml(xml: &str) {
    let legal = |c: char| matches!(c, '\t' | '\n' | '\r' | ' '..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
    assert!(xml.chars().all(legal), "a character XML cannot hold");
    let entity = Regex::new(r"&(amp|lt|gt|quot|apos);").expect("a valid regex");
    assert!(!entity.replace_all(xml, "").contains('&'), "a bare &");
    let tag = Regex::new(r"<[/?]?[A-Za-z][^<>]*>").expect("a valid regex");
    let text = tag.replace_all(xml, "");
    assert!(
        !text.contains('<') && !text.contains('>'),
        "markup outside a tag"
    );
}

/// The line that says why a run against `mode` stopped at preflight. A
/// task the server behind still holds (the target stored the preflight's
/// create, but its answer named no id) must be reported left behind.
fn preflight_line(mode: Mode) -> String {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let target = runtime.block_on(hostile::start(&server.url, mode));
    let (line, left_behind) = stopped_at_preflight_leaving(&target.url, &secret);
    assert_eq!(
        left_behind.is_some(),
        server.task_count() > 0,
        "{left_behind:?}\n{line}"
    );
    line
}

#[test]
fn a_redirect_at_preflight_is_named_with_where_it_goes() {
    let line = preflight_line(Mode::RedirectsElsewhere);
    let redirect = Regex::new(
        r" as a minted user was answered 307, a redirect to http://elsewhere\.invalid/api/[^ ]+/tasks, which the suite never follows",
    )
    .expect("a valid regex");
    assert!(redirect.is_match(&line), "{line}");
    assert!(!line.contains("--secret"), "{line}");
}

#[test]
fn an_oversized_head_at_preflight_is_named_as_such() {
    let line = preflight_line(Mode::HugeHeads);
    assert!(
        line.contains("the answer's head (status line and headers) was too large to read, so an answer came but could not be read"),
        "{line}"
    );
    assert!(!line.contains("is running"), "{line}");
}

#[test]
fn a_create_answered_without_a_task_is_named_at_preflight() {
    let line = preflight_line(Mode::NonTaskBodies);
    assert!(
        line.contains(r#" as a minted user succeeded (201), but its body is not a task: no id where the profile "seed" looks for one ({"hello":"world"}); check the profile's tasks route and field names (--profile)"#),
        "{line}"
    );
    assert!(!line.contains("foreign key"), "{line}");
}

/// Runs the scenarios `tags` selects against `mode` over a correct
/// server, with `--timeout 2`.
fn bounded_run(mode: Mode, tags: &str) -> Bounded {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let target = runtime.block_on(hostile::start(&server.url, mode));
    let mut command = Command::new(run::SUITE);
    command
        .args([
            "--base-url",
            &target.url,
            "--secret",
            &secret,
            "--timeout",
            "2",
        ])
        .args(["--tags", tags])
        .env_remove("BETTER_AUTH_SECRET")
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    let started = Instant::now();
    let (code, stdout, stderr) = run::run_bounded(command);
    Bounded {
        mode,
        code,
        tasks_left: server.task_count(),
        tally: run::tally(&stdout),
        stdout,
        stderr,
        elapsed: started.elapsed(),
    }
}

/// What a bounded run showed.
#[derive(Debug)]
#[allow(dead_code, reason = "read through Debug, in assertion messages")]
struct Bounded {
    mode: Mode,
    code: Option<i32>,
    /// Tasks the server behind still holds after the run.
    tasks_left: usize,
    tally: Option<Tally>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Bodies a target should never send, and answers that trickle: the run
/// stops at preflight, naming what it got, without a panic or a pass.
#[test]
fn unreadable_answers_stop_the_run_at_preflight_naming_them() {
    for (mode, cause) in [
        (Mode::InvalidUtf8, "but its body is not a task"),
        (Mode::DeepJson, "but its body is not a task"),
        (
            Mode::GzipBomb,
            "but its body is not a task: no id where the profile \"seed\" looks for one (a body in content-encoding gzip, which the suite does not decode)",
        ),
        (
            Mode::DeflateBomb,
            "(a body in content-encoding deflate, which the suite does not decode)",
        ),
        (Mode::Slowloris, "none came within --timeout 2 s"),
    ] {
        let run = bounded_run(mode, "@missing-token");
        let dump = format!("{run:#?}");
        assert_eq!(run.code, Some(2), "{dump}");
        assert_eq!(run.tally, None, "{dump}");
        let reason = run.stderr.lines().last().unwrap_or_default();
        assert!(reason.starts_with("todo-conformance: "), "{dump}");
        assert!(run.stderr.contains(cause), "{dump}");
        assert!(!run.stderr.contains("panicked"), "{dump}");
        assert_eq!(
            run.stderr.contains("left behind: "),
            run.tasks_left > 0,
            "{dump}"
        );
        assert!(console_problems(&run.stderr).is_empty(), "{dump}");
    }
}

/// A target that stops answering after the preflight: every scenario is
/// NOT CHECKED, saying that its request got no answer; none passes, none
/// fails.
#[test]
fn requests_without_answers_are_never_judged() {
    let run = bounded_run(Mode::StopsAnsweringTasksAfter(4), "@disclosure");
    let nothing_judged = Tally {
        passed: 0,
        failed: 0,
        non_strict: 0,
        skipped: 4,
    };
    assert_eq!(run.tally, Some(nothing_judged), "{run:#?}");
    assert!(
        run.stdout
            .contains("got no answer: no answer came within --timeout"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
}

/// Every attack of the catalogue answered with a redirect: neither "no
/// 5xx" nor "every 401 names invalid_token" may pass, for the target
/// answered nothing they judge; each scenario says it met a redirect.
#[test]
fn redirected_attacks_are_never_judged() {
    let run = bounded_run(Mode::RedirectsScenarioLists, "@disclosure");
    let Tally {
        passed,
        failed,
        non_strict,
        skipped,
    } = run.tally.expect("a tally");
    assert_eq!((passed, failed, non_strict), (0, 0, 0), "{run:#?}");
    assert!(skipped >= 4, "{run:#?}");
    assert!(
        run.stdout
            .contains("a redirect to http://elsewhere.invalid/api/"),
        "{run:#?}"
    );
}

/// A server that resets the connection on a 64 KiB token instead of
/// answering has refused it: that scenario passes, and the barrage, whose
/// other attacks were answered, is judged (and passes) too.
#[test]
fn a_reset_on_a_huge_token_is_a_refusal() {
    // Issuer and audience (@forgery too) need an expected iss/aud this
    // HS256 profile lacks: they would only be NOT CHECKED here.
    let run = bounded_run(
        Mode::ResetsLargeHeads,
        "(@disclosure or @forgery) and not @needs-expected-issuer and not @needs-expected-audience",
    );
    let Tally {
        passed,
        failed,
        non_strict,
        ..
    } = run.tally.expect("a tally");
    assert_eq!((failed, non_strict), (0, 0), "{run:#?}");
    assert!(passed > 0, "{run:#?}");
    assert!(!run.stdout.contains("NOT CHECKED"), "{run:#?}");
    assert!(run.tasks_left == 0 && run.code == Some(0), "{run:#?}");
}

/// Random resets over a correct server: what was reset is NOT CHECKED, and
/// nothing is reported as a finding (a reset is no answer about
/// anything: no existence oracle, no 5xx, no refusal).
#[test]
fn resets_are_not_findings() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let target = runtime.block_on(hostile::start(
        &server.url,
        Mode::RandomResets {
            percent: 5,
            seed: 13,
        },
    ));
    let run = run::run_at(&target.url, &secret, Bug::None, &Options::default());
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.dump());
    assert!(run.failing().is_empty(), "{}", run.dump());
    let (_, always_skipped) = listing::runnable();
    let tally = run.tally.expect("a tally");
    assert!(tally.skipped > *always_skipped, "{}", run.dump());
    assert!(
        run.stdout
            .contains("got no answer: the connection was closed or reset"),
        "{}",
        run.dump()
    );
}

/// Every read of one task is reset after the server answered it: the
/// scenarios whose verdict rests on Bob's read of Alice's task, the
/// existence oracle among them, cannot judge and say so; none passes, none
/// is a finding (a reset tells Bob nothing about whether the task exists).
#[test]
fn resets_of_task_reads_are_never_an_existence_oracle() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let target = runtime.block_on(hostile::start(&server.url, Mode::ResetsTaskReads));
    let args = ["--tags", "@cross-user", "--name", ": get$", "--verbose"];
    let options = Options {
        args: args.map(ToOwned::to_owned).to_vec(),
        ..Options::default()
    };
    let run = run::run_at(&target.url, &secret, Bug::None, &options);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(run.failing().is_empty(), "{}", run.dump());
    let tally = run.tally.expect("a tally");
    let judged = (tally.passed, tally.failed, tally.non_strict);
    assert_eq!((judged, tally.skipped), ((0, 0, 0), 3), "{}", run.dump());
    for scenario in [
        "Bob's token on Alice's path: get",
        "Alice's task id under Bob's own path: get",
        "Bob's 404 for Alice's task looks like a missing task's: get",
    ] {
        let prefix = format!("[skipped] Cross-user isolation: {scenario}: NOT CHECKED: GET ");
        let reason = "got no answer: the connection was closed or reset";
        assert!(
            run.stdout
                .lines()
                .any(|line| line.starts_with(&prefix) && line.contains(reason)),
            "{scenario}: {}",
            run.dump()
        );
    }
    assert!(
        target.counts.resets.load(Ordering::Relaxed) >= 3,
        "{}",
        run.dump()
    );
}
