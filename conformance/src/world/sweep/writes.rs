//! Mass assignment over every declared write: owner fields naming Bob in
//! Alice's otherwise valid body must not put anything in Bob's account.
//! Routes that hand a task to another user by design (assign, share,
//! transfer) are left out, as are the public ones (sign-up, sign-in).

use reqwest::Method;

use super::send::Unsent;
use super::{ContractWorld, Log, Outcome, id_of, name_of};
use crate::contract::Credentials;
use crate::report::finding::Presented;
use crate::target::http;
use crate::target::openapi::Operation;
use crate::target::openapi::bodies::naming_owner;
use crate::world::Owner;

/// Last path segments of routes that give a task to someone else on purpose.
const HANDING_OVER: [&str; 6] = [
    "assign", "share", "transfer", "invite", "delegate", "handover",
];

impl ContractWorld {
    /// Alice sends every write that takes a body, on her path and task,
    /// with `user_id`, `userId`, `owner_id` and `owner` set to Bob.
    pub async fn sweep_owner_fields(&mut self) -> Outcome {
        let (alice, bob) = (self.alice().await?, self.bob().await?);
        self.presented = Some(Presented::Credentials(Credentials::AlicesToken));
        let writes: Vec<Operation> = self
            .sweepable()?
            .into_iter()
            .filter(|op| matches!(op.method, Method::POST | Method::PUT | Method::PATCH))
            .filter(|op| op.body.is_some() && !self.public_by_design(op))
            .filter(|op| !hands_over(op))
            .collect();
        let mut log = Log::default();
        for operation in &writes {
            let alices_task = self.alice_task.as_ref().map(id_of);
            let bob_before = ids(&self.read_list(&bob).await?);
            let body = naming_owner(self.control_body(operation), &bob.id);
            let headers = [http::bearer(&alice.token)];
            let sent = self
                .send_operation(
                    operation,
                    &alice,
                    alices_task.as_deref(),
                    &headers,
                    Some(body),
                )
                .await;
            let exchange = match sent {
                Ok(exchange) => exchange,
                Err(Unsent(why)) => {
                    log.skip(operation, why);
                    continue;
                }
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
            if !gained.is_empty() {
                let actual = format!("{status}: after Alice's {name}, Bob's list holds {gained:?}");
                log.breach(exchange, expected, actual);
            } else if status >= 500 {
                log.breach(exchange, expected, format!("{status}: {name} failed"));
            }
            let alice_after = ids(&self.read_list(&alice).await?);
            if alices_task.is_some_and(|id| !alice_after.contains(&id)) {
                // Her write took the task out of her list (an archive route,
                // say): the next write needs one.
                self.give_task(Owner::Alice).await?;
            }
        }
        self.sweep = log;
        Ok(())
    }
}

fn hands_over(operation: &Operation) -> bool {
    operation
        .path
        .rsplit('/')
        .find(|segment| !segment.starts_with('{'))
        .is_some_and(|last| HANDING_OVER.contains(&last.to_ascii_lowercase().as_str()))
}

/// The ids of the tasks of a list the suite read.
fn ids(list: &serde_json::Value) -> Vec<String> {
    list.as_array().into_iter().flatten().map(id_of).collect()
}
