//! A hostile target: a raw-TCP proxy in front of a test server that
//! misbehaves in one chosen way (endless bodies, redirects elsewhere, huge
//! heads, bodies written to attack a CI console, resets, answers that never
//! come). The suite run against it must stay bounded and honest.

mod bodies;
pub mod left_behind;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncWriteExt as _;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::front::{Message, find, method_of, read_message};

/// How the target misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The control: every answer passed through unchanged.
    Honest,
    /// A GET of a task list: 200, a chunked body that never ends.
    EndlessLists,
    /// A GET of a task list: 200, `content-length` 2 GiB, streamed until
    /// the client leaves.
    HugeLists,
    /// Every request: 307 to another host (not forwarded).
    RedirectsElsewhere,
    /// Every request: 307 to this loopback port, where a test listens for
    /// a client that follows it.
    RedirectsTo(u16),
    /// A GET of a task list is answered 307 to another host, except the
    /// preflight user's: the run starts, and every list read of a scenario
    /// (the token attacks among them) gets a redirect.
    RedirectsScenarioLists,
    /// Every answer carries 1 MiB of extra headers.
    HugeHeads,
    /// Every non-2xx answer's body is control characters and CI workflow
    /// commands; every answer has a header of workflow commands.
    ConsoleAttack,
    /// Every 2xx answer's body is `{"hello":"world"}`.
    NonTaskBodies,
    /// After this many requests to task routes, task requests are read and
    /// never answered (nor forwarded): a backend whose database hangs.
    StopsAnsweringTasksAfter(usize),
    /// Each request, with this probability (seeded): reset instead of
    /// answered, half of them after the server acted on it, so that the
    /// client cannot know whether it did.
    RandomResets { percent: u8, seed: u64 },
    /// Answers trickle, one byte a second.
    Slowloris,
    /// Requests are read and never answered.
    NeverAnswers,
    /// A request whose head is over 32 KiB is reset unanswered, as a server
    /// that will not read such a head may do (uvicorn's reset can beat its
    /// 400); the rest pass through.
    ResetsLargeHeads,
    /// 2xx bodies are invalid UTF-8.
    InvalidUtf8,
    /// 2xx bodies are JSON nested 100,000 deep.
    DeepJson,
    /// 2xx answers say `content-encoding: gzip`, with a small body that
    /// inflates to 64 MiB.
    GzipBomb,
    /// The same in `content-encoding: deflate`.
    DeflateBomb,
    /// After this many requests to task routes, every task request is
    /// answered `404 {"detail":"Not Found"}` at once, not forwarded: a
    /// target whose routes broke.
    NotFoundAfter(usize),
    /// Every GET of one task (`/api/{user}/tasks/{id}`, not the list) is
    /// forwarded, then reset: the server answered, the client never learns
    /// what.
    ResetsTaskReads,
}

/// A request head over this is large, for `ResetsLargeHeads`.
const LARGE_HEAD: usize = 32 * 1024;

/// What the hostile target saw and did.
#[derive(Debug, Default)]
pub struct Counts {
    pub connections: AtomicUsize,
    pub requests: AtomicUsize,
    /// Requests passed to the server behind.
    pub forwarded: AtomicUsize,
    /// Connections reset instead of answered.
    pub resets: AtomicUsize,
    /// Requests to task routes, for `StopsAnsweringTasksAfter` and
    /// `NotFoundAfter`.
    task_requests: AtomicUsize,
    /// The state of the `RandomResets` generator.
    random: AtomicU64,
    /// Per user id: creates the server acted on whose answer was reset.
    lost_creates: Mutex<BTreeMap<String, usize>>,
}

impl Counts {
    /// Per user id: creates the server acted on (and may have stored) whose
    /// answer the client never got: tasks the suite cannot name.
    pub fn lost_creates(&self) -> BTreeMap<String, usize> {
        self.lost_creates
            .lock()
            .expect("the counts are never poisoned")
            .clone()
    }
}

/// The hostile target, serving until dropped (its connections end too).
pub struct Hostile {
    pub url: String,
    pub counts: Arc<Counts>,
    _stop: watch::Sender<()>,
}

/// Starts a hostile target on an ephemeral loopback port, in front of the
/// server at `upstream` (`http://host:port`).
pub async fn start(upstream: &str, mode: Mode) -> Hostile {
    let upstream = upstream
        .strip_prefix("http://")
        .expect("an http:// upstream")
        .to_owned();
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind an ephemeral loopback port");
    let url = format!("http://{}", listener.local_addr().expect("a bound address"));
    let counts = Arc::new(Counts::default());
    if let Mode::RandomResets { seed, .. } = mode {
        counts.random.store(seed | 1, Ordering::Relaxed);
    }
    let (stop, stopped) = watch::channel(());
    let shared = Arc::clone(&counts);
    tokio::spawn(until_stopped(stopped.clone(), async move {
        while let Ok((client, _)) = listener.accept().await {
            shared.connections.fetch_add(1, Ordering::Relaxed);
            let connection = Connection {
                upstream: upstream.clone(),
                mode,
                counts: Arc::clone(&shared),
            };
            tokio::spawn(until_stopped(stopped.clone(), async move {
                let _ = connection.serve(client).await;
            }));
        }
    }));
    Hostile {
        url,
        counts,
        _stop: stop,
    }
}

/// Runs `work` until the hostile target is dropped.
async fn until_stopped(mut stopped: watch::Receiver<()>, work: impl Future<Output = ()>) {
    tokio::select! {
        () = work => {}
        _ = stopped.changed() => {}
    }
}

/// What to do with one request.
enum Action {
    Forward,
    Reply(Vec<u8>),
    /// Reset the connection; after forwarding the request, or not.
    Reset {
        forwarded: bool,
    },
    Stream {
        endless: bool,
    },
    Hang,
}

struct Connection {
    upstream: String,
    mode: Mode,
    counts: Arc<Counts>,
}

impl Connection {
    /// Request after request, until the client leaves or the mode ends
    /// the connection.
    async fn serve(self, mut client: TcpStream) -> std::io::Result<()> {
        let mut server = TcpStream::connect(&self.upstream).await?;
        let mut from_client = Vec::new();
        let mut from_server = Vec::new();
        loop {
            let Some(request) = read_message(&mut client, &mut from_client, None).await? else {
                return Ok(());
            };
            self.counts.requests.fetch_add(1, Ordering::Relaxed);
            let method = method_of(&request.bytes);
            let path = path_of(&request.bytes);
            let large =
                find(&request.bytes, b"\r\n\r\n").unwrap_or(request.bytes.len()) > LARGE_HEAD;
            let answer = match self.action(&method, &path, large) {
                Action::Forward => {
                    let response = self
                        .forward(&mut server, &mut from_server, &request, &method)
                        .await?;
                    bodies::rewrite(self.mode, response)
                }
                Action::Reply(bytes) => bytes,
                Action::Reset { forwarded } => {
                    if forwarded {
                        self.forward(&mut server, &mut from_server, &request, &method)
                            .await?;
                        if method == "POST" && is_list(&path) {
                            self.lost_create(&path);
                        }
                    }
                    self.counts.resets.fetch_add(1, Ordering::Relaxed);
                    client.set_zero_linger()?;
                    return Ok(());
                }
                Action::Stream { endless } => {
                    return bodies::stream_list(&mut client, endless).await;
                }
                Action::Hang => return hang().await,
            };
            if self.mode == Mode::Slowloris {
                return trickle(&mut client, &answer).await;
            }
            client.write_all(&answer).await?;
        }
    }

    fn action(&self, method: &str, path: &str, large_head: bool) -> Action {
        let task_route = is_task_route(path);
        match self.mode {
            Mode::EndlessLists | Mode::HugeLists if method == "GET" && is_list(path) => {
                Action::Stream {
                    endless: self.mode == Mode::EndlessLists,
                }
            }
            Mode::RedirectsScenarioLists
                if method == "GET" && is_list(path) && !path.starts_with("/api/preflight-") =>
            {
                Action::Reply(bodies::redirect("http://elsewhere.invalid", path))
            }
            Mode::RedirectsElsewhere => {
                Action::Reply(bodies::redirect("http://elsewhere.invalid", path))
            }
            Mode::RedirectsTo(port) => {
                Action::Reply(bodies::redirect(&format!("http://127.0.0.1:{port}"), path))
            }
            Mode::NeverAnswers => Action::Hang,
            Mode::ResetsLargeHeads if large_head => Action::Reset { forwarded: false },
            Mode::StopsAnsweringTasksAfter(limit)
                if task_route
                    && self.counts.task_requests.fetch_add(1, Ordering::Relaxed) >= limit =>
            {
                Action::Hang
            }
            Mode::NotFoundAfter(limit)
                if task_route
                    && self.counts.task_requests.fetch_add(1, Ordering::Relaxed) >= limit =>
            {
                Action::Reply(bodies::not_found())
            }
            Mode::ResetsTaskReads if method == "GET" && is_task(path) => {
                Action::Reset { forwarded: true }
            }
            Mode::RandomResets { percent, .. } => {
                let roll = self.next_random() % 200;
                if roll < u64::from(percent) * 2 {
                    Action::Reset {
                        forwarded: roll.is_multiple_of(2),
                    }
                } else {
                    Action::Forward
                }
            }
            _ => Action::Forward,
        }
    }

    /// Passes the request to the server and reads its answer.
    async fn forward(
        &self,
        server: &mut TcpStream,
        buffer: &mut Vec<u8>,
        request: &Message,
        method: &str,
    ) -> std::io::Result<Message> {
        server.write_all(&request.bytes).await?;
        self.counts.forwarded.fetch_add(1, Ordering::Relaxed);
        read_message(server, buffer, Some(method))
            .await?
            .ok_or_else(|| std::io::ErrorKind::UnexpectedEof.into())
    }

    /// Counts a create to `path` (`/api/{user}/tasks`) whose answer is lost.
    fn lost_create(&self, path: &str) {
        let user = path.split('/').nth(2).unwrap_or_default().to_owned();
        *self
            .counts
            .lost_creates
            .lock()
            .expect("the counts are never poisoned")
            .entry(user)
            .or_default() += 1;
    }

    /// xorshift64: the resets of a seed are the same run after run.
    fn next_random(&self) -> u64 {
        let mut next = 0;
        let _ = self
            .counts
            .random
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |mut x| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                next = x;
                Some(x)
            });
        next
    }
}

/// The request target, without its query.
fn path_of(request: &[u8]) -> String {
    let line_end = find(request, b"\r\n").unwrap_or(request.len());
    let line = String::from_utf8_lossy(&request[..line_end]);
    let target = line.split(' ').nth(1).unwrap_or("/");
    target.split('?').next().unwrap_or(target).to_owned()
}

/// `/api/{user}/tasks` and everything under it.
fn is_task_route(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    segments.next() == Some("api") && segments.next().is_some() && segments.next() == Some("tasks")
}

fn is_list(path: &str) -> bool {
    is_task_route(path) && path.trim_end_matches('/').ends_with("/tasks")
}

/// `/api/{user}/tasks/{id}`: one task, not a list nor `/complete`.
fn is_task(path: &str) -> bool {
    is_task_route(path) && path.trim_end_matches('/').split('/').count() == 5
}

/// Never answers; the connection stays open until the target is dropped.
async fn hang() -> std::io::Result<()> {
    std::future::pending().await
}

/// Writes `answer` one byte a second.
async fn trickle(client: &mut TcpStream, answer: &[u8]) -> std::io::Result<()> {
    for byte in answer {
        client.write_all(&[*byte]).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    Ok(())
}
