//! `--rerun-failed REPORT.json`: the scenarios with an unaccepted finding
//! (failed or non-strict) in an earlier run's own JSON report (`--json`),
//! so that a developer fixing a backend reruns just those. Read from the
//! report's typed fields, never from its text.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::report::json::FORMAT_VERSION;
use crate::report::results::scenario_id;

#[derive(Debug, thiserror::Error)]
pub enum RerunError {
    #[error("could not read --rerun-failed {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "--rerun-failed {path} is not a report written by --json (format {FORMAT_VERSION}): {message}"
    )]
    NotAReport { path: PathBuf, message: String },
    #[error(
        "--rerun-failed {path}: the run it records stopped before any scenario ran ({reason}); run without --rerun-failed"
    )]
    Stopped { path: PathBuf, reason: String },
    #[error("--rerun-failed {path}: no scenario failed in that run, so there is nothing to rerun")]
    NothingFailed { path: PathBuf },
    #[error(
        "--rerun-failed {path} names scenarios this catalogue does not have (renamed or from other --features): {names}"
    )]
    Unknown { path: PathBuf, names: String },
}

#[derive(Deserialize)]
struct Report {
    format_version: u32,
    #[serde(default)]
    stopped: Option<String>,
    scenarios: Vec<Entry>,
}

/// One scenario of the report, by the report's field names.
#[derive(Deserialize)]
struct Entry {
    promise: String,
    scenario: String,
    verdict: String,
}

/// The ids (`Feature: Scenario`) of the scenarios to rerun, each checked
/// against the catalogue (`known`) so that a renamed one is said, not
/// silently dropped.
pub fn failed_in(path: &Path, known: &[String]) -> Result<BTreeSet<String>, RerunError> {
    let text = std::fs::read_to_string(path).map_err(|source| RerunError::Read {
        path: path.to_owned(),
        source,
    })?;
    let not_a_report = |message: String| RerunError::NotAReport {
        path: path.to_owned(),
        message,
    };
    let report: Report =
        serde_json::from_str(&text).map_err(|error| not_a_report(error.to_string()))?;
    if report.format_version != FORMAT_VERSION {
        return Err(not_a_report(format!(
            "its format_version is {}",
            report.format_version
        )));
    }
    if let Some(reason) = report.stopped {
        return Err(RerunError::Stopped {
            path: path.to_owned(),
            reason,
        });
    }
    let failed: BTreeSet<String> = report
        .scenarios
        .into_iter()
        .filter(|scenario| matches!(scenario.verdict.as_str(), "failed" | "non-strict"))
        .map(|scenario| scenario_id(&scenario.promise, &scenario.scenario))
        .collect();
    if failed.is_empty() {
        return Err(RerunError::NothingFailed {
            path: path.to_owned(),
        });
    }
    let unknown: Vec<&str> = failed
        .iter()
        .filter(|id| !known.contains(id))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(RerunError::Unknown {
            path: path.to_owned(),
            names: unknown.join("; "),
        });
    }
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("rerun-{}.json", uuid::Uuid::new_v4().simple()));
        std::fs::write(&path, text).expect("temp file");
        path
    }

    fn report(scenarios: &[(&str, &str)]) -> String {
        let scenarios: Vec<_> = scenarios
            .iter()
            .map(|(name, verdict)| {
                serde_json::json!({"promise": "Missing token", "scenario": name, "verdict": verdict, "findings": []})
            })
            .collect();
        serde_json::json!({"format_version": FORMAT_VERSION, "scenarios": scenarios}).to_string()
    }

    fn known() -> Vec<String> {
        ["list", "get", "create"]
            .map(|s| format!("Missing token: {s}"))
            .to_vec()
    }

    #[test]
    fn failed_and_non_strict_scenarios_are_rerun_and_the_others_not() {
        let path = written(&report(&[
            ("list", "failed"),
            ("get", "non-strict"),
            ("create", "passed"),
        ]));
        let ids = failed_in(&path, &known()).expect("a report");
        let _ = std::fs::remove_file(&path);
        assert_eq!(
            ids.into_iter().collect::<Vec<_>>(),
            ["Missing token: get", "Missing token: list"]
        );
    }

    #[test]
    fn a_report_with_nothing_to_rerun_or_unknown_names_is_an_error() {
        let cases = [
            (report(&[("list", "passed")]), "nothing to rerun"),
            (report(&[("renamed", "failed")]), "Missing token: renamed"),
            ("{\"junit\": true}".to_owned(), "not a report"),
            (
                serde_json::json!({"format_version": FORMAT_VERSION, "stopped": "no answer", "scenarios": []}).to_string(),
                "stopped",
            ),
        ];
        for (text, said) in cases {
            let path = written(&text);
            let error = failed_in(&path, &known()).expect_err(said);
            let _ = std::fs::remove_file(&path);
            assert!(error.to_string().contains(said), "{error}");
        }
    }
}
