//! JUnit XML for CI, written by `quick-junit`: a test suite per promise, a
//! test case per scenario. Failed scenarios (and expected failures that
//! passed) are failures; skipped scenarios and accepted expected failures
//! are skipped, with their reason; non-strict findings pass, with their
//! report as output. A promise whose every deciding scenario was skipped
//! says NOT CHECKED, on its suite and on each skip. Each finding's block
//! carries its CWE and OWASP ids, as on the console, and a case with
//! findings has its deciding finding's rule, CWE and OWASP ids as
//! properties.
//!
//! quick-junit escapes the XML and drops the control characters it cannot
//! hold; what it leaves that XML 1.0 still forbids is replaced here (see
//! [`xml_text`]).

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use crate::report::results::{RunReport, ScenarioResult, Verdict};
use crate::report::{safe, taxonomy, text};

pub fn render(report: &RunReport) -> String {
    let mut junit = Report::new(REPORT_NAME);
    junit.set_time(Duration::try_from_secs_f64(report.duration_secs).unwrap_or_default());
    if let Some(reason) = report.stop_reason() {
        junit.add_test_suite(stopped(&reason));
    } else {
        for row in report.by_promise() {
            let mut suite = TestSuite::new(row.promise.as_str());
            let not_checked = row.not_checked > 0;
            if not_checked {
                // CI views show a skip as harmless: say that the promise itself
                // went unverified, on the suite and on each of its skips.
                suite.add_property(Property::new(
                    "verdict",
                    format!(
                        "NOT CHECKED: every scenario that decides this promise was skipped ({})",
                        reason_text(row.not_checked_because.as_deref().unwrap_or_default())
                    ),
                ));
            }
            suite.add_test_cases(
                report
                    .scenarios
                    .iter()
                    .filter(|result| result.promise == row.promise)
                    .map(|result| test_case(result, report.show_tokens, not_checked)),
            );
            junit.add_test_suite(suite);
        }
    }
    // Into memory there is no I/O to fail, and every string is UTF-8.
    junit
        .to_string()
        .expect("a JUnit report serialises to memory")
}

/// The report's name, and the test suite of a run that stopped.
const REPORT_NAME: &str = "todo-conformance";
const STOPPED_CASE: &str = "the run stopped before any scenario result";

/// One failed test case, so that CI shows the run failed, and why.
fn stopped(reason: &str) -> TestSuite {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    status.set_message(reason_text(reason));
    let mut case = TestCase::new(STOPPED_CASE, status);
    case.set_classname(REPORT_NAME);
    let mut suite = TestSuite::new(REPORT_NAME);
    suite.add_test_case(case);
    suite
}

fn test_case(result: &ScenarioResult, show_tokens: bool, not_checked: bool) -> TestCase {
    let (status, output) = status(result, findings_text(result, show_tokens), not_checked);
    let mut case = TestCase::new(result.scenario.as_str(), status);
    case.set_classname(result.promise.as_str());
    if let Some(output) = output {
        case.set_system_out(output);
    }
    if let Some(finding) = result.findings().next() {
        // The ids of the finding that decided the verdict, for tools that
        // read properties; every finding's own are in its block.
        let rule = taxonomy::classify(result, Some(finding));
        case.add_properties([
            ("rule", rule.id),
            ("rule-name", rule.name),
            ("cwe", &rule.cwe_id()),
            ("owasp", rule.owasp.id()),
        ]);
    }
    case
}

/// Every finding's block, with its ids, as the console prints it.
fn findings_text(result: &ScenarioResult, show_tokens: bool) -> String {
    let blocks: Vec<String> = result
        .findings()
        .map(|finding| {
            let rule = taxonomy::classify(result, Some(finding));
            text::classified_block(finding, rule, show_tokens)
        })
        .collect();
    xml_text(&blocks.join("\n\n"))
}

/// The case's status, and its output: the findings' `report` goes in the
/// failure, or in the output of a case that passes or is skipped with it.
fn status(
    result: &ScenarioResult,
    report: String,
    not_checked: bool,
) -> (TestCaseStatus, Option<String>) {
    match &result.verdict {
        Verdict::Passed => (TestCaseStatus::success(), None),
        Verdict::Failed => {
            let headline = result.findings().next().map(text::headline);
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(xml_text(
                    headline.as_deref().unwrap_or("the scenario failed"),
                ))
                .set_description(report);
            (status, None)
        }
        Verdict::UnexpectedPass { reason } => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(format!(
                "listed in --expect-failures ({}), but passed: remove it from the list",
                reason_text(reason)
            ));
            (status, None)
        }
        Verdict::NonStrict => (TestCaseStatus::success(), Some(report)),
        Verdict::ExpectedFailure { reason } => (
            skipped(format!("expected failure: {}", reason_text(reason))),
            Some(report),
        ),
        Verdict::Skipped { reason } if not_checked => (
            skipped(format!(
                "NOT CHECKED (the promise is unverified): {}",
                reason_text(reason)
            )),
            None,
        ),
        Verdict::Skipped { reason } => (skipped(reason_text(reason)), None),
    }
}

fn skipped(message: String) -> TestCaseStatus {
    let mut status = TestCaseStatus::skipped();
    status.set_message(message);
    status
}

/// A reason as the console shows it (a target may have written part of it:
/// what would act on a terminal or a CI log is shown escaped, not dropped),
/// in characters XML can hold.
fn reason_text(reason: &str) -> String {
    xml_text(&safe::line(reason))
}

/// `text` without the two noncharacters XML 1.0 cannot hold and quick-junit
/// lets through (it drops C0 controls and ANSI escapes itself); a hostile
/// body may carry them.
fn xml_text(text: &str) -> String {
    text.replace(['\u{fffe}', '\u{ffff}'], "\u{fffd}")
}

#[cfg(test)]
mod tests {
    use super::*;
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
            "needs a key".to_owned(),
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
                "no answer to GET http://t/<x> & eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"
                    .to_owned(),
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
}
