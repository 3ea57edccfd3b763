//! The client against raw loopback servers that close connections at the
//! worst moment: after a request arrived, without answering it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use super::Client;

/// A request the server saw: on which connection, its method, and whether
/// it was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    connection: usize,
    method: String,
    answered: bool,
}

impl Seen {
    fn new(connection: usize, method: &str, answered: bool) -> Self {
        Self {
            connection,
            method: method.to_owned(),
            answered,
        }
    }
}

#[derive(Clone, Copy)]
enum Closing {
    /// Answers the first request of a connection and keeps it open, without
    /// `Connection: close`; drops the next one unread, which resets it.
    AfterFirstAnswer,
    /// Drops every request unread.
    Always,
}

/// A loopback server that closes as `closing` says, and what it saw.
async fn server(closing: Closing) -> (Client, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        let mut connection = 0;
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, connection, closing, Arc::clone(&log)));
            connection += 1;
        }
    });
    let client = Client::new(&url, Duration::from_secs(5), None).expect("a client");
    (client, seen)
}

async fn serve(
    mut stream: TcpStream,
    connection: usize,
    closing: Closing,
    seen: Arc<Mutex<Vec<Seen>>>,
) {
    let mut answered = 0;
    loop {
        let mut first = [0u8; 8];
        let Ok(read) = stream.peek(&mut first).await else {
            return;
        };
        if read == 0 {
            return;
        }
        let method = String::from_utf8_lossy(&first[..read])
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_owned();
        let answer = matches!(closing, Closing::AfterFirstAnswer) && answered == 0;
        seen.lock()
            .expect("the log")
            .push(Seen::new(connection, &method, answer));
        if !answer {
            // Unread bytes make the close a reset.
            return;
        }
        read_request(&mut stream).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
            .await;
        answered += 1;
    }
}

/// Reads a request head and its `content-length` body.
async fn read_request(stream: &mut TcpStream) {
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.unwrap_or(0) == 0 {
            return;
        }
        request.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&request).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = stream.read_exact(&mut body).await;
}

fn seen(log: &Mutex<Vec<Seen>>) -> Vec<Seen> {
    log.lock().expect("the log").clone()
}

#[tokio::test]
async fn a_read_lost_to_a_closed_kept_alive_connection_is_sent_again_on_a_new_one() {
    let (client, log) = server(Closing::AfterFirstAnswer).await;
    let first = client.send(Method::GET, "/a", &[], None).await;
    assert_eq!(first.status(), Some(200));
    let second = client.send(Method::GET, "/b", &[], None).await;
    assert_eq!(second.status(), Some(200), "{:?}", second.response);
    assert_eq!(
        seen(&log),
        [
            Seen::new(0, "GET", true),
            Seen::new(0, "GET", false),
            Seen::new(1, "GET", true),
        ]
    );
}

#[tokio::test]
async fn a_write_never_goes_on_a_kept_alive_connection() {
    let (client, log) = server(Closing::AfterFirstAnswer).await;
    let read = client.send(Method::GET, "/a", &[], None).await;
    assert_eq!(read.status(), Some(200));
    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        let write = client
            .send(method.clone(), "/a", &[], Some(&json!({"title": "t"})))
            .await;
        assert_eq!(write.status(), Some(200), "{method}: {:?}", write.response);
    }
    assert_eq!(
        seen(&log),
        [
            Seen::new(0, "GET", true),
            Seen::new(1, "POST", true),
            Seen::new(2, "PUT", true),
            Seen::new(3, "PATCH", true),
            Seen::new(4, "DELETE", true),
        ]
    );
}

#[tokio::test]
async fn a_write_the_server_may_have_received_is_never_sent_again() {
    let (client, log) = server(Closing::Always).await;
    let write = client
        .send(Method::POST, "/a", &[], Some(&json!({"title": "t"})))
        .await;
    assert!(write.response.is_err(), "{:?}", write.response);
    // A read is sent once more, on a new connection, and no more.
    let read = client.send(Method::GET, "/a", &[], None).await;
    assert!(read.response.is_err(), "{:?}", read.response);
    assert_eq!(
        seen(&log),
        [
            Seen::new(0, "POST", false),
            Seen::new(1, "GET", false),
            Seen::new(2, "GET", false),
        ]
    );

    // Writes on kept-alive connections (the load scenario's) are not sent
    // again either.
    let (client, log) = server(Closing::AfterFirstAnswer).await;
    let client = client.reusing_connections();
    assert_eq!(
        client.send(Method::GET, "/a", &[], None).await.status(),
        Some(200)
    );
    let write = client.send(Method::DELETE, "/a", &[], None).await;
    assert!(write.response.is_err(), "{:?}", write.response);
    assert_eq!(
        seen(&log),
        [Seen::new(0, "GET", true), Seen::new(0, "DELETE", false)]
    );
}

/// An answer whose head is larger than hyper reads is a cause of its own:
/// the target is there, and said too much.
#[tokio::test]
async fn a_head_too_large_is_named_as_such() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            read_request(&mut stream).await;
            let padding = format!("x-padding: {}\r\n", "a".repeat(8 * 1024)).repeat(128);
            let head = format!("HTTP/1.1 200 OK\r\n{padding}content-length: 2\r\n\r\n{{}}");
            let _ = stream.write_all(head.as_bytes()).await;
        }
    });
    let client = Client::new(&url, Duration::from_secs(5), None).expect("a client");
    let exchange = client.send(Method::GET, "/a", &[], None).await;
    let unanswered = exchange.response.expect_err("no answer read");
    assert_eq!(unanswered.cause, super::Cause::HeadTooLarge, "{unanswered}");
}
