//! What the load scenario concludes from what it saw: no leak, no server
//! error, owners served, and the figures reported.

use super::LoadResult;
use super::result::Examples;
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
        self.expect_none(
            &load.leaks,
            "no user sees or changes another user's task",
            "cross-user leak(s)",
        )
    }

    pub fn expect_no_server_errors(&self) -> Outcome {
        let load = self.load_result()?;
        self.expect_none(
            &load.server_errors,
            "no 5xx and no unanswered request under load",
            &format!("of {} requests got a 5xx or no answer", load.requests),
        )
    }

    pub fn expect_owners_served(&self) -> Outcome {
        let load = self.load_result()?;
        self.expect_none(
            &load.broken,
            "every owner's own request succeeds under load",
            "own request(s) failed",
        )
    }

    /// Fails when any failure of a kind was seen: how many (all of them,
    /// not only the few kept), the first with its exchange, and what the
    /// next kept ones were.
    fn expect_none(&self, failures: &Examples, expected: &str, kind: &str) -> Outcome {
        let Some((what, exchange)) = failures.first() else {
            return Ok(());
        };
        let mut actual = format!("{} {kind}; the first: {what}", failures.count());
        for other in failures.others() {
            actual.push_str("; then: ");
            actual.push_str(other);
        }
        Err(self.failure_about(Some(exchange.clone()), expected, actual))
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
