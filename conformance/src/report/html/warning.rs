//! What this run did not check, near the top where no reader misses it:
//! the promises nothing verified (NOT CHECKED) and the scenarios that did
//! not run, one line per reason.

use maud::{Markup, html};

use super::group::plural;
use crate::report::results::{RunReport, ScenarioResult, Verdict};
use crate::report::safe;

/// The warning box; nothing when every scenario ran.
pub fn unchecked(report: &RunReport) -> Markup {
    let skipped: Vec<&ScenarioResult> = report
        .scenarios
        .iter()
        .filter(|result| matches!(result.verdict, Verdict::Skipped { .. }))
        .collect();
    let not_checked: Vec<String> = report
        .not_checked()
        .into_iter()
        .map(|row| row.promise)
        .collect();
    html! {
        @if !skipped.is_empty() || !not_checked.is_empty() {
            section id="not-verified" .warning {
                "\n"
                @if !not_checked.is_empty() {
                    // The why is in the reasons below, each naming its promises.
                    p.notchecked {
                        strong { "NOT CHECKED: " (not_checked.join(", ")) }
                        ": every scenario that decides "
                        (if not_checked.len() == 1 { "it" } else { "each" })
                        " was skipped, so this run does not verify "
                        (if not_checked.len() == 1 { "it" } else { "them" })
                    }
                    "\n"
                }
                (skipped_by_reason(&skipped))
            }
            "\n"
        }
    }
}

/// How many reasons the warning lists before the rest go behind a toggle:
/// those that cost the most checks, few enough that the first finding
/// group stays on the first screen (a client without keys has eight).
const LISTED_REASONS: usize = 4;

/// The skipped scenarios, one line per reason: how many, why, and which
/// promises they belong to; the reasons that skipped most first.
fn skipped_by_reason(skipped: &[&ScenarioResult]) -> Markup {
    // In the order the reasons first appear.
    let mut reasons: Vec<Reason<'_>> = Vec::new();
    for result in skipped {
        let Verdict::Skipped { reason } = &result.verdict else {
            continue;
        };
        let index = if let Some(index) = reasons.iter().position(|(seen, ..)| seen == reason) {
            index
        } else {
            reasons.push((reason, 0, Vec::new()));
            reasons.len() - 1
        };
        let (_, count, promises) = &mut reasons[index];
        *count += 1;
        if !promises.contains(&result.promise.as_str()) {
            promises.push(&result.promise);
        }
    }
    // Stable: reasons that skipped as many stay in the order they came.
    reasons.sort_by_key(|(_, count, _)| std::cmp::Reverse(*count));
    let (listed, more) = reasons.split_at(reasons.len().min(LISTED_REASONS));
    html! {
        @if !skipped.is_empty() {
            p.skipwarning {
                strong { "Warning: " (plural(skipped.len(), "scenario")) " did not run" }
                "; the checks they make are NOT verified by this run:"
            }
            "\n"
            (reason_list(listed))
            @if !more.is_empty() {
                details.more {
                    summary { "and " (plural(more.len(), "more reason")) }
                    (reason_list(more))
                }
                "\n"
            }
        }
    }
}

/// (reason, scenarios, promises)
type Reason<'a> = (&'a str, usize, Vec<&'a str>);

fn reason_list(reasons: &[Reason<'_>]) -> Markup {
    html! {
        ul.skips {
            "\n"
            @for (reason, count, promises) in reasons {
                li {
                    span.badge.skipped { (count) " skipped" } " "
                    span.reason { (reason_text(reason)) }
                    " (" (promises.join(", ")) ")"
                }
                "\n"
            }
        }
        "\n"
    }
}

/// A reason may quote the target (a redirect's Location): one line, as on
/// the console.
fn reason_text(reason: &str) -> String {
    safe::line(reason)
}
