//! What a walk of the sweep found over the declared operations: kept by
//! the World between the walk and the check that grades it.

use crate::target::http::Exchange;
use crate::target::openapi::Operation;
use crate::world::answers::judgeable;

/// What a walk over the operations found.
#[derive(Debug, Default)]
pub struct Log {
    pub(super) breaches: Vec<Breach>,
    /// Harmless departures (a refusal with 403, say), noted once for all.
    pub(super) deviations: Vec<Breach>,
    /// Operations that got no answer to judge, and why.
    pub(super) unanswered: Vec<(String, String)>,
    /// Operations the walk could not exercise, with the reason.
    pub(super) skipped: Vec<(String, String)>,
    pub(super) exercised: usize,
    /// What the walk reports without grading it.
    pub(super) noted: Vec<String>,
}

/// One operation that broke the promise.
#[derive(Debug)]
pub(super) struct Breach {
    pub(super) exchange: Exchange,
    pub(super) expected: String,
    pub(super) actual: String,
    /// Failed whatever the scenario's level: the attacker gains something.
    pub(super) always_failed: bool,
}

/// How an operation is named in reports: its method and path template.
pub fn name_of(operation: &Operation) -> String {
    format!("{} {}", operation.method, operation.path)
}

impl Log {
    pub(super) fn breach(&mut self, exchange: Exchange, expected: &str, actual: String) {
        self.breaches.push(Breach {
            exchange,
            expected: expected.to_owned(),
            actual,
            always_failed: false,
        });
    }

    pub(super) fn deviation(&mut self, exchange: Exchange, expected: &str, actual: String) {
        self.deviations.push(Breach {
            exchange,
            expected: expected.to_owned(),
            actual,
            always_failed: false,
        });
    }

    pub(super) fn skip(&mut self, operation: &Operation, why: impl Into<String>) {
        self.skipped.push((name_of(operation), why.into()));
    }

    /// The status of `exchange`'s answer to the operation `name`, or
    /// `None` when there is no answer to judge, which is noted.
    pub(super) fn status_of(&mut self, name: &str, exchange: &Exchange) -> Option<u16> {
        match judgeable(exchange) {
            Ok(received) => Some(received.status),
            Err(what) => {
                self.unanswered.push((name.to_owned(), what));
                None
            }
        }
    }
}
