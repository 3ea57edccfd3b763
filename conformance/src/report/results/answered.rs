//! A failed scenario built by hand, for the report writers' tests.

use reqwest::Method;

use super::{ScenarioResult, Verdict};
use crate::report::finding::{Check, Failure, Grade};
use crate::target::http::Exchange;

impl ScenarioResult {
    /// A failed `@must` scenario whose finding is `method url` answered
    /// `status` with `body`, where 401 was due.
    pub fn failed_answer(
        promise: &str,
        scenario: &str,
        (method, url): (Method, &str),
        status: u16,
        body: &str,
    ) -> Self {
        let failure = Failure {
            promise: promise.to_owned(),
            scenario: scenario.to_owned(),
            grade: Grade::Broken,
            check: Check::Status(vec![401]),
            presented: None,
            expected: "401".to_owned(),
            actual: status.to_string(),
            exchange: Some(Exchange::answered(method, url, status, body.as_bytes())),
        };
        Self {
            finding: Some(failure),
            ..Self::with_verdict(promise, scenario, Verdict::Failed)
        }
    }
}
