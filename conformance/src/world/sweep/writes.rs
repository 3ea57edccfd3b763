//! Mass assignment over every declared write: owner fields naming Bob in
//! Alice's otherwise valid body must not put anything in Bob's account,
//! nor take her task out of hers.

use reqwest::Method;

use super::{ContractWorld, Log, Outcome, id_of, name_of};
use crate::contract::Credentials;
use crate::report::finding::Presented;
use crate::target::http;
use crate::target::openapi::bodies::naming_owner;
use crate::target::openapi::slots::{Slot, slots};

impl ContractWorld {
    /// Alice sends every write that takes a body, on her path and task,
    /// with `user_id`, `userId`, `owner_id` and `owner` set to Bob.
    pub async fn sweep_owner_fields(&mut self) -> Outcome {
        let (alice, bob) = (self.alice().await?, self.bob().await?);
        self.presented = Some(Presented::Credentials(Credentials::AlicesToken));
        let profile = self.ctx.profile.clone();
        let writes: Vec<_> = self
            .sweepable()?
            .into_iter()
            .filter(|op| matches!(op.method, Method::POST | Method::PUT | Method::PATCH))
            .filter(|op| op.body.is_some())
            .filter(|op| slots(op, &profile).iter().all(|(_, s)| *s != Slot::Unknown))
            .collect();
        let mut log = Log::default();
        for operation in &writes {
            let alices_task = self.alice_task.as_ref().map(id_of);
            let bob_before = ids(&self.read_list(&bob).await?);
            let body = naming_owner(self.control_body(operation), &bob.id);
            let headers = [http::bearer(&alice.token)];
            let Some(exchange) = self
                .send_operation(
                    operation,
                    &alice,
                    alices_task.as_deref(),
                    &headers,
                    Some(body),
                )
                .await
            else {
                continue;
            };
            let name = name_of(operation);
            let Some(status) = log.status_of(&name, &exchange) else {
                continue;
            };
            log.exercised += 1;
            let expected = "owner fields naming Bob move nothing to Bob";
            let gained: Vec<String> = ids(&self.read_list(&bob).await?)
                .into_iter()
                .filter(|id| !bob_before.contains(id))
                .collect();
            let alice_after = ids(&self.read_list(&alice).await?);
            let lost = alices_task.filter(|id| !alice_after.contains(id));
            if !gained.is_empty() {
                let actual = format!("{status}: after Alice's {name}, Bob's list holds {gained:?}");
                log.breach(exchange, expected, actual);
            } else if let Some(id) = lost {
                let actual = format!("{status}: after Alice's {name}, her task {id} left her list");
                log.breach(exchange, expected, actual);
                // The next write needs a task of hers.
                self.give_task(crate::world::Owner::Alice).await?;
            } else if status >= 500 {
                log.breach(exchange, expected, format!("{status}: {name} failed"));
            }
        }
        self.sweep = log;
        Ok(())
    }
}

/// The ids of the tasks of a list the suite read.
fn ids(list: &serde_json::Value) -> Vec<String> {
    list.as_array().into_iter().flatten().map(id_of).collect()
}
