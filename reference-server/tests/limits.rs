//! The limits that keep one client from hurting the others: request heads
//! over 32 KiB get 431, bodies over 64 KiB get 413, a request that takes too
//! long gets 503, and a client that trickles its request head or sits idle
//! is disconnected, without holding anyone else up.
//!
//! Oversized requests are sent over raw TCP, reading while writing, as a
//! hostile client would; the server must answer or close, never hang.

mod common;

use std::time::Duration;

use serde_json::json;
use sqlx::{Connection, PgConnection};
use todo_reference_server::config::database_from_lookup;
use todo_reference_server::{Config, DatabaseConfig, RunningServer, Secret, spawn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// The server answers or closes the connection within this.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// The timeouts of the servers started here, short to keep the tests quick.
const SHORT: Duration = Duration::from_secs(1);
/// What a timeout may overrun by on a busy machine.
const SLACK: Duration = Duration::from_millis(1500);

/// `host:port` of the test binary's shared server.
fn shared_addr() -> String {
    common::server_url()
        .trim_start_matches("http://")
        .to_owned()
}

/// Sends `request` on a new connection while reading the answer, and returns
/// its status code, or `None` if the server closed without one. Requests
/// should say `Connection: close`, so that an answer ends with the
/// connection.
async fn exchange(addr: &str, request: Vec<u8>) -> Option<u16> {
    let (mut reader, mut writer) = TcpStream::connect(addr)
        .await
        .expect("the server accepts")
        .into_split();
    // The server may answer and close before it has read everything; the
    // write then fails, which is its right.
    let writing = tokio::spawn(async move {
        let _ = writer.write_all(&request).await;
        writer
    });
    let mut answer = Vec::new();
    // A reset after the answer still leaves the answer in `answer`.
    let _ = tokio::time::timeout(ANSWER_TIMEOUT, reader.read_to_end(&mut answer))
        .await
        .expect("the server answers or closes the connection in time");
    writing.abort();
    let status_line = String::from_utf8_lossy(&answer);
    let code = status_line.strip_prefix("HTTP/1.1 ")?.get(..3)?;
    Some(code.parse().expect("a numeric status"))
}

fn get_with_authorization(path: &str, authorization: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Authorization: {authorization}\r\n\r\n"
    )
    .into_bytes()
}

async fn status(url: &str, token: Option<&str>) -> (u16, String) {
    let mut request = reqwest::Client::new().get(url).timeout(ANSWER_TIMEOUT);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn postgres() -> (Option<common::postgres::TestPostgres>, String) {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return (None, url);
    }
    let (postgres, url) = common::postgres::start(None).await;
    (Some(postgres), url)
}

async fn server_with(
    database: DatabaseConfig,
    configure: impl FnOnce(&mut Config),
) -> RunningServer {
    let mut config = Config::new(Secret::new(common::SECRET).unwrap(), database);
    configure(&mut config);
    spawn(config).await.expect("the server starts")
}

#[tokio::test]
async fn request_heads_over_32_kib_get_431_and_the_server_keeps_serving() {
    let addr = shared_addr();
    let path = "/api/someone/tasks";
    for size in [64 * 1024, 1024 * 1024] {
        let authorization = format!("Bearer {}", "a".repeat(size));
        let answer = exchange(&addr, get_with_authorization(path, &authorization)).await;
        assert_eq!(answer, Some(431), "a {size}-byte Authorization header");
    }
    // Under the head limit, a long token is just a token that is too long.
    let authorization = format!("Bearer {}", "a".repeat(20 * 1024));
    let answer = exchange(&addr, get_with_authorization(path, &authorization)).await;
    assert_eq!(answer, Some(401));

    let token = common::token_for("someone");
    let (status, _) = status(&format!("{}{path}", common::server_url()), Some(&token)).await;
    assert_eq!(status, 200, "the server still serves");
}

#[tokio::test]
async fn bodies_over_64_kib_get_413_with_or_without_a_content_length() {
    let addr = shared_addr();
    let token = common::token_for("big-bodies");
    let head = |framing: &str| {
        format!(
            "POST /api/big-bodies/tasks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
             Authorization: Bearer {token}\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
        )
    };
    let body = json!({"title": "big", "description": "d".repeat(1024 * 1024)}).to_string();

    let mut sized = head(&format!("Content-Length: {}", body.len())).into_bytes();
    sized.extend_from_slice(body.as_bytes());
    assert_eq!(exchange(&addr, sized).await, Some(413), "Content-Length");

    // Chunked, the size is only known by reading: the server stops at the limit.
    let mut chunked = head("Transfer-Encoding: chunked").into_bytes();
    for chunk in body.as_bytes().chunks(16 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(exchange(&addr, chunked).await, Some(413), "chunked");

    let (status, tasks) = status(
        &format!("{}/api/big-bodies/tasks", common::server_url()),
        Some(&token),
    )
    .await;
    assert_eq!((status, tasks.as_str()), (200, "[]"), "nothing was stored");
}

#[tokio::test]
async fn a_request_that_takes_too_long_gets_503_at_the_request_timeout() {
    let (_container, database_url) = postgres().await;
    let server = server_with(DatabaseConfig::Url(database_url.clone()), |config| {
        config.request_timeout = SHORT;
    })
    .await;
    let token = common::token_for("slow-reader");
    let tasks = format!("{}/api/slow-reader/tasks", server.url());
    assert_eq!(status(&tasks, Some(&token)).await.0, 200);

    // Another session locks the table: a real way for a query to stall.
    let mut blocker = PgConnection::connect(&database_url).await.unwrap();
    let mut transaction = blocker.begin().await.unwrap();
    sqlx::query("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *transaction)
        .await
        .unwrap();
    let started = Instant::now();
    let (code, body) = status(&tasks, Some(&token)).await;
    let took = started.elapsed();
    assert_eq!(
        (code, body.as_str()),
        (503, r#"{"detail":"Request timed out"}"#)
    );
    assert!(
        took >= SHORT && took < SHORT + SLACK,
        "cut off after {took:?}, expected {SHORT:?}"
    );
    // Requests that do not need the table are not held up meanwhile.
    assert_eq!(
        status(&format!("{}/ready", server.url()), None).await.0,
        200
    );

    transaction.rollback().await.unwrap();
    assert_eq!(status(&tasks, Some(&token)).await.0, 200);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn slow_and_idle_connections_are_closed_without_holding_up_others() {
    let database = database_from_lookup(&|name| std::env::var(name).ok()).unwrap();
    let server = server_with(database, |config| config.header_read_timeout = SHORT).await;
    let addr = server.addr();

    // Connections that never send a byte, as many as a small attack might
    // open: they must not keep others from being served.
    let mut idle = Vec::new();
    for _ in 0..64 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    let started = Instant::now();
    assert_eq!(
        status(&format!("{}/health", server.url()), None).await.0,
        200
    );
    assert!(
        started.elapsed() < SLACK,
        "served after {:?}",
        started.elapsed()
    );

    // A client sending its head a byte at a time is cut off at the header
    // read timeout, however long it keeps trickling.
    let mut slow = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .await
        .unwrap();
    let mut buffer = [0; 256];
    let closed = loop {
        assert!(
            started.elapsed() < ANSWER_TIMEOUT,
            "the slow client is still connected after {:?}",
            started.elapsed()
        );
        tokio::select! {
            read = slow.read(&mut buffer) => break read,
            () = tokio::time::sleep(Duration::from_millis(100)) => {
                if slow.write_all(b"a").await.is_err() {
                    break Ok(0);
                }
            }
        }
    };
    let took = started.elapsed();
    assert!(
        matches!(closed, Ok(0) | Err(_)),
        "the server answered a head it never fully got: {closed:?}"
    );
    assert!(
        took >= SHORT && took < SHORT + SLACK,
        "the slow client was cut off after {took:?}, expected {SHORT:?}"
    );

    // By now the idle connections have been closed too.
    for mut connection in idle {
        let read = tokio::time::timeout(SLACK, connection.read(&mut buffer))
            .await
            .expect("an idle connection is closed at the header read timeout");
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    }
    server.shutdown().await.unwrap();
}
