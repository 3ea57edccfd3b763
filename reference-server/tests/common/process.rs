//! The server binary run as a child process, for the tests of its life: its
//! log lines collected, signals sent to it, the processes it started, and a
//! round trip through its database.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_todo-reference-server");
/// What testcontainers reads to find and use the Docker engine: without
/// them (rootless Docker's XDG_RUNTIME_DIR, say) the test would see an
/// engine the server does not. HOME holds `.testcontainers.properties`.
const ENGINE_LOOKUP: [&str; 9] = [
    "DOCKER_HOST",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CERT_PATH",
    "DOCKER_CONFIG",
    "DOCKER_AUTH_CONFIG",
    "DOCKER_DEFAULT_PLATFORM",
    "TESTCONTAINERS_COMMAND",
    "XDG_RUNTIME_DIR",
    "HOME",
];

/// The server binary, with a clean environment plus `vars`, its log lines
/// collected from stderr.
pub struct ServerProcess {
    pub child: Child,
    lines: mpsc::Receiver<String>,
    pub log: Vec<String>,
}

impl ServerProcess {
    pub fn start(vars: &[(&str, &str)]) -> Self {
        let mut command = Command::new(BINARY);
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for passthrough in ENGINE_LOOKUP.iter().chain(&["TODO_POSTGRES_IMAGE"]) {
            if let Ok(value) = std::env::var(passthrough) {
                command.env(passthrough, value);
            }
        }
        command.envs(vars.iter().copied());
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
    pub fn wait_for(&mut self, needle: &str, timeout: Duration) -> String {
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

    pub fn url(&mut self) -> String {
        let line = self.wait_for("listening on http://", Duration::from_secs(120));
        let url = &line[line.find("http://").unwrap()..];
        url.split_whitespace().next().unwrap().to_owned()
    }

    pub fn terminate(&mut self) -> ExitStatus {
        self.signal(libc::SIGTERM)
    }

    pub fn signal(&mut self, signal: libc::c_int) -> ExitStatus {
        // SAFETY: sending a signal to our own child process.
        #[allow(
            unsafe_code,
            reason = "std's Child can only SIGKILL; the test needs SIGTERM"
        )]
        unsafe {
            libc::kill(
                libc::pid_t::try_from(self.child.id()).expect("a pid fits in pid_t"),
                signal,
            )
        };
        self.wait(Duration::from_secs(60))
    }

    pub fn wait(&mut self, timeout: Duration) -> ExitStatus {
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

    pub fn logged(&self, needle: &str) -> bool {
        self.log.iter().any(|line| line.contains(needle))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Registers, stores a task and reads it back: the database really works.
pub async fn task_round_trip(url: &str) {
    let client = reqwest::Client::new();
    let registered: serde_json::Value = client
        .post(format!("{url}/api/auth/register"))
        .json(&serde_json::json!({"email": "local@example.test", "password": "password123"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (id, token) = (
        registered["user"]["id"].as_str().unwrap(),
        registered["token"].as_str().unwrap(),
    );
    let tasks = format!("{url}/api/{id}/tasks");
    let created = client
        .post(&tasks)
        .bearer_auth(token)
        .json(&serde_json::json!({"title": "on the local cluster"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let listed: serde_json::Value = client
        .get(&tasks)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["title"], "on the local cluster", "{listed}");
}

/// The folder and the postmaster's pid of the server's local cluster, once
/// it is ready.
pub fn local_cluster(server: &mut ServerProcess) -> (String, u32) {
    let ready = server.wait_for(
        "throwaway PostgreSQL cluster from the installed binaries is ready",
        Duration::from_secs(120),
    );
    let dir = ready
        .split_whitespace()
        .find_map(|field| field.strip_prefix("dir="))
        .unwrap_or_else(|| panic!("no dir= in {ready}"))
        .to_owned();
    let pid_file = std::fs::read_to_string(Path::new(&dir).join("data/postmaster.pid")).unwrap();
    (dir, pid_file.lines().next().unwrap().parse().unwrap())
}

/// Whether `pid` runs: exists and is not a zombie its new parent has not
/// reaped yet.
pub fn is_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rfind(')')
            .and_then(|end| stat[end + 1..].split_whitespace().next())
            .is_some_and(|state| state != "Z")
    })
}

/// The processes whose parent is `pid`, from /proc.
pub fn children_of(pid: u32) -> Vec<u32> {
    let parent = pid.to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let child: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // The command name, in parentheses, may hold spaces: after it,
            // the state and then the parent's pid.
            let ppid = stat[stat.rfind(')')? + 1..].split_whitespace().nth(1)?;
            (ppid == parent).then_some(child)
        })
        .collect()
}
