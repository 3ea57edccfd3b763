//! A raw-TCP front for the in-memory test server that closes connections the
//! way uvicorn does after an exception in a FastAPI `@app.middleware("http")`:
//! Starlette answers 500, the exception reaches uvicorn, which logs it and
//! closes the connection, without having said `Connection: close`. A request
//! the client sent on that connection in the meantime is dropped unread (the
//! kernel answers it with a reset).
//!
//! The front reads one request at a time, passes it to the server on a
//! connection of its own, and passes the answer back. It can also turn every
//! 401 into that middleware's plain 500, so that a run has hundreds of 5xx
//! to close connections after. With `announce`, the 5xx say `Connection:
//! close`: the control, a server that says what it does.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// How the front behaves.
#[derive(Debug, Clone, Copy)]
pub struct Behaviour {
    /// Every 401 becomes `500 Internal Server Error`, as an auth middleware
    /// that raises `HTTPException` makes it.
    pub refusals_as_500: bool,
    /// The 5xx carry `Connection: close`.
    pub announce: bool,
    /// Only these users exist: a task path naming another gets 404, as from
    /// a backend whose tasks need a row in its users table.
    pub known_users: Option<&'static [&'static str]>,
}

/// What the front saw.
#[derive(Debug, Default)]
pub struct Counts {
    /// Connections the client opened.
    pub connections: AtomicUsize,
    /// Requests passed to the server.
    pub requests: AtomicUsize,
    /// Connections closed after a 5xx.
    pub closed: AtomicUsize,
    /// Requests with a safe method (GET, HEAD, OPTIONS) that arrived on a
    /// connection being closed, and were dropped unanswered.
    pub dropped_reads: AtomicUsize,
    /// Other requests dropped so: writes the client sent on a connection
    /// it could not know was closing.
    pub dropped_writes: AtomicUsize,
}

/// The front, serving until dropped.
pub struct Front {
    pub url: String,
    pub counts: Arc<Counts>,
    task: JoinHandle<()>,
}

impl Drop for Front {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// How long the front waits, after a 5xx, before it closes: uvicorn logs
/// the traceback first. A request that arrives meanwhile is dropped.
const CLOSE_DELAY: Duration = Duration::from_millis(20);
/// Request and response heads larger than this end the connection.
const MAX_HEAD: usize = 1024 * 1024;

/// Starts a front on an ephemeral loopback port for the server at `upstream`
/// (`http://host:port`).
pub async fn start(upstream: &str, behaviour: Behaviour) -> Front {
    let upstream = upstream
        .strip_prefix("http://")
        .expect("an http:// upstream")
        .to_owned();
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral loopback port");
    let url = format!("http://{}", listener.local_addr().expect("a bound address"));
    let counts = Arc::new(Counts::default());
    let shared = Arc::clone(&counts);
    let task = tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let upstream = upstream.clone();
            let counts = Arc::clone(&shared);
            counts.connections.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(async move {
                let _ = serve(client, &upstream, behaviour, &counts).await;
            });
        }
    });
    Front { url, counts, task }
}

/// One client connection, request after request, until a 5xx closes it.
async fn serve(
    mut client: TcpStream,
    upstream: &str,
    behaviour: Behaviour,
    counts: &Counts,
) -> std::io::Result<()> {
    let mut server = TcpStream::connect(upstream).await?;
    let mut from_client = Vec::new();
    let mut from_server = Vec::new();
    loop {
        let Some(request) = read_message(&mut client, &mut from_client, None).await? else {
            return Ok(());
        };
        counts.requests.fetch_add(1, Ordering::Relaxed);
        if let Some(unknown) = unknown_user(&request.bytes, behaviour) {
            let body = format!("{{\"detail\":\"user {unknown} not found\"}}");
            let answer = format!(
                "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            client.write_all(answer.as_bytes()).await?;
            continue;
        }
        server.write_all(&request.bytes).await?;
        let method = method_of(&request.bytes);
        let Some(response) = read_message(&mut server, &mut from_server, Some(&method)).await?
        else {
            return Ok(());
        };
        let (bytes, status) = rewrite(response, behaviour);
        client.write_all(&bytes).await?;
        if status >= 500 {
            counts.closed.fetch_add(1, Ordering::Relaxed);
            if !behaviour.announce {
                drop_what_arrives(&client, &from_client, counts).await;
            }
            // Dropped with unread bytes in its buffer, the socket is reset.
            return Ok(());
        }
    }
}

/// Waits the close delay, and counts a request that came meanwhile (by its
/// method), without reading it.
async fn drop_what_arrives(client: &TcpStream, buffered: &[u8], counts: &Counts) {
    let mut head = [0u8; 16];
    let arrived = if buffered.is_empty() {
        match tokio::time::timeout(CLOSE_DELAY, client.peek(&mut head)).await {
            Ok(Ok(read)) if read > 0 => Some(method_of(&head[..read])),
            _ => None,
        }
    } else {
        Some(method_of(buffered))
    };
    if let Some(method) = arrived {
        let dropped = if matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS") {
            &counts.dropped_reads
        } else {
            &counts.dropped_writes
        };
        dropped.fetch_add(1, Ordering::Relaxed);
    }
}

/// The user a task path names, when `known_users` does not hold it.
fn unknown_user(request: &[u8], behaviour: Behaviour) -> Option<String> {
    let known = behaviour.known_users?;
    let line = String::from_utf8_lossy(request);
    let path = line.split(' ').nth(1)?;
    let mut segments = path.trim_start_matches('/').split('/');
    let (Some("api"), Some(user), Some(tasks)) =
        (segments.next(), segments.next(), segments.next())
    else {
        return None;
    };
    (tasks.starts_with("tasks") && !known.contains(&user)).then(|| user.to_owned())
}

pub fn method_of(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|b| *b == b' ').unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// One whole HTTP/1.1 message, as it came.
pub struct Message {
    pub bytes: Vec<u8>,
    pub status: u16,
}

/// The answer as the client gets it, and its status.
fn rewrite(response: Message, behaviour: Behaviour) -> (Vec<u8>, u16) {
    if behaviour.refusals_as_500 && response.status == 401 {
        let body = "Internal Server Error";
        let connection = if behaviour.announce {
            "connection: close\r\n"
        } else {
            ""
        };
        let bytes = format!(
            "HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain; charset=utf-8\r\n{connection}content-length: {}\r\n\r\n{body}",
            body.len()
        );
        return (bytes.into_bytes(), 500);
    }
    if behaviour.announce && response.status >= 500 {
        let head_end = find(&response.bytes, b"\r\n").expect("a status line") + 2;
        let mut bytes = response.bytes[..head_end].to_vec();
        bytes.extend_from_slice(b"connection: close\r\n");
        bytes.extend_from_slice(&response.bytes[head_end..]);
        return (bytes, response.status);
    }
    (response.bytes, response.status)
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Reads one message from `stream`, `buffer` holding what was read past the
/// previous one. `request_method` is set when reading a response. `None` at
/// a clean end of the stream.
pub async fn read_message(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    request_method: Option<&str>,
) -> std::io::Result<Option<Message>> {
    let head_end = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end + 4;
        }
        if buffer.len() > MAX_HEAD || !fill(stream, buffer).await? {
            return Ok(None);
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let status = match request_method {
        Some(_) => head
            .split(' ')
            .nth(1)
            .and_then(|status| status.parse().ok())
            .unwrap_or(0),
        None => 0,
    };
    let header = |name: &str| {
        head.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
            .map(str::trim)
    };
    let bodiless = request_method == Some("HEAD") || status == 204 || status == 304;
    let end = if bodiless {
        head_end
    } else if header("transfer-encoding").is_some_and(|value| value.contains("chunked")) {
        chunked_end(stream, buffer, head_end).await?
    } else {
        let length: usize = header("content-length")
            .and_then(|value| value.parse().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            if !fill(stream, buffer).await? {
                return Ok(None);
            }
        }
        head_end + length
    };
    let bytes = buffer.drain(..end).collect();
    Ok(Some(Message { bytes, status }))
}

/// Where a chunked body that starts at `start` ends, reading as needed.
async fn chunked_end(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    start: usize,
) -> std::io::Result<usize> {
    let mut at = start;
    loop {
        let line_end = loop {
            if let Some(end) = find(&buffer[at..], b"\r\n") {
                break at + end;
            }
            if !fill(stream, buffer).await? {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
        };
        let size_text = String::from_utf8_lossy(&buffer[at..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidData))?;
        // A last chunk has no trailers here: axum sends none.
        let next = line_end + 2 + size + if size == 0 { 0 } else { 2 };
        let wanted = if size == 0 { line_end + 4 } else { next };
        while buffer.len() < wanted {
            if !fill(stream, buffer).await? {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
        }
        if size == 0 {
            return Ok(wanted);
        }
        at = next;
    }
}

/// Reads more of the stream into `buffer`; false at its end.
async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<bool> {
    buffer.reserve(16 * 1024);
    Ok(stream.read_buf(buffer).await? > 0)
}
