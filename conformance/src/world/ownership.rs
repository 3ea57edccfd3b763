//! Verbs of object-level authorization in depth (OWASP API1): ownership in
//! the body, and guessed ids.

use reqwest::Method;
use serde_json::{Value, json};

use super::{ContractWorld, Outcome, id_of};
use crate::contract::{Route, id_text};
use crate::report::finding::Check;
use crate::target::http::Exchange;

/// The title of the mass-assignment probes.
const PROBE_TITLE: &str = "mass assignment probe";

impl ContractWorld {
    /// Alice creates a task whose body claims Bob as its owner.
    pub async fn alice_creates_naming_bob(&mut self) -> Outcome {
        let bob = self.bob().await?;
        let body = json!({"title": PROBE_TITLE, "user_id": bob.id, "owner_id": bob.id});
        self.alice_creates(body).await
    }

    /// Alice updates her task with a body that claims Bob as its owner.
    pub async fn alice_updates_naming_bob(&mut self) -> Outcome {
        let bob = self.bob().await?;
        let body = json!({"title": PROBE_TITLE, "user_id": bob.id, "owner_id": bob.id});
        self.alice_on_subject(Route::Update, Some(body)).await
    }

    /// Whatever the target answered, the task is still Alice's: a `user_id`
    /// in the answer is hers, she can read it, and Bob's list lacks it.
    pub async fn expect_task_stays_alices(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let bob = self.bob().await?;
        let received = self.received()?.clone();
        let answered_owner = received
            .json()
            .filter(|_| (200..300).contains(&received.status))
            .and_then(|task| task.get("user_id").cloned());
        // Compared as text: a target may number its users.
        if let Some(owner) =
            answered_owner.filter(|owner| id_text(owner).as_deref() != Some(&alice.id))
        {
            return Err(self.failure(
                format!("the task to stay Alice's ({})", alice.id),
                format!("the answer says user_id {owner}"),
            ));
        }
        let bobs = self.read_list(&bob).await?;
        let leaked = bobs.as_array().into_iter().flatten().any(|task| {
            task.get("title").and_then(Value::as_str) == Some(PROBE_TITLE)
                || self
                    .subject
                    .as_ref()
                    .is_some_and(|subject| id_of(subject) == id_of(task))
        });
        if leaked {
            return Err(self.failure(
                "nothing of Alice's in Bob's list",
                format!("Bob's list is {bobs}"),
            ));
        }
        if self.subject.is_some() {
            self.alice_on_subject(Route::Get, None).await?;
            self.expect_success(Route::Get)?;
        }
        Ok(())
    }

    /// The last answer has the status and body of `route` on a task id that
    /// exists nowhere, so it tells Bob nothing about Alice's task.
    pub async fn expect_same_as_missing(&mut self, route: Route) -> Outcome {
        let bob = self.bob().await?;
        let (method, path, body) =
            self.ctx
                .profile
                .request(route, &bob.id, &uuid::Uuid::new_v4().to_string());
        let missing = self
            .fetch(method, &path, Some(&bob.token), body.as_ref())
            .await;
        let answer = |exchange: &Exchange| {
            exchange
                .response
                .as_ref()
                .ok()
                .map(|r| (r.status, r.json()))
        };
        let (probe, control) = (self.last.as_ref().and_then(answer), answer(&missing));
        if probe == control {
            Ok(())
        } else {
            Err(self.failure(
                format!("the answer for a task that does not exist: {control:?}"),
                format!("{probe:?}: the target tells Bob that Alice's task exists"),
            ))
        }
    }

    /// Reads ids next to Alice's task id, with her own token.
    pub async fn probe_neighbours(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let id = id_of(self.alice_task()?);
        for neighbour in neighbours(&id) {
            let path = self.ctx.profile.task_path(&alice.id, &neighbour);
            let exchange = self
                .fetch(Method::GET, &path, Some(&alice.token), None)
                .await;
            self.probes.push((neighbour, exchange));
        }
        Ok(())
    }

    pub fn expect_probes_not_found(&self) -> Outcome {
        for (id, exchange) in &self.probes {
            if exchange.status() != Some(404) {
                return Err(self
                    .failure_about(
                        Some(exchange.clone()),
                        format!("404 for the guessed id {id}"),
                        exchange
                            .status()
                            .map_or("no answer".to_owned(), |status| status.to_string()),
                    )
                    .by(Check::Status(vec![404])));
            }
        }
        Ok(())
    }
}

/// Ids an attacker would try next to `id`: ±1 for numbers, the last hex
/// digits changed for UUIDs and other hex ids.
fn neighbours(id: &str) -> Vec<String> {
    if let Ok(number) = id.parse::<u64>() {
        return [
            number.checked_sub(1),
            number.checked_add(1),
            number.checked_add(2),
        ]
        .into_iter()
        .flatten()
        .map(|n| n.to_string())
        .collect();
    }
    let Some(last) = id.chars().last().filter(char::is_ascii_hexdigit) else {
        return vec![format!("{id}0"), format!("{id}1")];
    };
    let stem = &id[..id.len() - 1];
    "0123456789abcdef"
        .chars()
        .filter(|digit| !digit.eq_ignore_ascii_case(&last))
        .take(3)
        .map(|digit| format!("{stem}{digit}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::neighbours;

    #[test]
    fn neighbours_of_numbers_uuids_and_others() {
        assert_eq!(neighbours("7"), ["6", "8", "9"]);
        assert_eq!(neighbours("0"), ["1", "2"]);
        assert_eq!(
            neighbours("d77b72e8-9d79-451f-a9f8-1c0d020a0ca7"),
            [
                "d77b72e8-9d79-451f-a9f8-1c0d020a0ca0",
                "d77b72e8-9d79-451f-a9f8-1c0d020a0ca1",
                "d77b72e8-9d79-451f-a9f8-1c0d020a0ca2"
            ]
        );
        assert_eq!(neighbours("task-x"), ["task-x0", "task-x1"]);
    }
}
