//! Rewording a finding's message changes nothing but that message: its
//! hint, its grade and every report come from the typed finding.

use crate::contract::Credentials;
use crate::report::finding::{Check, Failure, Grade, Presented};
use crate::report::hints::Hint;
use crate::report::results::{RunReport, ScenarioResult, Verdict};
use crate::report::{html, json, junit};
use crate::target::http::{Exchange, Received, SentRequest};

fn finding(grade: Grade, check: Check, expected: &str, actual: &str) -> Failure {
    Failure {
        promise: "Missing token".to_owned(),
        scenario: "list with no Authorization header".to_owned(),
        grade,
        check,
        presented: Some(Presented::Credentials(Credentials::None)),
        expected: expected.to_owned(),
        actual: actual.to_owned(),
        exchange: Some(Exchange {
            request: SentRequest {
                method: reqwest::Method::GET,
                url: "http://127.0.0.1:8000/api/alice/tasks".to_owned(),
                headers: Vec::new(),
                body: None,
            },
            response: Ok(Received {
                status: 403,
                headers: vec![("content-type".to_owned(), "application/json".to_owned())],
                body: br#"{"detail":"Not authenticated"}"#.to_vec(),
                truncated: false,
            }),
            elapsed: std::time::Duration::ZERO,
        }),
    }
}

/// A run with one failed scenario (a breach and a deviation in it) and one
/// non-strict one, with the given wording.
fn run(words: [&str; 4]) -> RunReport {
    let [expected, actual, challenge, missing] = words;
    let breach = finding(Grade::Broken, Check::Status(vec![401]), expected, actual);
    let deviation = finding(Grade::Deviation, Check::BearerChallenge, challenge, missing);
    let failed = ScenarioResult::graded(
        breach.promise.clone(),
        breach.scenario.clone(),
        Some(breach),
        vec![deviation.clone()],
        false,
    );
    let non_strict = ScenarioResult::graded(
        deviation.promise.clone(),
        "empty Bearer".to_owned(),
        None,
        vec![deviation],
        false,
    );
    RunReport {
        target: "http://127.0.0.1:8000".to_owned(),
        scenarios: vec![failed, non_strict],
        ..RunReport::default()
    }
}

const ORIGINAL: [&str; 4] = [
    "401",
    "403",
    "WWW-Authenticate: Bearer",
    "401 without a WWW-Authenticate header",
];
const REWORDED: [&str; 4] = [
    "a refusal that says who to authenticate as",
    "forbidden instead",
    "a challenge naming the scheme",
    "a bare refusal",
];

/// `text` with the reworded messages put back as they were.
fn unreworded(text: &str) -> String {
    REWORDED
        .iter()
        .zip(ORIGINAL)
        .fold(text.to_owned(), |text, (new, old)| text.replace(new, old))
}

#[test]
fn rewording_a_message_changes_no_grade_hint_or_report() {
    let (original, reworded) = (run(ORIGINAL), run(REWORDED));
    for (before, after) in original.scenarios.iter().zip(&reworded.scenarios) {
        assert_eq!(before.verdict, after.verdict);
        let hints =
            |result: &ScenarioResult| -> Vec<_> { result.findings().map(Hint::of).collect() };
        assert_eq!(hints(before), hints(after));
    }
    assert_eq!(original.scenarios[0].verdict, Verdict::Failed);
    assert_eq!(original.scenarios[1].verdict, Verdict::NonStrict);
    let hints: Vec<_> = original.scenarios[0].findings().map(Hint::of).collect();
    assert_eq!(
        hints,
        [
            Some(Hint::FastApiHttpBearer),
            Some(Hint::MissingBearerChallenge)
        ]
    );
    for render in [junit::render, html::render, json::render] {
        let (before, after) = (render(&original), render(&reworded));
        assert_ne!(before, after, "the reworded messages are shown");
        assert_eq!(before, unreworded(&after));
    }
}
