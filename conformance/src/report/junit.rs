//! JUnit XML for CI: a test suite per promise, a test case per scenario.
//! Failed scenarios (and expected failures that passed) are failures;
//! skipped scenarios and accepted expected failures are skipped, with their
//! reason; non-strict findings pass, with their report as output. A promise
//! whose every deciding scenario was skipped says NOT CHECKED, on its suite
//! and on each skip.

use std::fmt::Write as _;

use crate::report::results::{RunReport, ScenarioResult, Verdict};
use crate::report::text;

pub fn render(report: &RunReport) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if let Some(reason) = report.stop_reason() {
        // One failed test case, so that CI shows the run failed, and why.
        let _ = write!(
            xml,
            "<testsuites name=\"todo-conformance\" tests=\"1\" failures=\"1\" skipped=\"0\" time=\"{:.3}\">\n  \
             <testsuite name=\"{STOPPED_SUITE}\" tests=\"1\" failures=\"1\" skipped=\"0\">\n    \
             <testcase classname=\"{STOPPED_SUITE}\" name=\"{STOPPED_CASE}\"><failure message=\"{}\"/></testcase>\n  \
             </testsuite>\n</testsuites>\n",
            report.duration_secs,
            escape(&reason)
        );
        return xml;
    }
    let totals = report.totals();
    let _ = writeln!(
        xml,
        r#"<testsuites name="todo-conformance" tests="{}" failures="{}" skipped="{}" time="{:.3}">"#,
        report.scenarios.len(),
        totals.failed,
        totals.skipped + totals.expected_failures,
        report.duration_secs
    );
    for row in report.by_promise() {
        let cases: Vec<&ScenarioResult> = report
            .scenarios
            .iter()
            .filter(|result| result.promise == row.promise)
            .collect();
        let _ = writeln!(
            xml,
            r#"  <testsuite name="{}" tests="{}" failures="{}" skipped="{}">"#,
            escape(&row.promise),
            cases.len(),
            row.failed,
            row.skipped + row.expected_failures
        );
        let not_checked = row.not_checked > 0;
        if not_checked {
            // CI views show a skip as harmless: say that the promise itself
            // went unverified, on the suite and on each of its skips.
            let _ = writeln!(
                xml,
                r#"    <properties><property name="verdict" value="NOT CHECKED: every scenario that decides this promise was skipped ({})"/></properties>"#,
                escape(row.not_checked_because.as_deref().unwrap_or_default())
            );
        }
        for case in cases {
            xml.push_str(&test_case(case, report.show_tokens, not_checked));
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// The test suite and test case of a run that stopped without results.
const STOPPED_SUITE: &str = "todo-conformance";
const STOPPED_CASE: &str = "the run stopped before any scenario result";

fn test_case(result: &ScenarioResult, show_tokens: bool, not_checked: bool) -> String {
    let report = result
        .findings()
        .map(|finding| text::block(finding, show_tokens))
        .collect::<Vec<_>>()
        .join("\n\n");
    let report = report.as_str();
    let headline = result.findings().next().map(text::headline);
    let body = match &result.verdict {
        Verdict::Passed => String::new(),
        Verdict::Failed => format!(
            r#"<failure message="{}">{}</failure>"#,
            escape(headline.as_deref().unwrap_or("the scenario failed")),
            escape(report)
        ),
        Verdict::UnexpectedPass { reason } => format!(
            r#"<failure message="listed in --expect-failures ({}), but passed: remove it from the list"/>"#,
            escape(reason)
        ),
        Verdict::NonStrict => format!("<system-out>{}</system-out>", escape(report)),
        Verdict::ExpectedFailure { reason } => format!(
            r#"<skipped message="expected failure: {}"/><system-out>{}</system-out>"#,
            escape(reason),
            escape(report)
        ),
        Verdict::Skipped { reason } if not_checked => format!(
            r#"<skipped message="NOT CHECKED (the promise is unverified): {}"/>"#,
            escape(reason)
        ),
        Verdict::Skipped { reason } => format!(r#"<skipped message="{}"/>"#, escape(reason)),
    };
    format!(
        "    <testcase classname=\"{}\" name=\"{}\">{body}</testcase>\n",
        escape(&result.promise),
        escape(&result.scenario)
    )
}

/// Escaped for XML text and attributes; characters XML 1.0 cannot hold at
/// all (most control characters, which hostile bodies may carry) become
/// U+FFFD.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => escaped.push('\u{fffd}'),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::finding::{Check, Failure, Grade};

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
        assert!(
            xml.contains(r#"tests="6" failures="2" skipped="2""#),
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
        assert!(
            xml.contains(
                r#"<testsuites name="todo-conformance" tests="1" failures="1" skipped="0""#
            ),
            "{xml}"
        );
        assert!(
            xml.contains(
                r#"name="the run stopped before any scenario result"><failure message="no answer to GET http://t/&lt;x&gt; &amp; eyJhbGciOiJI…"/></testcase>"#
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
    fn control_characters_cannot_break_the_xml() {
        assert_eq!(escape("a\u{0}b\u{1b}c\n"), "a\u{fffd}b\u{fffd}c\n");
    }
}
