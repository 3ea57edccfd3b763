//! A promise's scenarios behind a toggle (`<details>`, no script): the
//! matrix row above already gives the counts, so the list of what passed
//! stays out of the way of the findings. Closed unless nothing verified
//! the promise.

use maud::{Markup, html};

use super::finding::verdict_class;
use super::matrix::{anchor, row_status};
use crate::report::results::{PromiseRow, RunReport, ScenarioResult, Verdict};
use crate::report::skips;

pub fn section(report: &RunReport, index: usize, row: &PromiseRow) -> Markup {
    let mut results: Vec<&ScenarioResult> = report
        .scenarios
        .iter()
        .filter(|result| result.promise == row.promise)
        .collect();
    // What did not pass first; sort_by_key is stable, so run order stays.
    results.sort_by_key(|result| result.verdict == Verdict::Passed);
    let (status_class, status) = row_status(row);
    html! {
        details.promise id=(anchor(index, &row.promise)) open[row.not_checked > 0] {
            "\n"
            summary {
                (row.promise) " " span.badge.(status_class) { (status) }
                " " span.count { "(" (counts(row)) ")" }
            }
            "\n"
            @if let Some(reason) = &row.not_checked_because {
                p.reason {
                    "NOT CHECKED: every scenario that decides this promise was skipped, \
                     so this run does not verify it (" (skips::shown(reason, report.show_tokens)) ")."
                }
                "\n"
            }
            @if !results.is_empty() {
                ul.scenarios {
                    "\n"
                    @for result in results { (scenario(result, report.show_tokens)) }
                }
                "\n"
            }
        }
        "\n"
    }
}

fn scenario(result: &ScenarioResult, show_tokens: bool) -> Markup {
    let class = verdict_class(&result.verdict);
    html! {
        li {
            span.badge.(class) { (result.verdict.label()) } " " (result.scenario)
            @if let Verdict::Skipped { reason, .. } = &result.verdict {
                ": " span.reason { (skips::shown(reason, show_tokens)) }
            }
        }
        "\n"
    }
}

/// `12 passed, 1 skipped`: the row's non-zero counts.
fn counts(row: &PromiseRow) -> String {
    let counts = [
        (row.passed, "passed"),
        (row.failed, "failed"),
        (row.non_strict, "non-strict"),
        (row.expected_failures, "expected failures"),
        (row.skipped, "skipped"),
        (row.informational, "informational"),
    ];
    counts
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, label)| format!("{count} {label}"))
        .collect::<Vec<_>>()
        .join(", ")
}
