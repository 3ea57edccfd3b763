//! docs/grading.md: every scenario, what an attacker without the target's
//! keys gains when it fails, and the grade it then gets. Written by this
//! test from the `# gains:` line above each scenario in `features/`, and
//! checked for staleness; a scenario without one fails the test.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cucumber::gherkin::{Feature, GherkinEnv, Scenario};

const REGENERATE: &str = "UPDATE_GRADING_DOC=1 cargo test -p todo-conformance --test grading";
const MARK: &str = "# gains:";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The feature files, in the order the suite runs them.
fn features() -> Vec<(PathBuf, Feature)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("features"))
        .expect("read features/")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "feature"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let feature = Feature::parse_path(&path, GherkinEnv::default())
                .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            (path, feature)
        })
        .collect()
}

/// The `# gains:` comment right above a scenario (its tags may stand in
/// between), continued on the `#` lines after it.
fn gains(lines: &[&str], scenario: &Scenario) -> Option<String> {
    let mut index = scenario.position.line.checked_sub(2)?;
    while lines[index].trim_start().starts_with('@') {
        index = index.checked_sub(1)?;
    }
    let mut start = index;
    while !lines[start].trim_start().starts_with(MARK) {
        if !lines[start].trim_start().starts_with('#') || start == 0 {
            return None;
        }
        start -= 1;
    }
    let text: Vec<&str> = lines[start..=index]
        .iter()
        .map(|line| {
            line.trim_start()
                .trim_start_matches(MARK)
                .trim_start_matches('#')
                .trim()
        })
        .collect();
    Some(text.join(" "))
}

fn is_should(feature: &Feature, scenario: &Scenario) -> bool {
    feature
        .tags
        .iter()
        .chain(&scenario.tags)
        .any(|tag| tag == "should")
}

/// How many scenarios it runs as: one per example row of an outline.
fn runs(scenario: &Scenario) -> usize {
    match scenario
        .examples
        .iter()
        .map(|examples| {
            examples
                .table
                .as_ref()
                .map_or(0, |table| table.rows.len().saturating_sub(1))
        })
        .sum()
    {
        0 => 1,
        rows => rows,
    }
}

const HEADER: &str = "# How findings are graded

A finding graded **failed** names something that an attacker without the
target's keys gains: access with a missing, forged or expired token;
another user's data seen or changed; a write that happened despite a
refusal; a 5xx on input the attacker controls; an account taken over.

A breach of an RFC MUST or of the contract that gains an attacker nothing
is **non-strict**: reported with the clause it breaks, and failing the run
only with `--strict`. So are `@should` checks (RFC SHOULDs and hardening)
when they gain nothing; a 5xx on attacker input is failed wherever it
happens. A scenario that cannot run here is **skipped**, with the reason,
and never counted as passed; **informational** rows report facts, not
verdicts.

A few `@must` scenarios gain an attacker nothing by themselves and are
failed all the same, each saying so in its line: the owner's own CRUD (the
contract's third promise, to its users) and the controls that prove the
other verdicts mean something (a token the suite mints works; the expired
token's claims work with a future `exp`). When they fail, the target cannot
be judged on the rest; when the suite cannot run them at all (no key it
trusts), they and what depends on them are NOT CHECKED instead.

The table lists every scenario of `features/`: its level (`@must` fails the
run when it fails; `@should` is non-strict unless an attacker gains
something), how many scenarios it runs as (one per example row of an
outline), and what an attacker gains when it fails. The text comes from
the `# gains:` line above each scenario; this file is written from them by
`conformance/tests/grading.rs`, which fails when it is out of date or when
a scenario has no such line. Regenerate it with:

";

/// One scenario's line of the table.
struct Row {
    name: String,
    level: &'static str,
    runs: usize,
    gains: String,
}

fn document(features: &[(String, Vec<Row>)]) -> String {
    let mut doc = format!("{HEADER}    {REGENERATE}\n");
    for (feature, rows) in features {
        let _ = write!(
            doc,
            "\n## {feature}\n\n| scenario | level | runs | when it fails, an attacker gains |\n|---|---|---|---|\n"
        );
        for row in rows {
            let name = row.name.replace('|', "\\|");
            let gains = row.gains.replace('|', "\\|");
            let _ = writeln!(doc, "| {name} | {} | {} | {gains} |", row.level, row.runs);
        }
    }
    doc
}

#[test]
fn every_scenario_says_what_an_attacker_gains_and_the_doc_is_current() {
    let mut missing = Vec::new();
    let mut rows = Vec::new();
    for (path, feature) in features() {
        let text = std::fs::read_to_string(&path).expect("read a feature file");
        let lines: Vec<&str> = text.lines().collect();
        let mut scenarios = Vec::new();
        for scenario in &feature.scenarios {
            let Some(gains) = gains(&lines, scenario) else {
                missing.push(format!(
                    "{}:{}: {}",
                    path.display(),
                    scenario.position.line,
                    scenario.name
                ));
                continue;
            };
            let level = if is_should(&feature, scenario) {
                "@should"
            } else {
                "@must"
            };
            scenarios.push(Row {
                name: scenario.name.clone(),
                level,
                runs: runs(scenario),
                gains,
            });
        }
        rows.push((feature.name.clone(), scenarios));
    }
    assert!(
        missing.is_empty(),
        "scenarios without a `{MARK}` line above them:\n{}",
        missing.join("\n")
    );
    let document = document(&rows);
    let path = root().join("docs/grading.md");
    if std::env::var_os("UPDATE_GRADING_DOC").is_some() {
        std::fs::write(&path, &document).expect("write docs/grading.md");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == document,
        "docs/grading.md is out of date; regenerate it with\n  {REGENERATE}"
    );
}
