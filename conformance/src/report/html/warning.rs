//! What this run did not check, near the top where no reader misses it:
//! the promises nothing verified (NOT CHECKED) and the scenarios that did
//! not run, one line per reason: those the user can unlock as a warning,
//! those that cannot run against this target behind a toggle.

use maud::{Markup, html};

use super::group::plural;
use crate::contract::SkipKind;
use crate::report::results::RunReport;
use crate::report::skips::{self, SkipGroup};

/// The warning box; nothing when every scenario ran.
pub fn unchecked(report: &RunReport) -> Markup {
    let groups = skips::by_reason(report);
    let not_checked: Vec<String> = report
        .not_checked()
        .into_iter()
        .map(|row| row.promise)
        .collect();
    html! {
        @if !groups.is_empty() || !not_checked.is_empty() {
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
                (unlockable(&groups, report.show_tokens))
                (unsupported(&groups, report.show_tokens))
            }
            "\n"
        }
    }
}

/// How many reasons the warning lists before the rest go behind a toggle:
/// those that cost the most checks, few enough that the first finding
/// group stays on the first screen (a client without keys has eight).
const LISTED_REASONS: usize = 3;

/// The scenarios the user can unlock: a warning, one line per reason.
fn unlockable(groups: &[SkipGroup<'_>], show_tokens: bool) -> Markup {
    let count = skips::count(groups, SkipKind::Unlockable);
    let reasons: Vec<&SkipGroup<'_>> = of_kind(groups, SkipKind::Unlockable);
    let (listed, more) = reasons.split_at(reasons.len().min(LISTED_REASONS));
    html! {
        @if count > 0 {
            p.skipwarning {
                strong { "Warning: " (plural(count, "scenario")) " did not run" }
                ", and you can unlock them (each reason says how); until then the checks they make are NOT verified by this run:"
            }
            "\n"
            (reason_list(listed, show_tokens))
            @if !more.is_empty() {
                details.more {
                    summary { "and " (plural(more.len(), "more reason")) }
                    (reason_list(more, show_tokens))
                }
                "\n"
            }
        }
    }
}

/// The scenarios that cannot run against this target: one line, the
/// reasons behind a toggle.
fn unsupported(groups: &[SkipGroup<'_>], show_tokens: bool) -> Markup {
    let count = skips::count(groups, SkipKind::Unsupported);
    html! {
        @if count > 0 {
            details.more.unsupported {
                summary { (plural(count, "scenario")) " " (skips::UNSUPPORTED) }
                (reason_list(&of_kind(groups, SkipKind::Unsupported), show_tokens))
            }
            "\n"
        }
    }
}

fn of_kind<'g, 'a>(groups: &'g [SkipGroup<'a>], kind: SkipKind) -> Vec<&'g SkipGroup<'a>> {
    groups.iter().filter(|group| group.kind == kind).collect()
}

fn reason_list(reasons: &[&SkipGroup<'_>], show_tokens: bool) -> Markup {
    html! {
        ul.skips {
            "\n"
            @for group in reasons {
                li {
                    span.badge.skipped { (group.scenarios.len()) " skipped" } " "
                    span.reason { (skips::shown(group.reason, show_tokens)) }
                    " (" (group.promises().join(", ")) ")"
                }
                "\n"
            }
        }
        "\n"
    }
}
