//! `--sarif`: the file the built suite writes, from real runs against
//! flawed targets and from a run that stopped, is valid against the SARIF
//! 2.1.0 schema (vendored in tests/fixtures/sarif), names each finding's
//! rule with its CWE and OWASP ids, sets its level from the grade, and
//! hides credentials. `ci/check-sarif.sh FILE` validates any file with the
//! same schema through the ignored test at the end.

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::Bug;
use support::run::{self, Options, Run};

fn schema() -> jsonschema::Validator {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("the vendored SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// The schema's complaints about `log`, one a line; empty when valid.
fn violations(log: &Value) -> String {
    schema()
        .iter_errors(log)
        .fold(String::new(), |mut text, error| {
            let _ = writeln!(text, "{error} at {}", error.instance_path());
            text
        })
}

fn report_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sarif");
    std::fs::create_dir_all(&dir).expect("a directory for the reports");
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

/// Runs the suite against a server with `bug`, writing SARIF; the run and
/// the log, checked against the schema.
fn sarif_of(bug: Bug, name: &str, more: &[String]) -> (Run, Value) {
    let path = report_path(name);
    let mut args = vec!["--sarif".to_owned(), path.display().to_string()];
    args.extend_from_slice(more);
    let options = Options {
        args,
        ..Options::default()
    };
    let run = run::run_suite(run::runtime().handle(), bug, &options);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("no SARIF written ({error}):\n{}", run.dump()));
    let log: Value = serde_json::from_str(&text).expect("the SARIF log is JSON");
    let complaints = violations(&log);
    assert!(complaints.is_empty(), "{complaints}\n{text}");
    (run, log)
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

fn rule<'a>(log: &'a Value, id: &str) -> &'a Value {
    log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .and_then(|rules| rules.iter().find(|rule| rule["id"] == id))
        .unwrap_or_else(|| panic!("no rule {id}"))
}

fn of_rule<'a>(log: &'a Value, id: &str) -> Vec<&'a Value> {
    results(log)
        .iter()
        .filter(|result| result["ruleId"] == id)
        .collect()
}

/// The console and the JSON report of the run carry the ids the SARIF
/// log gives the `alg None` finding.
fn ids_in_the_console_and_the_json_report(run: &Run, json: &Path) {
    assert!(
        run.stdout
            .contains("ids:      CWE-347 · OWASP API2:2023 (TC-ALG-NONE)"),
        "{}",
        run.dump()
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(json).expect("the JSON report"))
            .expect("JSON");
    let failed = report["scenarios"]
        .as_array()
        .and_then(|entries| {
            entries
                .iter()
                .find(|entry| entry["scenario"] == "alg None on list")
        })
        .expect("the scenario");
    for entry in [failed, &failed["findings"][0]] {
        assert_eq!(entry["rule"], "TC-ALG-NONE", "{failed}");
        assert_eq!(entry["cwe"], "CWE-347", "{failed}");
        assert_eq!(entry["owasp"], "API2:2023", "{failed}");
    }
}

/// The unsigned algorithm spelled `None`: failed findings, errors under
/// their family's rule, with the request, the curl command and the
/// scenario's line; one of them accepted by `--expect-failures`, and so
/// suppressed with its reason.
#[test]
fn a_flawed_target_gives_valid_sarif_with_one_result_per_finding() {
    let bug = Bug::AlgNoneDenylistIsCaseSensitive;
    let expected = support::expected(support::flaws::of(bug));
    let list = report_path("accepted.toml");
    let (feature, scenario) = expected.first().expect("the flaw fails something");
    std::fs::write(
        &list,
        format!(
            "[[expected]]\nscenario = {:?}\ngrade = \"failed\"\nreason = \"known since 1.0\"\n",
            format!("{feature}: {scenario}")
        ),
    )
    .expect("write the list");
    let json = report_path("alg-none.json");
    let more = [
        "--expect-failures".to_owned(),
        list.display().to_string(),
        "--json".to_owned(),
        json.display().to_string(),
    ];
    let (run, log) = sarif_of(bug, "alg-none.sarif", &more);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    ids_in_the_console_and_the_json_report(&run, &json);
    assert_eq!(log["version"], "2.1.0");

    let findings = of_rule(&log, "TC-ALG-NONE");
    assert!(findings.len() >= 3, "{log:#}");
    let tags = rule(&log, "TC-ALG-NONE")["properties"]["tags"].to_string();
    for tag in ["security", "CWE-347", "OWASP API2:2023"] {
        assert!(tags.contains(tag), "{tags}");
    }
    for finding in &findings {
        let text = finding["message"]["text"].as_str().expect("a message");
        assert!(
            text.contains("ids:      CWE-347 · OWASP API2:2023 (TC-ALG-NONE)"),
            "{text}"
        );
        assert!(text.contains("reproduce:\n  curl "), "{text}");
        let location = &finding["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "SUITEROOT");
        assert!(
            location["region"]["startLine"].as_i64() > Some(10),
            "{finding:#}"
        );
        assert!(
            finding["webRequest"]["target"]
                .as_str()
                .is_some_and(|url| url.starts_with("http://127.0.0.1"))
        );
        assert!(finding["partialFingerprints"]["todoConformanceFinding/v1"].is_string());
    }
    // The outline's rows, and the catalogue's token that got a success.
    let files: Vec<_> = findings
        .iter()
        .map(|finding| {
            finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str()
        })
        .collect();
    assert!(
        files.contains(&Some("features/07_algorithms.feature")),
        "{files:?}"
    );
    assert!(
        files.contains(&Some("features/11_disclosure.feature")),
        "{files:?}"
    );
    let suppressed: Vec<_> = findings
        .iter()
        .filter(|finding| {
            finding["suppressions"]
                .as_array()
                .is_some_and(|list| !list.is_empty())
        })
        .collect();
    assert_eq!(suppressed.len(), 1, "{log:#}");
    assert_eq!(suppressed[0]["properties"]["scenario"], scenario.as_str());
    assert!(
        suppressed[0]["suppressions"][0]["justification"]
            .to_string()
            .contains("known since 1.0")
    );
    assert!(findings.iter().all(|finding| finding["level"] == "error"));

    // Tokens are cut as in every report: no whole JWT anywhere.
    let jwt = regex::Regex::new(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{8,}").unwrap();
    assert!(
        !jwt.is_match(&log.to_string()),
        "a whole token in the SARIF log"
    );
}

/// A 5xx on a garbled token is a server error wherever it happens, and a
/// missing challenge is a warning (a deviation, non-strict), under their
/// own rules.
#[test]
fn a_5xx_and_a_missing_challenge_get_their_own_rules_and_levels() {
    let (_, crashing) = sarif_of(Bug::PanicsOnBadBase64, "panics.sarif", &[]);
    let errors = of_rule(&crashing, "TC-SERVER-ERROR");
    assert!(!errors.is_empty(), "{crashing:#}");
    assert!(errors.iter().all(|result| result["level"] == "error"));
    assert!(
        errors
            .iter()
            .all(|result| result["webResponse"]["statusCode"].as_i64() >= Some(500))
    );
    assert_eq!(
        rule(&crashing, "TC-SERVER-ERROR")["properties"]["cwe"],
        "CWE-755"
    );

    let (run, silent) = sarif_of(Bug::NoChallenge, "no-challenge.sarif", &[]);
    let warnings = of_rule(&silent, "TC-BEARER-CHALLENGE");
    assert!(!warnings.is_empty(), "{}\n{silent:#}", run.dump());
    assert!(
        warnings
            .iter()
            .all(|result| result["level"] == "warning" || result["level"] == "note"),
        "{silent:#}"
    );
    assert_eq!(
        silent["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

/// A run that stops before any scenario still writes a valid log, which
/// says it did not execute, and why.
#[test]
fn a_stopped_run_gives_valid_sarif_saying_why() {
    let path = report_path("stopped.sarif");
    let unused = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}", unused.local_addr().expect("an address"));
    drop(unused);
    let mut command = run::suite_command(&url, "unused-secret", 2);
    command.arg("--sarif").arg(&path);
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_ne!(code, Some(0), "{stdout}\n{stderr}");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{error}\n{stdout}\n{stderr}"));
    let log: Value = serde_json::from_str(&text).expect("JSON");
    let complaints = violations(&log);
    assert!(complaints.is_empty(), "{complaints}\n{text}");
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false, "{text}");
    let why = invocation["toolExecutionNotifications"][0]["message"]["text"].to_string();
    assert!(why.contains("the run stopped"), "{why}");
    assert!(results(&log).is_empty());
}

/// The validation has teeth: a log with a wrong version, a result without
/// a message and an unknown level is refused on each count.
#[test]
fn the_schema_refuses_a_broken_log() {
    let broken = serde_json::json!({
        "version": "2.0.0",
        "runs": [{
            "tool": {"driver": {"name": "x"}},
            "results": [{"ruleId": "TC-X", "level": "fatal"}]
        }]
    });
    let complaints = violations(&broken);
    for part in ["/version", "/runs/0/results/0"] {
        assert!(complaints.contains(part), "{complaints}");
    }
    assert!(complaints.contains("fatal"), "{complaints}");
}

/// `ci/check-sarif.sh FILE`: the file named by `SARIF_FILE` is valid SARIF
/// 2.1.0. Ignored in the ordinary run, which has no such file.
#[test]
#[ignore = "validates the file named by SARIF_FILE; run by ci/check-sarif.sh"]
fn the_file_named_by_sarif_file_is_valid() {
    let path = std::env::var("SARIF_FILE").expect("SARIF_FILE names the file to validate");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let log: Value = serde_json::from_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"));
    let complaints = violations(&log);
    assert!(
        complaints.is_empty(),
        "{path} is not valid SARIF 2.1.0:\n{complaints}"
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .map_or(0, Vec::len);
    println!(
        "{path}: valid SARIF 2.1.0, {rules} rules, {} results",
        results(&log).len()
    );
}
