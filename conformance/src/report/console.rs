//! The console's closing words: informational notes, skipped scenarios and
//! accepted findings, the promise matrix, the one-line tally, and the
//! promises no scenario verified (NOT CHECKED).

use crate::report::groups::{self, Group};
use crate::report::results::{PromiseRow, RunReport, Verdict};
use crate::report::safe::line;
use crate::report::{safe, text};

/// `expected_not_run`: the `--expect-failures` entries whose scenario did
/// not run.
pub fn print(report: &RunReport, expected_not_run: &[String]) {
    findings_by_cause(report);
    notes_and_verdicts(report, expected_not_run);
    println!();
    print!("{}", matrix(report));
    closing(report);
}

/// How many scenarios a group names before it counts the rest.
const NAMED_SCENARIOS: usize = 5;

/// Every finding, one group per cause: its headline, hint and ids once, the
/// routes and scenarios it covers, and one full example.
fn findings_by_cause(report: &RunReport) {
    for group in groups::by_cause(report, |_| true) {
        print_group(report, &group);
    }
}

fn print_group(report: &RunReport, group: &Group<'_>) {
    let (result, example) = group.example();
    let count = group.findings.len();
    println!(
        "{} ({count} finding{}, {})",
        text::headline(example),
        if count == 1 { "" } else { "s" },
        group.rule.ids()
    );
    let routes: Vec<String> = group.routes().into_iter().collect();
    if count > 1 && !routes.is_empty() {
        println!("  routes:    {}", safe::line(&routes.join(", ")));
    }
    if count > 1 {
        let mut names: Vec<String> = group
            .findings
            .iter()
            .take(NAMED_SCENARIOS)
            .map(|(result, _)| result.id())
            .collect();
        if count > NAMED_SCENARIOS {
            names.push(format!("and {} more", count - NAMED_SCENARIOS));
        }
        println!("  scenarios: {}", names.join("; "));
        println!("  example ({}):", result.id());
    }
    let block = text::classified_block(example, group.rule, report.show_tokens);
    // The block is made safe already, line by line.
    for line in block.lines() {
        println!("  {line}");
    }
    println!();
}

/// One line for each note, skip, accepted finding and acceptance that did
/// not apply.
fn notes_and_verdicts(report: &RunReport, expected_not_run: &[String]) {
    for note in &report.informational {
        println!(
            "[informational] {} ({}): {}",
            note.promise,
            note.scenario,
            line(&note.text)
        );
    }
    for result in &report.scenarios {
        match &result.verdict {
            // A reason may quote the target (a redirect's Location): one line.
            Verdict::Skipped { reason } => println!("[skipped] {}: {}", result.id(), line(reason)),
            Verdict::ExpectedFailure { reason } => {
                println!("[expected failure] {}: {}", result.id(), line(reason));
            }
            Verdict::UnexpectedPass { reason } => println!(
                "[expected to fail, passed] {}: listed in --expect-failures ({reason}); remove it from the list",
                result.id()
            ),
            _ => {}
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
    for entry in &report.expired {
        println!("[expected failure expired] {}", line(entry));
    }
}

/// The tally, the promises nothing verified, and what else fails the run.
fn closing(report: &RunReport) {
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
            row.not_checked_because
                .as_deref()
                .unwrap_or("no reason recorded")
        );
    }
    if totals.skipped > 0 {
        println!(
            "warning: {} scenarios did not run; the checks they make are NOT verified by this run (reasons above)",
            totals.skipped
        );
    }
    if !report.expired.is_empty() {
        println!(
            "failed: {} --expect-failures entries past their date (above): the run fails until each is renewed or fixed",
            report.expired.len()
        );
    }
}

/// The promise matrix as a text table.
fn matrix(report: &RunReport) -> String {
    let rows = report.by_promise();
    let width = rows
        .iter()
        .map(|row| row.promise.chars().count())
        .chain(["all promises".len()])
        .max()
        .unwrap_or_default();
    let line = |row: &PromiseRow, status: &str| {
        format!(
            "{:<width$}  {:<17}  {:>6}  {:>6}  {:>10}  {:>8}  {:>7}  {:>13}\n",
            row.promise,
            status,
            row.passed,
            row.failed,
            row.non_strict,
            row.expected_failures,
            row.skipped,
            row.informational
        )
    };
    let mut table = format!(
        "{:<width$}  {:<17}  {:>6}  {:>6}  {:>10}  {:>8}  {:>7}  {:>13}\n",
        "promise",
        "status",
        "passed",
        "failed",
        "non-strict",
        "expected",
        "skipped",
        "informational"
    );
    for row in &rows {
        table.push_str(&line(row, row.status().label()));
    }
    let totals = report.totals();
    let not_checked = match totals.not_checked {
        0 => String::new(),
        count => format!("{count} NOT CHECKED"),
    };
    table.push_str(&line(&totals, &not_checked));
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::results::ScenarioResult;

    #[test]
    fn the_matrix_has_a_row_per_promise_and_the_totals() {
        let result = |promise: &str, verdict| ScenarioResult::with_verdict(promise, "s", verdict);
        let report = RunReport {
            scenarios: vec![
                result("Missing token", Verdict::Passed),
                result("Cross-user isolation", Verdict::Failed),
                result(
                    "Expired token",
                    Verdict::Skipped {
                        reason: "needs a key".to_owned(),
                    },
                ),
            ],
            ..RunReport::default()
        };
        let table = matrix(&report);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 5, "{table}");
        assert!(lines[1].starts_with("Missing token "));
        assert!(lines[1].contains(" passed "), "{table}");
        assert!(lines[3].starts_with("Expired token "));
        assert!(lines[3].contains(" NOT CHECKED "), "{table}");
        assert!(lines[4].starts_with("all promises "));
        assert!(lines[4].contains("1 NOT CHECKED"), "{table}");
        assert!(lines[4].contains("     1       1 "), "{table}");
    }
}
