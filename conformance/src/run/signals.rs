//! Ctrl-C and SIGTERM, listened to for the whole run: the first stops the
//! scenarios (the session then cleans up briefly and writes the reports), a
//! signal during the cleanup cuts it short, and one after it exits at once.

use std::fmt;

use tokio::signal::unix::{Signal, SignalKind, signal};

/// A signal that stops the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Interrupt,
    Terminate,
}

impl Stop {
    /// 128 + the signal's number, as shells report a process it ended.
    fn exit_code(self) -> i32 {
        match self {
            Self::Interrupt => 130,
            Self::Terminate => 143,
        }
    }
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Interrupt => "Ctrl-C",
            Self::Terminate => "SIGTERM",
        })
    }
}

/// Both signals, listened to from when this is made: none is missed
/// between two waits.
pub struct Signals {
    interrupt: Signal,
    terminate: Signal,
}

impl Signals {
    pub fn listen() -> std::io::Result<Self> {
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// The next signal.
    pub async fn next(&mut self) -> Stop {
        tokio::select! {
            _ = self.interrupt.recv() => Stop::Interrupt,
            _ = self.terminate.recv() => Stop::Terminate,
        }
    }

    /// From now on, a signal ends the process at once: the reports are
    /// written whole or not at all (see `reports::write`).
    pub fn exit_on_next(mut self) {
        tokio::spawn(async move {
            let signal = self.next().await;
            eprintln!("todo-conformance: {signal} again: exiting at once");
            std::process::exit(signal.exit_code());
        });
    }
}
