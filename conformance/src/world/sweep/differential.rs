//! Whether Alice's writes show in Bob's answers. Every read Bob can make on
//! his own path is read twice (an answer that changes by itself cannot be
//! judged); Alice creates a task and Bob reads again; she deletes it and Bob
//! reads once more. An answer that moves with her task and comes back when
//! it is gone shows or counts her data, as a stats route counting every
//! user's tasks does. A clock in the answer (a countdown, a `now`) does not
//! come back, so it is never taken for her data. The scenario is
//! `@serial`: cucumber queues every scenario before any runs and starts the
//! serial ones first, one at a time, so no other scenario's tasks move a
//! count over everyone's (were they to, the answer would not come back, and
//! the operation would be left unjudged, never failed).

use reqwest::Method;

use super::{ContractWorld, Log, Outcome, id_of, name_of};
use crate::contract::{Credentials, Route};
use crate::report::finding::{Failure, Presented};
use crate::target::http::{self, Exchange};
use crate::target::openapi::Operation;
use crate::target::users::Account;
use crate::world::Owner;
use crate::world::answers::{Answer, answer, judgeable, shown};

/// Bob's read of one operation, at one moment.
type Read = Option<(Exchange, Result<Answer, String>)>;

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
            match steady_answer(first, second) {
                Ok(before) => steady.push((operation, before)),
                Err(why) => log.skip(&operation, why),
            }
        }
        self.give_task(Owner::Alice).await?;
        let mut during = Vec::new();
        for (operation, _) in &steady {
            during.push(self.bobs_read(operation, &bob).await);
        }
        self.delete_alices_new_task().await?;
        for ((operation, before), during) in steady.into_iter().zip(during) {
            let after = self.bobs_read(&operation, &bob).await;
            judge(&operation, &before, during, after, &mut log);
        }
        self.sweep = log;
        Ok(())
    }

    /// Deletes the task Alice just created; the comparison needs it gone.
    async fn delete_alices_new_task(&mut self) -> Outcome {
        self.alice_on_subject(Route::Delete, None)
            .await
            .and_then(|()| self.expect_success(Route::Delete))
            .map_err(Failure::not_set_up)
    }

    /// Bob's read of `operation` on his path and task: its 2xx answer, or
    /// why there is none; `None` when the path needs what the suite lacks.
    async fn bobs_read(&mut self, operation: &Operation, bob: &Account) -> Read {
        let task = self.bob_task.as_ref().map(id_of);
        let headers = [http::bearer(&bob.token)];
        let exchange = self
            .send_operation(operation, bob, task.as_deref(), &headers, None)
            .await
            .ok()?;
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

/// The answer of two reads in a row, when they agree.
fn steady_answer(first: Read, second: Read) -> Result<Answer, String> {
    match (first.map(|(_, a)| a), second.map(|(_, b)| b)) {
        (Some(Ok(a)), Some(Ok(b))) if a == b => Ok(b),
        (Some(Ok(_)), Some(Ok(_))) => Err("Bob's answer changes by itself".to_owned()),
        (Some(Err(why)), _) | (_, Some(Err(why))) => Err(why),
        (None, _) | (_, None) => Err("its path names something the suite does not have".to_owned()),
    }
}

/// A breach when Bob's answer moved with Alice's task and came back once
/// it was gone; no verdict when it moved and stayed moved.
fn judge(operation: &Operation, before: &Answer, during: Read, after: Read, log: &mut Log) {
    let name = name_of(operation);
    let (Some((exchange, during)), Some((_, after))) = (during, after) else {
        return;
    };
    match (during, after) {
        (Ok(during), _) if during == *before => log.exercised += 1,
        (Ok(during), Ok(after)) if after == *before => log.breach(
            exchange,
            "Bob's answer unchanged by Alice's new task",
            format!(
                "Bob's {name} moved while Alice had a new task and came back when she deleted it: it shows or counts her data (before: {}, with her task: {})",
                shown(Some(before)),
                shown(Some(&during))
            ),
        ),
        (Ok(_), Ok(_)) => log.skip(
            operation,
            "Bob's answer moved and did not come back when Alice's task was gone (a clock in it, or other users' activity)",
        ),
        (Err(why), _) | (_, Err(why)) => log.unanswered.push((name, why)),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use reqwest::Method;
    use serde_json::{Value, json};

    use super::*;
    use crate::target::http::{Received, SentRequest};
    use crate::world::answers::Body;

    fn read(body: &Value) -> (Exchange, Result<Answer, String>) {
        let exchange = Exchange {
            request: SentRequest {
                method: Method::GET,
                url: "http://target/api/stats".to_owned(),
                headers: Vec::new(),
                body: None,
            },
            response: Ok(Received {
                status: 200,
                headers: Vec::new(),
                body: body.to_string().into_bytes(),
                truncated: false,
            }),
            elapsed: Duration::ZERO,
        };
        let answer = answer(&exchange, "").ok_or_else(|| "no answer".to_owned());
        (exchange, answer)
    }

    fn judged(before: &Value, during: &Value, after: &Value) -> Log {
        let operation = Operation::bare(Method::GET, "/api/stats");
        let before = Answer {
            status: 200,
            body: Body::Json(before.clone()),
        };
        let mut log = Log::default();
        judge(
            &operation,
            &before,
            Some(read(during)),
            Some(read(after)),
            &mut log,
        );
        log
    }

    #[test]
    fn a_count_that_follows_alices_task_is_a_breach_and_a_clock_is_not() {
        let count = judged(
            &json!({"total": 4}),
            &json!({"total": 5}),
            &json!({"total": 4}),
        );
        assert_eq!(count.breaches.len(), 1);
        // A countdown crossed a second between the reads: it moved and
        // stayed moved.
        let clock = judged(
            &json!({"expires_in": 900}),
            &json!({"expires_in": 899}),
            &json!({"expires_in": 899}),
        );
        assert!(clock.breaches.is_empty());
        assert_eq!(clock.skipped.len(), 1);
        let steady = judged(
            &json!({"total": 1}),
            &json!({"total": 1}),
            &json!({"total": 1}),
        );
        assert!(steady.breaches.is_empty() && steady.skipped.is_empty());
        assert_eq!(steady.exercised, 1);
    }
}
