//! Test support shared by the negative controls and the kill matrix: the
//! in-memory test server with its `Bug` knob, a front for it that closes
//! connections the way uvicorn does, a hostile target (`hostile`), the catalogue of flaws with the
//! scenarios that must catch each, and the suite runner.

// Each test crate uses its own part of the support code.
#![allow(dead_code)]

pub mod flaws;
pub mod front;
pub mod hostile;
pub mod issuer;
pub mod listing;
pub mod run;
pub mod server;

use std::collections::BTreeSet;

pub use server::Bug;

use flaws::Flaw;
use run::{Run, Scenario, Tally};

/// Serves `app` on an ephemeral loopback port of the current runtime, for
/// as long as the runtime runs; its URL.
pub async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// The scenarios `flaw` must fail, in `--list` order. Panics when a catch
/// names no scenario: a typo must not pass as "nothing to catch".
pub fn expected(flaw: &Flaw) -> Vec<Scenario> {
    let (runnable, _) = flaw.runnable();
    for catch in flaw.caught_by {
        assert!(
            runnable.iter().any(|scenario| catch.matches(scenario)),
            "{:?}: {catch:?} matches no scenario of the suite",
            flaw.bug
        );
    }
    for catch in flaw.unjudged {
        assert!(
            runnable.iter().any(|scenario| catch.matches(scenario)),
            "{:?}: unjudged {catch:?} matches no scenario of the suite",
            flaw.bug
        );
    }
    runnable
        .iter()
        .filter(|scenario| flaw.caught_by.iter().any(|catch| catch.matches(scenario)))
        .cloned()
        .collect()
}

/// What is wrong with `run`, given the scenarios it must fail: each failing
/// scenario reported at the right level (`promise broken` for a must, or
/// for everything with `--strict`; a non-strict finding for a should
/// without), every other scenario passing, the tally and the exit code
/// agreeing, and the flaw's notes printed. Empty when all is well.
pub fn problems(run: &Run, flaw: &Flaw, expected: &[Scenario], strict: bool) -> Vec<String> {
    let (runnable, always_skipped) = flaw.runnable();
    let expected: BTreeSet<Scenario> = expected.iter().cloned().collect();
    let unjudged: BTreeSet<Scenario> = runnable
        .iter()
        .filter(|scenario| flaw.unjudged.iter().any(|catch| catch.matches(scenario)))
        .cloned()
        .collect();

    let should = listing::should_scenarios();
    let (must_fail, should_find): (BTreeSet<Scenario>, BTreeSet<Scenario>) = if strict {
        (expected.clone(), BTreeSet::new())
    } else {
        expected
            .iter()
            .cloned()
            .partition(|scenario| !should.contains(scenario))
    };
    let mut problems = Vec::new();
    let mut differ = |what: &str, actual: &BTreeSet<Scenario>, wanted: &BTreeSet<Scenario>| {
        let missed: Vec<_> = wanted.difference(actual).collect();
        if !missed.is_empty() {
            problems.push(format!("not reported as {what}: {missed:#?}"));
        }
        let extra: Vec<_> = actual.difference(wanted).collect();
        if !extra.is_empty() {
            problems.push(format!("reported as {what} but should not be: {extra:#?}"));
        }
    };
    differ("promise broken", &run.broken, &must_fail);
    differ("non-strict finding", &run.findings, &should_find);
    differ("not set up", &run.not_set_up, &BTreeSet::new());
    differ("not checked", &run.unchecked, &unjudged);
    let wanted_tally = Tally {
        passed: runnable.len() - expected.len() - unjudged.len(),
        failed: must_fail.len(),
        non_strict: should_find.len(),
        skipped: *always_skipped + unjudged.len(),
    };
    if run.tally != Some(wanted_tally) {
        problems.push(format!("tally {:?}, expected {wanted_tally:?}", run.tally));
    }
    let wanted_code = i32::from(!must_fail.is_empty());
    if run.code != Some(wanted_code) {
        problems.push(format!("exit code {:?}, expected {wanted_code}", run.code));
    }
    let last = run
        .stdout
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty());
    let unlockable = run.report["scenarios"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|scenario| scenario["skip_kind"] == "unlockable");
    // The closing warning is for scenarios the user can unlock, and only
    // for them.
    if unlockable != last.is_some_and(|line| line.starts_with("warning: ")) {
        problems.push(format!(
            "the last line is {last:?}, and unlockable skips: {unlockable}"
        ));
    }
    for note in flaw.notes {
        if !run.said(note) {
            problems.push(format!("the run did not report {note:?}"));
        }
    }
    problems
}
