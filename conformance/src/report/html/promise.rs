//! A promise's section: its status, why it went unchecked if it did, its
//! findings, then its skipped, passed and informational scenarios listed
//! compactly.

use maud::{Markup, html};

use super::finding;
use super::matrix::{anchor, row_status};
use crate::report::results::{PromiseRow, RunReport, ScenarioResult, Verdict};

pub fn section(report: &RunReport, index: usize, row: &PromiseRow) -> Markup {
    let results: Vec<&ScenarioResult> = report
        .scenarios
        .iter()
        .filter(|result| result.promise == row.promise)
        .collect();
    let (status_class, status) = row_status(row);
    html! {
        section id=(anchor(index, &row.promise)) {
            "\n"
            h2 { (row.promise) " " span.badge.(status_class) { (status) } } "\n"
            @if let Some(reason) = &row.not_checked_because {
                p.reason {
                    "NOT CHECKED: every scenario that decides this promise was skipped, \
                     so this run does not verify it (" (reason) ")."
                }
                "\n"
            }
            @for result in results.iter().filter(|result| has_finding(&result.verdict)) {
                (finding::details(result, report.show_tokens))
            }
            (skipped(&results))
            (passed(&results))
            (informational(report, &row.promise))
        }
        "\n"
    }
}

/// Verdicts worth a report of their own; passes and skips are listed compactly.
fn has_finding(verdict: &Verdict) -> bool {
    !matches!(verdict, Verdict::Passed | Verdict::Skipped { .. })
}

fn skipped(results: &[&ScenarioResult]) -> Markup {
    let skipped: Vec<(&str, &str)> = results
        .iter()
        .filter_map(|result| match &result.verdict {
            Verdict::Skipped { reason, .. } => Some((result.scenario.as_str(), reason.as_str())),
            _ => None,
        })
        .collect();
    html! {
        @if !skipped.is_empty() {
            h3 { "Skipped" } "\n"
            ul {
                "\n"
                @for (scenario, reason) in skipped {
                    li { span.badge.skipped { "skipped" } " " (scenario) ": " span.reason { (reason) } } "\n"
                }
            }
            "\n"
        }
    }
}

fn passed(results: &[&ScenarioResult]) -> Markup {
    let passed: Vec<&str> = results
        .iter()
        .filter(|result| result.verdict == Verdict::Passed)
        .map(|result| result.scenario.as_str())
        .collect();
    html! {
        @if !passed.is_empty() {
            h3 { "Passed" } "\n"
            ul { "\n" @for scenario in passed { li { (scenario) } "\n" } }
            "\n"
        }
    }
}

fn informational(report: &RunReport, promise: &str) -> Markup {
    let notes: Vec<_> = report
        .informational
        .iter()
        .filter(|note| note.promise == promise)
        .collect();
    html! {
        @if !notes.is_empty() {
            h3 { "Informational" } "\n"
            ul {
                "\n"
                @for note in notes {
                    li { span.badge.info { "note" } " " (note.scenario) ": " span.note { (note.text) } } "\n"
                }
            }
            "\n"
        }
    }
}
