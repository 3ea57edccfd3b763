//! The taxonomy's tests: every shipped scenario has a family, tags name
//! known rules one per level, ids are well formed, and findings leave their
//! scenario's family only on typed evidence.

use cucumber::gherkin::{self, GherkinEnv};

use super::rule::Severity;
use super::*;
use crate::report::results::{Origin, ScenarioResult, Verdict};
use crate::run::features::{EMBEDDED, Features};
use crate::run::scenarios::origin;
use crate::target::http::Exchange;

/// Every scenario of the shipped features, as a result with its origin.
fn shipped() -> Vec<ScenarioResult> {
    let features = Features::embedded().expect("the embedded features parse");
    features
        .0
        .iter()
        .flat_map(|feature| {
            feature.scenarios.iter().map(move |scenario| {
                ScenarioResult::with_verdict(&feature.name, &scenario.name, Verdict::Passed)
                    .at(origin(feature, scenario))
            })
        })
        .collect()
}

fn family_tags(tags: &[String]) -> Vec<&String> {
    tags.iter().filter(|tag| tag.starts_with("tc-")).collect()
}

#[test]
fn every_shipped_scenario_has_a_family_of_its_own() {
    let results = shipped();
    assert!(results.len() > 40);
    for result in &results {
        assert_ne!(family(result).id, CUSTOM, "{} has no @tc- tag", result.id());
    }
}

#[test]
fn family_tags_name_known_rules_one_per_level() {
    for (name, text) in EMBEDDED {
        let feature = gherkin::Feature::parse(text, GherkinEnv::default()).expect(name);
        let mut levels = vec![&feature.tags];
        for scenario in &feature.scenarios {
            levels.push(&scenario.tags);
            levels.extend(scenario.examples.iter().map(|examples| &examples.tags));
        }
        for tags in levels {
            let family = family_tags(tags);
            assert!(
                family.len() <= 1,
                "{name}: two families at one level: {family:?}"
            );
            for tag in family {
                assert!(
                    RULES.iter().any(|rule| rule.tag() == *tag),
                    "{name}: @{tag} names no rule"
                );
            }
        }
    }
}

#[test]
fn every_scenario_family_is_used_by_a_shipped_scenario() {
    let results = shipped();
    // The refusal's status is a finding's family only.
    let by_scenario = |rule: &&Rule| rule.id != CUSTOM && rule.id != "TC-REFUSAL-STATUS";
    for rule in RULES.iter().filter(by_scenario) {
        assert!(
            results.iter().any(|result| family(result) == rule),
            "{} has no scenario",
            rule.id
        );
    }
}

#[test]
fn ids_are_well_formed_and_unique() {
    let id = regex::Regex::new("^TC-[A-Z0-9]+(-[A-Z0-9]+)*$").unwrap();
    for (index, rule) in RULES.iter().enumerate() {
        assert!(id.is_match(rule.id), "{}", rule.id);
        assert!(rule.cwe > 0 && !rule.name.is_empty(), "{}", rule.id);
        assert!(
            rule.help.len() > 60 && !rule.help.contains('\n'),
            "{}",
            rule.id
        );
        assert!(rule.owasp.id().ends_with(":2023"));
        let later = &RULES[index + 1..];
        assert!(later.iter().all(|other| other.id != rule.id), "{}", rule.id);
        assert!(
            later.iter().all(|other| other.name != rule.name),
            "{}",
            rule.id
        );
    }
    assert_eq!(known("TC-ALG-NONE").ids(), "CWE-347 · OWASP API2:2023");
}

/// A scenario that sends one catalogue token and judges its refusal is in
/// the family of that token, as a finding about it would be.
#[test]
fn scenarios_that_send_one_attack_are_in_its_family() {
    let quoted = regex::Regex::new(r#"with the attack "([^"]+)"$"#).unwrap();
    let features = Features::embedded().unwrap();
    let mut checked = 0;
    for feature in &features.0 {
        for scenario in &feature.scenarios {
            let judged = scenario
                .steps
                .iter()
                .any(|step| step.value == "the attack is refused");
            let sent = scenario
                .steps
                .iter()
                .rev()
                .find_map(|step| quoted.captures(&step.value));
            let (true, Some(sent)) = (judged, sent) else {
                continue;
            };
            let attack = Attack::named(&sent[1]).unwrap_or_else(|| panic!("{}", &sent[1]));
            let result =
                ScenarioResult::with_verdict(&feature.name, &scenario.name, Verdict::Passed)
                    .at(origin(feature, scenario));
            assert_eq!(
                family(&result).id,
                attack_family(&attack),
                "{}",
                result.id()
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "{checked}");
}

#[test]
fn every_catalogue_token_has_a_family_in_the_table() {
    let attacks = Attack::catalogue();
    assert!(attacks.len() > 40);
    for attack in &attacks {
        let id = attack_family(attack);
        assert!(
            RULES.iter().any(|rule| rule.id == id),
            "{}: {id}",
            attack.name()
        );
    }
}

fn tagged_result(tag: &str) -> ScenarioResult {
    ScenarioResult::with_verdict("Forged token", "s", Verdict::Failed).at(Origin {
        file: "features/02_forged_token.feature".to_owned(),
        line: 9,
        tags: vec!["must".to_owned(), tag.to_owned()],
    })
}

fn finding(status: u16, check: Check, presented: Option<Presented>, grade: Grade) -> Failure {
    Failure {
        promise: "Forged token".to_owned(),
        scenario: "s".to_owned(),
        grade,
        check,
        presented,
        expected: "401".to_owned(),
        actual: status.to_string(),
        exchange: Some(Exchange::answered(
            reqwest::Method::GET,
            "http://t/api/a/tasks",
            status,
            b"",
        )),
    }
}

#[test]
fn a_finding_leaves_its_family_only_on_typed_evidence() {
    let result = tagged_result("tc-forged-token");
    let id = |failure: Option<&Failure>| classify(&result, failure).id;
    assert_eq!(id(None), "TC-FORGED-TOKEN");
    let plain = finding(200, Check::Status(vec![401]), None, Grade::Broken);
    assert_eq!(id(Some(&plain)), "TC-FORGED-TOKEN");
    let crash = finding(502, Check::Status(vec![401]), None, Grade::Broken);
    assert_eq!(id(Some(&crash)), "TC-SERVER-ERROR");
    let unprepared = finding(500, Check::Other, None, Grade::NotSetUp);
    assert_eq!(id(Some(&unprepared)), "TC-FORGED-TOKEN");
    let challenge = finding(401, Check::BearerChallenge, None, Grade::Deviation);
    assert_eq!(id(Some(&challenge)), "TC-BEARER-CHALLENGE");
    let none = Some(Presented::Attack(Attack::AlgNone("none")));
    let accepted = finding(200, Check::Status(vec![401]), none.clone(), Grade::Broken);
    assert_eq!(id(Some(&accepted)), "TC-ALG-NONE");
    let refused_oddly = finding(403, Check::Status(vec![401]), none, Grade::Deviation);
    assert_eq!(id(Some(&refused_oddly)), "TC-REFUSAL-STATUS");
    let broken_refusal = finding(403, Check::Status(vec![404]), None, Grade::Broken);
    assert_eq!(id(Some(&broken_refusal)), "TC-FORGED-TOKEN");
}

#[test]
fn a_scenario_without_a_family_tag_is_custom_and_the_last_tag_wins() {
    let untagged = ScenarioResult::with_verdict("Mine", "s", Verdict::Passed);
    assert_eq!(family(&untagged).id, CUSTOM);
    let mut both = tagged_result("tc-bola");
    both.origin.tags.insert(0, "tc-crud".to_owned());
    assert_eq!(family(&both).id, "TC-BOLA");
}

const REGENERATE: &str = "UPDATE_SARIF_DOC=1 cargo test -p todo-conformance --bins taxonomy";

const HEADER: &str = "# SARIF and the rule taxonomy

`--sarif FILE` writes a [SARIF 2.1.0](https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html)
log for GitHub code scanning and other security dashboards. It is written
whole or not at all, like every report, also when the run stopped.

    todo-conformance --base-url https://api.example.com --sarif conformance.sarif

On GitHub, upload it with `github/codeql-action/upload-sarif` (with
`if: always()`, since the suite exits 1 when it finds something).

## What the log holds

- **One rule per scenario family** (`tool.driver.rules`), all of them in
  every log, in the order below: `id`, `name`, `shortDescription`,
  `fullDescription` and `help` (what it checks, what an attacker gains, how
  to fix it, and its ids), and `properties`: `tags` (`security`, `CWE-n`,
  `external/cwe/cwe-n`, `OWASP APIn:2023`), `cwe`, `owasp` and
  `security-severity`, the score GitHub ranks alerts by. No `helpUri`: the
  help text is in the log itself, and the suite has no published address.
- **One result per finding**: every finding of every scenario that has
  one (the finding that stopped it and the deviations noted on the way),
  whatever its verdict. `ruleId` and `ruleIndex`; `level`: `error` for a
  broken promise and for a scenario the target did not let the suite set
  up (both fail the run), `warning` for a contract deviation and `note`
  for a `@should` finding (both `error` under `--strict`, where they fail
  the run);
  `message.text`: the finding's block, as the console prints a group's
  example or, with `--verbose`, every finding (headline, ids, expected
  against actual, hint, request, response excerpt, curl command);
  `webRequest` (method and URL) and `webResponse` (status);
  `properties`: `promise`, `scenario`, `verdict`, `grade`, `cwe`, `owasp`,
  `curl`. Credentials are hidden exactly as in the console, JUnit, HTML
  and JSON reports, unless `--show-tokens`.
- **Location.** GitHub code scanning wants a file and a line for every
  result, and the target's code is not the suite's to point at: the
  physical location is the scenario's feature file and line (the example
  row's, for an outline), as `features/NN_name.feature` relative to
  `uriBaseId` `SUITEROOT`, the suite's source tree (described in
  `run.originalUriBaseIds`); a feature read with `--features DIR` is named
  by its path, absolute ones as `file://` URIs. The request's method and
  URL are the result's logical location.
- **Fingerprints.** `partialFingerprints.todoConformanceFinding/v1` hashes
  the rule, the scenario and the check, so that a dashboard keeps one alert
  across runs instead of opening a new one each time.
- **Expected failures** (`--expect-failures`) stay in the log, with a
  suppression of `kind` `external`, `status` `accepted`, and the list's
  reason as its `justification`: viewers that honour SARIF suppressions do
  not raise them. An entry that passed (stale) is an `error` notification
  in `invocations[0].toolExecutionNotifications`.
- **A stopped run** (preflight failed, say) still writes a valid log:
  `invocations[0].executionSuccessful` is `false`, the reason is a
  notification, and `results` is empty.

`conformance/tests/sarif.rs` validates logs of real runs against flawed
targets, and of a stopped run, against the SARIF 2.1.0 JSON schema
(vendored in `conformance/tests/fixtures/sarif/`, formats included). CI
validates a file written by a real run with `ci/check-sarif.sh FILE`.

## Families

Every scenario belongs to one family, named by a `@tc-…` tag in its
feature file: the feature's tag, unless the scenario or its examples carry
their own (`--tags @tc-alg-none` runs one family). A finding belongs to its
scenario's family, except when its own typed data names another cause: an
answer with a 5xx status is `TC-SERVER-ERROR` wherever it happens; a
missing or wrong Bearer challenge is `TC-BEARER-CHALLENGE`; a token of the
attack catalogue that got a success is that token's family (so the
catalogue barrage files an accepted `alg: none` token under `TC-ALG-NONE`).
A contract deviation that refused with another 4xx status than the check
wanted (403 for 401, 403 for 404, 400 for 422) is `TC-REFUSAL-STATUS`.
A scenario of a feature file without a `@tc-…` tag (`--features DIR`) is
`TC-CUSTOM`. Rule ids are stable: one is added for a new family, never
renamed. `severity` is what `security-severity` says (critical 9.1, high
7.5, medium 5.3, low 3.1).

This file is written from the rule table (`conformance/src/report/taxonomy/rules.rs`)
and the feature files by a test, which fails when it is out of date.
Regenerate it with:

";

fn severity(rule: &Rule) -> &'static str {
    match rule.severity {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
    }
}

/// docs/sarif.md: the header above, then the table and each rule's text.
fn sarif_doc() -> String {
    use std::fmt::Write as _;
    let results = shipped();
    let mut doc = format!("{HEADER}    {REGENERATE}\n\n");
    doc.push_str("| rule | name | CWE | OWASP API Top 10 (2023) | severity | scenarios |\n|---|---|---|---|---|---|\n");
    for rule in RULES {
        let count = results
            .iter()
            .filter(|result| family(result) == rule)
            .count();
        let _ = writeln!(
            doc,
            "| [`{}`](#{}) | {} | {} | {} {} | {} | {count} |",
            rule.id,
            rule.tag(),
            rule.name.replace('|', "\\|"),
            rule.cwe_id(),
            rule.owasp.id(),
            rule.owasp.name(),
            severity(rule),
        );
    }
    for rule in RULES {
        let mut files: Vec<&str> = Vec::new();
        for result in results.iter().filter(|result| family(result) == rule) {
            if !files.contains(&result.origin.file.as_str()) {
                files.push(&result.origin.file);
            }
        }
        let found_in = if files.is_empty() {
            "no shipped scenario".to_owned()
        } else {
            files
                .iter()
                .map(|file| format!("`{file}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = write!(
            doc,
            "\n### {}\n\n**{}** · {} · OWASP {} {} · {}\n\n{}\n\nScenarios: {found_in}.\n",
            rule.id,
            rule.name,
            rule.cwe_id(),
            rule.owasp.id(),
            rule.owasp.name(),
            severity(rule),
            rule.help,
        );
    }
    doc
}

#[test]
fn docs_sarif_md_lists_every_rule_and_is_current() {
    let document = sarif_doc();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/sarif.md");
    if std::env::var_os("UPDATE_SARIF_DOC").is_some() {
        std::fs::write(&path, &document).expect("write docs/sarif.md");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == document,
        "docs/sarif.md is out of date; regenerate it with\n  {REGENERATE}"
    );
}
