//! The server's life: configuration errors, both database paths, waiting for
//! a database that is not up yet, graceful shutdown that removes the
//! container, and readiness when Postgres goes away.
//!
//! These start their own servers and containers; they need a Docker engine
//! and the image named by `TODO_POSTGRES_IMAGE` (default `postgres:17-alpine`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use todo_reference_server::{Config, DatabaseConfig, Secret, spawn};

#[path = "common/postgres.rs"]
mod postgres;

const SECRET: &str = "lifecycle-test-secret-0123456789abcdef";
const BINARY: &str = env!("CARGO_BIN_EXE_todo-reference-server");

/// The server binary, with a clean environment plus `vars`, its log lines
/// collected from stderr.
struct ServerProcess {
    child: Child,
    lines: mpsc::Receiver<String>,
    log: Vec<String>,
}

impl ServerProcess {
    fn start(vars: &[(&str, &str)]) -> Self {
        let mut command = Command::new(BINARY);
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "info")
            .envs(vars.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for passthrough in ["DOCKER_HOST", "TODO_POSTGRES_IMAGE", "HOME"] {
            if let Ok(value) = std::env::var(passthrough) {
                command.env(passthrough, value);
            }
        }
        let mut child = command.spawn().expect("the server binary starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            log: Vec::new(),
        }
    }

    /// Reads log lines until one contains `needle`; returns that line.
    fn wait_for(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.log.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(
                    std::sync::mpsc::RecvTimeoutError::Timeout
                    | std::sync::mpsc::RecvTimeoutError::Disconnected,
                ) => panic!(
                    "no log line with {needle:?} within {timeout:?}; log so far:\n{}",
                    self.log.join("\n")
                ),
            }
        }
    }

    fn url(&mut self) -> String {
        let line = self.wait_for("listening on http://", Duration::from_secs(120));
        let url = &line[line.find("http://").unwrap()..];
        url.split_whitespace().next().unwrap().to_owned()
    }

    fn terminate(&mut self) -> ExitStatus {
        // SAFETY: sending a signal to our own child process.
        #[allow(
            unsafe_code,
            reason = "std's Child can only SIGKILL; the test needs SIGTERM"
        )]
        unsafe {
            libc::kill(
                libc::pid_t::try_from(self.child.id()).expect("a pid fits in pid_t"),
                libc::SIGTERM,
            )
        };
        self.wait(Duration::from_secs(60))
    }

    fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Up to the end of stderr, which the reader may not have
                // passed on yet: a test may count the lines.
                while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
                    self.log.push(line);
                }
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "the server did not exit within {timeout:?}; log:\n{}",
                    self.log.join("\n")
                );
            }
            self.log.extend(self.lines.try_iter());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn logged(&self, needle: &str) -> bool {
        self.log.iter().any(|line| line.contains(needle))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn container_exists(id: &str) -> bool {
    Command::new("docker")
        .args(["inspect", "--format", "{{.Id}}", id])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the docker client runs")
        .success()
}

#[test]
fn refuses_to_start_without_a_strong_secret() {
    for (vars, message) in [
        (vec![], "no token verification is configured"),
        (
            vec![("BETTER_AUTH_SECRET", "too-short")],
            "must be at least 32 bytes",
        ),
    ] {
        let mut server = ServerProcess::start(&vars);
        let status = server.wait(Duration::from_secs(10));
        assert_eq!(status.code(), Some(2), "log:\n{}", server.log.join("\n"));
        assert!(server.logged(message), "log:\n{}", server.log.join("\n"));
    }
}

/// 32 bytes, yet in the public JWT-secret wordlists: one line says why, without
/// the secret.
#[test]
fn refuses_to_start_with_a_well_known_secret() {
    let mut server =
        ServerProcess::start(&[("BETTER_AUTH_SECRET", "my_very_long_and_safe_secret_key")]);
    let status = server.wait(Duration::from_secs(10));
    assert_eq!(status.code(), Some(2), "log:\n{}", server.log.join("\n"));
    assert_eq!(
        server.log,
        [
            "todo-reference-server: BETTER_AUTH_SECRET is a well-known weak secret (it is in public JWT-secret wordlists and is cracked offline in under a second); generate one with: openssl rand -base64 32"
        ]
    );
}

#[test]
fn an_unreachable_database_is_retried_with_backoff_then_fails_clearly() {
    let started = Instant::now();
    let mut server = ServerProcess::start(&[
        ("BETTER_AUTH_SECRET", SECRET),
        ("TODO_BIND", "127.0.0.1:0"),
        ("TODO_DB_CONNECT_TIMEOUT_SECS", "3"),
        (
            "DATABASE_URL",
            "postgres://postgres:hunter2-secret@127.0.0.1:1/todo",
        ),
    ]);
    let status = server.wait(Duration::from_secs(30));
    let took = started.elapsed();
    let log = server.log.join("\n");
    assert!(!status.success(), "log:\n{log}");
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(15),
        "exited after {took:?}, expected shortly after TODO_DB_CONNECT_TIMEOUT_SECS=3; log:\n{log}"
    );
    // One line per failed attempt, waiting 250 ms, then twice as long each time.
    let retries: Vec<&String> = server
        .log
        .iter()
        .filter(|line| line.contains("Postgres is not reachable yet; retrying"))
        .collect();
    assert!(retries.len() >= 3, "log:\n{log}");
    for (line, delay) in retries.iter().zip(["250ms", "500ms", "1s"]) {
        assert!(line.contains("target=127.0.0.1:1/todo"), "{line}");
        assert!(line.contains(&format!("retry_in={delay}")), "{line}");
    }
    assert!(
        server.logged("could not connect to Postgres at 127.0.0.1:1/todo"),
        "log:\n{log}"
    );
    assert!(!server.logged("hunter2"), "the password reached the log");
}

#[tokio::test]
async fn a_database_that_starts_late_is_waited_for() {
    let port = postgres::free_port();
    let database_url = format!("postgres://postgres:postgres@127.0.0.1:{port}/postgres");
    let mut server = ServerProcess::start(&[
        ("BETTER_AUTH_SECRET", SECRET),
        ("TODO_BIND", "127.0.0.1:0"),
        ("TODO_DB_CONNECT_TIMEOUT_SECS", "120"),
        ("DATABASE_URL", &database_url),
    ]);
    // Not up yet: the server says so and keeps trying.
    let server = tokio::task::spawn_blocking(move || {
        server.wait_for("Postgres is not reachable yet", Duration::from_secs(30));
        server
    })
    .await
    .unwrap();
    let (_postgres, _) = postgres::container(Some(port)).await;
    let (url, mut server) = tokio::task::spawn_blocking(move || {
        let mut server = server;
        (server.url(), server)
    })
    .await
    .unwrap();
    let ready = reqwest::get(format!("{url}/ready")).await.unwrap();
    assert_eq!(ready.status(), 200);
    let status = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn by_default_it_runs_on_a_container_it_removes_at_sigterm() {
    let mut server =
        ServerProcess::start(&[("BETTER_AUTH_SECRET", SECRET), ("TODO_BIND", "127.0.0.1:0")]);
    let ready_line = server.wait_for("Postgres container is ready", Duration::from_secs(120));
    let id = ready_line
        .split_whitespace()
        .find_map(|field| field.strip_prefix("container="))
        .expect("the log names the container")
        .to_owned();
    let url = server.url();
    let ready = reqwest::get(format!("{url}/ready")).await.unwrap();
    assert_eq!(ready.status(), 200);
    assert!(container_exists(&id));

    let status = tokio::task::spawn_blocking(move || {
        let status = server.terminate();
        (status, server.logged("removed the Postgres container"))
    })
    .await
    .unwrap();
    assert!(status.0.success(), "exit status {:?}", status.0);
    assert!(status.1, "no removal logged");
    assert!(!container_exists(&id), "container {id} outlived the server");
}

#[tokio::test]
async fn with_database_url_it_uses_that_database_and_starts_no_container() {
    let (_postgres, database_url) = postgres::container(None).await;
    let mut server = ServerProcess::start(&[
        ("BETTER_AUTH_SECRET", SECRET),
        ("TODO_BIND", "127.0.0.1:0"),
        ("DATABASE_URL", &database_url),
    ]);
    let url = server.url();
    assert!(server.logged("using the database from DATABASE_URL"));
    assert!(!server.logged("starting a Postgres container"));
    assert!(
        !server.logged("postgres:postgres@"),
        "credentials reached the log"
    );
    let client = reqwest::Client::new();
    let registered = client
        .post(format!("{url}/api/auth/register"))
        .json(&serde_json::json!({"email": "db-url@example.test", "password": "password123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let status = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(status.success());

    // The user is in the database we passed, so it really was used.
    let pool = sqlx::PgPool::connect(&database_url).await.unwrap();
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'db-url@example.test'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn readiness_follows_the_database_and_health_does_not() {
    let (postgres, database_url) = postgres::container(None).await;
    let config = Config::new(
        Secret::new(SECRET).unwrap(),
        DatabaseConfig::Url(database_url),
    );
    let server = spawn(config).await.unwrap();
    let url = server.url();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    assert_eq!(
        client
            .get(format!("{url}/ready"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // Killed, not stopped: a smart shutdown would wait for our pool to leave.
    postgres.stop_with_timeout(Some(0)).await.unwrap();
    let started = Instant::now();
    let ready = client.get(format!("{url}/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "503 took {:?}",
        started.elapsed()
    );
    assert_eq!(
        client
            .get(format!("{url}/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // A request that needs the database is a 503 too, never a 500.
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &serde_json::json!({"sub": "someone", "exp": 4_000_000_000u64}),
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    let list = client
        .get(format!("{url}/api/someone/tasks"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 503);
    server.shutdown().await.unwrap();
}
