//! Whether Alice's writes show in Bob's answers: every read Bob can make
//! on his own path is read twice (an answer that changes by itself cannot
//! be judged), then Alice creates a task, then Bob reads again. A change
//! means the operation shows or counts another user's data, as a stats
//! route counting every user's tasks does. The scenario runs `@serial`, so
//! that no other scenario's writes move the answers.

use reqwest::Method;

use super::{ContractWorld, Log, Outcome, id_of, name_of};
use crate::contract::Credentials;
use crate::report::finding::Presented;
use crate::target::http::{self, Exchange};
use crate::target::openapi::Operation;
use crate::world::Owner;
use crate::world::answers::{Answer, answer, judgeable};

impl ContractWorld {
    pub async fn sweep_differential(&mut self) -> Outcome {
        self.alice().await?;
        let bob = self.bob().await?;
        self.presented = Some(Presented::Credentials(Credentials::BobsToken));
        let reads: Vec<Operation> = self
            .sweepable()?
            .into_iter()
            .filter(|op| op.method == Method::GET && !self.public_by_design(op))
            .collect();
        let mut log = Log::default();
        let mut steady = Vec::new();
        for operation in reads {
            let first = self.bobs_read(&operation, &bob).await;
            let second = self.bobs_read(&operation, &bob).await;
            match (first.map(|(_, a)| a), second.map(|(_, b)| b)) {
                (Some(Ok(a)), Some(Ok(b))) if a == b => steady.push((operation, b)),
                (Some(Ok(_)), Some(Ok(_))) => {
                    log.skip(&operation, "Bob's answer changes by itself");
                }
                (Some(Err(why)), _) | (_, Some(Err(why))) => log.skip(&operation, why),
                (None, _) | (_, None) => {
                    log.skip(
                        &operation,
                        "its path names something the suite does not have",
                    );
                }
            }
        }
        self.give_task(Owner::Alice).await?;
        for (operation, before) in steady {
            let Some((exchange, after)) = self.bobs_read(&operation, &bob).await else {
                continue;
            };
            let name = name_of(&operation);
            match after {
                Ok(after) if after == before => log.exercised += 1,
                Ok(after) => log.breach(
                    exchange,
                    "Bob's answer unchanged by Alice's new task",
                    format!(
                        "Bob's {name} changed when Alice created a task: it shows or counts her data (before: {}, after: {})",
                        shown(&before),
                        shown(&after)
                    ),
                ),
                Err(why) => log.unanswered.push((name, why)),
            }
        }
        self.sweep = log;
        Ok(())
    }

    /// Bob's read of `operation` on his path and task: its 2xx answer, or
    /// why there is none.
    async fn bobs_read(
        &mut self,
        operation: &Operation,
        bob: &crate::target::users::Account,
    ) -> Option<(Exchange, Result<Answer, String>)> {
        let task = self.bob_task.as_ref().map(id_of);
        let headers = [http::bearer(&bob.token)];
        let exchange = self
            .send_operation(operation, bob, task.as_deref(), &headers, None)
            .await?;
        let outcome = match judgeable(&exchange) {
            Ok(received) if (200..300).contains(&received.status) => {
                answer(&exchange, "").ok_or_else(|| "no answer".to_owned())
            }
            Ok(received) => Err(format!("Bob's own request got {}", received.status)),
            Err(what) => Err(format!("Bob's own request got no answer: {what}")),
        };
        Some((exchange, outcome))
    }
}

fn shown(answer: &Answer) -> String {
    crate::world::answers::shown(Some(answer))
}
