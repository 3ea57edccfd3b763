//! Every backend can be tested: a server that closes its connection after a
//! 5xx without saying so is tested as if it had said so, and a run that
//! stops at preflight says the real cause, in every report it was asked for.
//! Each test runs the built suite binary against the in-memory server of
//! `support`, or a front of it.

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use regex::Regex;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use support::Bug;
use support::front::{self, Behaviour};
use support::run::{self, Options, Run};
use support::server;

/// The verdicts two runs must share.
fn verdicts(run: &Run) -> impl PartialEq + std::fmt::Debug + '_ {
    (
        run.code,
        run.tally,
        &run.broken,
        &run.findings,
        &run.not_set_up,
    )
}

/// uvicorn closes the connection after a 500 raised in an HTTP middleware,
/// without `Connection: close`. Every refusal of such a target is a 500, so
/// nearly every scenario leaves a connection closing behind it: the run
/// must give every scenario the verdict it gets when the server says it.
#[test]
fn a_server_that_closes_after_each_5xx_without_saying_so_is_tested_as_if_it_had_said_so() {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let server = runtime.block_on(server::start(Bug::None, &secret));
    let front = |announce| {
        runtime.block_on(front::start(
            &server.url,
            Behaviour {
                refusals_as_500: true,
                announce,
            },
        ))
    };
    let (silent, announced) = (front(false), front(true));
    let said = run::run_at(&announced.url, &secret, Bug::None, &Options::default());
    let unsaid = run::run_at(&silent.url, &secret, Bug::None, &Options::default());

    // It ran: past the preflight, every scenario with a verdict, and the
    // 500s graded as what they are.
    assert_eq!(said.code, Some(1), "{}", said.dump());
    let tally = said.tally.expect("a tally");
    let (runnable, always_skipped) = run::runnable();
    assert_eq!(
        tally.passed + tally.failed + tally.non_strict,
        runnable.len(),
        "{}",
        said.dump()
    );
    assert_eq!(tally.skipped, *always_skipped, "{}", said.dump());
    assert!(said.not_set_up.is_empty(), "{}", said.dump());
    assert_eq!(verdicts(&unsaid), verdicts(&said), "{}", unsaid.dump());

    let counts = &silent.counts;
    let closed = counts.closed.load(Ordering::Relaxed);
    let dropped_reads = counts.dropped_reads.load(Ordering::Relaxed);
    let dropped_writes = counts.dropped_writes.load(Ordering::Relaxed);
    eprintln!(
        "{} scenarios ran against the closing server ({} passed, {} failed, {} non-strict); over {} connections it answered {} requests and closed {closed} connections after a 5xx; {dropped_reads} reads and {dropped_writes} writes arrived on a closing connection",
        tally.passed + tally.failed + tally.non_strict,
        tally.passed,
        tally.failed,
        tally.non_strict,
        counts.connections.load(Ordering::Relaxed),
        counts.requests.load(Ordering::Relaxed),
    );
    assert!(closed > 100, "only {closed} connections closed");
    // The race happened (about a hundred times a run), and the reads it
    // caught were sent again: the verdicts above are the announced run's.
    assert!(
        dropped_reads > 0,
        "no read was caught by a closing connection"
    );
    // A write sent on a connection the server may be closing cannot be
    // sent again: the suite sends none there.
    assert_eq!(dropped_writes, 0);
}

/// How a raw loopback server answers a request.
#[derive(Debug, Clone, Copy)]
enum Raw {
    /// Resets the connection.
    Reset,
    /// Never answers.
    Hold,
    /// Refuses requests without a token with a 401; resets the others.
    ResetWithToken,
}

/// A loopback server that reads each request head and does as `raw` says.
fn raw_server(runtime: &tokio::runtime::Runtime, raw: Raw) -> String {
    let listener = runtime
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    runtime.spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream, raw));
        }
    });
    url
}

async fn answer(mut stream: TcpStream, raw: Raw) {
    loop {
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8; 1];
            if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                return;
            }
            head.push(byte[0]);
        }
        let with_token = String::from_utf8_lossy(&head)
            .to_ascii_lowercase()
            .contains("\r\nauthorization:");
        match raw {
            Raw::Hold => {
                tokio::time::sleep(Duration::from_secs(30)).await;
                return;
            }
            Raw::ResetWithToken if !with_token => {
                let refusal = "HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n";
                if stream.write_all(refusal.as_bytes()).await.is_err() {
                    return;
                }
            }
            Raw::Reset | Raw::ResetWithToken => {
                let _ = stream.set_zero_linger();
                return;
            }
        }
    }
}

/// Runs the suite against `url` until it stops; its exit code and its
/// stderr, which must be the one line saying why.
fn stopped_at_preflight(url: &str, secret: &str) -> String {
    let mut command = std::process::Command::new(run::SUITE);
    command
        .args(["--base-url", url, "--secret", secret, "--timeout", "1"])
        .env_remove("BETTER_AUTH_SECRET")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    let (code, stdout, stderr) = run::run_bounded(command);
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let line = stderr.trim_end().to_owned();
    assert!(line.starts_with("todo-conformance: "), "{line}");
    line
}

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

#[test]
fn transport_errors_are_said_as_such_never_as_a_refusal() {
    let runtime = run::runtime();
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        format!("http://{}", listener.local_addr().expect("an address"))
    };
    let cases = [
        (closed_port, "", "the connection was refused ("),
        (
            raw_server(&runtime, Raw::Reset),
            "",
            "the target closed the connection without answering, a transport error, not a refusal (",
        ),
        (
            raw_server(&runtime, Raw::Hold),
            "",
            "none came within --timeout 1 s (",
        ),
        (
            raw_server(&runtime, Raw::ResetWithToken),
            " as a minted user",
            "the target closed the connection without answering, a transport error, not a refusal (",
        ),
    ];
    for (url, who, what) in cases {
        let line = stopped_at_preflight(&url, "a-secret");
        let prefix = format!("todo-conformance: no answer to GET {url}/api/preflight-");
        assert!(line.starts_with(&prefix), "{line}");
        assert!(
            line.contains(&format!("/tasks{who}: {what}")),
            "{what}: {line}"
        );
        assert!(!line.contains("--secret"), "{line}");
    }
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
        html.contains("<p class=\"overall failed\">STOPPED</p>"),
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
