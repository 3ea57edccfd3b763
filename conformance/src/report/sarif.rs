//! The SARIF 2.1.0 report (`--sarif`), for GitHub code scanning and other
//! security dashboards: one rule per scenario family with its CWE and OWASP
//! API Top 10 ids, one result per finding. Written with `serde-sarif`'s
//! types, from the typed results; credentials hidden unless
//! `--show-tokens`, as in every report. See docs/sarif.md.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, SCHEMA_URL, Sarif, Suppression, Tool, ToolComponent,
    WebRequest, WebResponse,
};
use sha2::{Digest as _, Sha256};

use crate::report::finding::{Failure, Grade};
use crate::report::redact::conceal;
use crate::report::results::{RunReport, ScenarioResult, Verdict};
use crate::report::taxonomy::{self, RULES, Rule};
use crate::report::text;

/// The base the feature files' paths are relative to.
const SUITE_ROOT: &str = "SUITEROOT";
/// The key of the fingerprint that follows a finding from run to run.
const FINGERPRINT: &str = "todoConformanceFinding/v1";

pub fn render(report: &RunReport) -> String {
    let results = report
        .scenarios
        .iter()
        .flat_map(|result| {
            result
                .findings()
                .map(move |finding| sarif_result(report, result, finding))
        })
        .collect::<Vec<_>>();
    let run = Run::builder()
        .tool(
            Tool::builder()
                .driver(
                    ToolComponent::builder()
                        .name(env!("CARGO_PKG_NAME"))
                        .semantic_version(env!("CARGO_PKG_VERSION"))
                        .rules(RULES.iter().map(descriptor).collect::<Vec<_>>())
                        .build(),
                )
                .build(),
        )
        .original_uri_base_ids(BTreeMap::from([(
            SUITE_ROOT.to_owned(),
            ArtifactLocation::builder()
                .description(message(
                    "The todo-conformance source tree: the feature files built into the suite are under features/. Features read with --features DIR are named by the path given.",
                ))
                .build(),
        )]))
        .invocations(vec![invocation(report)])
        .results(results)
        .properties(bag(
            Vec::new(),
            [
                ("target", json!(report.target)),
                ("profile", json!(report.profile)),
                ("strict", json!(report.strict)),
            ],
        ))
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA_URL)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log).expect("the SARIF log serialises")
}

fn message(text: &str) -> Message {
    Message::builder().text(text).build()
}

fn bag<const N: usize>(tags: Vec<String>, properties: [(&str, Value); N]) -> PropertyBag {
    let properties = properties
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect::<BTreeMap<_, _>>();
    if tags.is_empty() {
        PropertyBag::builder()
            .additional_properties(properties)
            .build()
    } else {
        PropertyBag::builder()
            .tags(tags)
            .additional_properties(properties)
            .build()
    }
}

/// A rule as SARIF describes it; `security-severity` and the tags are what
/// GitHub reads to rank and label its alerts.
fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let ids = format!(
        "{} · OWASP {} {}",
        rule.cwe_id(),
        rule.owasp.id(),
        rule.owasp.name()
    );
    let help = MultiformatMessageString::builder()
        .text(format!("{}\n\n{ids}", rule.help))
        .markdown(format!("{}\n\n**{ids}** · rule `{}`", rule.help, rule.id))
        .build();
    let tags = vec![
        "security".to_owned(),
        rule.cwe_id(),
        format!("external/cwe/cwe-{}", rule.cwe),
        format!("OWASP {}", rule.owasp.id()),
    ];
    let descriptor = ReportingDescriptor::builder()
        .id(rule.id)
        .name(rule.name)
        .short_description(MultiformatMessageString::builder().text(rule.name).build())
        .full_description(MultiformatMessageString::builder().text(rule.help).build())
        .help(help)
        .properties(bag(
            tags,
            [
                ("security-severity", json!(rule.severity.score())),
                ("cwe", json!(rule.cwe_id())),
                ("owasp", json!(rule.owasp.id())),
            ],
        ));
    // Only when the crate says where it lives: a guessed address would rot.
    match option_env!("CARGO_PKG_REPOSITORY").filter(|url| !url.is_empty()) {
        Some(repository) => descriptor
            .help_uri(format!(
                "{}/blob/main/docs/sarif.md#{}",
                repository.trim_end_matches('/'),
                rule.tag()
            ))
            .build(),
        None => descriptor.build(),
    }
}

/// How the run went: a stopped run did not execute its scenarios, and a
/// stale `--expect-failures` entry fails the run without a finding.
fn invocation(report: &RunReport) -> Invocation {
    let mut notifications: Vec<Notification> = report
        .stop_reason()
        .into_iter()
        .map(|reason| notification(&format!("the run stopped: {reason}")))
        .collect();
    notifications.extend(report.scenarios.iter().filter_map(|result| {
        let Verdict::UnexpectedPass { reason } = &result.verdict else {
            return None;
        };
        Some(notification(&format!(
            "expected to fail, passed: {}: listed in --expect-failures ({reason}); remove it from the list",
            result.id()
        )))
    }));
    let invocation = Invocation::builder()
        .execution_successful(report.stopped.is_none())
        .start_time_utc(report.started_at.clone());
    if notifications.is_empty() {
        invocation.build()
    } else {
        invocation
            .tool_execution_notifications(notifications)
            .build()
    }
}

fn notification(text: &str) -> Notification {
    Notification::builder()
        .message(message(text))
        .level(json!("error"))
        .build()
}

/// A finding's level: an error when it fails the run, else by its grade.
fn level(report: &RunReport, finding: &Failure) -> ResultLevel {
    match finding.grade {
        Grade::Broken => ResultLevel::Error,
        Grade::Deviation | Grade::Should if report.strict => ResultLevel::Error,
        Grade::Deviation => ResultLevel::Warning,
        Grade::Should | Grade::NotSetUp => ResultLevel::Note,
    }
}

fn sarif_result(report: &RunReport, result: &ScenarioResult, finding: &Failure) -> SarifResult {
    let rule = taxonomy::classify(result, Some(finding));
    let shown = |text: &str| {
        if report.show_tokens {
            text.to_owned()
        } else {
            conceal(text)
        }
    };
    let curl = text::reproduce(finding, report.show_tokens).map(|(command, _)| command);
    let request = finding.exchange.as_ref().map(|exchange| {
        (
            exchange.request.method.to_string(),
            shown(&exchange.request.url),
        )
    });
    // The URL goes here and in the message: the location above is the
    // scenario's, since GitHub wants a file.
    let logical = request
        .iter()
        .map(|(method, url)| {
            LogicalLocation::builder()
                .name(url.clone())
                .fully_qualified_name(format!("{method} {url}"))
                .kind("resource")
                .build()
        })
        .collect::<Vec<_>>();
    let location = Location::builder()
        .physical_location(physical(result))
        .logical_locations(logical)
        .build();
    let sarif = SarifResult::builder()
        .rule_id(rule.id)
        .rule_index(index_of(rule))
        .level(level(report, finding))
        .message(message(&text::classified_block(
            finding,
            rule,
            report.show_tokens,
        )))
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(
            FINGERPRINT.to_owned(),
            fingerprint(rule, result, finding),
        )]))
        .properties(bag(
            Vec::new(),
            [
                ("promise", json!(result.promise)),
                ("scenario", json!(result.scenario)),
                ("verdict", json!(result.verdict.label())),
                ("grade", json!(finding.grade)),
                ("cwe", json!(rule.cwe_id())),
                ("owasp", json!(rule.owasp.id())),
                ("curl", json!(curl)),
            ],
        ));
    // An empty list says "not suppressed"; an absent one, "unknown".
    let sarif = sarif.suppressions(suppression(result).into_iter().collect::<Vec<_>>());
    let Some((method, url)) = request else {
        return sarif.build();
    };
    let status = finding
        .exchange
        .as_ref()
        .and_then(|exchange| exchange.response.as_ref().ok())
        .map(|received| i64::from(received.status));
    let sarif = sarif.web_request(WebRequest::builder().method(method).target(url).build());
    match status {
        Some(status) => sarif
            .web_response(WebResponse::builder().status_code(status).build())
            .build(),
        None => sarif.build(),
    }
}

/// An expected failure (`--expect-failures`) is reported, suppressed with
/// the list's reason: viewers that honour suppressions do not raise it.
fn suppression(result: &ScenarioResult) -> Option<Suppression> {
    let Verdict::ExpectedFailure { reason } = &result.verdict else {
        return None;
    };
    Some(
        Suppression::builder()
            .kind(json!("external"))
            .status(json!("accepted"))
            .justification(format!("listed in --expect-failures: {reason}"))
            .build(),
    )
}

/// The scenario's place in its feature file. GitHub needs a physical
/// location for every result; the target's own code is not the suite's to
/// point at, so it points at the scenario that found it.
fn physical(result: &ScenarioResult) -> PhysicalLocation {
    let origin = &result.origin;
    let artifact = if Path::new(&origin.file).is_absolute() {
        ArtifactLocation::builder()
            .uri(format!("file://{}", origin.file))
            .build()
    } else {
        ArtifactLocation::builder()
            .uri(origin.file.clone())
            .uri_base_id(SUITE_ROOT)
            .build()
    };
    let physical = PhysicalLocation::builder().artifact_location(artifact);
    match i64::try_from(origin.line) {
        Ok(line) if line > 0 => physical
            .region(Region::builder().start_line(line).build())
            .build(),
        _ => physical.build(),
    }
}

fn index_of(rule: &Rule) -> i64 {
    RULES
        .iter()
        .position(|known| known == rule)
        .and_then(|index| i64::try_from(index).ok())
        .expect("every rule is in the table")
}

/// Stable across runs for the same finding of the same scenario, so that a
/// dashboard keeps one alert open instead of opening a new one each run.
fn fingerprint(rule: &Rule, result: &ScenarioResult, finding: &Failure) -> String {
    let check = serde_json::to_string(&finding.check).expect("a check serialises");
    let key = format!("{}\0{}\0{check}", rule.id, result.id());
    let digest = Sha256::digest(key.as_bytes());
    digest.iter().fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::finding::Check;
    use crate::report::results::Origin;

    fn deviation() -> Failure {
        Failure {
            promise: "Missing token".to_owned(),
            scenario: "list".to_owned(),
            grade: Grade::Deviation,
            check: Check::Status(vec![401]),
            presented: None,
            expected: "401".to_owned(),
            actual: "403".to_owned(),
            exchange: None,
        }
    }

    fn log(report: &RunReport) -> Value {
        serde_json::from_str(&render(report)).expect("JSON")
    }

    fn with(verdict: Verdict, file: &str) -> RunReport {
        let result = ScenarioResult {
            finding: Some(deviation()),
            ..ScenarioResult::with_verdict("Missing token", "list", verdict)
        }
        .at(Origin {
            file: file.to_owned(),
            line: 9,
            tags: vec!["tc-missing-token".to_owned()],
        });
        RunReport {
            started_at: "2026-11-27T01:00:00Z".to_owned(),
            scenarios: vec![result],
            ..RunReport::default()
        }
    }

    #[test]
    fn a_deviation_is_a_warning_and_an_error_under_strict() {
        let mut report = with(Verdict::NonStrict, "features/01_missing_token.feature");
        let result = &log(&report)["runs"][0]["results"][0];
        assert_eq!(result["level"], "warning");
        assert_eq!(result["ruleId"], "TC-MISSING-TOKEN");
        assert_eq!(result["suppressions"], serde_json::json!([]));
        assert_eq!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            9
        );
        report.strict = true;
        assert_eq!(log(&report)["runs"][0]["results"][0]["level"], "error");
    }

    #[test]
    fn a_feature_outside_the_suite_is_a_file_uri_and_a_stale_expectation_a_notification() {
        let mut report = with(Verdict::NonStrict, "/home/me/features/mine.feature");
        report.scenarios.push(ScenarioResult::with_verdict(
            "Missing token",
            "get",
            Verdict::UnexpectedPass {
                reason: "fixed in 2.0".to_owned(),
            },
        ));
        let log = log(&report);
        let artifact =
            &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uri"], "file:///home/me/features/mine.feature");
        assert!(artifact.get("uriBaseId").is_none());
        let invocation = &log["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], true);
        let note = invocation["toolExecutionNotifications"][0]["message"]["text"].to_string();
        assert!(
            note.contains("Missing token: get") && note.contains("fixed in 2.0"),
            "{note}"
        );
    }
}
