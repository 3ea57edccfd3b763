//! A finding as a typed value: which promise and scenario, how bad, which
//! check found it and what the request presented, expected against actual,
//! and the exchange. Every report is rendered from this value; none parses
//! another's text.

use serde::Serialize;

use crate::contract::{Credentials, Route};
use crate::target::http::Exchange;
use crate::tokens::catalogue::Attack;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grade {
    /// A security promise broken.
    Broken,
    /// A contract deviation that exposes no data (403 for 404, a missing
    /// challenge): reported; fails the run only with `--strict`.
    Deviation,
    /// A `@should` check outside `--strict`: reported, not failed.
    Should,
    /// The target failed a step that only prepares the scenario: no verdict
    /// on the promise, but the run cannot pass either.
    NotSetUp,
}

impl Grade {
    pub fn is_non_strict(self) -> bool {
        matches!(self, Self::Deviation | Self::Should)
    }
}

/// The check that found a finding: what hints and graders key on, so that
/// rewording a message changes neither.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The answer's status must be one of these.
    Status(Vec<u16>),
    /// The route must succeed, with a status the profile allows.
    Success(Route),
    /// A 401 names the Bearer scheme in `WWW-Authenticate` (RFC 6750 §3).
    BearerChallenge,
    /// A refused token's challenge says `error="invalid_token"` (§3.1).
    InvalidTokenChallenge,
    /// A task read back has the fields that were written.
    TaskFields,
    /// Any other check.
    Other,
}

/// What the request of a finding presented as its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    Credentials(Credentials),
    Attack(Attack),
}

impl Presented {
    /// A token past its `exp`.
    pub fn is_expired(&self) -> bool {
        matches!(
            self,
            Self::Credentials(Credentials::ExpiredAnHourAgo)
                | Self::Attack(Attack::Expired10Minutes)
        )
    }
}

/// A finding, with everything needed to see and reproduce it.
#[derive(Debug, Clone)]
pub struct Failure {
    pub promise: String,
    pub scenario: String,
    pub grade: Grade,
    pub check: Check,
    pub presented: Option<Presented>,
    pub expected: String,
    pub actual: String,
    pub exchange: Option<Exchange>,
}

impl Failure {
    /// The same finding, found by `check`.
    pub fn by(mut self: Box<Self>, check: Check) -> Box<Self> {
        self.check = check;
        self
    }

    /// The same finding, from a step that only prepares the scenario.
    pub fn not_set_up(mut self: Box<Self>) -> Box<Self> {
        self.grade = Grade::NotSetUp;
        self
    }

    /// Whether the check wanted this status (alone or among others).
    pub fn expects_status(&self, status: u16) -> bool {
        matches!(&self.check, Check::Status(statuses) if statuses.contains(&status))
    }
}
