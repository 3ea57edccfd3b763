//! The suite's own JSON report (`--json`): every scenario with its one
//! grade, and each finding with its check, hint, request, response excerpt
//! and curl command. Rendered from the typed results; credentials are
//! hidden unless `--show-tokens`, as everywhere.

use serde::Serialize;

use crate::contract::SkipKind;
use crate::report::finding::{Check, Failure, Grade};
use crate::report::hints::Hint;
use crate::report::redact::{self, BODY_EXCERPT_BYTES, excerpt, header_value};
use crate::report::results::{Informational, PromiseRow, RunReport, ScenarioResult, Verdict};
use crate::report::taxonomy::{self, Rule};
use crate::report::text;

/// Bumped when a field changes meaning or goes away; fields are added
/// without a bump, and readers ignore those they do not know
/// (docs/json-report.md).
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    format_version: u32,
    tool: &'static str,
    tool_version: &'static str,
    target: &'a str,
    profile: &'a str,
    started_at: &'a str,
    duration_secs: f64,
    strict: bool,
    /// Why the run stopped without a result for its scenarios; then
    /// `scenarios` is empty and every total zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped: Option<String>,
    totals: Counts,
    promises: Vec<Counts>,
    scenarios: Vec<ScenarioEntry<'a>>,
    informational: &'a [Informational],
    left_behind: &'a [String],
    /// `--expect-failures` entries past their date: each fails the run.
    expired_acceptances: &'a [String],
}

#[derive(Serialize)]
struct Counts {
    promise: String,
    /// The row in a word, as the console and HTML matrices say it:
    /// `"NOT CHECKED"` when every scenario deciding the promise was skipped.
    /// Absent from the totals.
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    passed: usize,
    failed: usize,
    non_strict: usize,
    expected_failures: usize,
    skipped: usize,
    informational: usize,
    /// Promises not checked: 0 or 1 for a promise, the count in the totals.
    not_checked: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_checked_because: Option<String>,
}

impl Counts {
    fn promise(row: PromiseRow) -> Self {
        let status = Some(row.status().label());
        Self {
            status,
            ..Self::totals(row)
        }
    }

    fn totals(row: PromiseRow) -> Self {
        Self {
            promise: row.promise,
            status: None,
            passed: row.passed,
            failed: row.failed,
            non_strict: row.non_strict,
            expected_failures: row.expected_failures,
            skipped: row.skipped,
            informational: row.informational,
            not_checked: row.not_checked,
            not_checked_because: row.not_checked_because,
        }
    }
}

#[derive(Serialize)]
struct ScenarioEntry<'a> {
    promise: &'a str,
    scenario: &'a str,
    verdict: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    /// For `skipped`: whether the user can make it run.
    #[serde(skip_serializing_if = "Option::is_none")]
    skip_kind: Option<SkipKind>,
    #[serde(flatten)]
    ids: Ids,
    findings: Vec<Finding<'a>>,
}

/// A scenario's or a finding's family and its ids.
#[derive(Serialize)]
struct Ids {
    rule: &'static str,
    cwe: String,
    owasp: &'static str,
}

impl Ids {
    fn of(rule: &Rule) -> Self {
        Self {
            rule: rule.id,
            cwe: rule.cwe_id(),
            owasp: rule.owasp.id(),
        }
    }
}

#[derive(Serialize)]
struct Finding<'a> {
    grade: Grade,
    #[serde(flatten)]
    ids: Ids,
    headline: String,
    check: &'a Check,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<HintText>,
    expected: &'a str,
    actual: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<Request>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<Response>,
    #[serde(skip_serializing_if = "Option::is_none")]
    curl: Option<String>,
}

#[derive(Serialize)]
struct HintText {
    cause: Hint,
    says: &'static str,
}

#[derive(Serialize)]
struct Request {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Response {
    Answered {
        status: u16,
        headers: Vec<(String, String)>,
        body_excerpt: String,
        truncated: bool,
    },
    None {
        error: String,
    },
}

pub fn render(report: &RunReport) -> String {
    let document = Report {
        format_version: FORMAT_VERSION,
        tool: env!("CARGO_PKG_NAME"),
        tool_version: env!("CARGO_PKG_VERSION"),
        target: &report.target,
        profile: &report.profile,
        started_at: &report.started_at,
        duration_secs: report.duration_secs,
        strict: report.strict,
        stopped: report.stop_reason(),
        totals: Counts::totals(report.totals()),
        promises: report
            .by_promise()
            .into_iter()
            .map(Counts::promise)
            .collect(),
        scenarios: report
            .scenarios
            .iter()
            .map(|result| scenario(result, report.show_tokens))
            .collect(),
        informational: &report.informational,
        left_behind: &report.left_behind,
        expired_acceptances: &report.expired,
    };
    serde_json::to_string_pretty(&document).expect("the report serialises")
}

fn scenario(result: &ScenarioResult, show_tokens: bool) -> ScenarioEntry<'_> {
    let reason = match &result.verdict {
        Verdict::ExpectedFailure { reason }
        | Verdict::UnexpectedPass { reason }
        | Verdict::Skipped { reason, .. } => Some(reason.as_str()),
        _ => None,
    };
    let skip_kind = match &result.verdict {
        Verdict::Skipped { kind, .. } => Some(*kind),
        _ => None,
    };
    ScenarioEntry {
        promise: &result.promise,
        scenario: &result.scenario,
        verdict: result.verdict.label(),
        reason,
        skip_kind,
        ids: Ids::of(taxonomy::classify(result, None)),
        findings: result
            .findings()
            .map(|failure| {
                finding(
                    failure,
                    taxonomy::classify(result, Some(failure)),
                    show_tokens,
                )
            })
            .collect(),
    }
}

fn finding<'a>(failure: &'a Failure, rule: &Rule, show_tokens: bool) -> Finding<'a> {
    let shown = |text: &str| redact::shown(text, show_tokens);
    let headers = |headers: &[(String, String)]| {
        headers
            .iter()
            .map(|(name, value)| (name.clone(), header_value(name, value, show_tokens)))
            .collect()
    };
    let exchange = failure.exchange.as_ref();
    Finding {
        grade: failure.grade,
        ids: Ids::of(rule),
        headline: text::headline(failure),
        check: &failure.check,
        hint: Hint::of(failure).map(|cause| HintText {
            cause,
            says: cause.says(),
        }),
        expected: &failure.expected,
        actual: &failure.actual,
        request: exchange.map(|exchange| Request {
            method: exchange.request.method.to_string(),
            url: shown(&exchange.request.url),
            headers: headers(&exchange.request.headers),
            body: exchange.request.body.as_deref().map(shown),
        }),
        response: exchange.map(|exchange| match &exchange.response {
            Ok(received) => Response::Answered {
                status: received.status,
                headers: headers(&received.headers),
                body_excerpt: shown(&excerpt(&received.body, BODY_EXCERPT_BYTES)),
                truncated: received.truncated,
            },
            Err(error) => Response::None {
                error: error.to_string(),
            },
        }),
        curl: text::reproduce(failure, show_tokens).map(|(command, _)| command),
    }
}

#[cfg(test)]
mod tests;
