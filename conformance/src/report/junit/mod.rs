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

use crate::report::results::{PromiseRow, RunReport, ScenarioResult, Verdict};
use crate::report::{safe, taxonomy, text};

pub fn render(report: &RunReport) -> String {
    let mut junit = Report::new(REPORT_NAME);
    junit.set_time(Duration::try_from_secs_f64(report.duration_secs).unwrap_or_default());
    if let Some(reason) = report.stop_reason() {
        junit.add_test_suite(stopped(&reason));
    } else {
        for row in report.by_promise() {
            junit.add_test_suite(promise_suite(report, &row));
        }
    }
    if let Some(suite) = run_problems(report) {
        junit.add_test_suite(suite);
    }
    // Into memory there is no I/O to fail, and every string is UTF-8.
    junit
        .to_string()
        .expect("a JUnit report serialises to memory")
}

/// A promise's suite: a case per scenario, and NOT CHECKED when nothing
/// verified it.
fn promise_suite(report: &RunReport, row: &PromiseRow) -> TestSuite {
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
    suite
}

/// The report's name, and the test suite of a run that stopped.
const REPORT_NAME: &str = "todo-conformance";
const STOPPED_CASE: &str = "the run stopped before any scenario result";

/// One failed test case, so that CI shows the run failed, and why.
fn stopped(reason: &str) -> TestSuite {
    let mut suite = TestSuite::new(REPORT_NAME);
    suite.add_test_case(failed_case(STOPPED_CASE, reason));
    suite
}

/// What fails the run outside any scenario, a failed case each: the tasks
/// left behind, and the acceptances past their date.
fn run_problems(report: &RunReport) -> Option<TestSuite> {
    let mut cases: Vec<TestCase> = report
        .expired
        .iter()
        .map(|entry| failed_case("an --expect-failures entry expired", entry))
        .collect();
    if !report.left_behind.is_empty() {
        let ids = report.left_behind.join(", ");
        cases.push(failed_case(
            "the suite deletes what it created",
            &format!("left behind: {ids}"),
        ));
    }
    if cases.is_empty() {
        return None;
    }
    let mut suite = TestSuite::new(REPORT_NAME);
    suite.add_test_cases(cases);
    Some(suite)
}

fn failed_case(name: &str, message: &str) -> TestCase {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    status.set_message(reason_text(message));
    let mut case = TestCase::new(name, status);
    case.set_classname(REPORT_NAME);
    case
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
        Verdict::Skipped { reason, .. } if not_checked => (
            skipped(format!(
                "NOT CHECKED (the promise is unverified): {}",
                reason_text(reason)
            )),
            None,
        ),
        Verdict::Skipped { reason, .. } => (skipped(reason_text(reason)), None),
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
mod tests;
