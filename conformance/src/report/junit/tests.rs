//! The JUnit report's tests: each verdict's form, NOT CHECKED, a stopped
//! run, the ids, and hostile text read back by quick-junit's own parser.

use super::*;
use crate::contract::{Skip, SkipKind};
use crate::report::finding::{Check, Failure, Grade};
use crate::report::results::Origin;

fn finding(grade: Grade, expected: &str) -> Failure {
    Failure {
        promise: "Missing token".to_owned(),
        scenario: "<x>".to_owned(),
        grade,
        check: Check::Status(vec![401]),
        presented: None,
        expected: expected.to_owned(),
        actual: "200".to_owned(),
        exchange: None,
    }
}

/// The report read back by quick-junit's own parser: the XML is well
/// formed, and its counts are those of the test cases.
fn parsed(xml: &str) -> Report {
    Report::deserialize_from_str(xml).unwrap_or_else(|error| panic!("{error}: {xml}"))
}

fn result(scenario: &str, verdict: Verdict, finding: Option<Failure>) -> ScenarioResult {
    ScenarioResult {
        finding,
        ..ScenarioResult::with_verdict("Missing token", scenario, verdict)
    }
}

#[test]
fn a_promise_nobody_verified_says_not_checked() {
    let skipped = ScenarioResult::skipped(
        "Expired token".to_owned(),
        "on list".to_owned(),
        Skip::unlockable("needs a key"),
    );
    let report = RunReport {
        scenarios: vec![result("ok", Verdict::Passed, None), skipped],
        ..RunReport::default()
    };
    let xml = render(&report);
    assert!(
        xml.contains(r#"<property name="verdict" value="NOT CHECKED: every scenario that decides this promise was skipped (needs a key)"/>"#),
        "{xml}"
    );
    assert!(
        xml.contains(
            r#"<skipped message="NOT CHECKED (the promise is unverified): needs a key"/>"#
        ),
        "{xml}"
    );
    // The promise with a pass is checked: its suite has no such property.
    assert_eq!(xml.matches("NOT CHECKED: every").count(), 1, "{xml}");
}

#[test]
fn each_verdict_has_its_junit_form() {
    let report = RunReport {
        scenarios: vec![
            result("ok", Verdict::Passed, None),
            result(
                "broken",
                Verdict::Failed,
                Some(finding(Grade::Broken, "401")),
            ),
            result(
                "soft",
                Verdict::NonStrict,
                Some(finding(Grade::Deviation, "404")),
            ),
            result(
                "known",
                Verdict::ExpectedFailure {
                    reason: "legacy".to_owned(),
                },
                Some(finding(Grade::Broken, "401")),
            ),
            result(
                "stale",
                Verdict::UnexpectedPass {
                    reason: "legacy".to_owned(),
                },
                None,
            ),
            result(
                "cannot",
                Verdict::Skipped {
                    reason: "needs a key".to_owned(),
                    kind: SkipKind::Unlockable,
                },
                None,
            ),
        ],
        ..RunReport::default()
    };
    let xml = render(&report);
    let parsed = parsed(&xml);
    assert_eq!(
        (parsed.tests, parsed.failures, parsed.skipped),
        (6, 2, 2),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<failure message="promise broken: Missing token (&lt;x&gt;)">"#),
        "{xml}"
    );
    assert!(xml.contains(r#"<skipped message="expected failure: legacy"/>"#));
    assert!(xml.contains("but passed: remove it from the list"));
    assert!(xml.contains(r#"<skipped message="needs a key"/>"#));
    assert!(xml.contains("<system-out>contract deviation"), "{xml}");
}

#[test]
fn a_stopped_run_is_one_failed_test_case_naming_the_reason() {
    let report = RunReport {
        stopped: Some(
            "no answer to GET http://t/<x> & eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln".to_owned(),
        ),
        ..RunReport::default()
    };
    let xml = render(&report);
    let parsed = parsed(&xml);
    assert_eq!(
        (parsed.tests, parsed.failures, parsed.skipped),
        (1, 1, 0),
        "{xml}"
    );
    let case = &parsed.test_suites[0].test_cases[0];
    assert_eq!(case.name.as_str(), STOPPED_CASE);
    assert!(
        xml.contains(
            r#"<failure message="no answer to GET http://t/&lt;x&gt; &amp; eyJhbGciOiJI…"/>"#
        ),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), 1);
}

#[test]
fn a_hostile_body_and_reason_keep_the_xml_well_formed() {
    let body = "\u{1b}[2J\u{7}\u{0}\u{fffe}</testcase>]]><![CDATA[x\n::error::forged\u{9b}";
    let mut failed = finding(Grade::Broken, "401");
    failed.exchange = Some(crate::target::http::Exchange {
        request: crate::target::http::SentRequest {
            method: reqwest::Method::GET,
            url: "http://t/api/a/tasks".to_owned(),
            headers: Vec::new(),
            body: None,
        },
        response: Ok(crate::target::http::Received {
            status: 500,
            headers: vec![("x-note".to_owned(), "::error::\u{1}".to_owned())],
            body: body.as_bytes().to_vec(),
            truncated: false,
        }),
        elapsed: std::time::Duration::ZERO,
    });
    let report = RunReport {
        scenarios: vec![
            result("broken", Verdict::Failed, Some(failed)),
            result(
                "cannot",
                Verdict::Skipped {
                    reason: format!("NOT CHECKED: redirect to {body}"),
                    kind: SkipKind::Unlockable,
                },
                None,
            ),
        ],
        ..RunReport::default()
    };
    let xml = render(&report);
    parsed(&xml);
    let legal = |c: char| matches!(c, '\t' | '\n' | '\r' | ' '..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
    assert!(xml.chars().all(legal), "{xml:?}");
    assert!(!xml.contains("</testcase>]]>"), "{xml}");
    assert!(!xml.contains("<![CDATA["), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert_eq!(xml.matches("</testcase>").count(), 2, "{xml}");
    assert!(
        xml.contains("&lt;/testcase&gt;]]&gt;&lt;![CDATA[x"),
        "{xml}"
    );
}

#[test]
fn a_finding_carries_its_cwe_and_owasp_ids() {
    let origin = Origin {
        tags: vec!["tc-missing-token".to_owned()],
        ..Origin::default()
    };
    let report = RunReport {
        scenarios: vec![
            result(
                "broken",
                Verdict::Failed,
                Some(finding(Grade::Broken, "401")),
            )
            .at(origin.clone()),
            result("ok", Verdict::Passed, None).at(origin),
        ],
        ..RunReport::default()
    };
    let xml = render(&report);
    let parsed = parsed(&xml);
    let [broken, ok] = &parsed.test_suites[0].test_cases[..] else {
        panic!("two cases: {xml}");
    };
    let properties: Vec<(&str, &str)> = broken
        .properties
        .iter()
        .map(|property| (property.name.as_str(), property.value.as_str()))
        .collect();
    assert_eq!(
        properties,
        [
            ("rule", "TC-MISSING-TOKEN"),
            ("rule-name", "Route served without a token"),
            ("cwe", "CWE-306"),
            ("owasp", "API2:2023"),
        ],
        "{xml}"
    );
    assert!(
        xml.contains("\nids:      CWE-306 · OWASP API2:2023 (TC-MISSING-TOKEN)\n"),
        "{xml}"
    );
    // A case with no finding has nothing to classify.
    assert!(ok.properties.is_empty(), "{xml}");
}

#[test]
fn a_reason_shows_its_control_characters_as_the_console_does() {
    assert_eq!(
        reason_text("a\u{0}b\u{1b}[2Jc\n\u{fffe}"),
        "a\\u{0}b\\u{1b}[2Jc\\n\u{fffd}"
    );
}

#[test]
fn what_fails_the_run_outside_a_scenario_is_a_failed_case_each() {
    let report = RunReport {
        scenarios: vec![result("ok", Verdict::Passed, None)],
        expired: vec!["Missing token: ok: accepted until 2000-01-31 (r)".to_owned()],
        left_behind: vec!["task-1".to_owned(), "task-2".to_owned()],
        ..RunReport::default()
    };
    let junit = parsed(&render(&report));
    assert_eq!(junit.failures, 2);
    let xml = render(&report);
    assert!(xml.contains("accepted until 2000-01-31"), "{xml}");
    assert!(xml.contains("left behind: task-1, task-2"), "{xml}");
    let clean = RunReport {
        scenarios: vec![result("ok", Verdict::Passed, None)],
        ..RunReport::default()
    };
    assert_eq!(parsed(&render(&clean)).failures, 0);
}
