//! The SARIF 2.1.0 report (`--sarif`), for GitHub code scanning and other
//! security dashboards: one rule per scenario family with its CWE and OWASP
//! API Top 10 ids, one result per finding. Written with `serde-sarif`'s
//! types, from the typed results; credentials hidden unless
//! `--show-tokens`, as in every report. See docs/sarif.md.

use std::collections::BTreeMap;
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
use crate::report::redact;
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
                .enumerate()
                .map(move |(nth, finding)| sarif_result(report, result, nth, finding))
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
    let mut bag = PropertyBag::builder()
        .additional_properties(properties)
        .build();
    bag.tags = (!tags.is_empty()).then_some(tags);
    bag
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
    descriptor.build()
}

/// How the run went: a stopped run did not execute its scenarios; a stale
/// or expired `--expect-failures` entry and a task left behind fail the run
/// without a finding.
fn invocation(report: &RunReport) -> Invocation {
    let mut notifications: Vec<Notification> = report
        .stop_reason()
        .into_iter()
        .map(|reason| notification(&format!("the run stopped: {reason}")))
        .collect();
    notifications.extend(
        report
            .expired
            .iter()
            .map(|entry| notification(&format!("expired --expect-failures entry: {entry}"))),
    );
    if !report.left_behind.is_empty() {
        notifications.push(notification(&format!(
            "left behind: {} task(s) the suite created and could not delete: {}",
            report.left_behind.len(),
            report.left_behind.join(", ")
        )));
    }
    notifications.extend(report.scenarios.iter().filter_map(|result| {
        let Verdict::UnexpectedPass { reason } = &result.verdict else {
            return None;
        };
        Some(notification(&format!(
            "expected to fail, passed: {}: listed in --expect-failures ({reason}); remove it from the list",
            result.id()
        )))
    }));
    let mut invocation = Invocation::builder()
        .execution_successful(report.stopped.is_none())
        .build();
    invocation.start_time_utc = Some(report.started_at.clone()).filter(|time| !time.is_empty());
    invocation.tool_execution_notifications = (!notifications.is_empty()).then_some(notifications);
    invocation
}

fn notification(text: &str) -> Notification {
    Notification::builder()
        .message(message(text))
        .level(json!("error"))
        .build()
}

/// A finding's level: an error when it fails the run (a broken promise, a
/// scenario the target did not let the suite set up, and under `--strict`
/// any finding), else a warning for a deviation and a note for a `@should`.
fn level(report: &RunReport, finding: &Failure) -> ResultLevel {
    match finding.grade {
        Grade::Broken | Grade::NotSetUp => ResultLevel::Error,
        _ if report.strict => ResultLevel::Error,
        Grade::Deviation => ResultLevel::Warning,
        Grade::Should => ResultLevel::Note,
    }
}

fn sarif_result(
    report: &RunReport,
    result: &ScenarioResult,
    nth: usize,
    finding: &Failure,
) -> SarifResult {
    let rule = taxonomy::classify(result, Some(finding));
    let request = request(finding, report.show_tokens);
    let curl = text::reproduce(finding, report.show_tokens).map(|(command, _)| command);
    let block = text::classified_block(finding, rule, report.show_tokens);
    let mut sarif = SarifResult::builder()
        .rule_id(rule.id)
        .rule_index(index_of(rule))
        .level(level(report, finding))
        .message(message(&block))
        .locations(vec![location(result, request.as_ref())])
        .partial_fingerprints(BTreeMap::from([(
            FINGERPRINT.to_owned(),
            fingerprint(rule, result, nth, finding),
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
        ))
        // An empty list says "not suppressed"; an absent one, "unknown".
        .suppressions(suppression(result).into_iter().collect::<Vec<_>>())
        .build();
    sarif.web_request =
        request.map(|(method, url)| WebRequest::builder().method(method).target(url).build());
    sarif.web_response = finding
        .exchange
        .as_ref()
        .and_then(|exchange| exchange.response.as_ref().ok())
        .map(|received| {
            WebResponse::builder()
                .status_code(i64::from(received.status))
                .build()
        });
    sarif
}

/// The finding's request, method and URL, credentials hidden unless
/// `show_tokens`.
fn request(finding: &Failure, show_tokens: bool) -> Option<(String, String)> {
    let request = &finding.exchange.as_ref()?.request;
    Some((
        request.method.to_string(),
        redact::shown(&request.url, show_tokens),
    ))
}

/// The scenario's place in its feature file, and the request as a logical
/// location: GitHub wants a file, and the target's URL is not one.
fn location(result: &ScenarioResult, request: Option<&(String, String)>) -> Location {
    let logical = request
        .into_iter()
        .map(|(method, url)| {
            LogicalLocation::builder()
                .name(url.clone())
                .fully_qualified_name(format!("{method} {url}"))
                .kind("resource")
                .build()
        })
        .collect::<Vec<_>>();
    Location::builder()
        .physical_location(physical(result))
        .logical_locations(logical)
        .build()
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
    // `--features DIR` files carry absolute paths; the embedded ones are
    // relative to the suite's source tree.
    let file_uri = reqwest::Url::from_file_path(Path::new(&origin.file));
    let artifact = if let Ok(uri) = file_uri {
        ArtifactLocation::builder().uri(uri.to_string()).build()
    } else {
        ArtifactLocation::builder()
            .uri(origin.file.clone())
            .uri_base_id(SUITE_ROOT)
            .build()
    };
    let mut physical = PhysicalLocation::builder()
        .artifact_location(artifact)
        .build();
    physical.region = i64::try_from(origin.line)
        .ok()
        .filter(|line| *line > 0)
        .map(|line| Region::builder().start_line(line).build());
    physical
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
fn fingerprint(rule: &Rule, result: &ScenarioResult, nth: usize, finding: &Failure) -> String {
    let check = serde_json::to_string(&finding.check).expect("a check serialises");
    // Its place among the scenario's findings tells apart two of one check
    // (the sweep's, one per operation, in the document's order); the URL
    // would not, as it holds each run's fresh user and task ids.
    let key = format!("{}\0{}\0{check}\0{nth}", rule.id, result.id());
    format!("{:x}", Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests;
