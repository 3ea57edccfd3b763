//! The tally's tests: rows per promise, and promises NOT CHECKED.

use super::*;
use crate::contract::SkipKind;

fn result(promise: &str, verdict: Verdict) -> ScenarioResult {
    ScenarioResult::with_verdict(promise, "s", verdict)
}

fn skipped(promise: &str, reason: &str) -> ScenarioResult {
    result(
        promise,
        Verdict::Skipped {
            reason: reason.to_owned(),
            kind: SkipKind::Unlockable,
        },
    )
}

#[test]
fn a_promise_whose_every_must_scenario_was_skipped_is_not_checked() {
    let report = RunReport {
        scenarios: vec![
            skipped("Expired token", "needs a key"),
            skipped("Expired token", "needs a key too"),
            // A @should that ran does not verify the promise.
            result("Expired token", Verdict::Passed).must(false),
            result("Cross-user", Verdict::Passed),
            skipped("Cross-user", "no path naming another user"),
            skipped("Headers", "only should").must(false),
        ],
        ..RunReport::default()
    };
    let rows = report.by_promise();
    assert_eq!(rows[0].status(), RowStatus::NotChecked);
    assert_eq!(rows[0].not_checked_because.as_deref(), Some("needs a key"));
    assert_eq!(rows[1].status(), RowStatus::Passed);
    assert_eq!(rows[1].not_checked_because, None);
    // Without @must scenarios, a promise none of whose scenarios ran.
    assert_eq!(rows[2].status(), RowStatus::NotChecked);
    assert_eq!(report.totals().not_checked, 2);
    assert_eq!(
        report
            .not_checked()
            .iter()
            .map(|row| row.promise.as_str())
            .collect::<Vec<_>>(),
        ["Expired token", "Headers"]
    );
}

#[test]
fn rows_count_each_verdict_under_its_promise() {
    let report = RunReport {
        scenarios: vec![
            result("Missing token", Verdict::Passed),
            result("Missing token", Verdict::Failed),
            result("Cross-user", Verdict::NonStrict),
            result(
                "Cross-user",
                Verdict::Skipped {
                    reason: "r".to_owned(),
                    kind: SkipKind::Unlockable,
                },
            ),
        ],
        informational: vec![Informational {
            promise: "Lifetime".to_owned(),
            scenario: "s".to_owned(),
            text: "t".to_owned(),
        }],
        ..RunReport::default()
    };
    let rows = report.by_promise();
    assert_eq!(
        rows.iter()
            .map(|row| row.promise.as_str())
            .collect::<Vec<_>>(),
        ["Missing token", "Cross-user", "Lifetime"]
    );
    assert_eq!((rows[0].passed, rows[0].failed), (1, 1));
    assert_eq!((rows[1].non_strict, rows[1].skipped), (1, 1));
    assert_eq!(rows[2].informational, 1);
    assert_eq!(report.totals().passed, 1);
    assert!(report.fails_run());
}
