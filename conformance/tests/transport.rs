//! Every backend can be tested: a server that closes its connection after a
//! 5xx without saying so is tested as if it had said so, and a transport
//! error is said as such. Each test runs the built suite binary against the
//! in-memory server of `support`, a front of it, or a raw loopback server.

mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use support::Bug;
use support::front::{self, Behaviour};
use support::listing;
use support::run::{self, Options, Run, stopped_at_preflight};
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
                known_users: None,
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
    let (runnable, always_skipped) = listing::runnable();
    // Every refusal is a 500, so the check of the 401s' challenges has
    // nothing to judge: NOT CHECKED, the one scenario more that is skipped.
    assert_eq!(
        tally.passed + tally.failed + tally.non_strict,
        runnable.len() - 1,
        "{}",
        said.dump()
    );
    assert_eq!(tally.skipped, *always_skipped + 1, "{}", said.dump());
    assert!(
        said.stdout
            .contains("no attack of the catalogue was answered 401"),
        "{}",
        said.dump()
    );
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
