//! Verbs of the owner's own tasks: the CRUD and stateless features.

use reqwest::Method;
use serde_json::{Value, json};

use super::answers::judgeable;
use super::{ContractWorld, Outcome, id_of};
use crate::contract::Route;
use crate::report::finding::Check;
use crate::target::http;

impl ContractWorld {
    /// Reads "that task" again, which must succeed, then checks the answer.
    pub async fn read_subject_again(&mut self, check: impl FnOnce(&Self) -> Outcome) -> Outcome {
        self.alice_on_subject(Route::Get, None).await?;
        self.expect_success(Route::Get)?;
        check(self)
    }

    /// Reads "that task" again, which must be gone.
    pub async fn read_gone_subject(&mut self) -> Outcome {
        self.alice_on_subject(Route::Get, None).await?;
        self.expect_status(404)
    }

    /// Alice creates a task; a 2xx answer becomes "that task".
    pub async fn alice_creates(&mut self, body: Value) -> Outcome {
        let alice = self.alice().await?;
        let body = self.ctx.profile.body(&body);
        let path = self.tasks_path(&alice);
        self.send_create(&alice, &path, &[http::bearer(&alice.token)], Some(&body))
            .await;
        if self.received()?.status / 100 == 2 {
            self.subject = Some(self.last_task()?);
        }
        Ok(())
    }

    /// Alice calls `route` on "that task", with her token and `body` (in
    /// the contract's names).
    pub async fn alice_on_subject(&mut self, route: Route, body: Option<Value>) -> Outcome {
        let alice = self.alice().await?;
        let subject = self.subject.as_ref().ok_or_else(|| {
            self.failure_about(None, "a task from an earlier step", "no task was created")
        })?;
        let id = id_of(subject);
        let (method, path) = self.ctx.profile.route(route, &alice.id, &id);
        let body = body.map(|body| self.ctx.profile.body(&body));
        self.request(method, &path, Some(&alice.token), body.as_ref())
            .await;
        let status = self.last.as_ref().and_then(http::Exchange::status);
        if route == Route::Delete && status.is_some_and(|status| (200..300).contains(&status)) {
            // Her own DELETE, answered 2xx: the cleanup need not prove it.
            self.ctx.forget(&id);
        }
        Ok(())
    }

    /// The answer is a task with these fields.
    pub fn expect_task(&self, title: &str, description: &str, completed: bool) -> Outcome {
        let task = self.last_task()?;
        let expected = json!({"title": title, "description": description, "completed": completed});
        let actual = json!({
            "title": task.get("title"),
            "description": task.get("description"),
            "completed": task.get("completed"),
        });
        if actual == expected {
            Ok(())
        } else {
            Err(self
                .failure(
                    format!("a task with {expected}"),
                    format!("a task with {actual}"),
                )
                .by(Check::TaskFields))
        }
    }

    pub fn expect_completion(&self, completed: bool) -> Outcome {
        let task = self.last_task()?;
        if task.get("completed") == Some(&Value::Bool(completed)) {
            Ok(())
        } else {
            Err(self.failure(
                format!("a task with completed = {completed}"),
                format!("{task}"),
            ))
        }
    }

    /// The answer is "that task", as it was created or last changed.
    pub fn expect_subject(&self) -> Outcome {
        let task = self.last_task()?;
        let subject = self.subject.clone().unwrap_or_default();
        let fields = |task: &Value| {
            ["id", "title", "description", "completed"].map(|field| task.get(field).cloned())
        };
        if fields(&task) == fields(&subject) {
            Ok(())
        } else {
            Err(self
                .failure(format!("the task {subject}"), format!("{task}"))
                .by(Check::TaskFields))
        }
    }

    /// A create of input the contract refuses is answered 422. Another
    /// refusal (400, say), or the input accepted, gains an attacker
    /// nothing: a deviation. A 5xx is input the attacker controls breaking
    /// the server: failed.
    pub fn expect_invalid_refused(&self) -> Outcome {
        let status = self.received()?.status;
        let deviation = |actual: String| {
            self.deviate(
                self.failure("422, the contract's answer to a task it refuses", actual)
                    .by(Check::Status(vec![422])),
            );
        };
        match status {
            422 => {}
            500.. => {
                return Err(self
                    .failure(
                        "422: input the attacker controls must not cause a server error",
                        status.to_string(),
                    )
                    .by(Check::Status(vec![422])));
            }
            400..=499 => deviation(format!("{status}: refused, with another status")),
            _ => deviation(format!("{status}: the input was accepted")),
        }
        Ok(())
    }

    /// Nothing was stored for Alice: her list has no task but those she
    /// had before the scenario (none, unless she is a given user). A task
    /// stored though the create was refused is a write despite a refusal;
    /// one stored by a create that said so was reported with its status.
    pub async fn expect_alice_has_no_tasks(&mut self) -> Outcome {
        // A peek, not a check: whether the create said it stored a task;
        // without an answer it said nothing, and a task stored counts.
        let accepted = self
            .last
            .as_ref()
            .and_then(|exchange| judgeable(exchange).ok())
            .is_some_and(|received| (200..300).contains(&received.status));
        let alice = self.alice().await?;
        let list = self.read_list(&alice).await?;
        let stored: Vec<&Value> = list
            .as_array()
            .into_iter()
            .flatten()
            .filter(|task| !self.alice_baseline.contains(&id_of(task)))
            .collect();
        if stored.is_empty() && !self.read_whole() {
            Err(self.cannot_tell("Alice has no task stored"))
        } else if stored.is_empty() || accepted {
            Ok(())
        } else {
            Err(self.failure(
                "no task stored for Alice, since the create was refused",
                format!(
                    "her list has {}",
                    Value::from(stored.into_iter().cloned().collect::<Vec<_>>())
                ),
            ))
        }
    }

    /// Alice lists her tasks with her token; the answer becomes the last.
    pub async fn alice_lists_her_tasks(&mut self) -> Outcome {
        let alice = self.alice().await?;
        self.request(
            Method::GET,
            &self.list_path(&alice),
            Some(&alice.token),
            None,
        )
        .await;
        Ok(())
    }

    pub async fn alice_logs_out(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let (method, path) = self.ctx.profile.route(Route::Logout, &alice.id, "");
        self.request(method, &path, Some(&alice.token), None).await;
        Ok(())
    }

    /// After Alice's logout: still valid (stateless) or revoked are both
    /// reported, not failed. A 5xx fails; another refusal than 401 is a
    /// deviation, since the token is refused all the same.
    pub async fn report_token_after_logout(&mut self) -> Outcome {
        self.expect_success(Route::Logout)?;
        self.alice_lists_her_tasks().await?;
        let status = self.received()?.status;
        let note = match status {
            _ if self.ctx.profile.success(Route::List).contains(&status) => {
                "after logout the token still works: tokens are stateless and stay valid until they expire".to_owned()
            }
            401 => "after logout the token is refused: the target revokes tokens".to_owned(),
            500.. => {
                return Err(self.failure(
                    "200 (still valid) or 401 (revoked) after logout, never a server error",
                    status.to_string(),
                ));
            }
            other => {
                self.deviate(
                    self.failure(
                        "401 for a revoked token (RFC 6750 §3.1), or 200 while it is valid",
                        other.to_string(),
                    )
                    .by(Check::Status(vec![401])),
                );
                format!("after logout the token is refused with {other}: the target revokes tokens")
            }
        };
        self.ctx.note(&self.promise, &self.scenario, note);
        Ok(())
    }
}
