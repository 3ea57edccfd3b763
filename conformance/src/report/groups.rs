//! Findings grouped by cause, for the console and the HTML report: one
//! root cause (403 for a missing token on every route) is one group, with
//! the routes and scenarios it covers and one full example, not one block
//! per route. A known cause (a hint) groups across scenario families; an
//! unknown one groups by family, grade, check, what was expected and the
//! answer's status class (200, 201 and 204 are one success).

use std::collections::BTreeSet;

use crate::report::finding::{Check, Failure, Grade};
use crate::report::hints::Hint;
use crate::report::results::{RunReport, ScenarioResult};
use crate::report::taxonomy::{self, Rule};
use crate::report::text;
use crate::target::http::Exchange;

/// How many scenarios a group names before it counts the rest (or, in the
/// HTML report, puts them behind a toggle).
pub const NAMED_SCENARIOS: usize = 5;

/// What makes two findings one cause.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Known(Hint, Grade),
    Unknown {
        rule: &'static str,
        grade: Grade,
        check: Check,
        expected: String,
        /// The answer's status class (2 for 2xx); none without an answer.
        class: Option<u16>,
    },
}

/// One cause and every finding it explains, in report order.
#[derive(Debug)]
pub struct Group<'a> {
    key: Key,
    /// The family of the first finding: the group's ids.
    pub rule: &'static Rule,
    pub grade: Grade,
    pub findings: Vec<(&'a ScenarioResult, &'a Failure)>,
}

impl<'a> Group<'a> {
    /// The finding shown in full.
    pub fn example(&self) -> (&'a ScenarioResult, &'a Failure) {
        self.findings[0]
    }

    /// A lone finding's own headline; a group's grade, its size, and what
    /// joins it: a known cause (a hint), or findings alike (family, grade,
    /// check, what was expected and the status class).
    pub fn headline(&self) -> String {
        let (_, example) = self.example();
        let count = self.findings.len();
        if count == 1 {
            return text::headline(example);
        }
        let joined = match &self.key {
            Key::Known(..) => "one cause".to_owned(),
            Key::Unknown {
                expected, class, ..
            } => {
                let answer = class.map_or("no answer".to_owned(), |class| format!("{class}xx"));
                format!("alike: expected {expected}, got {answer}")
            }
        };
        format!(
            "{}: {}: {count} findings, {joined}",
            text::grade_words(self.grade),
            self.promises().join(", ")
        )
    }

    /// The promises the findings break, once each, in report order.
    pub fn promises(&self) -> Vec<&'a str> {
        promises_of(self.findings.iter().map(|(result, _)| *result))
    }

    /// `METHOD /path` of each finding's request, ids masked, once each.
    pub fn routes(&self) -> BTreeSet<String> {
        self.findings
            .iter()
            .filter_map(|(_, failure)| failure.exchange.as_ref())
            .map(|exchange| {
                format!(
                    "{} {}",
                    exchange.request.method,
                    masked_path(&exchange.request.url)
                )
            })
            .collect()
    }
}

/// The promises of `results`, once each, in their order.
pub fn promises_of<'a>(results: impl IntoIterator<Item = &'a ScenarioResult>) -> Vec<&'a str> {
    let mut promises: Vec<&'a str> = Vec::new();
    for result in results {
        if !promises.contains(&result.promise.as_str()) {
            promises.push(&result.promise);
        }
    }
    promises
}

/// The findings `shown` keeps, grouped by cause: the worst grade first,
/// then the largest group.
pub fn by_cause<'a>(
    report: &'a RunReport,
    shown: impl Fn(&ScenarioResult, &Failure) -> bool,
) -> Vec<Group<'a>> {
    let mut groups: Vec<Group<'a>> = Vec::new();
    for result in &report.scenarios {
        for failure in result.findings().filter(|failure| shown(result, failure)) {
            let key = key(result, failure);
            match groups.iter_mut().find(|group| group.key == key) {
                Some(group) => group.findings.push((result, failure)),
                None => groups.push(Group {
                    rule: taxonomy::classify(result, Some(failure)),
                    grade: failure.grade,
                    key,
                    findings: vec![(result, failure)],
                }),
            }
        }
    }
    groups.sort_by_key(|group| {
        (
            severity(group.grade),
            std::cmp::Reverse(group.findings.len()),
        )
    });
    groups
}

fn key(result: &ScenarioResult, failure: &Failure) -> Key {
    match Hint::of(failure) {
        Some(hint) => Key::Known(hint, failure.grade),
        None => Key::Unknown {
            rule: taxonomy::classify(result, Some(failure)).id,
            grade: failure.grade,
            check: failure.check.clone(),
            // Most checks are `Check::Other`: what they expected tells them
            // apart.
            expected: failure.expected.clone(),
            class: failure
                .exchange
                .as_ref()
                .and_then(Exchange::status)
                .map(|status| status / 100),
        },
    }
}

/// Lower is worse.
fn severity(grade: Grade) -> u8 {
    match grade {
        Grade::Broken => 0,
        Grade::NotSetUp => 1,
        Grade::Deviation => 2,
        Grade::Should => 3,
    }
}

/// The URL's path without its query, each segment that is an id (digits, a
/// UUID, a fresh user's `name-<32 hex>`) as `{id}`: every scenario uses
/// fresh users and tasks, so the same route has a new path each time.
fn masked_path(url: &str) -> String {
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
        .unwrap_or(url);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/')
        .map(|segment| if is_id(segment) { "{id}" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

fn is_id(segment: &str) -> bool {
    let hex_tail = |text: &str| text.len() >= 16 && text.chars().all(|c| c.is_ascii_hexdigit());
    !segment.is_empty()
        && (segment.chars().all(|c| c.is_ascii_digit())
            || uuid::Uuid::parse_str(segment).is_ok()
            || segment
                .rsplit_once('-')
                .is_some_and(|(_, tail)| hex_tail(tail)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(
        scenario: &str,
        method: reqwest::Method,
        url: &str,
        status: u16,
        body: &str,
    ) -> ScenarioResult {
        ScenarioResult::failed_answer("Missing token", scenario, (method, url), status, body)
    }

    #[test]
    fn one_cause_on_seven_routes_is_one_group_with_one_example() {
        let user = "alice-0123456789abcdef0123456789abcdef";
        let task = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
        let routes = [
            (reqwest::Method::GET, format!("/api/{user}/tasks")),
            (reqwest::Method::POST, format!("/api/{user}/tasks")),
            (reqwest::Method::GET, format!("/api/{user}/tasks/{task}")),
            (reqwest::Method::PUT, format!("/api/{user}/tasks/{task}")),
            (reqwest::Method::DELETE, format!("/api/{user}/tasks/{task}")),
            (
                reqwest::Method::PATCH,
                format!("/api/{user}/tasks/{task}/complete"),
            ),
            (reqwest::Method::POST, "/api/auth/logout".to_owned()),
        ];
        let report = RunReport {
            scenarios: routes
                .iter()
                .enumerate()
                .map(|(n, (method, path))| {
                    finding(
                        &format!("route {n}"),
                        method.clone(),
                        &format!("http://127.0.0.1:1{path}?x=1"),
                        403,
                        r#"{"detail":"Not authenticated"}"#,
                    )
                })
                .collect(),
            ..RunReport::default()
        };
        let groups = by_cause(&report, |_, _| true);
        assert_eq!(groups.len(), 1, "{groups:?}");
        let group = &groups[0];
        assert_eq!(Hint::of(group.example().1), Some(Hint::FastApiHttpBearer));
        assert_eq!(group.findings.len(), 7);
        assert_eq!(group.example().0.scenario, "route 0");
        let shown = group.routes();
        assert!(shown.contains("GET /api/{id}/tasks"), "{shown:?}");
        assert!(
            shown.contains("PATCH /api/{id}/tasks/{id}/complete"),
            "{shown:?}"
        );
        assert_eq!(shown.len(), 7);
    }

    #[test]
    fn unknown_causes_stay_apart_by_status_class_and_the_worst_comes_first() {
        let mut should = finding("a", reqwest::Method::GET, "http://h/x", 200, "[]");
        should.finding.as_mut().expect("a finding").grade = Grade::Should;
        let report = RunReport {
            scenarios: vec![
                should,
                finding("b", reqwest::Method::GET, "http://h/x", 200, "[]"),
                finding("c", reqwest::Method::POST, "http://h/x", 201, "{}"),
                finding("d", reqwest::Method::GET, "http://h/x", 418, "teapot"),
            ],
            ..RunReport::default()
        };
        let groups = by_cause(&report, |_, _| true);
        let sizes: Vec<(Grade, usize)> = groups
            .iter()
            .map(|group| (group.grade, group.findings.len()))
            .collect();
        assert_eq!(
            sizes,
            [(Grade::Broken, 2), (Grade::Broken, 1), (Grade::Should, 1)]
        );
        assert_eq!(
            groups[0].headline(),
            "promise broken: Missing token: 2 findings, alike: expected 401, got 2xx"
        );
    }
}
