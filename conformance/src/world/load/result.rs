//! What a load run saw: kept apart so that the World can hold it without
//! depending on how the load is run.

use std::time::Duration;

use crate::target::http::Exchange;

/// What the load run saw.
#[derive(Debug, Default)]
pub struct LoadResult {
    pub requests: usize,
    pub elapsed: Duration,
    pub(super) latencies: Vec<Duration>,
    /// Another user's data seen, or changed: what happened, and the request.
    pub(super) leaks: Vec<(String, Exchange)>,
    pub(super) server_errors: Vec<Exchange>,
    /// The owner's own requests that did not do what they should.
    pub(super) broken: Vec<(String, Exchange)>,
}
