//! Removing the clusters' folders a killed server left behind (a SIGKILL runs
//! no cleanup), at the next start: those whose server process is gone and
//! whose PostgreSQL no longer runs, never one whose PostgreSQL does.

use std::fs;
use std::io;
use std::path::Path;
use std::time::{Duration, SystemTime};

use rustix::io::Errno;
use rustix::process::{Pid, test_kill_process};

/// The file in a cluster's folder that names the server process owning it.
const OWNER_FILE: &str = "owner.pid";

/// Marks `dir` as this process's, for `sweep`.
pub fn mark_owner(dir: &Path) -> io::Result<()> {
    fs::write(dir.join(OWNER_FILE), std::process::id().to_string())
}

/// Removes the folders named `<prefix>…` in `temp` that are left over: their
/// owner is gone and so is their postmaster (postmaster.pid's). One with no
/// owner file yet (its owner killed at once) goes once unchanged for
/// `stale_after`. Folders this user cannot read or remove are left alone.
pub fn sweep(temp: &Path, prefix: &str, stale_after: Duration) {
    let Ok(entries) = fs::read_dir(temp) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let is_cluster = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(prefix));
        let dir = entry.path();
        if !is_cluster || !is_left_over(&dir, stale_after) {
            continue;
        }
        match fs::remove_dir_all(&dir) {
            Ok(()) => tracing::info!(
                dir = %dir.display(),
                "removed a throwaway PostgreSQL cluster a killed server left behind"
            ),
            Err(error) => {
                tracing::debug!(dir = %dir.display(), %error, "could not remove a left-over cluster");
            }
        }
    }
}

fn is_left_over(dir: &Path, stale_after: Duration) -> bool {
    match read_pid(&dir.join("data/postmaster.pid")) {
        // Another user's cluster, most likely: not ours to judge.
        Err(error) if error.kind() != io::ErrorKind::NotFound => return false,
        Ok(Some(postmaster)) if is_running(postmaster) => return false,
        _ => {}
    }
    match read_pid(&dir.join(OWNER_FILE)) {
        Ok(Some(owner)) => !is_running(owner),
        Ok(None) => is_older(dir, stale_after),
        Err(error) if error.kind() == io::ErrorKind::NotFound => is_older(dir, stale_after),
        Err(_) => false,
    }
}

/// The pid on the first line of `file`; `None` while it is being written.
fn read_pid(file: &Path) -> io::Result<Option<Pid>> {
    let content = fs::read_to_string(file)?;
    Ok(content
        .lines()
        .next()
        .and_then(|line| line.trim().parse().ok())
        .and_then(Pid::from_raw))
}

/// A process another user runs answers EPERM: it runs too. A zombie
/// nobody reaps (in a container whose PID 1 does not) runs no more.
fn is_running(pid: Pid) -> bool {
    if matches!(test_kill_process(pid), Err(Errno::SRCH)) {
        return false;
    }
    fs::read_to_string(format!("/proc/{}/stat", pid.as_raw_nonzero())).map_or(true, |stat| {
        // The state follows the command name, which may hold spaces.
        stat.rfind(')')
            .and_then(|end| stat[end + 1..].split_whitespace().next())
            != Some("Z")
    })
}

fn is_older(dir: &Path, age: Duration) -> bool {
    fs::metadata(dir)
        .and_then(|metadata| metadata.modified())
        .ok()
        .and_then(|modified| SystemTime::now().duration_since(modified).ok())
        .is_some_and(|elapsed| elapsed >= age)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREFIX: &str = "cluster-";

    /// A fake cluster folder `name` in `temp`, with these pids in its owner
    /// file and its postmaster.pid, when given.
    fn folder(temp: &Path, name: &str, owner: Option<u32>, postmaster: Option<u32>) {
        let data = temp.join(name).join("data");
        fs::create_dir_all(&data).unwrap();
        if let Some(pid) = owner {
            fs::write(temp.join(name).join(OWNER_FILE), pid.to_string()).unwrap();
        }
        if let Some(pid) = postmaster {
            fs::write(
                data.join("postmaster.pid"),
                format!("{pid}\n{}\n", data.display()),
            )
            .unwrap();
        }
    }

    /// A pid no process has: a child's, once it has exited and been reaped.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        child.wait().unwrap();
        child.id()
    }

    fn names(temp: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(temp)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn only_folders_whose_owner_and_postmaster_are_gone_are_removed() {
        let temp = std::env::temp_dir().join(format!("pg-sweep-{}", uuid::Uuid::new_v4()));
        let (alive, dead) = (Some(std::process::id()), Some(dead_pid()));
        folder(&temp, "cluster-owner-alive", alive, None);
        folder(&temp, "cluster-postmaster-alive", dead, alive);
        folder(&temp, "cluster-owner-dead", dead, None);
        folder(&temp, "cluster-both-dead", dead, dead);
        folder(&temp, "cluster-no-owner-file", None, None);
        folder(&temp, "other-owner-dead", dead, None);

        // A young folder with no owner file may be starting: kept.
        sweep(&temp, PREFIX, Duration::from_secs(3600));
        let kept = [
            "cluster-no-owner-file",
            "cluster-owner-alive",
            "cluster-postmaster-alive",
            "other-owner-dead",
        ];
        assert_eq!(names(&temp), kept);
        // Once stale, it goes; a running owner's or postmaster's never does.
        sweep(&temp, PREFIX, Duration::ZERO);
        assert_eq!(names(&temp), kept[1..]);
        fs::remove_dir_all(&temp).unwrap();
    }
}
