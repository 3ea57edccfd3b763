//! Iterating on known findings: an accepted finding whose `until` date has
//! passed fails the run and names its entry, and `--rerun-failed` runs just
//! the scenarios an earlier `--json` report recorded as failed. Each test
//! runs the built suite binary against the in-memory server of `support`.

mod support;

use std::path::PathBuf;

use support::Bug;
use support::flaws;
use support::run::{self, Options, Run};

fn temp(name: &str, extension: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{name}-{}.{extension}",
        uuid::Uuid::new_v4().simple()
    ))
}

fn run_with(bug: Bug, args: &[&str]) -> Run {
    let options = Options {
        args: args.iter().map(|&arg| arg.to_owned()).collect(),
        ..Options::default()
    };
    run::run_suite(run::runtime().handle(), bug, &options)
}

#[test]
fn an_acceptance_past_its_date_accepts_nothing_and_fails_the_run_naming_itself() {
    let bug = Bug::AcceptsExpiredTokens;
    let known = support::expected(flaws::of(bug));
    let entry = |(feature, scenario): &(String, String), until: &str| {
        format!(
            "[[expected]]\nscenario = {:?}\ngrade = \"failed\"\nreason = \"upgrade planned\"\nuntil = {until}\n\n",
            format!("{feature}: {scenario}")
        )
    };
    let (expired, rest) = known.split_first().expect("the flaw fails something");
    let mut list = entry(expired, "2000-01-31");
    for scenario in rest {
        list.push_str(&entry(scenario, "9999-12-31"));
    }
    let path = temp("expected", "toml");
    std::fs::write(&path, list).expect("write the list");
    let run = run_with(bug, &["--expect-failures", &path.display().to_string()]);
    let _ = std::fs::remove_file(&path);

    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(run.broken.contains(expired), "{}", run.dump());
    assert_eq!(
        run.tally.map(|tally| tally.failed),
        Some(1),
        "{}",
        run.dump()
    );
    assert!(
        run.stdout.contains(&format!(
            "[expected failure expired] {}: {}: accepted until 2000-01-31",
            expired.0, expired.1
        )),
        "{}",
        run.dump()
    );
    assert_eq!(
        run.stdout.matches("[expected failure] ").count(),
        rest.len(),
        "{}",
        run.dump()
    );
}

#[test]
fn rerun_failed_runs_only_what_failed_and_passes_once_it_is_fixed() {
    let bug = Bug::AcceptsExpiredTokens;
    let known = support::expected(flaws::of(bug));
    let report = temp("report", "json");
    let report_arg = report.display().to_string();
    let first = run_with(bug, &["--json", &report_arg]);
    assert_eq!(first.code, Some(1), "{}", first.dump());

    let again = run_with(bug, &["--rerun-failed", &report_arg]);
    assert_eq!(again.code, Some(1), "{}", again.dump());
    let tally = again.tally.expect("a tally line");
    // Failed and non-strict ones alike: both are findings to fix.
    assert_eq!(
        (tally.failed + tally.non_strict, tally.passed, tally.skipped),
        (known.len(), 0, 0),
        "{}",
        again.dump()
    );
    assert_eq!(
        again.failing(),
        known.iter().cloned().collect(),
        "{}",
        again.dump()
    );

    // The backend fixed: the same scenarios, and only they, now pass.
    let fixed = run_with(Bug::None, &["--rerun-failed", &report_arg]);
    let _ = std::fs::remove_file(&report);
    assert_eq!(fixed.code, Some(0), "{}", fixed.dump());
    let tally = fixed.tally.expect("a tally line");
    assert_eq!(
        (tally.passed, tally.failed, tally.skipped),
        (known.len(), 0, 0),
        "{}",
        fixed.dump()
    );
}
