//! The sweep (`@sweep`): every operation the target's OpenAPI document
//! declares, beyond the contract's six routes, refused without a token,
//! closed to another user, deaf to owner fields and to foreign origins.
//! Each walk keeps what it found in a [`Log`]; one check grades it.

use std::fmt::Write as _;

use reqwest::Method;
use serde_json::{Value, json};

use super::answers::{judgeable, mentions_task};
use super::{ContractWorld, Outcome, id_of};
use crate::report::finding::{Failure, Grade};
use crate::target::http::{Exchange, Header};
use crate::target::openapi::bodies::{required_query, valid_body};
use crate::target::openapi::slots::{Names, fill};
use crate::target::openapi::{ApiDocument, Operation};
use crate::target::users::Account;

mod auth;
mod cors;
mod differential;
mod hidden;
pub mod log;
mod owners;
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

/// Whether a request of this method may change what it names.
fn destructive(method: &Method) -> bool {
    matches!(*method, Method::DELETE | Method::PUT | Method::PATCH)
}

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

    /// A body for `operation` that its owner's request should get through
    /// with: the profile's task for the task routes, else one generated
    /// from the schema.
    fn control_body(&self, operation: &Operation) -> Option<Value> {
        let tasks = self.ctx.profile.routes.tasks.as_str();
        let template = |path: &str| {
            path.split('/')
                .map(|s| if s.starts_with('{') { "{}" } else { s })
                .collect::<Vec<_>>()
                .join("/")
        };
        let on_tasks = template(&operation.path).starts_with(&template(tasks));
        match &operation.method {
            &Method::POST | &Method::PUT if on_tasks && operation.body.is_some() => {
                Some(self.ctx.profile.body(
                    &json!({"title": format!("sweep {}", self.key_id), "description": "swept"}),
                ))
            }
            _ => valid_body(operation, 1),
        }
    }

    /// Sends `operation` for `path_owner` and `task` with `headers`; POSTs
    /// and PUTs go through the ledger, since they may store a task. `None`
    /// when the path needs an object the suite does not have; the stand-in
    /// is used only where the request changes nothing.
    async fn send_operation(
        &mut self,
        operation: &Operation,
        path_owner: &Account,
        task: Option<&str>,
        headers: &[Header],
        body: Option<Value>,
    ) -> Option<Exchange> {
        let names = Names {
            user: &path_owner.id,
            task,
            unknown: (!destructive(&operation.method)).then_some("0"),
        };
        let path = fill(
            operation,
            &self.ctx.profile,
            names,
            &required_query(operation, 1),
        )?;
        if matches!(operation.method, Method::POST | Method::PUT) {
            self.send_write(
                operation.method.clone(),
                path_owner,
                &path,
                headers,
                body.as_ref(),
            )
            .await;
            return self.last.clone();
        }
        let exchange = self
            .ctx
            .client
            .send(operation.method.clone(), &path, headers, body.as_ref())
            .await;
        self.last = Some(exchange.clone());
        Some(exchange)
    }

    /// Whether `exchange`'s answer carries Alice's data: her task (id or
    /// title) or her email.
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
                .is_some_and(|body| mentions_task(&self.ctx.profile, &body, &id_of(task)))
        }) || [title, email]
            .into_iter()
            .flatten()
            .any(|needle| !needle.is_empty() && text.contains(needle))
    }

    /// Grades what the walk found: the first breach (and how many others),
    /// or no verdict when no operation could be exercised; operations left
    /// out are noted either way.
    pub fn expect_sweep_clean(&mut self) -> Outcome {
        let log = std::mem::take(&mut self.sweep);
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
