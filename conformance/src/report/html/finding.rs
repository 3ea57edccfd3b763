//! A finding: collapsible, open when it fails the run since that is what a
//! reader came for, with its family's ids (rule, CWE, OWASP API Top 10)
//! and its known cause (the hint) set apart from its report, and its curl
//! command in a block of its own so that it can be copied whole.

use maud::{Markup, html};

use crate::report::finding::Failure;
use crate::report::hints::Hint;
use crate::report::results::{ScenarioResult, Verdict};
use crate::report::taxonomy::{self, Rule};
use crate::report::text;

pub fn details(result: &ScenarioResult, show_tokens: bool) -> Markup {
    let class = verdict_class(&result.verdict);
    html! {
        details.finding.(class) open[result.verdict.fails_run()] {
            "\n"
            summary { span.badge.(class) { (result.verdict.label()) } " " (result.scenario) } "\n"
            @if let Some(reason) = listed_because(&result.verdict) {
                p.reason { "listed in --expect-failures: " (reason) } "\n"
            }
            @if result.findings().next().is_none() {
                p.reason { (nothing_reported(&result.verdict)) } "\n"
            }
            @for finding in result.findings() {
                (report(finding, taxonomy::classify(result, Some(finding)), show_tokens))
            }
        }
        "\n"
    }
}

fn verdict_class(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "passed",
        Verdict::Failed | Verdict::UnexpectedPass { .. } => "failed",
        Verdict::NonStrict => "nonstrict",
        Verdict::ExpectedFailure { .. } => "expected",
        Verdict::Skipped { .. } => "skipped",
    }
}

/// The reason of the `--expect-failures` entry that names the scenario.
fn listed_because(verdict: &Verdict) -> Option<&str> {
    match verdict {
        Verdict::ExpectedFailure { reason } | Verdict::UnexpectedPass { reason } => Some(reason),
        _ => None,
    }
}

/// Why a finding's box holds no report: an unexpected pass has nothing to
/// report but the stale list entry.
fn nothing_reported(verdict: &Verdict) -> &'static str {
    if matches!(verdict, Verdict::UnexpectedPass { .. }) {
        "it passed: remove it from the --expect-failures list"
    } else {
        "no report was recorded"
    }
}

/// The finding's family (its rule, CWE and OWASP ids), its known cause, its
/// report (what was expected and what came, the request and the response),
/// then how to reproduce it.
fn report(finding: &Failure, rule: &Rule, show_tokens: bool) -> Markup {
    html! {
        p.ids { code { (rule.id) } " " (rule.name) " · " (rule.ids()) } "\n"
        @if let Some(hint) = Hint::of(finding) {
            p.hint { span.label { "hint" } " " (hint.says()) } "\n"
        }
        pre.report {
            (text::headline(finding)) "\n"
            (text::outcome(finding))
            (text::exchange(finding, show_tokens))
        }
        "\n"
        @if let Some((command, note)) = text::reproduce(finding, show_tokens) {
            p.reproduce { "reproduce:" } "\n"
            pre.curl {
                "  " (command)
                @if let Some(note) = note { "\n  " (note) }
            }
            "\n"
        }
    }
}
