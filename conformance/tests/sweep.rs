//! The sweep's own promises, beyond the kill matrix (which runs with
//! `--strict` and so cannot tell a failed finding from a non-strict one):
//! CORS is failed only when an attacker gains data by it, the sweep writes
//! only to what the suite created, and `--read-only` sends nothing but GET
//! and HEAD to the declared operations.

mod support;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::response::Response;

use support::Bug;
use support::run::{self, Options, Scenario};
use support::server;

const SWEEP: &str = "Every declared operation";
const CORS: &str = "No operation trusts a foreign origin with credentials";

fn cors() -> Scenario {
    (SWEEP.to_owned(), CORS.to_owned())
}

fn sweep_only(args: &[&str]) -> Options {
    Options {
        document: true,
        args: ["--tags", "@sweep"]
            .iter()
            .chain(args)
            .map(|arg| (*arg).to_owned())
            .collect(),
        ..Options::default()
    }
}

#[test]
fn a_reflected_origin_fails_only_where_a_cookie_carries_the_token() {
    let runtime = run::runtime();
    let options = sweep_only(&[]);
    let bearer_only = run::run_suite(
        runtime.handle(),
        Bug::ReflectsOriginWithCredentials,
        &options,
    );
    assert!(
        bearer_only.findings.contains(&cors()),
        "{}",
        bearer_only.dump()
    );
    assert!(
        !bearer_only.broken.contains(&cors()),
        "{}",
        bearer_only.dump()
    );
    let cookie = run::run_suite(
        runtime.handle(),
        Bug::ReflectsOriginWithCookieAuth,
        &options,
    );
    assert!(cookie.broken.contains(&cors()), "{}", cookie.dump());
    assert!(
        cookie.stdout.contains("takes Alice's token from a cookie"),
        "{}",
        cookie.dump()
    );
}

/// Forwards every request to `upstream` and records its method and path.
async fn recording(upstream: String) -> (String, Arc<Mutex<Vec<(String, String)>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let client = reqwest::Client::new();
    let app = Router::new().fallback(move |request: Request| {
        let (log, client, upstream) = (Arc::clone(&log), client.clone(), upstream.clone());
        async move {
            let (parts, body) = request.into_parts();
            let path = parts.uri.path().to_owned();
            log.lock()
                .expect("the log")
                .push((parts.method.to_string(), path));
            let body = to_bytes(body, 1 << 20).await.expect("a body");
            let mut forwarded =
                client.request(parts.method.clone(), format!("{upstream}{}", parts.uri));
            for (name, value) in &parts.headers {
                if name != "host" {
                    forwarded = forwarded.header(name, value);
                }
            }
            let answer = forwarded
                .body(body)
                .send()
                .await
                .expect("the server answers");
            let mut response = Response::builder().status(answer.status());
            for (name, value) in answer.headers() {
                response = response.header(name, value);
            }
            let bytes = answer.bytes().await.expect("its body");
            response.body(Body::from(bytes)).expect("a response")
        }
    });
    (support::serve(app).await, seen)
}

/// The requests of a sweep run that a read-only sweep must not send:
/// writes to a declared operation beyond the run's own set-up (finding and
/// proving the account routes, which `--read-only` does not limit), the
/// scenarios' task creation (POST on the task list) and cleanup (DELETE of
/// a task).
fn writes_beyond_set_up(read_only: bool) -> Vec<(String, String)> {
    let runtime = run::runtime();
    let secret = server::secret_for(Bug::None);
    let shape = server::Shape {
        document: true,
        ..server::Shape::default()
    };
    let server = runtime.block_on(server::start_shaped(Bug::None, &secret, shape));
    let (url, seen) = runtime.block_on(recording(server.url.clone()));
    let args: &[&str] = if read_only { &["--read-only"] } else { &[] };
    let run = run::run_at(&url, &secret, Bug::None, &sweep_only(args));
    assert_eq!(run.code, Some(0), "{}", run.dump());
    let seen = seen.lock().expect("the log").clone();
    let task = regex::Regex::new(r"^/api/[^/]+/tasks/[^/]+$").expect("a regex");
    seen.into_iter()
        .filter(|(_, path)| {
            !path.starts_with("/api/auth/") && !path.starts_with("/todo-conformance-")
        })
        .filter(|(method, path)| match method.as_str() {
            "GET" | "HEAD" | "OPTIONS" => false,
            "POST" => !path.ends_with("/tasks"),
            "DELETE" => !task.is_match(path),
            _ => true,
        })
        .collect()
}

#[test]
fn the_sweep_writes_only_to_its_own_and_read_only_not_at_all() {
    let writes = writes_beyond_set_up(false);
    // The control: without --read-only the sweep writes, and the recorder sees it.
    for method in ["PUT", "PATCH", "POST"] {
        assert!(
            writes.iter().any(|(m, _)| m == method),
            "no {method} recorded without --read-only: {writes:?}"
        );
    }
    // A write to nothing the suite created is never sent, read-only or not.
    assert!(
        writes.iter().all(|(_, path)| path != "/api/admin/reset"),
        "the sweep sent the declared admin reset: {writes:?}"
    );
    let writes = writes_beyond_set_up(true);
    assert!(writes.is_empty(), "--read-only sent {writes:?}");
}
