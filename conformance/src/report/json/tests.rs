//! The suite JSON report's tests: its fields, their documentation in
//! docs/json-report.md, NOT CHECKED and redaction.

use super::*;
use crate::contract::Skip;

#[test]
fn a_promise_nobody_verified_says_not_checked() {
    let report = RunReport {
        scenarios: vec![ScenarioResult::skipped(
            "Expired token".to_owned(),
            "on list".to_owned(),
            Skip::unlockable("needs a key"),
        )],
        ..RunReport::default()
    };
    let json: serde_json::Value = serde_json::from_str(&render(&report)).expect("JSON");
    assert_eq!(json["promises"][0]["status"], "NOT CHECKED");
    assert_eq!(json["promises"][0]["not_checked_because"], "needs a key");
    assert_eq!(json["totals"]["not_checked"], 1);
    assert!(json["totals"].get("status").is_none());
    assert_eq!(json["scenarios"][0]["verdict"], "skipped");
}

#[test]
fn a_hostile_body_is_valid_json_and_read_back_unchanged() {
    use crate::report::finding::{Check, Failure, Grade};
    use crate::target::http::Exchange;
    let body = "\u{1b}[2J\u{7}\u{0}\"}]</script>]]>\n::error::forged\u{9b}";
    let finding = Failure {
        promise: "Missing token".to_owned(),
        scenario: "s".to_owned(),
        grade: Grade::Broken,
        check: Check::Status(vec![401]),
        presented: None,
        expected: "401".to_owned(),
        actual: "500".to_owned(),
        exchange: Some(Exchange::answered(
            reqwest::Method::GET,
            "http://t/api/a/tasks",
            500,
            body.as_bytes(),
        )),
    };
    let report = RunReport {
        scenarios: vec![ScenarioResult {
            finding: Some(finding),
            ..ScenarioResult::with_verdict("Missing token", "s", Verdict::Failed)
        }],
        ..RunReport::default()
    };
    let text = render(&report);
    assert!(!text.chars().any(|c| c < ' ' && c != '\n'), "{text:?}");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert!(json.to_string().contains("]]>"), "{text}");
    let found = json["scenarios"][0]["findings"][0]["response"]["body_excerpt"].as_str();
    assert_eq!(found, Some(body), "{text}");
}

/// Every key a report has, nested ones too.
fn keys(value: &serde_json::Value, found: &mut std::collections::BTreeSet<String>) {
    match value {
        serde_json::Value::Object(members) => {
            for (key, member) in members {
                found.insert(key.clone());
                keys(member, found);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| keys(item, found)),
        _ => {}
    }
}

/// docs/json-report.md names every field a report has, and its example
/// is a report of this format: the doc cannot fall behind the writer.
#[test]
fn every_field_is_documented_and_the_example_is_current() {
    use crate::report::finding::{Check, Failure, Grade};
    use crate::target::http::{Exchange, Received, SentRequest};
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/json-report.md"),
    )
    .expect("docs/json-report.md");
    let finding = Failure {
        promise: "Missing token".to_owned(),
        scenario: "list".to_owned(),
        grade: Grade::Deviation,
        check: Check::Status(vec![401]),
        presented: None,
        expected: "401".to_owned(),
        actual: "403".to_owned(),
        exchange: Some(Exchange {
            request: SentRequest {
                method: reqwest::Method::POST,
                url: "http://t/api/a/tasks".to_owned(),
                headers: vec![("content-type".to_owned(), "application/json".to_owned())],
                body: Some("{}".to_owned()),
            },
            response: Ok(Received {
                status: 403,
                headers: Vec::new(),
                body: b"no".to_vec(),
                truncated: false,
            }),
            elapsed: std::time::Duration::ZERO,
        }),
    };
    let report = RunReport {
        stopped: Some("the preflight failed".to_owned()),
        informational: vec![Informational {
            promise: "Token lifetime".to_owned(),
            scenario: "s".to_owned(),
            text: "t".to_owned(),
        }],
        scenarios: vec![
            ScenarioResult {
                finding: Some(finding),
                ..ScenarioResult::with_verdict("Missing token", "list", Verdict::NonStrict)
            },
            ScenarioResult::skipped(
                "Expired token".to_owned(),
                "s".to_owned(),
                Skip::unlockable("no key"),
            ),
        ],
        ..RunReport::default()
    };
    let rendered: serde_json::Value = serde_json::from_str(&render(&report)).expect("JSON");
    let mut found = std::collections::BTreeSet::new();
    keys(&rendered, &mut found);
    let example = doc
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("an example");
    let example: serde_json::Value = serde_json::from_str(example).expect("the example is JSON");
    assert_eq!(example["format_version"], FORMAT_VERSION);
    keys(&example, &mut found);
    for key in found {
        assert!(
            doc.contains(&format!("`{key}`")),
            "docs/json-report.md does not name `{key}`"
        );
    }
}
