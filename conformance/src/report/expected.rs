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
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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
    /// into unexpected ones. Returns the listed scenarios that did not run.
    pub fn apply(&self, results: &mut [ScenarioResult]) -> Vec<String> {
        let mut not_run = Vec::new();
        for entry in &self.expected {
            let Some(result) = results
                .iter_mut()
                .find(|result| result.id() == entry.scenario)
            else {
                not_run.push(entry.scenario.clone());
                continue;
            };
            let reason = entry.reason.clone();
            result.verdict = match (&result.verdict, entry.grade) {
                (Verdict::Failed, Accepted::Failed) | (Verdict::NonStrict, _) => {
                    Verdict::ExpectedFailure { reason }
                }
                (Verdict::Failed, Accepted::NonStrict) => continue,
                (Verdict::Passed, _) => Verdict::UnexpectedPass { reason },
                _ => {
                    not_run.push(entry.scenario.clone());
                    continue;
                }
            };
        }
        not_run
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
        let not_run = expected.apply(&mut results);
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
