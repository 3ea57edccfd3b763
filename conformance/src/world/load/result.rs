//! What a load run saw: kept apart so that the World can hold it without
//! depending on how the load is run.

use std::time::Duration;

use crate::target::http::Exchange;

/// Failures of one kind kept with their exchange, at most this many: a
/// hostile target can fail every request with a 1 MiB body, and keeping
/// each would grow the suite's memory with the length of the run.
const EXAMPLES_KEPT: usize = 3;

/// Failures of one kind: how many there were, and the first few.
#[derive(Debug, Default)]
pub struct Examples {
    count: usize,
    /// What happened, and the request; the first [`EXAMPLES_KEPT`].
    first: Vec<(String, Exchange)>,
}

impl Examples {
    /// Counts one more failure; keeps it only while fewer than
    /// [`EXAMPLES_KEPT`] are kept, so that the rest cost no copy.
    pub fn add(&mut self, what: impl FnOnce() -> String, exchange: &Exchange) {
        self.count += 1;
        if self.first.len() < EXAMPLES_KEPT {
            self.first.push((what(), exchange.clone()));
        }
    }

    /// Every failure of this kind, kept or not.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The first failure, with its exchange.
    pub fn first(&self) -> Option<&(String, Exchange)> {
        self.first.first()
    }

    /// What the kept failures after the first were, in order.
    pub fn others(&self) -> impl Iterator<Item = &str> {
        self.first.iter().skip(1).map(|(what, _)| what.as_str())
    }
}

/// What the load run saw. Its size is bounded by the run's request budget
/// (one latency each), never by what the target answers.
#[derive(Debug, Default)]
pub struct LoadResult {
    pub requests: usize,
    pub elapsed: Duration,
    pub(super) latencies: Vec<Duration>,
    /// Another user's data seen, or changed.
    pub(super) leaks: Examples,
    /// A 5xx, or no answer.
    pub(super) server_errors: Examples,
    /// The owner's own requests that did not do what they should.
    pub(super) broken: Examples,
}

/// The kinds of failure a load run counts.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    Leak,
    ServerError,
    Broken,
}

impl LoadResult {
    pub(super) fn of_kind(&mut self, kind: Kind) -> &mut Examples {
        match kind {
            Kind::Leak => &mut self.leaks,
            Kind::ServerError => &mut self.server_errors,
            Kind::Broken => &mut self.broken,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::http::{Received, SentRequest};

    fn exchange() -> Exchange {
        Exchange {
            request: SentRequest {
                method: reqwest::Method::GET,
                url: "http://127.0.0.1:9/api/u/tasks".to_owned(),
                headers: Vec::new(),
                body: None,
            },
            response: Ok(Received {
                status: 200,
                headers: Vec::new(),
                body: b"[]".to_vec(),
                truncated: false,
            }),
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn counts_every_failure_and_keeps_only_the_first_few() {
        let mut examples = Examples::default();
        let mut described = 0;
        for index in 0..1000 {
            examples.add(
                || {
                    described += 1;
                    format!("failure {index}")
                },
                &exchange(),
            );
        }
        assert_eq!(examples.count(), 1000);
        assert_eq!(examples.first.len(), EXAMPLES_KEPT);
        assert_eq!(described, EXAMPLES_KEPT, "only kept failures are described");
        assert_eq!(
            examples.first().map(|(what, _)| what.as_str()),
            Some("failure 0")
        );
        assert_eq!(
            examples.others().collect::<Vec<_>>(),
            ["failure 1", "failure 2"]
        );
    }
}
