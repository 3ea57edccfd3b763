//! A run that stops at preflight says the real cause, in one line and in
//! every report it was asked for; and what the preflight warns of is true.
//! Each test runs the built suite binary against the in-memory server of
//! `support`, or a front of it.

mod support;

use std::collections::BTreeMap;

use regex::Regex;

use support::Bug;
use support::front::{self, Behaviour};
use support::run::{self, stopped_at_preflight};
use support::server;

#[test]
fn a_route_that_is_not_there_is_named_with_the_url_sent() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let line = stopped_at_preflight(&format!("{}/api", server.url), &secret);
    let sent = Regex::new(&format!(
        r"^todo-conformance: the route was not found at {}/api/api/preflight-[0-9a-f]{{32}}/tasks: it answered 404, as a path that cannot exist does; check --base-url or the profile \(--profile\)$",
        regex::escape(&server.url)
    ))
    .expect("a valid regex");
    assert!(sent.is_match(&line), "{line}");
}
/// FastAPI's `@app.middleware("http")` answers 500 for a refused token, and
/// for none: with a secret the target does not know, the preflight says so.
#[test]
fn a_500_from_an_auth_middleware_is_named() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let front = runtime.block_on(front::start(
        &server.url,
        Behaviour {
            refusals_as_500: true,
            announce: false,
            known_users: None,
        },
    ));
    let line = stopped_at_preflight(&front.url, "not-the-target-secret");
    assert!(
        line.contains(" as a minted user gave 500: Internal Server Error; the target answers 5xx without a token too, as an auth middleware that raises does: FastAPI never turns an HTTPException raised in @app.middleware(\"http\") into a response, so every refusal is a 500; answer with JSONResponse(status_code=401, ...) instead. The suite's token was refused too, or crashed the target: check that --secret is the target's token secret"),
        "{line}"
    );
}
/// The elements of an XML document in order, each with its attributes
/// unescaped; panics unless every element closes, in order, and no `<` is
/// left outside a tag.
fn xml_elements(xml: &str) -> Vec<(String, BTreeMap<String, String>)> {
    let tag = Regex::new(r#"<(/?)([A-Za-z_][\w.-]*)((?:\s+[\w.-]+="[^"]*")*)\s*(/?)>"#)
        .expect("a valid regex");
    let attribute = Regex::new(r#"([\w.-]+)="([^"]*)""#).expect("a valid regex");
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("an XML declaration");
    let (mut open, mut elements, mut at) = (Vec::new(), Vec::new(), 0);
    for found in tag.captures_iter(body) {
        let whole = found.get(0).expect("a match");
        assert!(!body[at..whole.start()].contains('<'), "a stray <: {body}");
        at = whole.end();
        let name = found[2].to_owned();
        if &found[1] == "/" {
            assert_eq!(open.pop(), Some(name), "{body}");
            continue;
        }
        let attributes = attribute
            .captures_iter(&found[3])
            .map(|pair| {
                let value = pair[2]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&");
                (pair[1].to_owned(), value)
            })
            .collect();
        if &found[4] != "/" {
            open.push(name.clone());
        }
        elements.push((name, attributes));
    }
    assert!(open.is_empty() && body[at..].trim().is_empty(), "{body}");
    elements
}

/// The report files of a run against `url`, and its exit code and stderr.
fn run_with_reports(url: &str, secret: &str) -> (Option<i32>, String, [String; 3]) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("reports-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("a report directory");
    let files = ["report.xml", "report.html", "report.json"].map(|name| dir.join(name));
    let mut command = run::suite_command(url, secret, run::CONCURRENCY);
    command
        .arg("--junit")
        .arg(&files[0])
        .arg("--html")
        .arg(&files[1])
        .arg("--json")
        .arg(&files[2]);
    let (code, _, stderr) = run::run_bounded(command);
    let texts = files.map(|file| {
        std::fs::read_to_string(&file)
            .unwrap_or_else(|error| panic!("{}: {error}\n{stderr}", file.display()))
    });
    let _ = std::fs::remove_dir_all(&dir);
    (code, stderr, texts)
}

/// The totals' words: the HTML sentence with its figures masked, the JSON
/// totals' keys and name.
fn totals_vocabulary(html: &str, json: &serde_json::Value) -> (String, Vec<String>, String) {
    let sentence = Regex::new(r#"<p class="totals">[^<]*</p>"#).expect("a valid regex");
    let figures = Regex::new(r"\d+").expect("a valid regex");
    let found = sentence.find(html).expect("a totals sentence").as_str();
    let keys = json["totals"]
        .as_object()
        .expect("totals")
        .keys()
        .cloned()
        .collect();
    let name = json["totals"]["promise"].to_string();
    (figures.replace_all(found, "N").into_owned(), keys, name)
}

#[test]
fn a_run_stopped_at_preflight_still_writes_every_report_saying_why() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let (code, stderr, [junit, html, json]) =
        run_with_reports(&format!("{}/api", server.url), &secret);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let reason = stderr
        .trim_end()
        .strip_prefix("todo-conformance: ")
        .expect("the one line");
    assert!(
        reason.starts_with("the route was not found at "),
        "{reason}"
    );

    // JUnit: one failed test case, naming the reason.
    let elements = xml_elements(&junit);
    let names: Vec<&str> = elements.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["testsuites", "testsuite", "testcase", "failure"],
        "{junit}"
    );
    for (element, _) in &elements[..2] {
        let attributes = &elements[names.iter().position(|name| name == element).unwrap()].1;
        assert_eq!(attributes["tests"], "1", "{junit}");
        assert_eq!(attributes["failures"], "1", "{junit}");
    }
    assert_eq!(elements[3].1["message"], reason, "{junit}");

    // JSON: no scenario, every total zero, and why.
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(report["stopped"], reason, "{json}");
    assert_eq!(report["scenarios"], serde_json::json!([]), "{json}");
    assert!(
        report["totals"]
            .as_object()
            .expect("totals")
            .iter()
            .all(|(key, value)| key == "promise" || value == 0),
        "{json}"
    );

    // HTML: a page that says why.
    assert!(
        html.contains("<span class=\"overall failed\">STOPPED</span>"),
        "{html}"
    );
    let escaped = reason
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    assert!(
        html.contains(&format!("<p class=\"reason\">{escaped}</p>")),
        "{html}"
    );

    // The same words for the totals as a run that went through.
    let (code, stderr, [full_junit, full_html, full_json]) = run_with_reports(&server.url, &secret);
    assert_eq!(code, Some(0), "{stderr}");
    let full: serde_json::Value = serde_json::from_str(&full_json).expect("JSON");
    assert_eq!(
        totals_vocabulary(&html, &report),
        totals_vocabulary(&full_html, &full)
    );
    let root = |xml: &str| -> Vec<String> { xml_elements(xml)[0].1.keys().cloned().collect() };
    assert_eq!(root(&junit), root(&full_junit));
}
fn token(secret: &str, user: &str) -> String {
    let now = jsonwebtoken::get_current_timestamp();
    let claims = serde_json::json!({"sub": user, "iat": now, "exp": now + 900});
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("an HS256 token")
}

/// The warnings of a run with two given users, a minting secret from
/// `--secret` or from BETTER_AUTH_SECRET, and the one scenario that needs
/// a minted token to work; and its exit code.
fn given_users_with(
    url: &str,
    user_secret: &str,
    secret: &str,
    flag: bool,
) -> (Option<i32>, String) {
    let mut command = std::process::Command::new(run::SUITE);
    command
        .args(["--base-url", url, "--users", "given", "--timeout", "5"])
        .args([
            "--name",
            "Control: the same token with a future expiry works",
        ])
        .env("TODO_ALICE_TOKEN", token(user_secret, "given-alice"))
        .env("TODO_BOB_TOKEN", token(user_secret, "given-bob"))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    if flag {
        command
            .args(["--secret", secret])
            .env_remove("BETTER_AUTH_SECRET");
    } else {
        command.env("BETTER_AUTH_SECRET", secret);
    }
    let (code, stdout, stderr) = run::run_bounded(command);
    let warnings = stderr
        .lines()
        .filter(|line| line.starts_with("warning: "))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(stdout.contains("conformance: "), "{stdout}\n{stderr}");
    (code, warnings)
}

/// With `--users given`, the scenarios mint their tokens for the given
/// users, so the preflight checks a token minted for the given Alice: on a
/// target whose tasks need a known user, made-up users would be refused
/// while the given users' minted tokens work.
#[test]
fn the_warning_about_minted_tokens_with_given_users_says_only_what_is_true() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let front = runtime.block_on(front::start(
        &server.url,
        Behaviour {
            refusals_as_500: false,
            announce: true,
            known_users: Some(&["given-alice", "given-bob"]),
        },
    ));
    for flag in [true, false] {
        let (code, warnings) = given_users_with(&front.url, &secret, &secret, flag);
        assert_eq!(code, Some(0), "{warnings}");
        assert_eq!(warnings, "");
    }

    let start = |key: &str| {
        format!(
            "warning: the target refused a token minted with {key} for the given user given-alice: GET {}/api/given-alice/tasks gave 401: ",
            front.url
        )
    };
    // Their scenarios are NOT CHECKED, never failed or passed on that key.
    let minted_fail = "; the scenarios that mint tokens are NOT CHECKED; ";
    let (code, warning) = given_users_with(&front.url, &secret, "not-the-secret", true);
    assert_eq!(code, Some(0), "{warning}");
    assert!(
        warning.starts_with(&start("the HS256 secret of --secret")),
        "{warning}"
    );
    assert!(
        warning.ends_with(&format!(
            "{minted_fail}check that --secret is the target's token secret"
        )),
        "{warning}"
    );
    let (code, warning) = given_users_with(&front.url, &secret, "not-the-secret", false);
    assert_eq!(code, Some(0), "{warning}");
    assert!(
        warning.starts_with(&start(
            "the HS256 secret in BETTER_AUTH_SECRET (from this environment)"
        )),
        "{warning}"
    );
    assert!(
        warning.ends_with(&format!("{minted_fail}the secret is BETTER_AUTH_SECRET from this environment: check that it is the target's token secret, and if it is set there for something else, unset it")),
        "{warning}"
    );
}
