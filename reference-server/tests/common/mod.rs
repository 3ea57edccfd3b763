//! Test support: one reference server per test binary, and an HTTP client
//! that checks every response against `contract/openapi.yaml`.
//!
//! The server runs on the Postgres the binary would pick: `DATABASE_URL` when
//! it is set, else a testcontainers Postgres (`TODO_POSTGRES_IMAGE`) when a
//! Docker engine answers, else a cluster from the installed PostgreSQL
//! binaries (`TODO_POSTGRES` forces one). Every test registers its own
//! users, so tests share the server safely.

#![allow(dead_code)] // Each test binary uses a different part of this module.

mod contract;
pub mod postgres;

use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use todo_reference_server::{Config, Secret, config, spawn};

pub const SECRET: &str = "integration-test-secret-0123456789abcdef";

struct SharedServer {
    url: String,
    stop: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    stopped: Mutex<mpsc::Receiver<()>>,
}

static SERVER: OnceLock<SharedServer> = OnceLock::new();

/// The base URL of this test binary's server, started on first use.
pub fn server_url() -> &'static str {
    &SERVER.get_or_init(start_shared_server).url
}

/// Each `#[tokio::test]` has its own runtime, so the shared server gets a
/// thread and runtime of its own that outlive any single test.
fn start_shared_server() -> SharedServer {
    let (url_tx, url_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (stopped_tx, stopped_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("test runtime");
        runtime.block_on(async move {
            let database = config::database_from_lookup(&|name| std::env::var(name).ok())
                .expect("database configuration");
            let config = Config::new(Secret::new(SECRET).unwrap(), database);
            let server = match spawn(config).await {
                Ok(server) => server,
                Err(error) => {
                    let _ = url_tx.send(Err(error.to_string()));
                    return;
                }
            };
            let _ = url_tx.send(Ok(server.url()));
            let _ = stop_rx.await;
            if let Err(error) = server.shutdown().await {
                eprintln!("test server shutdown failed: {error}");
            }
            let _ = stopped_tx.send(());
        });
    });
    let url = match url_rx.recv() {
        Ok(Ok(url)) => url,
        Ok(Err(error)) => postgres::fail_once(&format!("the test server could not start: {error}")),
        Err(std::sync::mpsc::RecvError) => {
            postgres::fail_once("the test server thread died while starting")
        }
    };
    // Statics are never dropped: without this the Postgres container would
    // outlive the test process.
    // SAFETY: registering a plain `extern "C" fn` with no captured state.
    #[allow(
        unsafe_code,
        reason = "libc's atexit is the only hook a static gets at exit"
    )]
    unsafe {
        libc::atexit(stop_shared_server)
    };
    SharedServer {
        url,
        stop: Mutex::new(Some(stop_tx)),
        stopped: Mutex::new(stopped_rx),
    }
}

extern "C" fn stop_shared_server() {
    let Some(server) = SERVER.get() else { return };
    if let Some(stop) = server.stop.lock().ok().and_then(|mut stop| stop.take()) {
        let _ = stop.send(());
        if let Ok(stopped) = server.stopped.lock() {
            let _ = stopped.recv_timeout(Duration::from_secs(30));
        }
    }
}

/// A response, read in full.
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "status {} with a body that is not JSON ({error}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status,
            status,
            "unexpected status; body: {}",
            self.text()
        );
        self
    }
}

/// A registered user of the shared server.
pub struct User {
    pub id: String,
    pub email: String,
    pub token: String,
}

impl User {
    pub fn tasks(&self) -> String {
        format!("/api/{}/tasks", self.id)
    }

    pub fn task(&self, id: &str) -> String {
        format!("/api/{}/tasks/{id}", self.id)
    }
}

pub struct Api {
    base: String,
    client: reqwest::Client,
}

impl Api {
    pub fn new() -> Self {
        Self {
            base: server_url().to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
        }
    }

    /// A request to `path` on the server, to be finished and passed to `send`.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    /// Sends the request, reads the reply and checks it against the contract.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let request = request.build().expect("a valid request");
        let method = request.method().to_string();
        let path = request.url().path().to_owned();
        let response = self
            .client
            .execute(request)
            .await
            .expect("the server answers");
        let reply = Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("a readable body").to_vec(),
        };
        if let Err(mismatch) = contract::check_response(&method, &path, reply.status, &reply.body) {
            panic!(
                "{method} {path} answered {} against the contract: {mismatch}\nbody: {}",
                reply.status,
                reply.text()
            );
        }
        reply
    }

    /// `method path` with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.request(method, path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    pub async fn register(&self) -> User {
        let email = format!("user-{}@example.test", uuid::Uuid::new_v4());
        let reply = self
            .call(
                Method::POST,
                "/api/auth/register",
                None,
                Some(json!({"email": email, "password": "correct horse battery", "name": "Test"})),
            )
            .await;
        let body = reply.expect(201).json();
        User {
            id: body["user"]["id"].as_str().unwrap().to_owned(),
            email,
            token: body["token"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn create_task(&self, user: &User, title: &str) -> Value {
        self.call(
            Method::POST,
            &user.tasks(),
            Some(&user.token),
            Some(json!({"title": title})),
        )
        .await
        .expect(201)
        .json()
    }
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// An HS256 token over `claims`, signed with the test server's secret.
pub fn mint(claims: &Value) -> String {
    mint_with(&Header::new(Algorithm::HS256), claims, SECRET.as_bytes())
}

pub fn mint_with(header: &Header, claims: &Value, key: &[u8]) -> String {
    jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(key)).unwrap()
}

/// A valid token for a made-up subject that has no row in `users`.
pub fn token_for(sub: &str) -> String {
    mint(&json!({"sub": sub, "exp": unix_now() + 600, "iat": unix_now()}))
}
