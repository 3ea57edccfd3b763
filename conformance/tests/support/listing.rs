//! The suite's scenarios as `--list` names them: every one, those that run
//! against the test server (with its document or without, or in JWKS
//! mode), and the `@should` ones.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::run::{CONCURRENCY, Scenario, keyless_command};

/// Every scenario the suite has, from `--list`, with whether it is skipped
/// whatever the target (for want of a public key, an expected `iss` or
/// `aud`, or the issuer's control). `tags` narrows the list.
pub fn listed(tags: Option<&str>) -> Vec<(Scenario, bool)> {
    listed_with(&["--secret".to_owned(), "unused-secret".to_owned()], tags)
}

/// Every scenario, as `listed`, for a suite minting as `keys` say.
fn listed_with(keys: &[String], tags: Option<&str>) -> Vec<(Scenario, bool)> {
    let mut command = keyless_command("http://127.0.0.1:9", CONCURRENCY);
    command.args(keys).arg("--list");
    if let Some(tags) = tags {
        command.args(["--tags", tags]);
    }
    let output = command.output().expect("run the suite with --list");
    assert!(output.status.success(), "--list failed: {output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .map(|line| {
            let skipped = line.contains("  [skipped: ");
            // `Feature: Scenario  [@must @tags...]  [skipped: reason]`
            let (line, _) = line.split_once("  [@").expect("a grade and tags");
            let (feature, scenario) = line.split_once(": ").expect("`feature: scenario`");
            ((feature.to_owned(), scenario.to_owned()), skipped)
        })
        .collect()
}

/// The scenarios that run against a target with every route and no
/// OpenAPI document, in `--list` order, and the number skipped there: the
/// key-, issuer- and audience-dependent ones, and the sweep's
/// `@needs-openapi` ones.
pub fn runnable() -> &'static (Vec<Scenario>, usize) {
    runnable_for(false)
}

/// The scenarios that run against a target with every route, with an
/// OpenAPI document (`document`) or without, and the number skipped there.
pub fn runnable_for(document: bool) -> &'static (Vec<Scenario>, usize) {
    static RUNNABLE: OnceLock<[(Vec<Scenario>, usize); 2]> = OnceLock::new();
    let [without, with] = RUNNABLE.get_or_init(|| {
        let all = listed(None);
        [false, true].map(|document| partition_runnable(&all, document))
    });
    if document { with } else { without }
}

/// The scenarios that run in JWKS mode (minting with the key of a
/// `todo-conformance issuer`, no document), and the number skipped there.
pub fn runnable_jwks() -> &'static (Vec<Scenario>, usize) {
    static RUNNABLE: OnceLock<(Vec<Scenario>, usize)> = OnceLock::new();
    RUNNABLE.get_or_init(|| {
        let issuer = super::issuer::Issuer::start();
        partition_runnable(&listed_with(&issuer.suite_args(), None), false)
    })
}

/// Of `all`, the scenarios that run (with the document or without), and
/// the number skipped.
fn partition_runnable(all: &[(Scenario, bool)], document: bool) -> (Vec<Scenario>, usize) {
    static NEEDS_DOCUMENT: OnceLock<BTreeSet<Scenario>> = OnceLock::new();
    let needs_document = NEEDS_DOCUMENT.get_or_init(|| {
        listed(Some("@needs-openapi"))
            .into_iter()
            .map(|(scenario, _)| scenario)
            .collect()
    });
    let (runnable, skipped): (Vec<_>, Vec<_>) =
        all.iter().cloned().partition(|(scenario, skipped)| {
            !skipped && (document || !needs_document.contains(scenario))
        });
    let runnable: Vec<Scenario> = runnable.into_iter().map(|(s, _)| s).collect();
    assert!(runnable.len() > 100, "too few scenarios: {runnable:?}");
    (runnable, skipped.len())
}

/// The `@should` scenarios.
pub fn should_scenarios() -> &'static BTreeSet<Scenario> {
    static SHOULD: OnceLock<BTreeSet<Scenario>> = OnceLock::new();
    SHOULD.get_or_init(|| {
        listed(Some("@should"))
            .into_iter()
            .map(|(scenario, _)| scenario)
            .collect()
    })
}
