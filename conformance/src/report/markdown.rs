//! `--markdown FILE`: a short Markdown summary for a CI job page (GitHub's
//! `$GITHUB_STEP_SUMMARY`): the verdict, the promise matrix, then each
//! failed finding with its hint and how to reproduce it. What the target
//! sent goes only into code spans and fenced blocks, so that it shows as
//! text and never as Markdown or HTML.
//!
//! Written by hand: no maintained crate builds GitHub-flavoured Markdown
//! with escaping; the rules that matter here are the two below (a code
//! fence longer than any backtick run inside, and `|` in table cells).

use std::fmt::Write as _;

use crate::report::finding::Failure;
use crate::report::hints::Hint;
use crate::report::results::{RunReport, ScenarioResult, Verdict};
use crate::report::{redact, safe, skips, taxonomy, text};

/// A job summary is capped (1 MiB on GitHub): past this many failed
/// findings, the rest are counted and left to the other reports.
const MAX_FINDINGS: usize = 30;

pub fn render(report: &RunReport) -> String {
    let mut page = String::new();
    let totals = report.totals();
    let verdict = if report.stopped.is_some() {
        "did not run"
    } else if report.fails_run() {
        "FAILED"
    } else {
        "passed"
    };
    let _ = writeln!(
        page,
        "## todo-conformance {}: {verdict}\n\nTarget {} (profile {}){}: {} passed, {} failed, {} non-strict, {} skipped, {} expected failures, in {:.0} s.\n",
        env!("CARGO_PKG_VERSION"),
        code(&report.target),
        code(&report.profile),
        if report.strict { ", --strict" } else { "" },
        totals.passed,
        totals.failed,
        totals.non_strict,
        totals.skipped,
        totals.expected_failures,
        report.duration_secs
    );
    if let Some(reason) = report.stop_reason() {
        let _ = writeln!(
            page,
            "The run stopped before any scenario: {}\n",
            code(&reason)
        );
        return page;
    }
    matrix(&mut page, report);
    for row in report.not_checked() {
        let because = row
            .not_checked_because
            .as_deref()
            .unwrap_or("no reason recorded");
        let _ = writeln!(
            page,
            "> [!WARNING]\n> **NOT CHECKED: {}**: every scenario that decides it was skipped ({}).\n",
            row.promise,
            code(&skips::shown(because, report.show_tokens))
        );
    }
    failed_findings(&mut page, report);
    outside_scenarios(&mut page, report);
    page
}

/// What fails the run besides a scenario's finding: a stale or expired
/// acceptance, a task left behind.
fn outside_scenarios(page: &mut String, report: &RunReport) {
    let mut lines: Vec<String> = report
        .scenarios
        .iter()
        .filter_map(|result| match &result.verdict {
            Verdict::UnexpectedPass { reason } => Some(format!(
                "{}: listed in `--expect-failures` ({}), but it passed: remove it from the list",
                result.id(),
                code(reason)
            )),
            _ => None,
        })
        .collect();
    lines.extend(
        report
            .expired
            .iter()
            .map(|entry| format!("expired `--expect-failures` entry: {}", code(entry))),
    );
    if !report.left_behind.is_empty() {
        let ids: Vec<String> = report.left_behind.iter().map(|id| code(id)).collect();
        lines.push(format!(
            "left behind: {} task(s) the suite created and could not delete: {}",
            ids.len(),
            ids.join(", ")
        ));
    }
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(page, "### Also failing the run\n");
    for line in lines {
        let _ = writeln!(page, "- {line}");
    }
    page.push('\n');
}

fn matrix(page: &mut String, report: &RunReport) {
    page.push_str("| promise | status | passed | failed | non-strict | expected | skipped |\n");
    page.push_str("|---|---|--:|--:|--:|--:|--:|\n");
    for row in report.by_promise() {
        let status = row.status().label();
        let status = if status == "passed" {
            status.to_owned()
        } else {
            format!("**{status}**")
        };
        let _ = writeln!(
            page,
            "| {} | {status} | {} | {} | {} | {} | {} |",
            cell(&row.promise),
            row.passed,
            row.failed,
            row.non_strict,
            row.expected_failures,
            row.skipped
        );
    }
    page.push('\n');
}

fn failed_findings(page: &mut String, report: &RunReport) {
    let failed: Vec<(&ScenarioResult, &Failure)> = report
        .scenarios
        .iter()
        .filter(|result| result.verdict == Verdict::Failed)
        .flat_map(|result| result.findings().map(move |failure| (result, failure)))
        .collect();
    if failed.is_empty() {
        return;
    }
    let _ = writeln!(page, "### Failed ({})\n", failed.len());
    for (result, failure) in failed.iter().take(MAX_FINDINGS) {
        finding(page, result, failure, report.show_tokens);
    }
    if failed.len() > MAX_FINDINGS {
        let _ = writeln!(
            page,
            "…and {} more failed findings: see the HTML, JUnit or JSON report.\n",
            failed.len() - MAX_FINDINGS
        );
    }
}

fn finding(page: &mut String, result: &ScenarioResult, failure: &Failure, show_tokens: bool) {
    let rule = taxonomy::classify(result, Some(failure));
    let _ = writeln!(
        page,
        "#### {}\n\n- {} ({})\n- expected {}, got {}",
        result.id(),
        rule.ids(),
        rule.id,
        code(&failure.expected),
        code(&failure.actual)
    );
    if let Some(exchange) = &failure.exchange {
        let _ = writeln!(
            page,
            "- request {}",
            code(&format!(
                "{} {}",
                exchange.request.method,
                redact::shown(&exchange.request.url, show_tokens)
            ))
        );
    }
    if let Some(hint) = Hint::of(failure) {
        let _ = writeln!(page, "- hint: {}", hint.says());
    }
    if let Some((command, note)) = text::reproduce(failure, show_tokens) {
        let fence = fence_for(&command);
        let _ = writeln!(page, "\n{fence}sh\n{command}\n{fence}");
        if let Some(note) = note {
            let _ = writeln!(page, "\n{note}");
        }
    }
    page.push('\n');
}

/// `text` as one inline code span: on one line, between backtick runs
/// longer than any inside it (CommonMark's rule), padded so that a
/// backtick at either end stays text.
fn code(text: &str) -> String {
    let text = safe::line(text);
    let ticks = "`".repeat(longest_backtick_run(&text) + 1);
    format!("{ticks} {text} {ticks}")
}

/// A table cell's text: `|` would end the cell, even inside a code span,
/// so only cells get it escaped (elsewhere the backslash would show).
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// A code fence no line of `text` can close.
fn fence_for(text: &str) -> String {
    "`".repeat((longest_backtick_run(text) + 1).max(3))
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::finding::{Check, Grade};
    use crate::target::http::Exchange;

    fn report_with(actual: &str) -> RunReport {
        let failure = Failure {
            promise: "Missing token".to_owned(),
            scenario: "list".to_owned(),
            grade: Grade::Broken,
            check: Check::Status(vec![401]),
            presented: None,
            expected: "401".to_owned(),
            actual: actual.to_owned(),
            exchange: None,
        };
        let mut result = ScenarioResult::with_verdict("Missing token", "list", Verdict::Failed);
        result.finding = Some(failure);
        RunReport {
            target: "http://127.0.0.1:1".to_owned(),
            profile: "seed".to_owned(),
            scenarios: vec![result],
            ..RunReport::default()
        }
    }

    #[test]
    fn a_failed_finding_is_listed_under_a_failed_verdict_with_the_matrix() {
        let page = render(&report_with("200"));
        assert!(page.starts_with("## todo-conformance"), "{page}");
        assert!(page.contains(": FAILED"));
        assert!(page.contains("| Missing token | **failed** | 0 | 1 |"));
        assert!(page.contains("#### Missing token: list"));
        assert!(page.contains("- expected ` 401 `, got ` 200 `"), "{page}");
        assert!(
            page.contains("- CWE-"),
            "every finding carries its ids: {page}"
        );
    }

    #[test]
    fn what_fails_the_run_outside_a_scenario_is_listed_and_tokens_are_hidden() {
        let mut report = report_with("200");
        report.expired = vec!["Missing token: list: accepted until 2000-01-31".to_owned()];
        report.left_behind = vec!["task-1".to_owned()];
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl";
        let exchange = Exchange::answered(
            reqwest::Method::GET,
            &format!("http://127.0.0.1:1/api/alice/tasks?access_token={token}"),
            200,
            b"",
        );
        report.scenarios[0]
            .finding
            .as_mut()
            .expect("a finding")
            .exchange = Some(exchange);
        let page = render(&report);
        assert!(page.contains("### Also failing the run"), "{page}");
        assert!(page.contains("accepted until 2000-01-31"), "{page}");
        assert!(
            page.contains("`` task-1 ``") || page.contains("` task-1 `"),
            "{page}"
        );
        assert!(
            !page.contains(token),
            "a whole token in the summary: {page}"
        );
    }

    #[test]
    fn what_the_target_sent_stays_text() {
        let hostile = "</details><img src=x onerror=alert(1)> `` | # Passed\n## All good";
        let page = render(&report_with(hostile));
        let line = page
            .lines()
            .find(|line| line.contains("onerror"))
            .expect("the actual value is shown");
        // One line, inside a code span whose fence is longer than the
        // backtick run inside, and the pipe escaped.
        assert!(line.starts_with("- expected"), "{line}");
        assert!(line.contains("``` </details>"), "{line}");
        assert!(line.contains("`` | #") && !line.contains("\\|"), "{line}");
        assert!(!page.contains("\n## All good"), "{page}");
    }
}
