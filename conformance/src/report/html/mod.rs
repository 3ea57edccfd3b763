//! The HTML report: one self-contained page (inline style, no script, no
//! external assets, so it opens offline and can be attached to a CI run).
//! Its order is a reader's: the run's result, what this run did not check,
//! then the findings grouped by cause as on the console (what fails the run
//! first), and only then the promise matrix and the scenarios that passed,
//! as counts with their list behind a toggle. A failing run's first group
//! is on the first screen (`ci/check-html-report.sh --expect-group`).
//!
//! Written with maud: the templates are Rust, checked when the suite
//! compiles, and every value spliced into them is escaped; only the page's
//! own style sheet goes in as it is. That matters here: failure reports
//! quote response bodies, and the target under test may be the attacker.
//!
//! Each part of the page is a function that returns `Markup`, so a new
//! layout rearranges parts rather than strings. Newlines between blocks
//! keep the page's source readable.

mod finding;
mod group;
mod matrix;
mod promise;
mod warning;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use self::group::Part;
use crate::report::results::RunReport;
use crate::report::safe;

/// A self-contained HTML page: the result, the findings by cause, then the
/// promise matrix and every scenario.
pub fn render(report: &RunReport) -> String {
    let (_, label) = overall(report);
    html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n"
                meta charset="utf-8"; "\n"
                meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                title { "todo-conformance: " (report.target) " (" (label) ")" } "\n"
                style { (PreEscaped(STYLE)) } "\n"
            }
            "\n"
            body { "\n" main { "\n" (content(report)) } "\n" } "\n"
        }
        "\n"
    }
    .into_string()
}

/// Inside `<main>`: the summary, what was not checked, the findings, what
/// fails the run outside any scenario, the notes, then the matrix and each
/// promise's scenarios; or why the run stopped.
fn content(report: &RunReport) -> Markup {
    let rows = report.by_promise();
    html! {
        (summary(report))
        @if let Some(reason) = report.stop_reason() {
            (stopped(&reason))
        } @else {
            (warning::unchecked(report))
            (group::part(report, Part::FailsRun))
        }
        (left_behind(report))
        (expired(report))
        @if report.stopped.is_none() {
            (group::part(report, Part::NonStrict))
            (group::part(report, Part::Expected))
            (notes(report))
            (matrix::table(report, &rows))
            section id="promises" {
                "\n" h2 { "Scenarios by promise" } "\n"
                @for (index, row) in rows.iter().enumerate() {
                    (promise::section(report, index, row))
                }
            }
            "\n"
        }
    }
}

/// The tool and the version that wrote the page.
const SUITE: &str = concat!("todo-conformance ", env!("CARGO_PKG_VERSION"));

fn summary(report: &RunReport) -> Markup {
    let (class, label) = overall(report);
    let totals = report.totals();
    let strict = if report.strict { "yes" } else { "no" };
    let target = if report.bundled {
        format!("{} (bundled reference server)", report.target)
    } else {
        report.target.clone()
    };
    let run = [
        ("target", target.as_str()),
        ("suite", SUITE),
        ("profile", report.profile.as_str()),
        ("started", report.started_at.as_str()),
        ("duration", &duration(report.duration_secs)),
        ("strict", strict),
    ];
    html! {
        header {
            "\n" h1 { "todo-conformance report " span.overall.(class) { (label) } } "\n"
            dl.run {
                "\n"
                @for (term, value) in run {
                    dt { (term) } dd { (value) } "\n"
                }
            }
            "\n"
            p.totals {
                (totals.passed) " passed, " (totals.failed) " failed, "
                (totals.non_strict) " non-strict, " (totals.expected_failures) " expected failures, "
                (totals.skipped) " skipped, " (totals.informational) " informational"
            }
            "\n"
        }
        "\n"
    }
}

/// The informational notes, behind a toggle: worth knowing, never a verdict.
fn notes(report: &RunReport) -> Markup {
    html! {
        @if !report.informational.is_empty() {
            section id="informational" {
                "\n"
                details.notes {
                    summary { (group::plural(report.informational.len(), "informational note")) }
                    "\n"
                    ul {
                        "\n"
                        @for note in &report.informational {
                            li {
                                span.badge.info { "note" } " " (note.promise) " (" (note.scenario) "): "
                                span.note { (safe::line(&note.text)) }
                            }
                            "\n"
                        }
                    }
                    "\n"
                }
                "\n"
            }
            "\n"
        }
    }
}

/// Why the run stopped, in place of the matrix and the findings.
fn stopped(reason: &str) -> Markup {
    html! {
        section id="stopped" {
            "\n" h2 { "The run stopped" } "\n"
            p.reason { (reason) } "\n"
            p {
                "No scenario result was recorded, so this report holds no verdict on any \
                 promise: fix the cause above and run again."
            }
            "\n"
        }
        "\n"
    }
}

/// What fails the run outside any scenario, each listed in a section of
/// its own when there is any: `(id, title, intro, items, as code)`.
fn outside_scenarios(id: &str, title: &str, intro: &str, items: &[String], code: bool) -> Markup {
    html! {
        @if !items.is_empty() {
            section id=(id) {
                "\n" h2 { (title) } "\n"
                p { (intro) } "\n"
                ul {
                    "\n"
                    @for item in items {
                        @if code { li { code { (item) } } } @else { li { (item) } }
                        "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
    }
}

fn left_behind(report: &RunReport) -> Markup {
    outside_scenarios(
        "left-behind",
        "Left behind",
        "Tasks the suite created on the target and could not delete:",
        &report.left_behind,
        true,
    )
}

fn expired(report: &RunReport) -> Markup {
    outside_scenarios(
        "expired",
        "Expired acceptances",
        "--expect-failures entries past their until date; each fails the run:",
        &report.expired,
        false,
    )
}

/// The run's result as the exit code sees it: (CSS class, label).
fn overall(report: &RunReport) -> (&'static str, &'static str) {
    if report.stopped.is_some() {
        ("failed", "STOPPED")
    } else if report.fails_run() {
        ("failed", "FAILED")
    } else {
        ("passed", "PASSED")
    }
}

/// Seconds under a minute keep a decimal; longer runs read as minutes.
fn duration(secs: f64) -> String {
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a run's duration: positive, and far below u64::MAX seconds"
        )]
        let whole = secs.round() as u64;
        format!("{} min {} s", whole / 60, whole % 60)
    }
}

/// Colour marks meaning (red failed, amber non-strict, grey skipped, green
/// passed) but every coloured cell or badge also says it in words.
const STYLE: &str = include_str!("style.css");

#[cfg(test)]
mod tests;
