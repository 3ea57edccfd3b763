//! Progress while the scenarios run, on stderr: stdout holds the results.
//! On a terminal, a bar (done/total, failures, elapsed); elsewhere (a CI
//! log), a line when the run starts and at most one per [`PLAIN_EVERY`], so
//! that a log shows the run alive without a line per scenario.

use std::io::IsTerminal as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::console::Detail;

const PLAIN_EVERY: Duration = Duration::from_secs(10);

pub struct Progress {
    total: usize,
    done: AtomicUsize,
    failed: AtomicUsize,
    started: Instant,
    shown: Shown,
}

enum Shown {
    Bar(ProgressBar),
    /// When the last plain line was written.
    Lines(Mutex<Instant>),
    /// `--quiet`, and `--verbose`, whose step log shows the progress.
    Nothing,
}

impl Progress {
    /// `total`: the scenarios that will run.
    pub fn start(total: usize, detail: Detail) -> Self {
        let shown = match detail {
            Detail::Quiet | Detail::Verbose => Shown::Nothing,
            Detail::Normal if std::io::stderr().is_terminal() => Shown::Bar(bar(total)),
            Detail::Normal => {
                eprintln!("running {total} scenarios...");
                Shown::Lines(Mutex::new(Instant::now()))
            }
        };
        Self {
            total,
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            started: Instant::now(),
            shown,
        }
    }

    /// A scenario ended; `failed` when it fails the run.
    pub fn ended(&self, failed: bool) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let failed = self
            .failed
            .fetch_add(usize::from(failed), Ordering::Relaxed)
            + usize::from(failed);
        match &self.shown {
            Shown::Bar(bar) => {
                bar.set_position(done as u64);
                bar.set_message(format!("{failed} failed"));
            }
            Shown::Lines(last) => {
                let Ok(mut last) = last.lock() else { return };
                if last.elapsed() >= PLAIN_EVERY && done < self.total {
                    *last = Instant::now();
                    eprintln!(
                        "{done}/{} scenarios, {failed} failed, {}s",
                        self.total,
                        self.started.elapsed().as_secs()
                    );
                }
            }
            Shown::Nothing => {}
        }
    }

    /// The run is over: the bar goes, and the results follow.
    pub fn finish(&self) {
        if let Shown::Bar(bar) = &self.shown {
            bar.finish_and_clear();
        }
    }
}

fn bar(total: usize) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    // A template of this module's own: it cannot fail to parse.
    if let Ok(style) =
        ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} scenarios, {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("0 failed");
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
