//! Reading an owner's list, every page of it, and what a scenario may
//! conclude from it: a task missing from a list the suite could not read
//! whole is no verdict, so the scenario is skipped, never failed or passed.

use reqwest::Method;
use serde_json::Value;

use super::answers::statuses;
use super::{ContractWorld, Outcome, id_of};
use crate::contract::Route;
use crate::report::finding::Failure;
use crate::target::users::Account;

impl ContractWorld {
    /// The owner's tasks (in the contract's shape, as a JSON array), read
    /// with their own token, page after page when the target paginates.
    /// Leaves the last exchange alone; why pages are missing, if they are,
    /// is kept for [`Self::cannot_tell`].
    pub(super) async fn read_list(&self, account: &Account) -> Result<Value, Box<Failure>> {
        let exchange = self
            .fetch(
                Method::GET,
                &self.list_path(account),
                Some(&account.token),
                None,
            )
            .await;
        let failed = |expected: String, actual: String| {
            self.failure_about(Some(exchange.clone()), expected, actual)
        };
        let received = self.judged(&exchange)?;
        let success = self.ctx.profile.success(Route::List);
        if !success.contains(&received.status) {
            return Err(failed(
                format!("{} with {}'s list", statuses(success), account.name),
                received.status.to_string(),
            ));
        }
        let answer = received.json().ok_or_else(|| {
            failed(
                format!("{}'s list as JSON", account.name),
                "a body that is not JSON".to_owned(),
            )
        })?;
        let first = self
            .ctx
            .profile
            .tasks_in(&answer)
            .map_err(|reason| failed(format!("{}'s list", account.name), reason))?;
        let listed = self.ctx.tasks().follow(account, &answer, first.tasks).await;
        if let Ok(mut unread) = self.unread.lock() {
            if let Some(reason) = &listed.unread
                && unread.as_ref() != Some(reason)
            {
                self.ctx.note(
                    &self.promise,
                    &self.scenario,
                    format!("{}'s list: {reason}", account.name),
                );
            }
            unread.clone_from(&listed.unread);
        }
        Ok(Value::Array(listed.tasks))
    }

    /// Whether the last list read went whole, every page of it.
    pub(super) fn read_whole(&self) -> bool {
        self.unread.lock().is_ok_and(|unread| unread.is_none())
    }

    /// Stops the scenario without a verdict: a list the suite could not read
    /// whole cannot show that a task is, or is not, on it.
    pub(super) fn cannot_tell(&mut self, what: &str) -> Box<Failure> {
        let unread = self
            .unread
            .lock()
            .ok()
            .and_then(|unread| unread.clone())
            .unwrap_or_default();
        let reason = format!("NOT CHECKED: {unread}, so whether {what} cannot be told");
        self.unjudge(reason.clone());
        self.failure_about(None, what.to_owned(), reason)
            .not_set_up()
    }

    /// Whether Alice's list, re-read, has "that task". A task not among
    /// the pages read is no verdict when pages went unread.
    pub async fn expect_list_has_subject(&mut self, present: bool) -> Outcome {
        let alice = self.alice().await?;
        let id = self.subject.as_ref().map(id_of).unwrap_or_default();
        let list = self.read_list(&alice).await?;
        let found = list
            .as_array()
            .is_some_and(|tasks| tasks.iter().any(|task| id_of(task) == id));
        if !found && !self.read_whole() {
            let what = if present {
                format!("Alice's list holds task {id}")
            } else {
                format!("task {id} is gone from Alice's list")
            };
            return Err(self.cannot_tell(&what));
        }
        if found == present {
            Ok(())
        } else if present {
            Err(self.failure(
                format!("Alice's list to contain task {id}"),
                format!("her list is {list}"),
            ))
        } else {
            Err(self.failure(
                format!("Alice's list without task {id}"),
                format!("her list is {list}"),
            ))
        }
    }
}
