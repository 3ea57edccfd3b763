//! The SARIF writer's tests on typed results; tests/sarif.rs validates
//! real runs against the schema.

use super::*;
use crate::report::finding::Check;
use crate::report::results::Origin;

fn deviation() -> Failure {
    Failure {
        promise: "Missing token".to_owned(),
        scenario: "list".to_owned(),
        grade: Grade::Deviation,
        check: Check::Status(vec![401]),
        presented: None,
        expected: "401".to_owned(),
        actual: "403".to_owned(),
        exchange: None,
    }
}

fn log(report: &RunReport) -> Value {
    serde_json::from_str(&render(report)).expect("JSON")
}

fn with(verdict: Verdict, file: &str) -> RunReport {
    let result = ScenarioResult {
        finding: Some(deviation()),
        ..ScenarioResult::with_verdict("Missing token", "list", verdict)
    }
    .at(Origin {
        file: file.to_owned(),
        line: 9,
        tags: vec!["tc-missing-token".to_owned()],
    });
    RunReport {
        started_at: "2026-11-27T01:00:00Z".to_owned(),
        scenarios: vec![result],
        ..RunReport::default()
    }
}

#[test]
fn a_deviation_is_a_warning_and_an_error_under_strict() {
    let mut report = with(Verdict::NonStrict, "features/01_missing_token.feature");
    let result = &log(&report)["runs"][0]["results"][0];
    assert_eq!(result["level"], "warning");
    assert_eq!(result["ruleId"], "TC-MISSING-TOKEN");
    assert_eq!(result["suppressions"], serde_json::json!([]));
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        9
    );
    report.strict = true;
    assert_eq!(log(&report)["runs"][0]["results"][0]["level"], "error");
}

#[test]
fn a_feature_outside_the_suite_is_a_file_uri_and_a_stale_expectation_a_notification() {
    let mut report = with(Verdict::NonStrict, "/home/me/features/mine.feature");
    report.scenarios.push(ScenarioResult::with_verdict(
        "Missing token",
        "get",
        Verdict::UnexpectedPass {
            reason: "fixed in 2.0".to_owned(),
        },
    ));
    let log = log(&report);
    let artifact =
        &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "file:///home/me/features/mine.feature");
    assert!(artifact.get("uriBaseId").is_none());
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let note = invocation["toolExecutionNotifications"][0]["message"]["text"].to_string();
    assert!(
        note.contains("Missing token: get") && note.contains("fixed in 2.0"),
        "{note}"
    );
}

#[test]
fn an_expired_acceptance_and_a_task_left_behind_are_notifications() {
    let mut report = with(Verdict::Passed, "features/01_missing_token.feature");
    report.expired = vec!["Missing token: list: accepted until 2000-01-31 (r)".to_owned()];
    report.left_behind = vec!["task-1".to_owned()];
    let log = log(&report);
    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(notes.contains("accepted until 2000-01-31"), "{notes}");
    assert!(notes.contains("left behind: 1 task(s)"), "{notes}");
}
