//! The target's OpenAPI document, found or given, and the profile inferred
//! from it, as the built binary shows them: `--print-profile` prints it
//! (sending nothing but the GETs that look for the document), a printed
//! profile loads back the same, and a bad `--openapi` stops the run.

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use support::Bug;
use support::run::{self, SUITE, run_bounded};
use support::server;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/openapi/{name}"))
}

fn suite(args: &[&str]) -> (Option<i32>, String, String) {
    let mut command = Command::new(SUITE);
    command
        .args(args)
        .args(["--timeout", "5"])
        .env_remove("BETTER_AUTH_SECRET")
        .env("NO_COLOR", "1");
    run_bounded(command)
}

/// A target that serves a docs page at /openapi.json (a 2xx that is no
/// document) and the paginated variant's document at /api/openapi.json,
/// and records every request.
async fn documented() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let document = std::fs::read_to_string(fixture("paginated.json")).expect("the fixture");
    let log = Arc::clone(&seen);
    let app = Router::new().fallback(move |request: Request| {
        let log = Arc::clone(&log);
        let document = document.clone();
        async move {
            let path = request.uri().path().to_owned();
            log.lock()
                .expect("the log")
                .push(format!("{} {path}", request.method()));
            let answer: Response = match path.as_str() {
                "/openapi.json" => Html("<html>docs</html>").into_response(),
                "/api/openapi.json" => document.into_response(),
                _ => StatusCode::NOT_FOUND.into_response(),
            };
            answer
        }
    });
    (support::serve(app).await, seen)
}

/// The profile's TOML without the comments that say where it came from.
fn body(printed: &str) -> String {
    printed
        .lines()
        .filter(|line| !line.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_document_found_on_the_target_gives_the_profile_and_it_loads_back() {
    let runtime = run::runtime();
    let (url, seen) = runtime.block_on(documented());
    let (code, printed, stderr) = suite(&["--base-url", &url, "--print-profile"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        printed.starts_with(&format!(
            "# document: {url}/api/openapi.json (9 operations, 8 with a security requirement)\n# profile: inferred from the OpenAPI document; the seed's defaults for what it does not say: routes.register, routes.login, routes.logout\n# task ids: integer"
        )),
        "{printed}"
    );
    for line in [
        "pointer = \"/items\"",
        "query = \"limit=100\"",
        "field = \"status\"",
        "done = \"done\"",
    ] {
        assert!(printed.contains(line), "{line}: {printed}");
    }
    // Nothing but the GETs that looked for the document, without a token.
    assert_eq!(
        *seen.lock().expect("the log"),
        ["GET /openapi.json", "GET /api/openapi.json"]
    );
    // Printed, written and read back with --profile: the same profile.
    let saved = std::env::temp_dir().join(format!("inferred-{}.toml", std::process::id()));
    let saved_arg = saved.to_str().expect("utf-8");
    let openapi = fixture("paginated.json");
    let openapi = openapi.to_str().expect("utf-8");
    let (code, _, stderr) = suite(&[
        "--openapi",
        openapi,
        "--print-profile",
        "--write-profile",
        saved_arg,
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, reread, stderr) = suite(&["--profile", saved_arg, "--print-profile"]);
    let _ = std::fs::remove_file(&saved);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        reread.contains(&format!("given by --profile {saved_arg}")),
        "{reread}"
    );
    assert_eq!(
        body(&reread).replace(openapi, "X"),
        body(&printed).replace(&format!("{url}/api/openapi.json"), "X")
    );
}

#[test]
fn without_a_document_each_place_is_named_with_its_answer() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let (code, printed, stderr) = suite(&["--base-url", &server.url, "--print-profile"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        printed.starts_with("# document: none: no OpenAPI document at /openapi.json (404), /api/openapi.json (404), /docs/openapi.json (404), /openapi.yaml (404), /swagger.json (404), /v3/api-docs (404); give --openapi FILE|URL\n# profile: seed ("),
        "{printed}"
    );
    assert!(printed.contains("\nname = \"seed\"\n"), "{printed}");
}

#[test]
fn a_bad_openapi_document_stops_the_run_with_the_reason() {
    let missing = fixture("not-there.json");
    let (code, _, stderr) = suite(&["--openapi", missing.to_str().expect("utf-8")]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr.trim_end(),
        format!(
            "todo-conformance: could not read the OpenAPI document {}: No such file or directory (os error 2)",
            missing.display()
        )
    );
    let swagger = std::env::temp_dir().join(format!("swagger-{}.json", std::process::id()));
    std::fs::write(&swagger, r#"{"swagger": "2.0", "paths": {}}"#).expect("written");
    let (code, _, stderr) = suite(&[
        "--openapi",
        swagger.to_str().expect("utf-8"),
        "--print-profile",
    ]);
    let _ = std::fs::remove_file(&swagger);
    assert_eq!(code, Some(2));
    assert!(
        stderr.ends_with("is not an OpenAPI 3.0 or 3.1 document: it is a Swagger 2.0 document\n"),
        "{stderr}"
    );
}

#[test]
fn a_dry_run_shows_the_routes_of_a_given_document_or_says_one_is_looked_for() {
    let openapi = fixture("paginated.json");
    let (code, printed, stderr) = suite(&[
        "--base-url",
        "http://127.0.0.1:9",
        "--secret",
        "s",
        "--openapi",
        openapi.to_str().expect("utf-8"),
        "--dry-run",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        printed.contains("list    GET /api/{user}/tasks?limit=100\n"),
        "{printed}"
    );
    assert!(!printed.contains("OpenAPI document at"), "{printed}");
    let (code, printed, stderr) = suite(&[
        "--base-url",
        "http://127.0.0.1:9",
        "--secret",
        "s",
        "--dry-run",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        printed.contains("first GETs without a token for the OpenAPI document at /openapi.json, /api/openapi.json,"),
        "{printed}"
    );
}
