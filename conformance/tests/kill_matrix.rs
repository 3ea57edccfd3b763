//! The kill matrix: every check of the suite is shown able to fail.
//!
//! For every flaw of `support::flaws::FLAWS`, the test starts the in-memory
//! server with that one flaw, runs the built suite against it with
//! `--strict`, and asserts that exactly the scenarios declared for the flaw
//! fail and every other scenario passes (no false alarms). The correct
//! server, in both user modes, is the first row. The JWKS-mode rows verify
//! the tokens of a `todo-conformance issuer` run as a subprocess.
//!
//! `docs/kill-matrix.md` is written from the runs: with `UPDATE_KILL_MATRIX=1`
//! the test rewrites it, otherwise it fails when the file differs from what
//! it would write.

mod support;

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use support::flaws::{FLAWS, Flaw};
use support::listing;
use support::run::{self, Options, Run, Scenario};

/// Suite runs at once: each is a process with 8 scenarios in flight.
const PARALLEL_RUNS: usize = 3;
const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/kill-matrix.md");
const REGENERATE: &str = "UPDATE_KILL_MATRIX=1 cargo test -p todo-conformance --test kill_matrix";

#[test]
fn strict_claims_refuse_duplicate_keys() {
    let strict = |payload: &str| support::server::strict_claims(payload.as_bytes());
    assert!(strict(r#"{"sub":"alice","exp":1,"iat":2,"email":"a@b.c"}"#).is_some());
    for duplicated in [
        r#"{"sub":"alice","exp":1,"sub":"bob"}"#,
        r#"{"sub":"alice","exp":1,"exp":2}"#,
        r#"{"sub":"alice","exp":1,"nbf":1,"nbf":2}"#,
    ] {
        assert!(strict(duplicated).is_none(), "{duplicated} parsed");
    }
    // Unknown claims, even repeated, are ignored, as is their order.
    assert!(strict(r#"{"x":1,"x":2,"exp":1,"sub":"a"}"#).is_some());
    // A derived struct also takes an array, in field order; a payload must
    // be an object.
    assert!(strict("[]").is_none());
    assert!(strict(r#"["alice", 99999999999]"#).is_none());
}

#[test]
fn the_flaws_are_distinct_and_each_declares_real_scenarios() {
    let mut seen = HashSet::new();
    for flaw in FLAWS {
        assert!(
            seen.insert((flaw.bug, flaw.register, flaw.document, flaw.jwks)),
            "{:?} twice in the catalogue",
            flaw.bug
        );
        support::expected(flaw);
    }
}

#[test]
fn every_flaw_is_caught_by_exactly_its_scenarios() {
    let runtime = run::runtime();
    let handle = runtime.handle().clone();
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let runs: Mutex<Vec<(usize, Run)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL_RUNS {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(flaw) = FLAWS.get(index) else { break };
                    let options = Options {
                        strict: true,
                        register: flaw.register,
                        concurrency: flaw.concurrency,
                        document: flaw.document,
                        jwks: flaw.jwks,
                        ..Options::default()
                    };
                    let run = run::run_suite(&handle, flaw.bug, &options);
                    eprintln!(
                        "{:>2} {:?}{}: {:.2?}, {} failing",
                        index,
                        flaw.bug,
                        label(flaw),
                        run.elapsed,
                        run.failing().len()
                    );
                    runs.lock().expect("the results").push((index, run));
                }
            });
        }
    });
    let mut runs = runs.into_inner().expect("the results");
    runs.sort_by_key(|(index, _)| *index);
    eprintln!(
        "{} suite runs in {:.2?} ({PARALLEL_RUNS} at a time)",
        runs.len(),
        started.elapsed()
    );

    let mut failures = Vec::new();
    for (index, run) in &runs {
        let flaw = &FLAWS[*index];
        let expected = support::expected(flaw);
        let problems = support::problems(run, flaw, &expected, true);
        if !problems.is_empty() {
            failures.push(format!(
                "=== {:?}{} ({}): {}\n{}",
                flaw.bug,
                label(flaw),
                flaw.family,
                problems.join("\n"),
                run.dump()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} flaws were not caught exactly as declared:\n{}",
        failures.len(),
        runs.len(),
        failures.join("\n\n")
    );

    let document = document(&runs);
    if std::env::var_os("UPDATE_KILL_MATRIX").is_some_and(|value| value == "1") {
        std::fs::write(DOC, &document).expect("write docs/kill-matrix.md");
        eprintln!("wrote {DOC}");
        return;
    }
    let committed = std::fs::read_to_string(DOC).unwrap_or_default();
    if committed != document {
        let first = committed
            .lines()
            .zip(document.lines())
            .position(|(old, new)| old != new)
            .unwrap_or_else(|| committed.lines().count().min(document.lines().count()));
        panic!(
            "docs/kill-matrix.md is out of date (first difference at line {}); regenerate it with\n  {REGENERATE}\n--- it would now read ---\n{document}",
            first + 1
        );
    }
}

// --- the document ---------------------------------------------------------------

#[allow(clippy::too_many_lines, reason = "one document, written top to bottom")]
fn document(runs: &[(usize, Run)]) -> String {
    let (runnable, skipped) = listing::runnable_for(true);
    let swept = runnable.len() - listing::runnable().0.len();
    let mut doc = String::new();
    let _ = writeln!(doc, "# Kill matrix\n");
    let _ = writeln!(
        doc,
        "Every check of the conformance suite is shown able to fail. \
         `conformance/tests/kill_matrix.rs` starts an in-memory Todo API \
         (`conformance/tests/support/server/`) broken in exactly one way, \
         runs the suite against it with `--strict`, and asserts that exactly \
         the scenarios listed here fail while every other of the {} \
         scenarios passes: no flaw goes unnoticed, and no check cries wolf. Each flaw is a mistake real JWT \
         verifiers or APIs make; the declared expectations live in \
         `conformance/tests/support/flaws.rs`. This file is written by that \
         test from what the runs showed, and the test fails when it is out of \
         date. Regenerate it with:\n",
        runnable.len()
    );
    let _ = writeln!(doc, "    {REGENERATE}\n");
    let _ = writeln!(
        doc,
        "{} scenarios run against a target with every route and an OpenAPI \
         document; {skipped} more are always skipped there and not covered \
         by these rows (those that need a public key, an expected `iss` or \
         `aud`, or `todo-conformance issuer`: the JWKS rows run most of them). The {swept} scenarios of the sweep that need the \
         document (`@needs-openapi`) run only in the rows whose server serves \
         it (the sweep's flaws, and a correct server's row); the other rows \
         skip them.\n",
        runnable.len()
    );
    let (jwks_runnable, jwks_skipped) = listing::runnable_jwks();
    let _ = writeln!(
        doc,
        "The JWKS-mode rows run the server verifying the tokens of a \
         `todo-conformance issuer` against its JWKS (`issuer --max-age {}`), \
         and the suite with `--signing-key` and `--jwks-wait {}`: there {} \
         scenarios run, the key-lifecycle ones included, and {jwks_skipped} \
         are skipped (those that need the HS256 secret or a P-256 key, and the \
         sweep's).\n",
        support::issuer::MAX_AGE,
        support::issuer::JWKS_WAIT,
        jwks_runnable.len()
    );

    let _ = writeln!(doc, "## Summary\n");
    let _ = writeln!(doc, "| # | Flaw | Family | Scenarios failed |");
    let _ = writeln!(doc, "|---|------|--------|-----------------:|");
    for (number, (index, run)) in runs.iter().enumerate() {
        let flaw = &FLAWS[*index];
        let _ = writeln!(
            doc,
            "| {} | {} | {} | {} |",
            number + 1,
            title(flaw),
            flaw.family,
            run.failing().len()
        );
    }

    let _ = writeln!(doc, "\n## Flaws and the scenarios that caught them");
    for (number, (index, run)) in runs.iter().enumerate() {
        let flaw = &FLAWS[*index];
        let _ = writeln!(
            doc,
            "\n### {}. {} · {}\n",
            number + 1,
            title(flaw),
            flaw.family
        );
        let _ = writeln!(doc, "{}\n", flaw.what);
        let failing = run.failing();
        if failing.is_empty() {
            let _ = writeln!(doc, "Every scenario passes.");
            for note in flaw.notes {
                let _ = writeln!(doc, "The run reports: `…{note}…`.");
            }
            continue;
        }
        let _ = writeln!(doc, "Caught by {} scenarios:\n", failing.len());
        let (runnable, _) = flaw.runnable();
        let mut features: Vec<&str> = Vec::new();
        for (feature, _) in runnable.iter().filter(|s| failing.contains(*s)) {
            if !features.contains(&feature.as_str()) {
                features.push(feature);
            }
        }
        for feature in features {
            let of_feature: Vec<&Scenario> =
                runnable.iter().filter(|(f, _)| f == feature).collect();
            let caught: Vec<&str> = of_feature
                .iter()
                .filter(|scenario| failing.contains(**scenario))
                .map(|(_, scenario)| scenario.as_str())
                .collect();
            if caught.len() == of_feature.len() {
                let _ = writeln!(doc, "- **{feature}**: all {} scenarios", caught.len());
            } else {
                let _ = writeln!(doc, "- **{feature}**:");
                for scenario in caught {
                    let _ = writeln!(doc, "  - {scenario}");
                }
            }
        }
        for (feature, scenario) in &run.unchecked {
            let _ = writeln!(
                doc,
                "\nLeft unjudged (skipped, \"NOT CHECKED\": the flaw breaks what it builds on): {feature}: {scenario}"
            );
        }
    }

    let killed: BTreeSet<Scenario> = runs.iter().flat_map(|(_, run)| run.failing()).collect();
    // Every scenario some row runs: the JWKS rows add the key-lifecycle ones.
    let mut every: Vec<&Scenario> = runnable.iter().collect();
    every.extend(
        jwks_runnable
            .iter()
            .filter(|scenario| !runnable.contains(scenario)),
    );
    let survivors: Vec<&Scenario> = every
        .into_iter()
        .filter(|scenario| !killed.contains(*scenario))
        .collect();
    let _ = writeln!(doc, "\n## Scenarios no flaw fails\n");
    if survivors.is_empty() {
        let _ = writeln!(
            doc,
            "None: every scenario that runs fails for at least one flaw."
        );
    } else {
        let _ = writeln!(
            doc,
            "No flaw here makes these fail. Some are informational: they report \
             what they see, and fail only on a server error; the others have no \
             flaw of their own in the test server yet:\n"
        );
        for (feature, scenario) in survivors {
            let _ = writeln!(doc, "- {feature}: {scenario}");
        }
    }
    doc
}

/// How the progress lines tell the runs of one bug apart.
fn label(flaw: &Flaw) -> &'static str {
    match (flaw.register, flaw.document, flaw.jwks) {
        (true, _, _) => " (register)",
        (_, true, _) => " (document)",
        (_, _, true) => " (JWKS)",
        _ => "",
    }
}

fn title(flaw: &Flaw) -> String {
    if flaw.jwks {
        return match flaw.bug {
            support::Bug::None => "`None` (the correct server, JWKS mode)".to_owned(),
            bug => format!("`{bug:?}` (JWKS mode)"),
        };
    }
    match (flaw.bug, flaw.register, flaw.document) {
        (support::Bug::None, false, false) => "`None` (the correct server)".to_owned(),
        (support::Bug::None, true, _) => {
            "`None` (the correct server, `--users register`)".to_owned()
        }
        (support::Bug::None, _, true) => {
            "`None` (the correct server, with its OpenAPI document)".to_owned()
        }
        (bug, _, _) => format!("`{bug:?}`"),
    }
}
