//! The server under load while its Postgres restarts: a clean restart (the
//! fast shutdown of `pg_ctl -m fast`), then a crash (SIGKILL).
//!
//! A few clients create and list tasks throughout, bounded in count and
//! time. While the database is down every answer is a prompt 503 with no
//! internals, never a 500 or a hang; within two seconds of the database
//! answering again the server does too; and every write acknowledged with a
//! 2xx, before, between or after the outages, is read back at the end.
//!
//! Runs on a container when a Docker engine answers (the image named by
//! `TODO_POSTGRES_IMAGE`, default `postgres:17-alpine`), else on a cluster
//! from the installed PostgreSQL binaries.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};
use todo_reference_server::{Config, DatabaseConfig, Halt, Secret, spawn};
use tokio::time::Instant;

#[path = "common/postgres.rs"]
mod postgres;

use postgres::TestPostgres;

const SECRET: &str = "faults-test-secret-0123456789abcdef0123";
const CLIENTS: usize = 4;
/// Each client stops after this many requests, whatever happens.
const MAX_REQUESTS_PER_CLIENT: usize = 200;
/// A client's pause between two requests.
const PACE: Duration = Duration::from_millis(50);
/// Every answer, 503s included, comes within this.
const PROMPT: Duration = Duration::from_secs(3);
/// The server serves again within this once Postgres accepts connections.
const RECOVERY: Duration = Duration::from_secs(2);
/// How long Postgres stays down in each outage.
const OUTAGE: Duration = Duration::from_secs(3);
/// The client gives up on a request after this: a hang fails the test.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);
/// The only 503 body allowed: nothing about the database's internals.
const UNAVAILABLE: &str = r#"{"detail":"Service temporarily unavailable"}"#;

/// One answer as a client saw it.
struct Answer {
    sent: Instant,
    latency: Duration,
    /// The HTTP status, or the transport error when there was none.
    status: Result<u16, String>,
    body: String,
}

/// What one client did: its answers, and the tasks acknowledged with a 201.
#[derive(Default)]
struct ClientLog {
    user: String,
    answers: Vec<Answer>,
    acknowledged: Vec<(String, String)>,
}

fn token(sub: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({"sub": sub, "exp": 4_000_000_000u64}),
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

/// Polls until a fresh connection of the test's own works: the moment the
/// database is back.
async fn wait_until_postgres_answers(database_url: &str) -> Instant {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(connection) = PgConnection::connect(database_url).await {
            let _ = connection.close().await;
            return Instant::now();
        }
        assert!(Instant::now() < deadline, "Postgres did not come back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn get_status(client: &reqwest::Client, url: &str) -> (u16, Duration) {
    let sent = Instant::now();
    let status = client
        .get(url)
        .send()
        .await
        .expect("the server answers")
        .status()
        .as_u16();
    (status, sent.elapsed())
}

/// Creates tasks, listing them every fourth request, until `stop` or its
/// request budget runs out.
async fn run_client(
    number: usize,
    base: String,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<AtomicUsize>,
) -> ClientLog {
    let client = reqwest::Client::builder()
        .timeout(CLIENT_TIMEOUT)
        .build()
        .unwrap();
    let user = format!("faults-client-{number}-{}", uuid::Uuid::new_v4());
    let token = token(&user);
    let tasks = format!("{base}/api/{user}/tasks");
    let mut log = ClientLog {
        user,
        ..ClientLog::default()
    };
    for request in 0..MAX_REQUESTS_PER_CLIENT {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let title = format!("client {number} task {request}");
        let builder = if request % 4 == 3 {
            client.get(&tasks)
        } else {
            client.post(&tasks).json(&json!({ "title": title }))
        };
        let sent = Instant::now();
        let (status, body) = match builder.bearer_auth(&token).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                (Ok(status), response.text().await.unwrap_or_default())
            }
            Err(error) => (Err(error.to_string()), String::new()),
        };
        let latency = sent.elapsed();
        if status == Ok(201) {
            let task: Value = serde_json::from_str(&body).expect("a created task is JSON");
            assert_eq!(task["title"], title);
            let id = task["id"].as_str().expect("the task has an id").to_owned();
            log.acknowledged.push((id, title));
            acknowledged.fetch_add(1, Ordering::SeqCst);
        }
        log.answers.push(Answer {
            sent,
            latency,
            status,
            body,
        });
        tokio::time::sleep(PACE).await;
    }
    log
}

/// One outage: Postgres down for `OUTAGE`, then up again. Returns when it
/// went down, when it answered again, and how long the server took to
/// follow.
async fn outage(
    postgres: &mut TestPostgres,
    how: Halt,
    database_url: &str,
    base: &str,
) -> (Instant, Instant, Duration) {
    let client = reqwest::Client::builder()
        .timeout(CLIENT_TIMEOUT)
        .build()
        .unwrap();
    let down = Instant::now();
    postgres.halt(how).await;
    let (ready, latency) = get_status(&client, &format!("{base}/ready")).await;
    assert_eq!(ready, 503, "/ready while Postgres is down ({how:?})");
    assert!(latency < PROMPT, "/ready took {latency:?} to say 503");
    tokio::time::sleep(OUTAGE).await;

    postgres.restart().await;
    let back = wait_until_postgres_answers(database_url).await;
    loop {
        let (ready, _) = get_status(&client, &format!("{base}/ready")).await;
        if ready == 200 {
            break;
        }
        assert_eq!(ready, 503, "/ready while Postgres comes back");
        assert!(
            back.elapsed() < RECOVERY,
            "the server still says 503 {:?} after Postgres answered ({how:?})",
            back.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (down, back, back.elapsed())
}

/// Waits until the clients have had `count` more writes acknowledged.
async fn wait_for_writes(acknowledged: &AtomicUsize, count: usize) {
    let target = acknowledged.load(Ordering::SeqCst) + count;
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.load(Ordering::SeqCst) < target {
        assert!(
            Instant::now() < deadline,
            "the clients got no {count} writes through in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_and_crash_under_load_give_prompt_503s_and_lose_no_acknowledged_write() {
    // A fixed port: the restarted Postgres must be where the server
    // looks for it.
    let (mut postgres, database_url) = postgres::start(Some(postgres::free_port())).await;
    let config = Config::new(
        Secret::new(SECRET).unwrap(),
        DatabaseConfig::Url(database_url.clone()),
    );
    let server = spawn(config).await.expect("the server starts");
    let base = server.url();

    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|number| {
            tokio::spawn(run_client(
                number,
                base.clone(),
                stop.clone(),
                acknowledged.clone(),
            ))
        })
        .collect();

    let mut outages = Vec::new();
    for how in [Halt::Fast, Halt::Crash] {
        wait_for_writes(&acknowledged, 60).await;
        outages.push((how, outage(&mut postgres, how, &database_url, &base).await));
    }
    wait_for_writes(&acknowledged, 60).await;
    stop.store(true, Ordering::SeqCst);
    let mut logs = Vec::new();
    for client in clients {
        logs.push(client.await.expect("a client finished"));
    }

    let answers: Vec<&Answer> = logs.iter().flat_map(|log| &log.answers).collect();
    for answer in &answers {
        match &answer.status {
            Ok(200 | 201) => {}
            Ok(503) => assert_eq!(answer.body, UNAVAILABLE),
            Ok(status) => panic!("a client got {status}: {}", answer.body),
            Err(error) => panic!("a request failed without an answer: {error}"),
        }
        assert!(
            answer.latency < PROMPT,
            "an answer took {:?} ({:?})",
            answer.latency,
            answer.status
        );
    }
    for (how, (down, back, _)) in &outages {
        let saw_it = answers
            .iter()
            .any(|answer| answer.status == Ok(503) && answer.sent >= *down && answer.sent <= *back);
        assert!(saw_it, "no client saw the {how:?} outage");
    }

    // Every acknowledged write is still there, with its title.
    let client = reqwest::Client::new();
    let mut found = 0;
    for log in &logs {
        let listed: Vec<Value> = client
            .get(format!("{base}/api/{}/tasks", log.user))
            .bearer_auth(token(&log.user))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let stored: HashSet<(String, String)> = listed
            .iter()
            .map(|task| {
                (
                    task["id"].as_str().unwrap().to_owned(),
                    task["title"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        for write in &log.acknowledged {
            assert!(stored.contains(write), "acknowledged {write:?} is gone");
            found += 1;
        }
    }

    let count = |wanted: u16| {
        answers
            .iter()
            .filter(|answer| answer.status == Ok(wanted))
            .count()
    };
    let slowest_503 = answers
        .iter()
        .filter(|answer| answer.status == Ok(503))
        .map(|answer| answer.latency)
        .max();
    eprintln!(
        "{} requests: {} x 200, {} x 201, {} x 503 (slowest 503: {slowest_503:?}); \
         {found} acknowledged writes, all read back",
        answers.len(),
        count(200),
        count(201),
        count(503),
    );
    for (how, (_, _, recovery)) in &outages {
        eprintln!("{how:?} stop: /ready said 200 {recovery:?} after Postgres answered again");
    }
    server.shutdown().await.unwrap();
}
