//! Running PostgreSQL's programs: as the `postgres` OS user when this process
//! is root (they refuse to run as root), tied to this process's life, and
//! stopping them.

use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Child;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rustix::process::{
    Pid, Signal, WaitOptions, geteuid, kill_process, kill_process_group, test_kill_process_group,
    waitpid,
};

use super::error::LocalError;

/// A fast shutdown rolls back the open transactions and checkpoints; with
/// fsync off that is quick.
const FAST_STOP: Duration = Duration::from_secs(10);
/// An immediate shutdown (SIGQUIT) does not even checkpoint.
const IMMEDIATE_STOP: Duration = Duration::from_secs(5);
/// A killed initdb's group is gone in milliseconds; zombies nobody reaps
/// (a container whose PID 1 does not) must not hold a shutdown up.
const GROUP_EXIT: Duration = Duration::from_secs(2);

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

/// The server, and the thread that spawned it: the kernel sends the server
/// its parent-death signal when that thread exits (not the process), so the
/// thread lives exactly as long as the server is wanted. A runtime's thread
/// would not do: a blocking-pool thread retires when idle.
pub struct Server {
    pub child: Child,
    _parent: mpsc::Sender<()>,
}

impl Server {
    /// Spawns `command` from a thread of its own, which waits until the
    /// `Server` is dropped: drop it once the server is stopped or gone, as
    /// the thread's end signals a running server.
    pub fn spawn(mut command: std::process::Command) -> io::Result<Self> {
        die_with_parent(&mut command);
        let (spawned_tx, spawned) = mpsc::channel();
        let (parent, dropped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("postgres-parent".to_owned())
            .spawn(move || {
                let _ = spawned_tx.send(command.spawn());
                // Until the sender, in the `Server`, is dropped.
                let _ = dropped.recv();
            })?;
        let child = spawned
            .recv()
            .map_err(|_| io::Error::other("the spawning thread ended"))??;
        Ok(Self {
            child,
            _parent: parent,
        })
    }
}

/// The server gets SIGQUIT when its parent dies without stopping it (a
/// SIGKILL, a panic=abort, `process::exit`, a test binary's Ctrl-C): its
/// immediate shutdown, which writes nothing more, as nobody will read its
/// data again; SIGINT's fast shutdown would checkpoint first, for nothing.
#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut std::process::Command) {
    use rustix::process::{getpid, getppid, set_parent_process_death_signal};
    let parent = getpid();
    // SAFETY: the closure runs between fork and exec, where only
    // async-signal-safe calls are allowed: prctl and getppid are plain
    // system calls, and it allocates nothing (an Errno converts into an
    // io::Error without allocating). std runs it after setgid/setuid, which
    // clear the parent-death signal, so it survives the switch to `postgres`.
    #[allow(
        unsafe_code,
        reason = "the parent-death signal can only be set in the child, before exec"
    )]
    unsafe {
        command.pre_exec(move || {
            set_parent_process_death_signal(Some(Signal::QUIT))?;
            // The parent died before the signal was set: nobody sends it.
            if getppid() != Some(parent) {
                return Err(rustix::io::Errno::SRCH.into());
            }
            Ok(())
        });
    }
}

/// Elsewhere (macOS) there is no such signal: a killed server's PostgreSQL
/// runs on, and `sweep` leaves its folder alone while it does.
#[cfg(not(target_os = "linux"))]
fn die_with_parent(_command: &mut std::process::Command) {}

/// A process group killed when dropped: initdb's, with the `postgres
/// --boot`/`--single` it runs, which killing initdb alone would leave
/// writing into a folder being removed.
pub struct GroupGuard(Option<Pid>);

impl GroupGuard {
    /// `leader` is a child spawned with `process_group(0)`.
    pub fn new(leader: Option<u32>) -> Self {
        Self(leader.and_then(|pid| Pid::from_raw(i32::try_from(pid).ok()?)))
    }

    /// The group ended by itself.
    pub fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        let Some(group) = self.0 else {
            return;
        };
        let _ = kill_process_group(group, Signal::KILL);
        let deadline = Instant::now() + GROUP_EXIT;
        while test_kill_process_group(group).is_ok() && Instant::now() < deadline {
            // Reaps the leader, our child, else a zombie keeps the group.
            let _ = waitpid(Some(group), WaitOptions::NOHANG);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
