//! What a run found, scenario by scenario and promise by promise: the one
//! record the console summary and every report file are written from.

use crate::contract::{Skip, SkipKind};
use crate::report::finding::Failure;
use crate::report::redact::conceal;

/// How a chosen scenario ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// A security promise broken (or the scenario could not be set up).
    Failed,
    /// A contract deviation with no data exposed, or a `@should` check:
    /// reported, and failing the run only with `--strict`.
    NonStrict,
    /// Failed as `--expect-failures` said it would.
    ExpectedFailure {
        reason: String,
    },
    /// Listed in `--expect-failures`, but passed: the list is stale.
    UnexpectedPass {
        reason: String,
    },
    /// Could not run here; `kind` says whether the user can change that.
    Skipped {
        reason: String,
        kind: SkipKind,
    },
}

impl Verdict {
    /// Whether this verdict fails the run.
    pub fn fails_run(&self) -> bool {
        matches!(self, Self::Failed | Self::UnexpectedPass { .. })
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::NonStrict => "non-strict",
            Self::ExpectedFailure { .. } => "expected failure",
            Self::UnexpectedPass { .. } => "expected to fail, passed",
            Self::Skipped { .. } => "skipped",
        }
    }
}

/// Where a scenario comes from: its feature file and the line of its
/// scenario (or of its example row), and its tags: the feature's, then its
/// own, then its examples', which name its family (`report::taxonomy`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// As the run read it: `features/NN_name.feature` for the embedded
    /// features, the path under `--features DIR` otherwise.
    pub file: String,
    /// 1-based; 0 when unknown.
    pub line: usize,
    pub tags: Vec<String>,
}

/// A scenario's one name, `Feature: Scenario`, as `--list`, the reports,
/// `--expect-failures` and `--rerun-failed` say it.
pub fn scenario_id(promise: &str, scenario: &str) -> String {
    format!("{promise}: {scenario}")
}

#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// The feature's name: one promise per feature.
    pub promise: String,
    pub scenario: String,
    pub verdict: Verdict,
    /// The finding that stopped the scenario, if one did.
    pub finding: Option<Failure>,
    /// Deviations noted on the way, which did not stop it.
    pub deviations: Vec<Failure>,
    /// A `@must` scenario: whether its promise was verified depends on it.
    pub must: bool,
    pub origin: Origin,
}

impl ScenarioResult {
    /// A scenario that ran: graded by the finding that stopped it, else by
    /// the deviations noted on the way. Non-strict grades fail the run only
    /// with `--strict`.
    pub fn graded(
        promise: String,
        scenario: String,
        finding: Option<Failure>,
        deviations: Vec<Failure>,
        strict: bool,
    ) -> Self {
        let worst = finding
            .as_ref()
            .map(|finding| finding.grade)
            .or_else(|| deviations.first().map(|deviation| deviation.grade));
        let verdict = match worst {
            None => Verdict::Passed,
            Some(grade) if grade.is_non_strict() && !strict => Verdict::NonStrict,
            Some(_) => Verdict::Failed,
        };
        Self {
            promise,
            scenario,
            verdict,
            finding,
            deviations,
            must: true,
            origin: Origin::default(),
        }
    }

    /// A `@must` scenario with `verdict` and no finding: what the report
    /// writers' tests start from.
    #[cfg(test)]
    pub fn with_verdict(promise: &str, scenario: &str, verdict: Verdict) -> Self {
        Self {
            promise: promise.to_owned(),
            scenario: scenario.to_owned(),
            verdict,
            finding: None,
            deviations: Vec::new(),
            must: true,
            origin: Origin::default(),
        }
    }

    /// A scenario that could not run here.
    pub fn skipped(promise: String, scenario: String, skip: Skip) -> Self {
        Self {
            promise,
            scenario,
            verdict: Verdict::Skipped {
                reason: skip.reason,
                kind: skip.kind,
            },
            finding: None,
            deviations: Vec::new(),
            must: true,
            origin: Origin::default(),
        }
    }

    /// The same result, with deviations noted before it stopped unjudged.
    #[must_use]
    pub fn noting(mut self, deviations: Vec<Failure>) -> Self {
        self.deviations = deviations;
        self
    }

    /// The same result, from `origin`.
    #[must_use]
    pub fn at(mut self, origin: Origin) -> Self {
        self.origin = origin;
        self
    }

    /// The same result, of a `@must` scenario or not.
    #[must_use]
    pub fn must(mut self, must: bool) -> Self {
        self.must = must;
        self
    }

    /// Every finding of the scenario: the one that stopped it, then the
    /// deviations.
    pub fn findings(&self) -> impl Iterator<Item = &Failure> {
        self.finding.iter().chain(&self.deviations)
    }

    /// How `--list` and `--expect-failures` name a scenario.
    pub fn id(&self) -> String {
        scenario_id(&self.promise, &self.scenario)
    }
}

/// Something worth knowing that is neither a pass nor a failure, e.g. a
/// leeway the target grants, or that tokens survive logout.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Informational {
    pub promise: String,
    pub scenario: String,
    pub text: String,
}

/// A whole run.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    pub target: String,
    /// The target was the bundled reference server the suite started.
    pub bundled: bool,
    pub profile: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub duration_secs: f64,
    pub strict: bool,
    /// Credentials shown in full in the findings' requests and curl commands.
    pub show_tokens: bool,
    pub scenarios: Vec<ScenarioResult>,
    pub informational: Vec<Informational>,
    /// Task ids the suite created and could not delete.
    pub left_behind: Vec<String>,
    /// `--expect-failures` entries past their `until` date, one line each
    /// naming the entry: each fails the run, whatever its scenario did.
    pub expired: Vec<String>,
    /// Why the run stopped without a result for its scenarios (the
    /// preflight, say): the report then says that instead.
    pub stopped: Option<String>,
}

/// One row of the promise matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PromiseRow {
    pub promise: String,
    pub passed: usize,
    pub failed: usize,
    pub non_strict: usize,
    pub expected_failures: usize,
    pub skipped: usize,
    pub informational: usize,
    /// `@must` scenarios chosen, and how many of them were skipped.
    pub must: usize,
    pub must_skipped: usize,
    /// Promises nobody verified: 0 or 1 for a promise, the count in the
    /// totals. See [`PromiseRow::not_checked`].
    pub not_checked: usize,
    /// Why a promise was not checked: the first skip reason of its
    /// deciding scenarios.
    pub not_checked_because: Option<String>,
}

/// A promise's row in a word, worst first, so that reports do not rely on
/// colour and all say the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    Failed,
    /// Every scenario that decides the promise was skipped.
    NotChecked,
    NonStrict,
    ExpectedFailures,
    Passed,
    Skipped,
    InformationalOnly,
}

impl RowStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Failed => "failed",
            Self::NotChecked => "NOT CHECKED",
            Self::NonStrict => "non-strict",
            Self::ExpectedFailures => "expected failures",
            Self::Passed => "passed",
            Self::Skipped => "skipped",
            Self::InformationalOnly => "informational only",
        }
    }
}

impl PromiseRow {
    /// Scenarios that ran, whatever their verdict.
    fn ran(&self) -> usize {
        self.passed + self.failed + self.non_strict + self.expected_failures
    }

    /// Whether nothing verified the promise: every `@must` scenario of it
    /// was skipped (or, for a promise without `@must` scenarios, every
    /// scenario). A promise reported only through informational notes is
    /// not one that could be checked.
    fn unverified(&self) -> bool {
        if self.must > 0 {
            self.must_skipped == self.must
        } else {
            self.skipped > 0 && self.ran() == 0
        }
    }

    pub fn status(&self) -> RowStatus {
        if self.failed > 0 {
            RowStatus::Failed
        } else if self.not_checked > 0 {
            RowStatus::NotChecked
        } else if self.non_strict > 0 {
            RowStatus::NonStrict
        } else if self.expected_failures > 0 {
            RowStatus::ExpectedFailures
        } else if self.passed > 0 {
            RowStatus::Passed
        } else if self.skipped > 0 {
            RowStatus::Skipped
        } else {
            RowStatus::InformationalOnly
        }
    }
}

impl RunReport {
    /// Counts per promise, in the order the promises first appear.
    pub fn by_promise(&self) -> Vec<PromiseRow> {
        let mut rows: Vec<PromiseRow> = Vec::new();
        let row = |rows: &mut Vec<PromiseRow>, promise: &str| -> usize {
            if let Some(index) = rows.iter().position(|row| row.promise == promise) {
                index
            } else {
                rows.push(PromiseRow {
                    promise: promise.to_owned(),
                    ..PromiseRow::default()
                });
                rows.len() - 1
            }
        };
        for result in &self.scenarios {
            let index = row(&mut rows, &result.promise);
            let counts = &mut rows[index];
            counts.must += usize::from(result.must);
            match &result.verdict {
                Verdict::Passed => counts.passed += 1,
                Verdict::Failed | Verdict::UnexpectedPass { .. } => counts.failed += 1,
                Verdict::NonStrict => counts.non_strict += 1,
                Verdict::ExpectedFailure { .. } => counts.expected_failures += 1,
                Verdict::Skipped { .. } => {
                    counts.skipped += 1;
                    counts.must_skipped += usize::from(result.must);
                }
            }
        }
        for note in &self.informational {
            let index = row(&mut rows, &note.promise);
            rows[index].informational += 1;
        }
        for row in rows.iter_mut().filter(|row| row.unverified()) {
            row.not_checked = 1;
            row.not_checked_because = self
                .scenarios
                .iter()
                .filter(|result| result.promise == row.promise && (result.must || row.must == 0))
                .find_map(|result| match &result.verdict {
                    Verdict::Skipped { reason, .. } => Some(reason.clone()),
                    _ => None,
                });
        }
        rows
    }

    /// The promises no scenario verified, with why.
    pub fn not_checked(&self) -> Vec<PromiseRow> {
        self.by_promise()
            .into_iter()
            .filter(|row| row.not_checked > 0)
            .collect()
    }

    /// The totals over every promise.
    pub fn totals(&self) -> PromiseRow {
        // Named even when there is no row (a run that stopped).
        let none = PromiseRow {
            promise: "all promises".to_owned(),
            ..PromiseRow::default()
        };
        self.by_promise()
            .into_iter()
            .fold(none, |sum, row| PromiseRow {
                promise: sum.promise,
                passed: sum.passed + row.passed,
                failed: sum.failed + row.failed,
                non_strict: sum.non_strict + row.non_strict,
                expected_failures: sum.expected_failures + row.expected_failures,
                skipped: sum.skipped + row.skipped,
                informational: sum.informational + row.informational,
                must: sum.must + row.must,
                must_skipped: sum.must_skipped + row.must_skipped,
                not_checked: sum.not_checked + row.not_checked,
                not_checked_because: None,
            })
    }

    /// Why the run stopped, as a report shows it: credentials hidden unless
    /// `--show-tokens`, as everywhere.
    pub fn stop_reason(&self) -> Option<String> {
        let reason = self.stopped.as_deref()?;
        Some(if self.show_tokens {
            reason.to_owned()
        } else {
            conceal(reason)
        })
    }

    /// Whether the run fails, as its exit code says: a scenario's verdict,
    /// a task left behind, or an acceptance past its date.
    pub fn fails_run(&self) -> bool {
        self.scenarios
            .iter()
            .any(|result| result.verdict.fails_run())
            || !self.left_behind.is_empty()
            || !self.expired.is_empty()
    }
}

#[cfg(test)]
mod answered;
#[cfg(test)]
mod tests;
