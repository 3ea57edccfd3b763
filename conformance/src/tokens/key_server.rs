//! A loopback HTTP endpoint that serves a JWKS of the suite's own keys: for
//! the `jku` and `x5u` attacks, where it remembers which key URLs were
//! fetched (a target that fetches a key URL from a token is one step from
//! trusting it), and for `todo-conformance issuer`, whose key set the
//! key-lifecycle scenarios change while it serves (see [`Publication`]).

mod publication;

pub use publication::{Mode, Publication};

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// Requests larger than this are not read further.
const MAX_REQUEST_BYTES: usize = 8 * 1024;
/// The whole exchange, from accept to the last byte written: a fetch over
/// loopback sends its request at once, and a connection that trickles it
/// must not hold its place for long.
const DEADLINE: Duration = Duration::from_secs(5);
/// Connections open at once. A target on the same host may open thousands
/// and leave them idle; past this many the oldest is closed, so that the
/// newest (a real fetch, whose request comes at once) is always read, and
/// the suite's own connections never run out of file descriptors.
const MAX_OPEN: usize = 128;
/// The longest pause after an accept error (EMFILE, when the process is out
/// of file descriptors): accepting resumes once they are freed.
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// How long a hanging key set holds a connection: past any fetch timeout a
/// target should have, and bounded, so held connections always end.
const HANG_LIMIT: Duration = Duration::from_secs(30);

/// Whether each key URL the suite handed out was fetched.
type Fetches = Mutex<HashMap<String, bool>>;

pub struct KeyServer {
    base: String,
    fetched: Arc<Fetches>,
    accepting: JoinHandle<()>,
}

impl KeyServer {
    /// Serves `jwks` at every path of loopback port `port` (0: any free
    /// one), and records fetches of `/keys/{id}`.
    pub async fn start(jwks: &Value, port: u16) -> std::io::Result<Self> {
        Self::publish(Publication::new(jwks, None), port).await
    }

    /// Serves what `publication` says, as it changes.
    pub async fn publish(publication: Arc<Publication>, port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let base = format!("http://{}", listener.local_addr()?);
        let fetched = Arc::new(Fetches::default());
        let accepting = tokio::spawn(accept(listener, publication, Arc::clone(&fetched)));
        Ok(Self {
            base,
            fetched,
            accepting,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The key URL for `id`, whose fetches are recorded from now on.
    pub fn url_for(&self, id: &str) -> String {
        if let Ok(mut fetched) = self.fetched.lock() {
            fetched.entry(id.to_owned()).or_insert(false);
        }
        format!("{}/keys/{id}", self.base)
    }

    pub fn was_fetched(&self, id: &str) -> bool {
        self.fetched
            .lock()
            .is_ok_and(|fetched| fetched.get(id) == Some(&true))
    }
}

/// Stops accepting; the connections open end by their deadline.
impl Drop for KeyServer {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

/// The connections open, oldest first, each with the signal that closes it.
#[derive(Default)]
struct Open {
    next: u64,
    connections: VecDeque<(u64, Arc<Notify>)>,
}

impl Open {
    /// Admits a new connection, closing the oldest when [`MAX_OPEN`] are
    /// open: its id, and the signal that closes it.
    fn admit(&mut self) -> (u64, Arc<Notify>) {
        if self.connections.len() >= MAX_OPEN
            && let Some((_, oldest)) = self.connections.pop_front()
        {
            // Stored if the connection is not waiting yet: never lost.
            oldest.notify_one();
        }
        let id = self.next;
        self.next += 1;
        let closing = Arc::new(Notify::new());
        self.connections.push_back((id, Arc::clone(&closing)));
        (id, closing)
    }

    fn leave(&mut self, id: u64) {
        self.connections.retain(|(open, _)| *open != id);
    }
}

/// Accepts for as long as the server lives: an accept error pauses it, with
/// a growing backoff, and never ends it.
async fn accept(listener: TcpListener, publication: Arc<Publication>, fetched: Arc<Fetches>) {
    let open = Arc::new(Mutex::new(Open::default()));
    let mut backoff = Duration::from_millis(5);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
            continue;
        };
        backoff = Duration::from_millis(5);
        let (id, closing) = open.lock().unwrap_or_else(PoisonError::into_inner).admit();
        let (open, publication, fetched) = (
            Arc::clone(&open),
            Arc::clone(&publication),
            Arc::clone(&fetched),
        );
        tokio::spawn(async move {
            tokio::select! {
                () = closing.notified() => {}
                () = answer(stream, &publication, &fetched) => {}
            }
            if let Ok(mut open) = open.lock() {
                open.leave(id);
            }
        });
    }
}

/// Reads a request and answers it as the publication says, each within
/// [`DEADLINE`]; a hanging key set holds the connection at most
/// [`HANG_LIMIT`], or until it stops hanging.
async fn answer(mut stream: TcpStream, publication: &Publication, fetched: &Fetches) {
    let Ok(Some(path)) = tokio::time::timeout(DEADLINE, read_path(&mut stream)).await else {
        return;
    };
    // Only the ids the suite handed out are recorded: a flood of made-up
    // paths must not grow the record.
    if let (Some(id), Ok(mut fetched)) = (path.strip_prefix("/keys/"), fetched.lock())
        && let Some(seen) = fetched.get_mut(id)
    {
        *seen = true;
    }
    publication.count_fetch();
    let mut mode = publication.mode();
    if mode == Mode::Hanging {
        match tokio::time::timeout(HANG_LIMIT, publication.unhung()).await {
            Ok(now) => mode = now,
            Err(_) => return,
        }
    }
    let response = match mode {
        Mode::Failing => {
            "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                .to_owned()
        }
        Mode::Normal | Mode::Hanging => {
            let body = publication.jwks();
            let cache = publication
                .max_age()
                .map(|age| format!("cache-control: public, max-age={age}\r\n"))
                .unwrap_or_default();
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{cache}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
        }
    };
    let _ = tokio::time::timeout(DEADLINE, stream.write_all(response.as_bytes())).await;
}

/// The path of the request on `stream`, once its head is read.
async fn read_path(stream: &mut TcpStream) -> Option<String> {
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < MAX_REQUEST_BYTES {
        match stream.read(&mut buffer).await {
            Ok(read) if read > 0 => request.extend_from_slice(&buffer[..read]),
            _ => return None,
        }
    }
    let request = String::from_utf8_lossy(&request);
    Some(
        request
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn serves_the_keys_and_remembers_fetches() {
        let server = KeyServer::start(&serde_json::json!({"keys": []}), 0)
            .await
            .unwrap();
        assert!(!server.was_fetched("abc"));
        let body = reqwest::get(server.url_for("abc"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(body, r#"{"keys":[]}"#);
        assert!(server.was_fetched("abc"));
        assert!(!server.was_fetched("other"));
    }

    /// The keys at `id`, fetched as a target would: one request, no retry.
    async fn fetch(server: &KeyServer, id: &str) -> String {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let response = client.get(server.url_for(id)).send().await.unwrap();
        response.text().await.unwrap()
    }

    /// Idle connections to open: 2,000, or fewer when the soft limit on
    /// file descriptors would not leave room for the rest of the tests.
    fn flood_size() -> usize {
        let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
        let soft = limits
            .lines()
            .find(|line| line.starts_with("Max open files"))
            .and_then(|line| line.split_whitespace().nth(3))
            .and_then(|soft| soft.parse::<usize>().ok())
            .unwrap_or(1024);
        2_000.min(soft / 2)
    }

    /// How many of `streams` the server has closed.
    async fn closed(streams: &mut [TcpStream]) -> usize {
        let reads = streams.iter_mut().map(|stream| async move {
            let mut byte = [0u8; 1];
            let read = tokio::time::timeout(Duration::from_millis(500), stream.read(&mut byte));
            matches!(read.await, Ok(Ok(0) | Err(_)))
        });
        futures::future::join_all(reads)
            .await
            .into_iter()
            .filter(|closed| *closed)
            .count()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_of_idle_connections_neither_keeps_a_fetch_out_nor_stops_the_server() {
        let server = KeyServer::start(&serde_json::json!({"keys": []}), 0)
            .await
            .unwrap();
        let address = server.base_url().trim_start_matches("http://").to_owned();
        let size = flood_size();
        assert!(size > 2 * MAX_OPEN, "too few file descriptors for a flood");
        let mut flood = Vec::with_capacity(size);
        for _ in 0..size {
            flood.push(TcpStream::connect(&address).await.unwrap());
        }

        let started = std::time::Instant::now();
        assert_eq!(fetch(&server, "during").await, r#"{"keys":[]}"#);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert!(server.was_fetched("during"));
        // Bounded: the server closed all but the newest MAX_OPEN (and one
        // more for the fetch).
        let closed = closed(&mut flood).await;
        assert!(closed >= size - MAX_OPEN - 1, "{closed} of {size} closed");

        drop(flood);
        assert_eq!(fetch(&server, "after").await, r#"{"keys":[]}"#);
        assert!(server.was_fetched("after"));
    }

    #[tokio::test]
    async fn past_the_bound_the_oldest_connection_is_closed() {
        let mut open = Open::default();
        let first: Vec<_> = (0..MAX_OPEN).map(|_| open.admit()).collect();
        assert_eq!(open.connections.len(), MAX_OPEN);
        let (newest, _) = open.admit();
        assert_eq!(open.connections.len(), MAX_OPEN);
        assert_eq!(
            open.connections.front().map(|(id, _)| *id),
            Some(first[1].0)
        );
        // The signal was stored for the oldest, which had not waited yet.
        let closing = tokio::time::timeout(Duration::from_millis(100), first[0].1.notified()).await;
        assert!(
            closing.is_ok(),
            "the oldest connection was not told to close"
        );
        open.leave(newest);
        assert_eq!(open.connections.len(), MAX_OPEN - 1);
    }
}
