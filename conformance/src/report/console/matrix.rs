//! The promise matrix as a text table: one row per promise. The run's
//! totals are the summary line's, not a row: one summary, said once.

use crate::report::results::{PromiseRow, RunReport};

pub fn matrix(report: &RunReport) -> String {
    let rows = report.by_promise();
    let width = rows
        .iter()
        .map(|row| row.promise.chars().count())
        .chain(["promise".len()])
        .max()
        .unwrap_or_default();
    let line = |cells: [&str; 8]| {
        let [
            promise,
            status,
            passed,
            failed,
            non_strict,
            expected,
            skipped,
            notes,
        ] = cells;
        format!(
            "{promise:<width$}  {status:<17}  {passed:>6}  {failed:>6}  {non_strict:>10}  {expected:>8}  {skipped:>7}  {notes:>13}\n"
        )
    };
    let mut table = line([
        "promise",
        "status",
        "passed",
        "failed",
        "non-strict",
        "expected",
        "skipped",
        "informational",
    ]);
    for row in &rows {
        table.push_str(&line(counts(row).each_ref().map(String::as_str)));
    }
    table
}

fn counts(row: &PromiseRow) -> [String; 8] {
    [
        row.promise.clone(),
        row.status().label().to_owned(),
        row.passed.to_string(),
        row.failed.to_string(),
        row.non_strict.to_string(),
        row.expected_failures.to_string(),
        row.skipped.to_string(),
        row.informational.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::SkipKind;
    use crate::report::results::{ScenarioResult, Verdict};

    #[test]
    fn the_matrix_has_a_row_per_promise_and_no_totals_row() {
        let result = |promise: &str, verdict| ScenarioResult::with_verdict(promise, "s", verdict);
        let report = RunReport {
            scenarios: vec![
                result("Missing token", Verdict::Passed),
                result("Cross-user isolation", Verdict::Failed),
                result(
                    "Expired token",
                    Verdict::Skipped {
                        reason: "needs a key".to_owned(),
                        kind: SkipKind::Unlockable,
                    },
                ),
            ],
            ..RunReport::default()
        };
        let table = matrix(&report);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert!(lines[1].starts_with("Missing token "));
        assert!(lines[1].contains(" passed "), "{table}");
        assert!(lines[2].contains(" failed "), "{table}");
        assert!(lines[3].starts_with("Expired token "));
        assert!(lines[3].contains(" NOT CHECKED "), "{table}");
        assert!(lines[3].ends_with("      1              0"), "{table}");
    }
}
