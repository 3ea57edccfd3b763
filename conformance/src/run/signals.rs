//! Ctrl-C and SIGTERM, listened to for the whole run: the first stops the
//! scenarios (the session then cleans up briefly and writes the reports), a
//! signal during the cleanup cuts it short, and one after it exits at once.

use tokio::signal::unix::{Signal, SignalKind, signal};

/// Exit code of a run ended by a signal after its cleanup, as shells say
/// for SIGINT.
const EXIT_AT_ONCE: i32 = 130;

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

    /// The next signal's name.
    pub async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "Ctrl-C",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }

    /// From now on, a signal ends the process at once: the reports are
    /// written whole or not at all (see `reports::write`).
    pub fn exit_on_next(mut self) {
        tokio::spawn(async move {
            let signal = self.next().await;
            eprintln!("todo-conformance: {signal} again: exiting at once");
            std::process::exit(EXIT_AT_ONCE);
        });
    }
}
