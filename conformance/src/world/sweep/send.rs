//! Sending a declared operation: what goes in its path and body, and what
//! the sweep will not send. It writes only to what the suite holds: a
//! DELETE, PUT or PATCH to a task it created, a PUT or PATCH to a fresh
//! user of its own (never one given with `--users given`), a POST only
//! under its own user (or `/me`), to its tasks, or to the logout route; a
//! stand-in id only where nothing changes. What a POST or PUT on the task
//! collection may store goes to the ledger; anything else a write creates
//! is reported as left behind.

use reqwest::Method;
use serde_json::{Value, json};

use super::{ContractWorld, name_of};
use crate::target::http::{Exchange, Header};
use crate::target::openapi::Operation;
use crate::target::openapi::bodies::{required_query, valid_body};
use crate::target::openapi::slots::{Names, Slot, fill, slots};
use crate::target::users::{Account, UserSource};
use crate::world::answers::judgeable;

/// Why the sweep did not send an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsent(pub &'static str);

const UNKNOWN_OBJECT: Unsent =
    Unsent("its path names an object of a kind the suite does not create");
const NOT_OURS: Unsent = Unsent(
    "a write to something the suite did not create (it writes only to its own tasks and under its own user)",
);

impl ContractWorld {
    /// Whether `operation`'s path is the task collection or under it.
    pub(super) fn on_tasks(&self, operation: &Operation) -> bool {
        let template = |path: &str| {
            path.split('/')
                .map(|s| if s.starts_with('{') { "{}" } else { s })
                .collect::<Vec<_>>()
                .join("/")
        };
        let tasks = template(self.ctx.profile.routes.tasks.trim_end_matches('/'));
        template(&operation.path).starts_with(&tasks)
    }

    /// A body for `operation` that its owner's request should get through
    /// with: the profile's task for the task routes, else one generated
    /// from the schema.
    pub(super) fn control_body(&self, operation: &Operation) -> Option<Value> {
        let writes_a_task = matches!(operation.method, Method::POST | Method::PUT)
            && self.on_tasks(operation)
            && operation.body.is_some();
        if writes_a_task {
            let task = json!({"title": format!("sweep {}", self.key_id), "description": "swept"});
            Some(self.ctx.profile.body(&task))
        } else {
            valid_body(operation, 1)
        }
    }

    /// Whether the sweep may send `operation` (see the module's rules).
    fn may_send(&self, operation: &Operation) -> Result<(), Unsent> {
        let kinds: Vec<Slot> = slots(operation, &self.ctx.profile)
            .into_iter()
            .map(|(_, slot)| slot)
            .collect();
        // The logout route the suite already calls only confirms a token.
        let own_scope = kinds.contains(&Slot::User)
            || kinds.contains(&Slot::Task)
            || operation.path.split('/').any(|segment| segment == "me")
            || operation.path == self.ctx.profile.routes.logout;
        // Fresh users are the suite's own to change (not to delete: the
        // scenario goes on with them); given users are real accounts.
        let own_user = kinds.contains(&Slot::User) && self.ctx.users != UserSource::Given;
        match operation.method {
            Method::GET | Method::HEAD | Method::OPTIONS => Ok(()),
            Method::POST if own_scope => Ok(()),
            Method::PUT | Method::PATCH if own_user => Ok(()),
            _ if kinds.contains(&Slot::Task) => Ok(()),
            _ => Err(NOT_OURS),
        }
    }

    /// Sends `operation` for `path_owner` and `task` with `headers`; it
    /// becomes the last exchange.
    pub(super) async fn send_operation(
        &mut self,
        operation: &Operation,
        path_owner: &Account,
        task: Option<&str>,
        headers: &[Header],
        body: Option<Value>,
    ) -> Result<Exchange, Unsent> {
        self.may_send(operation)?;
        let reads = matches!(operation.method, Method::GET | Method::HEAD);
        let names = Names {
            user: &path_owner.id,
            task,
            unknown: reads.then_some("0"),
        };
        let query = required_query(operation, 1);
        let path = fill(operation, &self.ctx.profile, names, &query).ok_or(UNKNOWN_OBJECT)?;
        let method = operation.method.clone();
        if matches!(method, Method::POST | Method::PUT) && self.on_tasks(operation) {
            self.send_write(method, path_owner, &path, headers, body.as_ref())
                .await;
        } else {
            let exchange = self
                .ctx
                .client
                .send(method, &path, headers, body.as_ref())
                .await;
            self.note_left_behind(operation, &exchange);
            self.last = Some(exchange);
        }
        Ok(self.last.clone().expect("just sent"))
    }

    /// A POST beyond the tasks that succeeded created something the suite
    /// cannot delete: said, so that nothing is left behind unreported.
    fn note_left_behind(&self, operation: &Operation, exchange: &Exchange) {
        let created = operation.method == Method::POST
            && judgeable(exchange).is_ok_and(|received| (200..300).contains(&received.status));
        if created {
            self.ctx.note(
                &self.promise,
                &self.scenario,
                format!(
                    "{} answered 2xx: whatever it created is left on the target (the suite deletes only its tasks)",
                    name_of(operation)
                ),
            );
        }
    }
}
