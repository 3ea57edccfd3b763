//! A throwaway PostgreSQL cluster from the binaries installed on this
//! machine, in a temporary folder, on a free loopback port, removed when the
//! server stops.
//!
//! It listens on 127.0.0.1 only, with no unix socket, and its one user has a
//! random password (scram-sha-256): trust on loopback would let any other
//! user of a shared machine in while it runs, and the password costs nothing.

mod discover;
pub mod error;
mod process;
mod sweep;

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use tokio::time::Instant;

pub use discover::{Binaries, discover};
pub use error::LocalError;
use process::{GroupGuard, Owner, Server, crash, last_line, stop};

/// The cluster's superuser and database.
const USER: &str = "postgres";
/// initdb and a first start take a few seconds; a slow disk, more.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How often the start checks whether the server is ready or gone.
const POLL: Duration = Duration::from_millis(50);
/// A port picked free may be taken before the server binds it.
const PORT_ATTEMPTS: u32 = 3;
/// The clusters' folders in the temporary folder: `<prefix><uuid>`.
const DIR_PREFIX: &str = "todo-reference-server-pg-";
/// A folder with no owner file this old is left over, not starting.
const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// The cluster: its folder and its server, a direct child of this process.
/// Dropping it stops the server (fast shutdown) and removes the folder;
/// should this process die without dropping it, the server gets SIGQUIT
/// (its parent-death signal) and the next start removes the folder.
pub struct Cluster {
    dir: PathBuf,
    binaries: Binaries,
    owner: Owner,
    password: String,
    port: u16,
    server: Option<Server>,
}

/// How a test takes the server down (`Cluster::halt`).
#[derive(Debug, Clone, Copy)]
pub enum Halt {
    /// SIGINT: PostgreSQL's fast shutdown.
    Fast,
    /// SIGKILL to the server and its workers at once: a crash.
    Crash,
}

impl Cluster {
    /// Creates a cluster from the binaries found on this machine
    /// (`discover`) and starts its server, on `port` or a free one. Public,
    /// with `url`, `halt` and `restart`, for the tests (see lib.rs).
    pub async fn start_installed(port: Option<u16>) -> Result<Self, LocalError> {
        let binaries = discover(std::env::var_os("PATH").as_deref(), Path::new("/"))
            .ok_or(LocalError::NotInstalled)?;
        Self::start(binaries, port).await
    }

    /// Creates the cluster and starts its server, on `port` (where a test
    /// restarts it) or a free one.
    pub async fn start(binaries: Binaries, port: Option<u16>) -> Result<Self, LocalError> {
        let owner = Owner::for_postgres().await?;
        let temp = std::env::temp_dir();
        sweep::sweep(&temp, DIR_PREFIX, STALE_AFTER);
        let dir = temp.join(format!("{DIR_PREFIX}{}", uuid::Uuid::new_v4().simple()));
        let io_error = |source| LocalError::Io {
            dir: dir.clone(),
            source,
        };
        fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .map_err(io_error)?;
        // From here on, dropping `cluster` (an error, a cancelled start)
        // removes the folder and stops the server.
        let mut cluster = Self {
            dir: dir.clone(),
            binaries,
            owner,
            password: format!(
                "{}{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            ),
            port: 0,
            server: None,
        };
        sweep::mark_owner(&dir).map_err(io_error)?;
        owner.chown(&dir).map_err(io_error)?;
        cluster.init().await?;
        cluster.serve(port).await?;
        tracing::info!(
            binaries = %cluster.binaries.dir.display(),
            dir = %dir.display(),
            port = cluster.port,
            "a throwaway PostgreSQL cluster from the installed binaries is ready"
        );
        Ok(cluster)
    }

    pub fn options(&self) -> PgConnectOptions {
        PgConnectOptions::new()
            .host("127.0.0.1")
            .port(self.port)
            .username(USER)
            .password(&self.password)
            .database(USER)
    }

    /// The URL, password included, for a test's own connections.
    pub fn url(&self) -> String {
        format!(
            "postgres://{USER}:{}@127.0.0.1:{}/{USER}",
            self.password, self.port
        )
    }

    pub fn binaries(&self) -> &Binaries {
        &self.binaries
    }

    /// Takes the server down and waits until it is gone; the folder stays,
    /// for `restart`.
    pub async fn halt(&mut self, how: Halt) {
        let Some(mut server) = self.server.take() else {
            return;
        };
        let _ = tokio::task::spawn_blocking(move || match how {
            Halt::Fast => stop(&mut server.child),
            Halt::Crash => crash(&mut server.child),
        })
        .await;
    }

    /// Starts the server again on its port, after `halt`.
    pub async fn restart(&mut self) -> Result<(), LocalError> {
        self.serve(Some(self.port)).await
    }

    /// Stops the server and removes the folder, off the async threads.
    pub async fn close(self) {
        // Should the runtime refuse, the closure is dropped: `drop` runs anyway.
        let _ = tokio::task::spawn_blocking(move || drop(self)).await;
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    async fn init(&self) -> Result<(), LocalError> {
        let pwfile = self.dir.join("password");
        let io_error = |source| LocalError::Io {
            dir: self.dir.clone(),
            source,
        };
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&pwfile)
            .and_then(|mut file| file.write_all(self.password.as_bytes()))
            .map_err(io_error)?;
        self.owner.chown(&pwfile).map_err(io_error)?;
        let mut initdb = tokio::process::Command::new(self.binaries.initdb());
        initdb
            .arg("--pgdata")
            .arg(self.data())
            .arg(format!("--pwfile={}", pwfile.display()))
            .args(["--username", USER, "--auth=scram-sha-256"])
            .args(["--encoding=UTF8", "--locale=C", "--no-sync"])
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // Its own group, killed whole should the start be cancelled.
            .process_group(0)
            .kill_on_drop(true);
        self.owner.apply_async(&mut initdb);
        let output = match initdb.spawn() {
            Ok(child) => {
                let group = GroupGuard::new(child.id());
                let output = child.wait_with_output().await;
                group.disarm();
                output
            }
            Err(error) => Err(error),
        };
        let _ = fs::remove_file(&pwfile);
        let output = output.map_err(io_error)?;
        if output.status.success() {
            return Ok(());
        }
        Err(LocalError::Failed {
            program: self.binaries.initdb(),
            reason: last_line(&String::from_utf8_lossy(&output.stderr))
                .unwrap_or_else(|| output.status.to_string()),
        })
    }

    /// Starts the server on `port`, or on a free loopback port, again on
    /// another one when that was taken meanwhile.
    async fn serve(&mut self, port: Option<u16>) -> Result<(), LocalError> {
        let program = self.binaries.postgres();
        let failed = |reason| LocalError::Failed {
            program: program.clone(),
            reason,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.port = match port {
                Some(port) => port,
                None => free_port().map_err(|error| failed(error.to_string()))?,
            };
            self.spawn_server()?;
            match self.wait_until_ready().await {
                Ok(()) => return Ok(()),
                Err(log)
                    if port.is_none()
                        && log.contains("already in use")
                        && attempt < PORT_ATTEMPTS =>
                {
                    tracing::info!(
                        port = self.port,
                        "the port was taken before PostgreSQL bound it; trying another"
                    );
                }
                Err(log) => return Err(failed(last_line(&log).unwrap_or(log))),
            }
        }
    }

    fn spawn_server(&mut self) -> Result<(), LocalError> {
        let io_error = |source| LocalError::Io {
            dir: self.dir.clone(),
            source,
        };
        let log = fs::File::create(self.log()).map_err(io_error)?;
        let mut server = std::process::Command::new(self.binaries.postgres());
        server
            .arg("-D")
            .arg(self.data())
            .args(["-p", &self.port.to_string()])
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=",
            ])
            // Its data dies with it: syncing to disk would only cost time.
            // A commit is still written before it is acknowledged
            // (synchronous_commit stays on), so a crash of PostgreSQL alone,
            // not of the machine, loses no acknowledged write.
            .args(["-c", "fsync=off", "-c", "full_page_writes=off"])
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            // Out of the terminal's process group: a Ctrl-C reaches this
            // process, which drains its requests before stopping the cluster.
            .process_group(0);
        self.owner.apply(&mut server);
        self.server = Some(Server::spawn(server).map_err(io_error)?);
        Ok(())
    }

    /// Waits for postmaster.pid to say "ready", as `pg_ctl start -w` does;
    /// the server's log when it exits or does not get ready in time.
    async fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + READY_TIMEOUT;
        let pid_file = self.data().join("postmaster.pid");
        let pid = self.server.as_ref().map(|server| server.child.id());
        loop {
            let exited = match self.server.as_mut().map(|server| server.child.try_wait()) {
                Some(Ok(None)) => None,
                Some(Ok(Some(status))) => Some(status.to_string()),
                Some(Err(error)) => Some(error.to_string()),
                None => Some("not started".to_owned()),
            };
            if let Some(status) = exited {
                self.server = None;
                let log = fs::read_to_string(self.log()).unwrap_or_default();
                return Err(if log.trim().is_empty() { status } else { log });
            }
            if pid.is_some_and(|pid| is_ready(&pid_file, pid)) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("not ready within {READY_TIMEOUT:?}"));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    fn log(&self) -> PathBuf {
        self.dir.join("postgres.log")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some(mut server) = self.server.take() {
            stop(&mut server.child);
        }
        match fs::remove_dir_all(&self.dir) {
            Ok(()) => {
                tracing::info!(dir = %self.dir.display(), "stopped and removed the throwaway PostgreSQL cluster");
            }
            Err(error) => {
                tracing::warn!(dir = %self.dir.display(), %error, "could not remove the throwaway PostgreSQL cluster");
            }
        }
    }
}

/// Whether postmaster.pid is `pid`'s (not one a crashed server left) and
/// says "ready" on line 8, the server's status since PostgreSQL 10.
fn is_ready(pid_file: &Path, pid: u32) -> bool {
    fs::read_to_string(pid_file).is_ok_and(|content| {
        let mut lines = content.lines();
        lines
            .next()
            .is_some_and(|line| line.trim() == pid.to_string())
            && lines.nth(6).is_some_and(|status| status.trim() == "ready")
    })
}

fn free_port() -> io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}
