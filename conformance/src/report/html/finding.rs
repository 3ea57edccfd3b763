//! One finding shown in full (its group's example): what was expected and
//! what came, the request and the response, then its curl command in a
//! block of its own, holding the command only, so that it copies whole.
//! And the words a verdict is shown with.

use maud::{Markup, html};

use crate::report::finding::Failure;
use crate::report::results::Verdict;
use crate::report::text;

/// The finding's report, then how to reproduce it; the note on where the
/// command's credentials come from sits under the block, not in it, so
/// that pasting the block runs the command and nothing else.
pub fn example(finding: &Failure, show_tokens: bool) -> Markup {
    html! {
        pre.report {
            (text::outcome(finding))
            (text::exchange(finding, show_tokens))
        }
        "\n"
        @if let Some((command, note)) = text::reproduce(finding, show_tokens) {
            p.reproduce { "reproduce:" } "\n"
            pre.curl { (command) } "\n"
            @if let Some(note) = note {
                p.curlnote { (note) } "\n"
            }
        }
    }
}

/// The CSS class of a verdict's colour.
pub fn verdict_class(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "passed",
        Verdict::Failed | Verdict::UnexpectedPass { .. } => "failed",
        Verdict::NonStrict => "nonstrict",
        Verdict::ExpectedFailure { .. } => "expected",
        Verdict::Skipped { .. } => "skipped",
    }
}

/// The reason of the `--expect-failures` entry that names the scenario.
pub fn listed_because(verdict: &Verdict) -> Option<&str> {
    match verdict {
        Verdict::ExpectedFailure { reason } | Verdict::UnexpectedPass { reason } => Some(reason),
        _ => None,
    }
}

/// Why a scenario with this verdict has no report: an unexpected pass has
/// nothing to report but the stale list entry.
pub fn nothing_reported(verdict: &Verdict) -> &'static str {
    if matches!(verdict, Verdict::UnexpectedPass { .. }) {
        "it passed: remove it from the --expect-failures list"
    } else {
        "no report was recorded"
    }
}
