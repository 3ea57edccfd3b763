//! Negative controls of the five promises: the suite must catch a server that
//! breaks one, fail the run (exit 1), name the broken promise, and leave
//! every scenario the flaw does not touch passing.
//!
//! Unlike the kill matrix these run without `--strict`, as a user would: a
//! `@should` scenario the flaw also trips is reported as a non-strict
//! finding, not as a broken promise. Each test starts the in-memory server
//! of `support` with one `Bug`, runs the built suite binary against it, and
//! checks the exit code, the tally line, the reports and the JUnit file.
//! The scenarios each flaw must fail are declared in `support::flaws`.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use regex::Regex;
use support::Bug;
use support::flaws::{self, CROSS_USER, CRUD, EXPIRED, FORGED, MISSING};
use support::run::{self, Options};

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

/// The whole negative control for the flaw that breaks `promise`.
fn negative_control(bug: Bug, promise: &str) {
    let flaw = flaws::of(bug);
    let expected = support::expected(flaw);
    assert!(
        expected.iter().any(|(feature, _)| feature == promise),
        "{bug:?} is declared to break nothing of {promise:?}"
    );
    let runtime = run::runtime();
    let junit = junit_path(bug);
    let options = Options {
        junit: Some(junit.clone()),
        ..Options::default()
    };
    let run = run::run_suite(runtime.handle(), bug, &options);
    assert_eq!(
        run.code,
        Some(1),
        "{bug:?} must fail the run\n{}",
        run.dump()
    );
    assert!(
        run.broken.iter().any(|(feature, _)| feature == promise),
        "no `promise broken:` report names {promise:?}\n{}",
        run.dump()
    );
    let problems = support::problems(&run, flaw, &expected, false);
    assert!(
        problems.is_empty(),
        "{bug:?} was not caught exactly as declared:\n{}\n{}",
        problems.join("\n"),
        run.dump()
    );

    let xml = std::fs::read_to_string(&junit).expect("the JUnit report was written");
    let _ = std::fs::remove_file(&junit);
    // Non-strict findings pass in JUnit (their report is the output).
    let failing_features: BTreeSet<&str> = run
        .broken
        .iter()
        .map(|(feature, _)| feature.as_str())
        .collect();
    for (suite, failures) in junit_failures(&xml) {
        let expected_failing = failing_features
            .iter()
            .any(|feature| suite.contains(feature));
        assert_eq!(
            failures > 0,
            expected_failing,
            "the JUnit suite {suite:?} has {failures} failures; failing features: {failing_features:?}\n{xml}"
        );
    }
    eprintln!(
        "{bug:?}: caught in {} scenario(s) ({} broken, {} non-strict) in {:.2?}",
        expected.len(),
        run.broken.len(),
        run.findings.len(),
        run.elapsed
    );
}

#[test]
fn the_correct_server_passes_everything() {
    let flaw = flaws::of(Bug::None);
    let runtime = run::runtime();
    let run = run::run_suite(runtime.handle(), Bug::None, &Options::default());
    let problems = support::problems(&run, flaw, &[], false);
    assert!(
        problems.is_empty(),
        "the correct server must pass:\n{}\n{}",
        problems.join("\n"),
        run.dump()
    );
    assert!(
        run.stdout.contains(" 0 failed, 0 non-strict, "),
        "{}",
        run.dump()
    );
}

#[test]
fn missing_tokens_accepted_breaks_missing_token() {
    // Every Missing token scenario is served as Alice. So are the logout
    // without a token, the token in the query string (which then is no
    // token at all) and the JWE-shaped token of five segments.
    negative_control(Bug::AcceptsMissingToken, MISSING);
}

#[test]
fn skipped_signature_check_breaks_forged_token() {
    // Expiry and the claim types are still checked, so only the forgeries
    // and the algorithm attacks get through.
    negative_control(Bug::SkipsSignatureCheck, FORGED);
}

#[test]
fn expired_tokens_accepted_breaks_expired_token() {
    // The control scenario first shows the expired token refused, so it
    // fails with the rest.
    negative_control(Bug::AcceptsExpiredTokens, EXPIRED);
}

#[test]
fn ignored_owner_breaks_cross_user_isolation() {
    // Bob's list is read under his own path, which the buggy server still
    // scopes correctly: that one scenario cannot catch this bug.
    negative_control(Bug::IgnoresOwner, CROSS_USER);
}

#[test]
fn lost_updates_break_crud() {
    // Create, get, delete and validation do not depend on PUT or toggle
    // persisting.
    negative_control(Bug::LosesUpdates, CRUD);
}
