//! What the load scenario concludes from what it saw: no leak, no server
//! error, owners served, and the figures reported.

use super::LoadResult;
use crate::report::finding::Failure;
use crate::world::{ContractWorld, Outcome};

impl ContractWorld {
    fn load_result(&self) -> Result<&LoadResult, Box<Failure>> {
        self.load
            .as_ref()
            .ok_or_else(|| self.failure_about(None, "a load run in an earlier step", "none ran"))
    }

    pub fn expect_no_leaks(&self) -> Outcome {
        let load = self.load_result()?;
        match load.leaks.first() {
            None => Ok(()),
            Some((what, exchange)) => Err(self.failure_about(
                Some(exchange.clone()),
                "no user sees or changes another user's task",
                format!("{} cross-user leak(s); the first: {what}", load.leaks.len()),
            )),
        }
    }

    pub fn expect_no_server_errors(&self) -> Outcome {
        let load = self.load_result()?;
        match load.server_errors.first() {
            None => Ok(()),
            Some(exchange) => Err(self.failure_about(
                Some(exchange.clone()),
                "no 5xx and no unanswered request under load",
                format!(
                    "{} of {} requests; the first below",
                    load.server_errors.len(),
                    load.requests
                ),
            )),
        }
    }

    pub fn expect_owners_served(&self) -> Outcome {
        let load = self.load_result()?;
        match load.broken.first() {
            None => Ok(()),
            Some((what, exchange)) => Err(self.failure_about(
                Some(exchange.clone()),
                "every owner's own request succeeds under load",
                format!("{} failed; the first: {what}", load.broken.len()),
            )),
        }
    }

    /// Throughput and latency percentiles, as an informational note.
    pub fn report_load(&mut self) -> Outcome {
        let load = self.load_result()?;
        let mut latencies = load.latencies.clone();
        latencies.sort_unstable();
        let percentile = |p: usize| {
            latencies
                .get((latencies.len() * p / 100).min(latencies.len().saturating_sub(1)))
                .map_or(0.0, |latency| latency.as_secs_f64() * 1000.0)
        };
        let note = format!(
            "{} requests in {:.1} s: {:.0} req/s; latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            load.requests,
            load.elapsed.as_secs_f64(),
            load.requests as f64 / load.elapsed.as_secs_f64().max(f64::EPSILON),
            percentile(50),
            percentile(90),
            percentile(99),
            latencies
                .last()
                .map_or(0.0, |latency| latency.as_secs_f64() * 1000.0),
        );
        self.ctx.note(&self.promise, &self.scenario, note);
        Ok(())
    }
}
