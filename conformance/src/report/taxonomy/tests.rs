//! The taxonomy's tests: every shipped scenario has a family, tags name
//! known rules one per level, ids are well formed, and findings leave their
//! scenario's family only on typed evidence.

use cucumber::gherkin::{self, GherkinEnv};

use super::*;
use crate::report::results::{Origin, ScenarioResult, Verdict};
use crate::run::features::{EMBEDDED, Features};
use crate::run::scenarios::origin;
use crate::target::http::{Exchange, Received, SentRequest};

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
fn every_rule_but_the_catch_all_is_used_by_a_shipped_scenario() {
    let results = shipped();
    for rule in RULES.iter().filter(|rule| rule.id != CUSTOM) {
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
        exchange: Some(Exchange {
            request: SentRequest {
                method: reqwest::Method::GET,
                url: "http://t/api/a/tasks".to_owned(),
                headers: Vec::new(),
                body: None,
            },
            response: Ok(Received {
                status,
                headers: Vec::new(),
                body: Vec::new(),
                truncated: false,
            }),
            elapsed: std::time::Duration::ZERO,
        }),
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
    assert_eq!(id(Some(&refused_oddly)), "TC-FORGED-TOKEN");
}

#[test]
fn a_scenario_without_a_family_tag_is_custom_and_the_last_tag_wins() {
    let untagged = ScenarioResult::with_verdict("Mine", "s", Verdict::Passed);
    assert_eq!(family(&untagged).id, CUSTOM);
    let mut both = tagged_result("tc-bola");
    both.origin.tags.insert(0, "tc-crud".to_owned());
    assert_eq!(family(&both).id, "TC-BOLA");
}
