//! The console's account of a run, after the progress line: the findings
//! grouped by cause, the verdicts the user set up (expected failures), the
//! skipped scenarios grouped by reason, the promise matrix, and one summary
//! line with the warnings that must not be missed.

mod findings;
mod matrix;

use crate::contract::SkipKind;
use crate::report::results::{RunReport, Verdict};
use crate::report::safe::line;
use crate::report::skips::{self, SkipGroup, UNSUPPORTED};

/// How much the console says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// The summary, the findings groups' headlines, and the warnings.
    Quiet,
    #[default]
    Normal,
    /// Also cucumber's step log, the deviations each scenario noted, and a
    /// line for every skipped scenario and every informational note.
    Verbose,
}

/// How many reasons of a kind are listed before the rest are counted.
const LISTED_REASONS: usize = 8;
/// Up to this many informational notes are listed by default; more are
/// counted.
const LISTED_NOTES: usize = 3;

/// `expected_not_run`: the `--expect-failures` entries whose scenario did
/// not run.
pub fn print(report: &RunReport, expected_not_run: &[String], detail: Detail) {
    let skip_groups = skips::by_reason(report);
    if detail == Detail::Quiet {
        findings::print_headlines(report);
        stale_acceptances(report);
        closing(report, &skip_groups, "run without --quiet to see how");
        return;
    }
    findings::print_groups(report);
    accepted(report, expected_not_run);
    stale_acceptances(report);
    skipped(&skip_groups, report.show_tokens);
    let notes = report.informational.len();
    if detail == Detail::Verbose {
        every_skip(report);
    }
    // A few notes (a load run's figures) are the run's news; many are
    // detail.
    if detail == Detail::Verbose || notes <= LISTED_NOTES {
        every_note(report);
    } else {
        println!(
            "informational: {notes} notes (--verbose lists them, as do the HTML and JSON reports)"
        );
    }
    println!();
    print!("{}", matrix::matrix(report));
    closing(report, &skip_groups, "each reason above says how");
}

/// One line for each accepted finding, and one for the acceptances whose
/// scenario did not run.
fn accepted(report: &RunReport, expected_not_run: &[String]) {
    for result in &report.scenarios {
        if let Verdict::ExpectedFailure { reason } = &result.verdict {
            println!("[expected failure] {}: {}", result.id(), line(reason));
        }
    }
    // One line, not one per entry: with --tags or --rerun-failed most of a
    // list may be outside the run.
    if !expected_not_run.is_empty() {
        println!(
            "[expected failures not run] {} listed scenario(s) did not run, so they are not checked: {}",
            expected_not_run.len(),
            expected_not_run.join("; ")
        );
    }
}

/// The acceptances that fail the run, even with --quiet: a finding that
/// stopped happening, and an entry past its date. Neither has a finding
/// of its own to be grouped.
fn stale_acceptances(report: &RunReport) {
    for result in &report.scenarios {
        if let Verdict::UnexpectedPass { reason } = &result.verdict {
            println!(
                "[expected to fail, passed] {}: listed in --expect-failures ({}); remove it from the list",
                result.id(),
                line(reason)
            );
        }
    }
    for entry in &report.expired {
        println!("[expected failure expired] {}", line(entry));
    }
}

/// The skipped scenarios, a line per reason under the heading of its kind.
fn skipped(groups: &[SkipGroup<'_>], show_tokens: bool) {
    for kind in [SkipKind::Unlockable, SkipKind::Unsupported] {
        let count = skips::count(groups, kind);
        if count == 0 {
            continue;
        }
        println!("{} ({count} scenarios):", skips::heading(kind));
        let of_kind: Vec<&SkipGroup<'_>> =
            groups.iter().filter(|group| group.kind == kind).collect();
        for group in of_kind.iter().take(LISTED_REASONS) {
            let reason = skips::shown(group.reason, show_tokens);
            println!("  {:>3}  {reason}", group.scenarios.len());
        }
        if of_kind.len() > LISTED_REASONS {
            println!(
                "       and {} more reasons (--verbose lists every skipped scenario)",
                of_kind.len() - LISTED_REASONS
            );
        }
    }
}

fn every_note(report: &RunReport) {
    for note in &report.informational {
        println!(
            "[informational] {} ({}): {}",
            note.promise,
            note.scenario,
            line(&note.text)
        );
    }
}

/// `--verbose`: each skipped scenario on a line.
fn every_skip(report: &RunReport) {
    for result in &report.scenarios {
        if let Verdict::Skipped { reason, .. } = &result.verdict {
            let reason = skips::shown(reason, report.show_tokens);
            println!("[skipped] {}: {reason}", result.id());
        }
    }
}

/// The summary line, the promises nothing verified, and what else fails
/// the run or leaves checks undone; `how` says where the ways to unlock
/// skipped scenarios are.
fn closing(report: &RunReport, groups: &[SkipGroup<'_>], how: &str) {
    let totals = report.totals();
    println!(
        "conformance: {} passed, {} failed, {} non-strict, {} skipped, {} expected failures, {} informational in {:.1}s",
        totals.passed,
        totals.failed,
        totals.non_strict,
        totals.skipped,
        totals.expected_failures,
        totals.informational,
        report.duration_secs
    );
    for row in report.not_checked() {
        println!(
            "NOT CHECKED: {}: every scenario that decides it was skipped, so this run does not verify it ({})",
            row.promise,
            skips::shown(
                row.not_checked_because
                    .as_deref()
                    .unwrap_or("no reason recorded"),
                report.show_tokens
            )
        );
    }
    let unsupported = skips::count(groups, SkipKind::Unsupported);
    if unsupported > 0 {
        println!(
            "note: {unsupported} scenarios {UNSUPPORTED}; the checks they make are not verified by this run"
        );
    }
    // The last line, when there is one to act on.
    let unlockable = skips::count(groups, SkipKind::Unlockable);
    if unlockable > 0 {
        println!(
            "warning: {unlockable} scenarios did not run, and you can unlock them ({how}); until then the checks they make are NOT verified"
        );
    }
    if !report.expired.is_empty() {
        println!(
            "failed: {} --expect-failures entries past their date (above): the run fails until each is renewed or fixed",
            report.expired.len()
        );
    }
}
