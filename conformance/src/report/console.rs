//! The console's closing words: informational notes, skipped scenarios and
//! accepted findings, the promise matrix, and the one-line tally.

use crate::report::results::{PromiseRow, RunReport, Verdict};

pub fn print(report: &RunReport, expected_not_run: &[String]) {
    for note in &report.informational {
        println!(
            "[informational] {} ({}): {}",
            note.promise, note.scenario, note.text
        );
    }
    for result in &report.scenarios {
        match &result.verdict {
            Verdict::Skipped { reason } => println!("[skipped] {}: {reason}", result.id()),
            Verdict::ExpectedFailure { reason } => {
                println!("[expected failure] {}: {reason}", result.id());
            }
            Verdict::UnexpectedPass { reason } => println!(
                "[expected to fail, passed] {}: listed in --expect-failures ({reason}); remove it from the list",
                result.id()
            ),
            _ => {}
        }
    }
    for scenario in expected_not_run {
        println!("[expected failure not run] {scenario}: it did not run, so it is not checked");
    }
    println!();
    print!("{}", matrix(report));
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
    if totals.skipped > 0 {
        println!(
            "warning: {} scenarios did not run; the checks they make are NOT verified by this run (reasons above)",
            totals.skipped
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
    let line = |row: &PromiseRow| {
        format!(
            "{:<width$}  {:>6}  {:>6}  {:>10}  {:>8}  {:>7}  {:>13}\n",
            row.promise,
            row.passed,
            row.failed,
            row.non_strict,
            row.expected_failures,
            row.skipped,
            row.informational
        )
    };
    let mut table = format!(
        "{:<width$}  {:>6}  {:>6}  {:>10}  {:>8}  {:>7}  {:>13}\n",
        "promise", "passed", "failed", "non-strict", "expected", "skipped", "informational"
    );
    for row in &rows {
        table.push_str(&line(row));
    }
    table.push_str(&line(&report.totals()));
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::results::ScenarioResult;

    #[test]
    fn the_matrix_has_a_row_per_promise_and_the_totals() {
        let result = |promise: &str, verdict| ScenarioResult {
            promise: promise.to_owned(),
            scenario: "s".to_owned(),
            verdict,
            finding: None,
            deviations: Vec::new(),
        };
        let report = RunReport {
            scenarios: vec![
                result("Missing token", Verdict::Passed),
                result("Cross-user isolation", Verdict::Failed),
            ],
            ..RunReport::default()
        };
        let table = matrix(&report);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert!(lines[1].starts_with("Missing token "));
        assert!(lines[3].starts_with("all promises "));
        assert!(lines[3].contains("     1       1 "), "{table}");
    }
}
