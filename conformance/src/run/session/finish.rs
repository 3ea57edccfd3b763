//! The end of a session, whatever happened: the sweep of what the suite
//! created (bounded in time, briefer after a signal), the reports, and the
//! bundled server's shutdown.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::anyhow;

use super::Session;
use crate::report;
use crate::report::results::{RunReport, ScenarioResult};
use crate::report::safe;
use crate::run::plan::Target;
use crate::run::reports;
use crate::run::scenarios::Tally;
use crate::run::signals::Signals;
use crate::target::tasks::Tasks;
use crate::world::context;

/// How long the final cleanup may take.
const SWEEP_LIMIT: Duration = Duration::from_secs(60);
/// After a signal, CI systems kill the run after about 10 s: the cleanup
/// takes at most this, leaving time for the reports and the bundled
/// server's shutdown, and each of its requests at most
/// [`SIGNALLED_REQUEST_LIMIT`].
const SIGNALLED_SWEEP_LIMIT: Duration = Duration::from_secs(7);
const SIGNALLED_REQUEST_LIMIT: Duration = Duration::from_secs(2);

impl Session {
    /// Whatever happened, deletes what the suite created, before the
    /// bundled server (and its database) goes away, and writes the reports:
    /// those of a run that stopped say why. After a signal (`signalled`),
    /// briefly.
    pub(super) async fn finish(
        mut self,
        outcome: anyhow::Result<Tally>,
        mut signals: Signals,
        signalled: bool,
    ) -> anyhow::Result<ExitCode> {
        let left_behind = self.sweep(&mut signals, signalled).await;
        signals.exit_on_next();
        if !left_behind.is_empty() {
            // Ids are the target's words: one line each, whatever they hold.
            let ids: Vec<String> = left_behind.iter().map(|id| safe::line(id)).collect();
            eprintln!(
                "left behind: {} task(s) the suite created and could not delete: {}",
                left_behind.len(),
                ids.join(", ")
            );
        }
        let tally = match outcome {
            Ok(tally) => tally,
            Err(error) => {
                let report = self.report(Vec::new(), left_behind, Some(error.to_string()));
                let written = reports::write(&self.outputs, &report);
                let shut_down = self.shut_down().await;
                for problem in [written.err(), shut_down.err()].into_iter().flatten() {
                    eprintln!("todo-conformance: {problem}");
                }
                return Err(error);
            }
        };
        let mut scenarios = tally.results;
        let today = chrono::Local::now().date_naive();
        let applied = self
            .expected
            .as_ref()
            .map(|expected| expected.apply(&mut scenarios, today))
            .unwrap_or_default();
        let mut report = self.report(scenarios, left_behind, None);
        report.expired.clone_from(&applied.expired);
        // The report files first, each confirmed in a line: they are what a
        // CI step that kills slow steps must find, and the console's closing
        // words (the tally, the warnings) stay its last lines.
        let written = reports::write(&self.outputs, &report);
        report::console::print(&report, &applied.not_run, self.detail);
        self.shut_down().await?;
        written?;
        let failed = report.fails_run() || tally.execution_failed;
        Ok(if failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    }

    /// Shuts the bundled server, if any, down, and removes its container.
    async fn shut_down(&mut self) -> anyhow::Result<()> {
        let Some(server) = self.bundled.take() else {
            return Ok(());
        };
        server.shutdown().await.map_err(|error| {
            anyhow!("the bundled reference server did not shut down cleanly: {error}")
        })
    }

    /// The one record every output is written from.
    fn report(
        &mut self,
        scenarios: Vec<ScenarioResult>,
        left_behind: Vec<String>,
        stopped: Option<String>,
    ) -> RunReport {
        RunReport {
            target: std::mem::take(&mut self.base_url),
            bundled: matches!(self.target, Target::Bundled { .. }),
            profile: self.profile.name.clone(),
            started_at: std::mem::take(&mut self.started_at),
            duration_secs: self.started.elapsed().as_secs_f64(),
            strict: self.strict,
            show_tokens: self.show_tokens,
            scenarios,
            informational: context::installed()
                .and_then(|context| context.notes.lock().ok().map(|notes| notes.clone()))
                .unwrap_or_default(),
            left_behind,
            expired: Vec::new(),
            stopped,
        }
    }

    /// Deletes what is left in the ledger, in parallel and bounded in
    /// time: more briefly after a signal, and a signal cuts it short. What
    /// stays is left behind.
    async fn sweep(&self, signals: &mut Signals, signalled: bool) -> Vec<String> {
        let Some(client) = &self.client else {
            return self.ledger.left_behind();
        };
        let mut tasks = Tasks::new(client, &self.profile);
        let mut limit = SWEEP_LIMIT;
        if signalled {
            tasks = tasks.limited_to(SIGNALLED_REQUEST_LIMIT);
            limit = SIGNALLED_SWEEP_LIMIT;
        }
        tokio::select! {
            () = self.ledger.sweep(tasks) => {}
            () = tokio::time::sleep(limit) => eprintln!("cleanup stopped after {limit:?}"),
            signal = signals.next() => eprintln!("cleanup stopped by {signal}"),
        }
        self.ledger.left_behind()
    }
}
