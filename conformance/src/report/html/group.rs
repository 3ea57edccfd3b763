//! The findings, grouped by cause as on the console (`report::groups`): one
//! root cause on many routes is one group, with its headline, count and
//! ids, its hint once, the routes and scenarios it covers, and one full
//! example. What fails the run comes first, then the non-strict findings,
//! then the expected failures.

use maud::{Markup, html};

use super::finding::{self, listed_because, nothing_reported, verdict_class};
use crate::report::finding::Failure;
use crate::report::groups::{self, Group, NAMED_SCENARIOS};
use crate::report::hints::Hint;
use crate::report::results::{RunReport, ScenarioResult, Verdict};

/// Which findings a part holds.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    /// What fails the run: a finding that fails its scenario (a non-strict
    /// one only under --strict), and a scenario listed in
    /// `--expect-failures` that passed.
    FailsRun,
    /// Every other finding not accepted: non-strict ones, deviations noted
    /// on the way of a failed scenario, or of one that stopped unjudged.
    NonStrict,
    Expected,
}

impl Part {
    /// Whether the part holds the scenario's `finding`, or the scenario
    /// itself when it has none.
    fn holds(self, report: &RunReport, result: &ScenarioResult, finding: Option<&Failure>) -> bool {
        let accepted = matches!(result.verdict, Verdict::ExpectedFailure { .. });
        let fails = result.verdict.fails_run()
            && finding.is_none_or(|finding| report.strict || !finding.grade.is_non_strict());
        match self {
            Self::FailsRun => fails,
            Self::NonStrict => {
                !accepted && !fails && (finding.is_some() || result.verdict == Verdict::NonStrict)
            }
            Self::Expected => accepted,
        }
    }

    /// (fragment id, heading)
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::FailsRun => ("failures", "Failures"),
            Self::NonStrict => (
                "non-strict",
                "Non-strict findings (fail the run only with --strict)",
            ),
            Self::Expected => ("expected-failures", "Expected failures (--expect-failures)"),
        }
    }

    /// Accepted findings start closed: the reader has seen them before.
    fn open(self) -> bool {
        !matches!(self, Self::Expected)
    }
}

/// The part's groups, and its scenarios that have no report to group (an
/// unexpected pass); nothing when it holds no scenario.
pub fn part(report: &RunReport, part: Part) -> Markup {
    let groups = groups::by_cause(report, |result, finding| {
        part.holds(report, result, Some(finding))
    });
    let bare: Vec<&ScenarioResult> = report
        .scenarios
        .iter()
        .filter(|result| result.findings().next().is_none() && part.holds(report, result, None))
        .collect();
    let findings: usize = groups.iter().map(|group| group.findings.len()).sum();
    let (id, heading) = part.names();
    html! {
        @if !groups.is_empty() || !bare.is_empty() {
            section id=(id) {
                "\n"
                h2 { (heading) ": " (counted(findings, groups.len(), bare.len())) }
                "\n"
                @for group in &groups { (group_box(report, part, group)) }
                @if !bare.is_empty() {
                    ul.bare {
                        "\n"
                        @for result in bare { (bare_item(result)) }
                    }
                    "\n"
                }
            }
            "\n"
        }
    }
}

/// One cause: its headline with the count, its ids, its hint, why it is
/// accepted, what it covers, and its example.
fn group_box(report: &RunReport, part: Part, group: &Group<'_>) -> Markup {
    let (result, example) = group.example();
    let count = group.findings.len();
    // A deviation noted on the way of a failed scenario is non-strict.
    let verdict = match part {
        Part::NonStrict => &Verdict::NonStrict,
        Part::FailsRun | Part::Expected => &result.verdict,
    };
    let class = verdict_class(verdict);
    html! {
        details.group.(class) open[part.open()] {
            "\n"
            summary {
                span.badge.(class) { (verdict.label()) } " "
                (group.headline())
            }
            "\n"
            p.ids { code { (group.rule.id) } " " (group.rule.name) " · " (group.rule.ids()) } "\n"
            @if let Some(hint) = Hint::of(example) {
                p.hint { span.label { "hint" } " " (hint.says()) } "\n"
            }
            @for reason in listed_reasons(group) {
                p.reason { "listed in --expect-failures: " (reason) } "\n"
            }
            @if count > 1 { (covers(group)) }
            @if count > 1 { p.example { "example: " (result.id()) } "\n" }
            (finding::example(example, report.show_tokens))
        }
        "\n"
    }
}

/// The routes (ids masked) and the scenarios a group covers.
fn covers(group: &Group<'_>) -> Markup {
    let routes: Vec<String> = group.routes().into_iter().collect();
    let names: Vec<String> = group
        .findings
        .iter()
        .map(|(result, _)| result.id())
        .collect();
    let (named, more) = names.split_at(names.len().min(NAMED_SCENARIOS));
    html! {
        dl.covers {
            "\n"
            @if !routes.is_empty() {
                dt { "routes" } dd { (routes.join(", ")) } "\n"
            }
            dt { "scenarios" }
            dd {
                (named.join("; "))
                @if !more.is_empty() {
                    details.more {
                        summary { "and " (more.len()) " more" }
                        ul { @for name in more { li { (name) } } }
                    }
                }
            }
            "\n"
        }
        "\n"
    }
}

/// The distinct `--expect-failures` reasons of a group's scenarios.
fn listed_reasons<'a>(group: &Group<'a>) -> Vec<&'a str> {
    let mut reasons: Vec<&str> = Vec::new();
    for (result, _) in &group.findings {
        if let Some(reason) = listed_because(&result.verdict)
            && !reasons.contains(&reason)
        {
            reasons.push(reason);
        }
    }
    reasons
}

fn bare_item(result: &ScenarioResult) -> Markup {
    let class = verdict_class(&result.verdict);
    html! {
        li {
            span.badge.(class) { (result.verdict.label()) } " " (result.id())
            @if let Some(reason) = listed_because(&result.verdict) {
                " (listed in --expect-failures: " (reason) ")"
            }
            ": " span.reason { (nothing_reported(&result.verdict)) }
        }
        "\n"
    }
}

/// `7 findings from 1 cause`, `1 scenario without a report`, or both.
fn counted(findings: usize, causes: usize, bare: usize) -> String {
    let mut parts = Vec::new();
    if causes > 0 {
        parts.push(format!(
            "{} from {}",
            plural(findings, "finding"),
            plural(causes, "cause")
        ));
    }
    if bare > 0 {
        parts.push(format!("{} without a report", plural(bare, "scenario")));
    }
    parts.join(", ")
}

/// `1 finding`, `2 findings`.
pub fn plural(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}
