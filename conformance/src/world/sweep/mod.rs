//! The sweep (`@sweep`): every operation the target's OpenAPI document
//! declares, beyond the contract's six routes, refused without a token,
//! closed to another user, deaf to owner fields and to foreign origins.
//! Each walk keeps what it found in a [`Log`]; one check grades it.

use std::fmt::Write as _;

use reqwest::Method;
use serde_json::Value;

use super::answers::{holds_task_with_id, judgeable};
use super::{ContractWorld, Outcome, id_of};
use crate::report::finding::{Failure, Grade};
use crate::target::http::Exchange;
use crate::target::openapi::{ApiDocument, Operation};

mod auth;
mod cors;
mod crossed_writes;
mod differential;
mod hidden;
pub mod log;
mod owners;
mod send;
mod writes;

use log::{Log, name_of};

/// Paths that are public by design when the document asks no security of
/// them: health, readiness, docs, the document itself, sign-up and sign-in.
const PUBLIC_ENDS: [&str; 22] = [
    "/health",
    "/healthz",
    "/ready",
    "/readyz",
    "/live",
    "/livez",
    "/ping",
    "/docs",
    "/redoc",
    "/openapi.json",
    "/openapi.yaml",
    "/swagger.json",
    "/api-docs",
    "/register",
    "/signup",
    "/sign-up",
    "/sign-up/email",
    "/login",
    "/signin",
    "/sign-in",
    "/sign-in/email",
    "/token",
];

impl ContractWorld {
    fn document(&self) -> Result<&ApiDocument, Box<Failure>> {
        self.ctx.api.as_ref().ok_or_else(|| {
            let reason = format!("NOT CHECKED: {}", self.ctx.api_absent);
            self.unjudge(reason.clone());
            self.failure_about(None, "the target's OpenAPI document", reason)
                .not_set_up()
        })
    }

    /// The operations a walk may send, in the document's order: all of
    /// them, or with `--read-only` only GET and HEAD.
    fn sweepable(&self) -> Result<Vec<Operation>, Box<Failure>> {
        let read_only = self.ctx.read_only;
        Ok(self
            .document()?
            .operations
            .iter()
            .filter(|op| !read_only || matches!(op.method, Method::GET | Method::HEAD))
            .cloned()
            .collect())
    }

    /// Public by design: no security requirement, and a path of the
    /// documented public set (or the profile's sign-up and sign-in).
    fn public_by_design(&self, operation: &Operation) -> bool {
        let path = operation.path.trim_end_matches('/').to_ascii_lowercase();
        let routes = &self.ctx.profile.routes;
        !operation.secured
            && (PUBLIC_ENDS.iter().any(|end| path.ends_with(end))
                || path == routes.register
                || path == routes.login)
    }

    /// Whether `exchange`'s answer carries Alice's data: her task (an
    /// object with its id and a title, or its title, which is unique) or her
    /// email.
    fn carries_alices_data(&self, exchange: &Exchange) -> bool {
        let Ok(received) = judgeable(exchange) else {
            return false;
        };
        let text = received.text();
        let email = self.alice.as_ref().map(|alice| alice.email.as_str());
        let task = self.alice_task.as_ref();
        let title = task
            .and_then(|task| task.get("title"))
            .and_then(Value::as_str);
        task.is_some_and(|task| {
            received
                .json()
                .is_some_and(|body| holds_task_with_id(&self.ctx.profile, &body, &id_of(task)))
        }) || [title, email]
            .into_iter()
            .flatten()
            .any(|needle| !needle.is_empty() && text.contains(needle))
    }

    /// What the walk reports without grading it, and what it left out.
    fn note_reported(&self, log: &Log) {
        if !log.noted.is_empty() {
            self.ctx
                .note(&self.promise, &self.scenario, log.noted.join("; "));
        }
        if !log.skipped.is_empty() {
            let list: Vec<String> = log
                .skipped
                .iter()
                .map(|(name, why)| format!("{name} ({why})"))
                .collect();
            self.ctx.note(
                &self.promise,
                &self.scenario,
                format!("could not be exercised: {}", list.join("; ")),
            );
        }
    }

    /// Grades what the walk found: the first breach (and how many others),
    /// or no verdict when no operation could be exercised; operations left
    /// out are noted either way.
    pub fn expect_sweep_clean(&mut self) -> Outcome {
        let log = std::mem::take(&mut self.sweep);
        self.note_reported(&log);
        let mut breaches = log.breaches.into_iter();
        if let Some(first) = breaches.next() {
            let others: Vec<String> = breaches
                .map(|breach| breach.exchange.request.to_string())
                .collect();
            let mut actual = first.actual;
            if !others.is_empty() {
                let _ = write!(
                    actual,
                    " (and {} more: {})",
                    others.len(),
                    others.join(", ")
                );
            }
            let mut failure = self.failure_about(Some(first.exchange), first.expected, actual);
            if first.always_failed {
                failure.grade = Grade::Broken;
            }
            return Err(failure);
        }
        if let Some(first) = log.deviations.first() {
            let count = log.deviations.len();
            let actual = format!("{} ({count} operation(s) in all)", first.actual);
            self.deviate(self.failure_about(
                Some(first.exchange.clone()),
                first.expected.clone(),
                actual,
            ));
        }
        if let Some((name, what)) = log.unanswered.first() {
            let reason = format!(
                "NOT CHECKED: {} of the operations had no answer to judge, the first ({name}) because {what}",
                log.unanswered.len()
            );
            self.unjudge(reason.clone());
            return Err(self
                .failure_about(None, "an answer to judge", reason)
                .not_set_up());
        }
        if log.exercised == 0 {
            let reason = "NOT CHECKED: no declared operation could be exercised".to_owned();
            self.unjudge(reason.clone());
            return Err(self
                .failure_about(None, "an operation to exercise", reason)
                .not_set_up());
        }
        Ok(())
    }
}
