//! `--expect-failures`: findings a pipeline has accepted, each with its
//! grade and reason. An accepted finding does not fail the run; a new one
//! does, and so does one graded worse than accepted (a deviation that
//! became a breach), and an accepted one that stopped happening (the list
//! is stale).
//!
//! ```toml
//! [[expected]]
//! scenario = "Missing token: list with no Authorization header"
//! grade = "failed"        # or "non-strict"
//! reason = "FastAPI 0.115's HTTPBearer answers 403; upgrade planned"
//! until = 2027-01-31      # optional: after this date the entry fails the run
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::value::Datetime;

use crate::report::results::{ScenarioResult, Verdict};

#[derive(Debug, thiserror::Error)]
pub enum ExpectedError {
    #[error("could not read --expect-failures {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("--expect-failures {path} is not valid: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("could not write --record-failures {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFailures {
    #[serde(default)]
    expected: Vec<Entry>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// `Feature: Scenario`, as `--list` prints it.
    scenario: String,
    /// The worst grade accepted.
    grade: Accepted,
    reason: String,
    /// The last day the acceptance holds: a date, so that an accepted
    /// finding cannot be forgotten (Schemathesis's baseline has the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until: Option<Datetime>,
}

impl Entry {
    /// `until` as a date; only a plain TOML date (`2027-01-31`) is one.
    fn until(&self) -> Result<Option<NaiveDate>, String> {
        let Some(until) = &self.until else {
            return Ok(None);
        };
        let date = until
            .date
            .filter(|_| until.time.is_none() && until.offset.is_none())
            .and_then(|date| {
                NaiveDate::from_ymd_opt(
                    i32::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                )
            });
        date.map(Some).ok_or_else(|| {
            format!(
                "{:?} has until = {until}: expected a date such as 2027-01-31",
                self.scenario
            )
        })
    }
}

/// What applying the list did besides re-grading: the listed scenarios
/// that did not run, and the entries whose date has passed, each as one
/// line naming it. An expired entry fails the run whatever happened.
#[derive(Debug, Default)]
pub struct Applied {
    pub not_run: Vec<String>,
    pub expired: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Accepted {
    /// A broken promise (and anything milder).
    Failed,
    /// A non-strict finding only: a breach in the scenario is still new.
    NonStrict,
}

impl ExpectedFailures {
    /// Reads the file and checks that every entry names a scenario of the
    /// catalogue (`known`), with a reason: a typo must not pass silently.
    pub fn load(path: &Path, known: &[String]) -> Result<Self, ExpectedError> {
        let text = std::fs::read_to_string(path).map_err(|source| ExpectedError::Read {
            path: path.to_owned(),
            source,
        })?;
        let invalid = |message: String| ExpectedError::Invalid {
            path: path.to_owned(),
            message,
        };
        let expected: Self = toml::from_str(&text).map_err(|error| invalid(error.to_string()))?;
        for entry in &expected.expected {
            if entry.reason.trim().is_empty() {
                return Err(invalid(format!("{:?} has no reason", entry.scenario)));
            }
            entry.until().map_err(invalid)?;
            if !known.contains(&entry.scenario) {
                return Err(invalid(format!(
                    "{:?} is not a scenario of the catalogue (see --list)",
                    entry.scenario
                )));
            }
        }
        Ok(expected)
    }

    /// Turns the listed failures into expected ones and the listed passes
    /// into unexpected ones, as of `today`: an entry past its `until`
    /// accepts nothing any more (its pass still shows the list is stale).
    pub fn apply(&self, results: &mut [ScenarioResult], today: NaiveDate) -> Applied {
        let mut applied = Applied::default();
        for entry in &self.expected {
            // Checked at load.
            let until = entry.until().ok().flatten();
            let expired = until.filter(|until| *until < today);
            if let Some(until) = expired {
                applied.expired.push(format!(
                    "{}: accepted until {until} ({}); renew the entry with a new date, or fix the finding",
                    entry.scenario, entry.reason
                ));
            }
            let Some(result) = results
                .iter_mut()
                .find(|result| result.id() == entry.scenario)
            else {
                applied.not_run.push(entry.scenario.clone());
                continue;
            };
            let reason = entry.reason.clone();
            result.verdict = match (&result.verdict, entry.grade) {
                (Verdict::Passed, _) => Verdict::UnexpectedPass { reason },
                _ if expired.is_some() => continue,
                (Verdict::Failed, Accepted::Failed) | (Verdict::NonStrict, _) => {
                    Verdict::ExpectedFailure { reason }
                }
                (Verdict::Failed, Accepted::NonStrict) => continue,
                _ => {
                    applied.not_run.push(entry.scenario.clone());
                    continue;
                }
            };
        }
        applied
    }

    /// The failed and non-strict scenarios of a run, in this file's format.
    pub fn record(results: &[ScenarioResult], path: &Path) -> Result<(), ExpectedError> {
        let found = Self {
            expected: results
                .iter()
                .filter(|result| matches!(result.verdict, Verdict::Failed | Verdict::NonStrict))
                .map(|result| Entry {
                    scenario: result.id(),
                    grade: if result.verdict == Verdict::Failed {
                        Accepted::Failed
                    } else {
                        Accepted::NonStrict
                    },
                    reason: format!(
                        "TODO: why this {} finding is accepted",
                        result.verdict.label()
                    ),
                    until: None,
                })
                .collect(),
        };
        let text = toml::to_string(&found).map_err(|error| ExpectedError::Write {
            path: path.to_owned(),
            source: std::io::Error::other(error),
        })?;
        std::fs::write(path, text).map_err(|source| ExpectedError::Write {
            path: path.to_owned(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(scenario: &str, verdict: Verdict) -> ScenarioResult {
        ScenarioResult::with_verdict("Missing token", scenario, verdict)
    }

    /// A file in the temp dir, removed when dropped.
    struct TempFile(PathBuf);

    impl TempFile {
        fn with(text: &str) -> Self {
            let file = Self(
                std::env::temp_dir()
                    .join(format!("expected-{}.toml", uuid::Uuid::new_v4().simple())),
            );
            std::fs::write(&file.0, text).expect("temp file");
            file
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    const KNOWN: &str = "Missing token: list";

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn an_entry_accepts_until_its_date_and_then_fails_the_run_naming_itself() {
        let file = TempFile::with(&format!(
            "[[expected]]\nscenario = \"{KNOWN}\"\ngrade = \"failed\"\nreason = \"upgrade in January\"\nuntil = 2027-01-31\n"
        ));
        let expected = ExpectedFailures::load(&file.0, &[KNOWN.to_owned()]).expect("valid");
        let on = |today: &str| {
            let mut results = vec![result("list", Verdict::Failed)];
            let applied = expected.apply(&mut results, day(today));
            (results.remove(0).verdict, applied.expired)
        };
        let (verdict, expired) = on("2027-01-31");
        assert!(matches!(verdict, Verdict::ExpectedFailure { .. }));
        assert!(expired.is_empty());
        let (verdict, expired) = on("2027-02-01");
        assert_eq!(verdict, Verdict::Failed, "an expired entry accepts nothing");
        assert_eq!(expired.len(), 1);
        assert!(expired[0].starts_with(KNOWN) && expired[0].contains("until 2027-01-31"));
        // Also when the scenario did not run: the date is what expired.
        let applied = expected.apply(&mut [], day("2027-02-01"));
        assert_eq!((applied.not_run.len(), applied.expired.len()), (1, 1));
    }

    #[test]
    fn an_until_that_is_not_a_plain_date_is_refused() {
        for until in [
            "2027-01-31T10:00:00",
            "\"2027-01-31\"",
            "2027-01-31T10:00:00Z",
        ] {
            let file = TempFile::with(&format!(
                "[[expected]]\nscenario = \"{KNOWN}\"\ngrade = \"failed\"\nreason = \"r\"\nuntil = {until}\n"
            ));
            let error = ExpectedFailures::load(&file.0, &[KNOWN.to_owned()]).expect_err(until);
            assert!(
                error.to_string().contains("is not valid"),
                "{until}: {error}"
            );
        }
    }

    #[test]
    fn listed_failures_are_accepted_and_listed_passes_are_stale() {
        let entry = |scenario: &str, grade: &str| {
            format!(
                "[[expected]]\nscenario = \"Missing token: {scenario}\"\ngrade = \"{grade}\"\nreason = \"legacy\"\n"
            )
        };
        let file = TempFile::with(
            &[
                entry("list", "failed"),
                entry("get", "failed"),
                entry("toggle", "non-strict"),
                entry("update", "non-strict"),
            ]
            .concat(),
        );
        let known = ["list", "get", "toggle", "update"].map(|s| format!("Missing token: {s}"));
        let expected = ExpectedFailures::load(&file.0, &known).expect("valid");
        let mut results = vec![
            result("list", Verdict::Failed),
            result("get", Verdict::Passed),
            result("create", Verdict::Failed),
            result("update", Verdict::Failed),
        ];
        let not_run = expected.apply(&mut results, day("2026-11-27")).not_run;
        assert!(matches!(
            results[0].verdict,
            Verdict::ExpectedFailure { .. }
        ));
        assert!(matches!(results[1].verdict, Verdict::UnexpectedPass { .. }));
        assert_eq!(results[2].verdict, Verdict::Failed);
        // Accepted as a deviation, it became a breach: that is new.
        assert_eq!(results[3].verdict, Verdict::Failed);
        assert_eq!(not_run, ["Missing token: toggle"]);
    }

    #[test]
    fn typos_and_missing_reasons_are_refused() {
        let typo = TempFile::with(
            "[[expected]]\nscenario = \"Missing tokn: list\"\ngrade = \"failed\"\nreason = \"r\"\n",
        );
        let error = ExpectedFailures::load(&typo.0, &[KNOWN.to_owned()]).expect_err("a typo");
        assert!(
            error
                .to_string()
                .contains("not a scenario of the catalogue")
        );
        let file = TempFile::with(&format!(
            "[[expected]]\nscenario = \"{KNOWN}\"\ngrade = \"failed\"\nreason = \" \"\n"
        ));
        let error = ExpectedFailures::load(&file.0, &[KNOWN.to_owned()]).expect_err("no reason");
        assert!(error.to_string().contains("has no reason"));
    }

    #[test]
    fn a_recorded_file_loads_back() {
        let file = TempFile::with("");
        ExpectedFailures::record(&[result("list", Verdict::NonStrict)], &file.0).expect("written");
        let loaded = ExpectedFailures::load(&file.0, &[KNOWN.to_owned()]).expect("loads");
        assert_eq!(loaded.expected.len(), 1);
    }
}
