//! Running PostgreSQL's programs: as the `postgres` OS user when this process
//! is root (they refuse to run as root), and stopping the server.

use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, geteuid, kill_process, kill_process_group};

use super::error::LocalError;

/// A fast shutdown rolls back the open transactions and checkpoints; with
/// fsync off that is quick.
const FAST_STOP: Duration = Duration::from_secs(10);
/// An immediate shutdown (SIGQUIT) does not even checkpoint.
const IMMEDIATE_STOP: Duration = Duration::from_secs(5);

/// Who runs initdb and the server: this process's user, or `postgres` when
/// this process is root.
#[derive(Debug, Clone, Copy)]
pub struct Owner(Option<(u32, u32)>);

impl Owner {
    pub async fn for_postgres() -> Result<Self, LocalError> {
        if !geteuid().is_root() {
            return Ok(Self(None));
        }
        // `id` asks NSS, so a postgres user from LDAP is found too.
        let uid = id("-u").await.ok_or(LocalError::NoOsUser)?;
        let gid = id("-g").await.ok_or(LocalError::NoOsUser)?;
        if uid == 0 {
            return Err(LocalError::NoOsUser);
        }
        Ok(Self(Some((uid, gid))))
    }

    pub fn chown(self, path: &Path) -> io::Result<()> {
        match self.0 {
            Some((uid, gid)) => std::os::unix::fs::chown(path, Some(uid), Some(gid)),
            None => Ok(()),
        }
    }

    /// std drops the supplementary groups too when it sets the uid.
    pub fn apply(self, command: &mut std::process::Command) {
        if let Some((uid, gid)) = self.0 {
            command.uid(uid).gid(gid);
        }
    }

    pub fn apply_async(self, command: &mut tokio::process::Command) {
        if let Some((uid, gid)) = self.0 {
            command.uid(uid).gid(gid);
        }
    }
}

async fn id(flag: &str) -> Option<u32> {
    let output = tokio::process::Command::new("id")
        .args([flag, "postgres"])
        .output()
        .await
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8_lossy(&output.stdout).trim().parse().ok()
}

/// The line of `log` that says what went wrong: its last FATAL or ERROR,
/// else its last line.
pub fn last_line(log: &str) -> Option<String> {
    let lines = || {
        log.lines()
            .rev()
            .map(str::trim)
            .filter(|line| !line.is_empty())
    };
    lines()
        .find(|line| line.contains("FATAL") || line.contains("ERROR"))
        .or_else(|| lines().next())
        .map(str::to_owned)
}

/// Stops the server: a fast shutdown (SIGINT), then an immediate one
/// (SIGQUIT), then SIGKILL, each when the one before takes too long.
pub fn stop(server: &mut Child) {
    let pid = Pid::from_child(server);
    for (signal, timeout) in [(Signal::INT, FAST_STOP), (Signal::QUIT, IMMEDIATE_STOP)] {
        // Already gone (reaped by nobody else: the pid is still ours).
        if !matches!(server.try_wait(), Ok(None)) {
            return;
        }
        let _ = kill_process(pid, signal);
        if exited_within(server, timeout) {
            return;
        }
        tracing::warn!(?signal, ?timeout, "PostgreSQL did not stop in time");
    }
    let _ = server.kill();
    let _ = server.wait();
}

fn exited_within(server: &mut Child, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if !matches!(server.try_wait(), Ok(None)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Kills the server and its workers at once, as a crashed machine would:
/// they share the process group the server leads.
pub fn crash(server: &mut Child) {
    let _ = kill_process_group(Pid::from_child(server), Signal::KILL);
    let _ = server.wait();
}
