//! The scenarios that did not run, grouped by reason, in two kinds: those
//! the user can unlock (the reason says how), and those that cannot run
//! against this target. Shared by the console and the HTML report.

use crate::contract::SkipKind;
use crate::report::results::{RunReport, ScenarioResult, Verdict};
use crate::report::{groups, redact, safe};

/// One reason, and every scenario it kept from running.
#[derive(Debug)]
pub struct SkipGroup<'a> {
    pub reason: &'a str,
    pub kind: SkipKind,
    pub scenarios: Vec<&'a ScenarioResult>,
}

impl<'a> SkipGroup<'a> {
    /// The promises whose scenarios the reason skipped, once each.
    pub fn promises(&self) -> Vec<&'a str> {
        groups::promises_of(self.scenarios.iter().copied())
    }
}

/// The skipped scenarios by reason: those the user can unlock first, then
/// the largest group.
pub fn by_reason(report: &RunReport) -> Vec<SkipGroup<'_>> {
    let mut groups: Vec<SkipGroup<'_>> = Vec::new();
    for result in &report.scenarios {
        let Verdict::Skipped { reason, kind } = &result.verdict else {
            continue;
        };
        match groups
            .iter_mut()
            .find(|group| group.reason == reason && group.kind == *kind)
        {
            Some(group) => group.scenarios.push(result),
            None => groups.push(SkipGroup {
                reason,
                kind: *kind,
                scenarios: vec![result],
            }),
        }
    }
    groups.sort_by_key(|group| {
        (
            group.kind != SkipKind::Unlockable,
            std::cmp::Reverse(group.scenarios.len()),
        )
    });
    groups
}

/// A skip reason as the writers show it. It may quote the target (a
/// sign-up's answer, a redirect's Location): one line, credentials hidden
/// unless `--show-tokens`.
pub fn shown(reason: &str, show_tokens: bool) -> String {
    safe::line(&redact::shown(reason, show_tokens))
}

/// How many scenarios of `kind` were skipped.
pub fn count(groups: &[SkipGroup<'_>], kind: SkipKind) -> usize {
    groups
        .iter()
        .filter(|group| group.kind == kind)
        .map(|group| group.scenarios.len())
        .sum()
}

/// What the second kind means, wherever it is said.
pub const UNSUPPORTED: &str = "cannot run against this target (it lacks what they need, or the suite cannot judge it there yet)";

/// What a kind means, as the console's heading says it.
pub fn heading(kind: SkipKind) -> String {
    match kind {
        SkipKind::Unlockable => "skipped, and you can unlock them".to_owned(),
        SkipKind::Unsupported => format!("skipped, as they {UNSUPPORTED}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Skip;

    #[test]
    fn skips_group_by_reason_the_unlockable_first() {
        let skipped = |scenario: &str, skip: Skip| {
            ScenarioResult::skipped("Promise".to_owned(), scenario.to_owned(), skip)
        };
        let report = RunReport {
            scenarios: vec![
                skipped("a", Skip::unsupported("no logout route")),
                skipped("b", Skip::unlockable("needs a key: pass --secret")),
                skipped("c", Skip::unsupported("no logout route")),
                skipped("d", Skip::unlockable("needs an issuer")),
                skipped("e", Skip::unlockable("needs a key: pass --secret")),
                ScenarioResult::with_verdict("Promise", "f", Verdict::Passed),
            ],
            ..RunReport::default()
        };
        let groups = by_reason(&report);
        let shape: Vec<(&str, usize)> = groups
            .iter()
            .map(|group| (group.reason, group.scenarios.len()))
            .collect();
        assert_eq!(
            shape,
            [
                ("needs a key: pass --secret", 2),
                ("needs an issuer", 1),
                ("no logout route", 2)
            ]
        );
        assert_eq!(count(&groups, SkipKind::Unlockable), 3);
        assert_eq!(count(&groups, SkipKind::Unsupported), 2);
    }
}
