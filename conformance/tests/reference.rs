//! The suite against its bundled reference server: every scenario passes,
//! and the reports say so. Plus the exit code 2 paths, which need no server.
//!
//! The bundled server finds its Postgres like the server's own tests:
//! `DATABASE_URL`, else a container of `TODO_POSTGRES_IMAGE` when a Docker
//! engine answers, else a cluster from the installed PostgreSQL binaries.

use std::process::{Command, Output};

const SUITE: &str = env!("CARGO_BIN_EXE_todo-conformance");

fn suite(args: &[&str]) -> Output {
    Command::new(SUITE)
        .args(args)
        .env_remove("BETTER_AUTH_SECRET")
        .output()
        .expect("the suite binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn every_scenario_passes_against_the_reference_server() {
    let dir = std::env::temp_dir().join(format!("todo-conformance-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let junit = dir.join("junit.xml");
    let cucumber = dir.join("cucumber.json");
    let json = dir.join("report.json");
    let output = suite(&[
        "--strict",
        "--junit",
        junit.to_str().unwrap(),
        "--cucumber-json",
        cucumber.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    let out = stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{out}\nstderr:\n{}",
        stderr(&output)
    );

    let list = stdout(&suite(&["--list"]));
    let listed = list.lines().count();
    // HS256 with a secret: only the scenarios that need the target's public
    // keys, an `iss` or `aud` it expects, or an issuer the suite drives
    // cannot run here.
    let skipped: Vec<&str> = list
        .lines()
        .filter(|line| line.contains("[skipped: "))
        .collect();
    let why = [
        "public key",
        "two trusted keys",
        "needs the `iss`",
        "needs the `aud`",
        "an issuer the suite can drive",
    ];
    assert!(
        skipped
            .iter()
            .all(|line| why.iter().any(|reason| line.contains(reason))),
        "{skipped:#?}"
    );
    let summary = out
        .lines()
        .find(|line| line.starts_with("conformance: "))
        .expect("a summary line");
    let expected = format!(
        "conformance: {} passed, 0 failed, 0 non-strict, {} skipped",
        listed - skipped.len(),
        skipped.len()
    );
    assert!(
        summary.starts_with(&expected),
        "{summary}, expected {expected}"
    );
    assert!(stderr(&output).contains("bundled reference server"));
    // What a person reads: each report file confirmed in a line, and,
    // without them, under 40 lines; no skip the user could unlock against
    // the bundled server, so no closing warning.
    let printed = format!("{out}{}", stderr(&output));
    let wrote = printed
        .lines()
        .filter(|line| line.starts_with("wrote "))
        .count();
    assert_eq!(wrote, 3, "{printed}");
    assert!(printed.lines().count() - wrote < 40, "{printed}");
    assert!(
        !printed.contains("panicked") && !printed.contains("\nwarning: "),
        "{printed}"
    );

    let junit = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(junit.matches("<testcase ").count(), listed);
    assert!(!junit.contains("<failure"), "{junit}");
    let read_json = |path: &std::path::Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    // One Cucumber JSON feature per feature with a scenario that runs here:
    // not the load one (only with --load), nor those whose every scenario
    // needs what an HS256 run lacks (issuer and audience, the key's life).
    let running: std::collections::BTreeSet<&str> = list
        .lines()
        .filter(|line| !line.contains("[skipped: "))
        .filter_map(|line| line.split_once(": ").map(|(feature, _)| feature))
        .collect();
    assert_eq!(
        read_json(&cucumber).as_array().map(Vec::len),
        Some(running.len()),
        "one Cucumber JSON feature per feature that runs"
    );
    // The suite's own report: the same grades and totals as the console.
    let report = read_json(&json);
    let scenarios = report["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), listed);
    assert!(
        scenarios
            .iter()
            .all(|scenario| ["passed", "skipped"].contains(&scenario["verdict"].as_str().unwrap())),
        "{report:#}"
    );
    assert_eq!(report["totals"]["failed"], 0);
    assert_eq!(report["totals"]["skipped"], skipped.len());
    assert!(
        scenarios
            .iter()
            .filter(|scenario| scenario["verdict"] == "skipped")
            .all(|scenario| scenario["skip_kind"] == "unsupported"),
        "{report:#}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tags_and_names_select_scenarios() {
    let all = stdout(&suite(&["--list"]));
    let cross_user = stdout(&suite(&["--list", "--tags", "@cross-user"]));
    assert!(!cross_user.is_empty());
    assert!(
        cross_user
            .lines()
            .all(|line| line.starts_with("Cross-user isolation: "))
    );
    assert_eq!(
        cross_user.lines().count(),
        all.lines()
            .filter(|line| line.starts_with("Cross-user isolation: "))
            .count()
    );
    let named = stdout(&suite(&["--list", "--name", "^Delete"]));
    assert_eq!(
        named.trim(),
        "Full CRUD for the owner: Delete removes the task  [@must @crud @tc-crud]"
    );
}

#[test]
fn without_a_signing_key_expiry_scenarios_are_skipped_with_the_reason() {
    let listed = stdout(&suite(&[
        "--list",
        "--base-url",
        "http://127.0.0.1:9",
        "--users",
        "register",
    ]));
    let skipped: Vec<&str> = listed
        .lines()
        .filter(|line| line.contains("[skipped: "))
        .collect();
    assert!(
        skipped
            .iter()
            .any(|line| line.starts_with("Expired token: "))
    );
    assert!(
        skipped
            .iter()
            .all(|line| line.contains("pass --secret") || line.contains("public key")),
        "{listed}"
    );
}

#[test]
fn setup_problems_exit_2_with_one_line_saying_what_to_do() {
    for (args, message) in [
        (
            vec!["--base-url", "http://127.0.0.1:9"],
            "no token source for http://127.0.0.1:9: pass --secret",
        ),
        (
            vec!["--base-url", "http://127.0.0.1:9", "--secret", "s3cret"],
            "the connection was refused",
        ),
        (
            vec!["--base-url", "ftp://example.test", "--secret", "x"],
            "is not an http(s) URL",
        ),
        (
            vec!["--features", "/nonexistent/features"],
            "could not read the feature directory",
        ),
        (vec!["--concurrency", "0"], "invalid value '0'"),
        (vec!["--tags", "@a and"], "invalid value '@a and'"),
        (vec!["--no-such-flag"], "unexpected argument"),
        (
            vec![
                "--base-url",
                "http://127.0.0.1:9",
                "--signing-key",
                "/dev/null",
            ],
            "--signing-key needs the `iss` to claim",
        ),
        (
            vec![
                "--base-url",
                "http://127.0.0.1:9",
                "--signing-key",
                "/nonexistent.jwk",
                "--token-issuer",
                "x",
            ],
            "could not read the signing key /nonexistent.jwk",
        ),
        (
            vec!["--base-url", "http://127.0.0.1:9", "--users", "better-auth"],
            "--users better-auth needs --better-auth URL",
        ),
    ] {
        let output = suite(&args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

/// Against an external target with registration but no secret: the scenarios
/// that must mint tokens are skipped, with the reason, in the console and in
/// JUnit, and never counted as passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios_that_cannot_run_are_reported_skipped() {
    use todo_reference_server::{Config, Secret, config, spawn};
    let database = config::database_from_lookup(&|name| std::env::var(name).ok()).unwrap();
    let secret = Secret::new("reference-test-secret-0123456789abcdef").unwrap();
    let server = spawn(Config::new(secret, database)).await.unwrap();
    let junit = std::env::temp_dir().join(format!("todo-conformance-{}.xml", uuid::Uuid::new_v4()));
    let args = [
        "--base-url".to_owned(),
        server.url(),
        "--users".to_owned(),
        "register".to_owned(),
        "--junit".to_owned(),
        junit.display().to_string(),
        // A line for each skipped scenario.
        "--verbose".to_owned(),
    ];
    let output = tokio::task::spawn_blocking(move || {
        suite(&args.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .unwrap();
    server.shutdown().await.unwrap();
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}\n{}", stderr(&output));

    let skipped: Vec<&str> = out
        .lines()
        .filter(|line| line.starts_with("[skipped] "))
        .collect();
    assert!(!skipped.is_empty());
    assert!(
        skipped
            .iter()
            .all(|line| line.contains("pass --secret") || line.contains("public key")),
        "{skipped:#?}"
    );
    let summary = out
        .lines()
        .find(|line| line.starts_with("conformance: "))
        .unwrap();
    assert!(
        summary.contains(&format!(
            ", 0 failed, 0 non-strict, {} skipped",
            skipped.len()
        )),
        "{summary}"
    );

    let xml = std::fs::read_to_string(&junit).unwrap();
    std::fs::remove_file(&junit).unwrap();
    assert_eq!(xml.matches("<skipped message=").count(), skipped.len());
    assert_eq!(
        xml.matches("<testcase ").count(),
        stdout(&suite(&["--list"])).lines().count()
    );
}

/// `--load` against the bundled server, briefly: many users at once, no
/// leak, no 5xx, and the throughput reported. Nothing else runs.
#[test]
fn the_load_scenario_passes_against_the_reference_server() {
    let output = suite(&["--load", "16", "--duration", "3"]);
    let out = stdout(&output);
    assert!(output.status.success(), "{out}\n{}", stderr(&output));
    assert!(
        out.contains("Isolation under load (Many users at once keep their tasks to themselves): ")
            && out.contains(" req/s; latency p50 "),
        "{out}"
    );
    assert!(
        out.contains("conformance: 1 passed, 0 failed, 0 non-strict, 0 skipped"),
        "{out}"
    );
}
