//! The server's life: configuration errors, the three database ways, waiting
//! for a database that is not up yet, graceful shutdown that removes the
//! container or the local cluster, and readiness when Postgres goes away.
//!
//! These start their own servers and containers; most need a Docker engine
//! and the image named by `TODO_POSTGRES_IMAGE` (default `postgres:17-alpine`),
//! the local-cluster ones the PostgreSQL binaries installed here.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use todo_reference_server::{Config, DatabaseConfig, Halt, Secret, docker_engine_answers, spawn};

#[path = "common/postgres.rs"]
mod postgres;
#[path = "common/process.rs"]
mod process;

use process::{ServerProcess, children_of, is_running, local_cluster, task_round_trip};

const SECRET: &str = "lifecycle-test-secret-0123456789abcdef";

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
    // Started and halted first: a local cluster's URL (its password) is
    // known only once it exists.
    let (mut postgres, database_url) = postgres::start(Some(postgres::free_port())).await;
    postgres.halt(Halt::Fast).await;
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
    postgres.restart().await;
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

/// With nothing set, the chain decides: a container when a Docker engine
/// answers, else a cluster from the installed binaries; either is gone after
/// a SIGTERM.
#[tokio::test]
async fn by_default_it_runs_on_a_throwaway_postgres_it_removes_at_sigterm() {
    let mut server =
        ServerProcess::start(&[("BETTER_AUTH_SECRET", SECRET), ("TODO_BIND", "127.0.0.1:0")]);
    if !docker_engine_answers().await {
        leaves_no_cluster_behind(server, libc::SIGTERM).await;
        return;
    }
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
    let (_postgres, database_url) = postgres::start(None).await;
    let password = database_url["postgres://postgres:".len()..]
        .split('@')
        .next()
        .unwrap()
        .to_owned();
    let mut server = ServerProcess::start(&[
        ("BETTER_AUTH_SECRET", SECRET),
        ("TODO_BIND", "127.0.0.1:0"),
        ("DATABASE_URL", &database_url),
    ]);
    let url = server.url();
    assert!(server.logged("using the database from DATABASE_URL"));
    assert!(!server.logged("starting a Postgres container"));
    assert!(
        !server.logged(&format!(":{password}@")),
        "credentials reached the log"
    );
    assert!(!server.logged("throwaway PostgreSQL cluster from the installed"));
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
    let (mut postgres, database_url) = postgres::start(None).await;
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
    postgres.halt(Halt::Crash).await;
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

/// The third way, from the PostgreSQL binaries installed here: forced with
/// `TODO_POSTGRES=local` and stopped with SIGTERM, then chosen because no
/// Docker engine answers and stopped with Ctrl-C (SIGINT).
#[tokio::test]
async fn on_local_binaries_it_serves_and_leaves_nothing_behind_at_sigterm_or_ctrl_c() {
    let server = ServerProcess::start(&[
        ("BETTER_AUTH_SECRET", SECRET),
        ("TODO_BIND", "127.0.0.1:0"),
        ("TODO_POSTGRES", "local"),
    ]);
    leaves_no_cluster_behind(server, libc::SIGTERM).await;
    let server = ServerProcess::start(&[
        ("BETTER_AUTH_SECRET", SECRET),
        ("TODO_BIND", "127.0.0.1:0"),
        ("DOCKER_HOST", "unix:///nonexistent/docker.sock"),
    ]);
    let server = leaves_no_cluster_behind(server, libc::SIGINT).await;
    assert!(server.logged("no Docker engine answers (failed to initialize a docker client: Socket not found: /nonexistent/docker.sock)"));
}

/// `server`, on a local cluster, serves; after `signal` it exits, and the
/// cluster's processes and its folder are gone.
async fn leaves_no_cluster_behind(mut server: ServerProcess, signal: libc::c_int) -> ServerProcess {
    let (dir, postmaster) = local_cluster(&mut server);
    let url = server.url();
    assert!(server.logged("database=a throwaway PostgreSQL cluster"));
    task_round_trip(&url).await;
    let processes: Vec<u32> = std::iter::once(postmaster)
        .chain(children_of(postmaster))
        .collect();
    assert!(
        processes.len() > 1,
        "the postmaster and its workers: {processes:?}"
    );

    let (status, server) = tokio::task::spawn_blocking(move || (server.signal(signal), server))
        .await
        .unwrap();
    let log = server.log.join("\n");
    assert!(status.success(), "exit status {status:?}; log:\n{log}");
    assert!(
        server.logged("stopped and removed the throwaway PostgreSQL cluster"),
        "log:\n{log}"
    );
    assert!(!Path::new(&dir).exists(), "{dir} outlived the server");
    let left: Vec<&u32> = processes
        .iter()
        .filter(|pid| Path::new(&format!("/proc/{pid}")).exists())
        .collect();
    assert!(
        left.is_empty(),
        "postgres processes {left:?} outlived the server"
    );
    server
}

/// Killed with no chance to clean up, the server takes its cluster's
/// PostgreSQL down with it (the parent-death signal), and the next start
/// removes the folder it left.
#[tokio::test]
async fn a_killed_server_takes_its_local_cluster_down_and_the_next_start_sweeps_it() {
    let vars = [
        ("BETTER_AUTH_SECRET", SECRET),
        ("TODO_BIND", "127.0.0.1:0"),
        ("TODO_POSTGRES", "local"),
    ];
    let mut killed = ServerProcess::start(&vars);
    let (dir, postmaster) = local_cluster(&mut killed);
    killed.signal(libc::SIGKILL);
    let deadline = Instant::now() + Duration::from_secs(5);
    while is_running(postmaster) {
        assert!(
            Instant::now() < deadline,
            "postmaster {postmaster} outlived its killed server by 5 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(Path::new(&dir).exists(), "a SIGKILL runs no cleanup");

    let mut next = ServerProcess::start(&vars);
    local_cluster(&mut next);
    assert!(!Path::new(&dir).exists(), "{dir} was not swept");
    assert!(next.logged("removed a throwaway PostgreSQL cluster a killed server left behind"));
    let status = tokio::task::spawn_blocking(move || next.terminate())
        .await
        .unwrap();
    assert!(status.success(), "exit status {status:?}");
}

/// A container that cannot start says why in one line that names the fix:
/// an image that cannot be pulled, or no Docker engine at all.
#[tokio::test]
async fn a_container_that_cannot_start_fails_in_one_line_naming_the_fix() {
    let engine = docker_engine_answers().await;
    let mut server = ServerProcess::start(&[
        ("BETTER_AUTH_SECRET", SECRET),
        ("TODO_BIND", "127.0.0.1:0"),
        ("TODO_POSTGRES", "container"),
        ("TODO_POSTGRES_IMAGE", "no/such:image"),
        ("RUST_LOG", "error"),
    ]);
    let (status, server) =
        tokio::task::spawn_blocking(move || (server.wait(Duration::from_secs(120)), server))
            .await
            .unwrap();
    assert!(!status.success());
    assert_eq!(server.log.len(), 1, "log:\n{}", server.log.join("\n"));
    let line = &server.log[0];
    let (what, fix) = if engine {
        (
            "could not start a Postgres container from image no/such:image",
            "TODO_POSTGRES_IMAGE=",
        )
    } else {
        (
            "TODO_POSTGRES=container, but no Docker engine answers",
            "`bash ci/docker-up.sh`",
        )
    };
    assert!(line.contains(what) && line.contains(fix), "{line}");
}
