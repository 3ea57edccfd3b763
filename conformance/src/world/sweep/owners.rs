//! Ownership over every declared operation that names a user or a task:
//! Bob's token on Alice's path, Alice's task under Bob's own path, and
//! whether Alice's writes show in Bob's answers. Alice's own request is
//! each operation's positive control. Bob's writes are in `crossed_writes`.

use reqwest::Method;

use super::send::Unsent;
use super::{ContractWorld, Log, Outcome, id_of, name_of};
use crate::report::finding::Failure;
use crate::target::http::{self, Exchange};
use crate::target::openapi::Operation;
use crate::target::openapi::slots::{Slot, owned, slots};
use crate::target::profile::Profile;
use crate::target::users::Account;
use crate::world::answers::{Answer, answer, judgeable};
use crate::world::{Crossing, Owner};

impl ContractWorld {
    /// Two tasks for Alice (the second is "her task" from then on), one
    /// for Bob.
    pub async fn give_unequal_tasks(&mut self) -> Outcome {
        self.give_task(Owner::Alice).await?;
        self.give_task(Owner::Alice).await?;
        self.give_task(Owner::Bob).await
    }

    /// Bob uses every operation that names a user or a task, as `crossing`
    /// says; reads first, then writes, deletes last (they may use up Alice's
    /// task, which is then replaced).
    pub async fn sweep_as_bob(&mut self, crossing: Crossing) -> Outcome {
        self.alice().await?;
        self.bob().await?;
        let profile = self.ctx.profile.clone();
        let mut operations: Vec<Operation> = self
            .sweepable()?
            .into_iter()
            .filter(|op| owned(op, &profile))
            .filter(|op| crossing == Crossing::AlicesPath || names_user_and_task(op, &profile))
            .collect();
        operations.sort_by_key(|op| match op.method {
            Method::GET | Method::HEAD => 0,
            Method::DELETE => 2,
            _ => 1,
        });
        let mut log = Log::default();
        for operation in &operations {
            if matches!(operation.method, Method::GET | Method::HEAD) {
                self.cross_read(operation, crossing, &mut log).await?;
            } else {
                self.cross_write(operation, crossing, &mut log).await?;
            }
        }
        self.sweep = log;
        Ok(())
    }

    /// Sends `operation` as `caller` on `path_owner`'s path with `task`,
    /// with the control body.
    pub(super) async fn send_by(
        &mut self,
        operation: &Operation,
        caller: &Account,
        path_owner: &Account,
        task: Option<&str>,
    ) -> Result<Exchange, Unsent> {
        let body = self.control_body(operation);
        let headers = [http::bearer(&caller.token)];
        self.send_operation(operation, path_owner, task, &headers, body)
            .await
    }

    /// Bob's read must show nothing of Alice's: not her data, and not the
    /// answer Alice gets, when that differs from Bob's own.
    async fn cross_read(
        &mut self,
        operation: &Operation,
        crossing: Crossing,
        log: &mut Log,
    ) -> Result<(), Box<Failure>> {
        let (alice, bob) = (self.alice().await?, self.bob().await?);
        let alices_task = self.alice_task.as_ref().map(id_of);
        let own = match self
            .send_by(operation, &alice, &alice, alices_task.as_deref())
            .await
        {
            Ok(own) => own,
            Err(Unsent(why)) => {
                log.skip(operation, why);
                return Ok(());
            }
        };
        let Some(control) = success(&own) else {
            log.skip(operation, control_failed(&own));
            return Ok(());
        };
        let bobs_task = self.bob_task_id();
        let bobs = self
            .send_by(operation, &bob, &bob, bobs_task.as_deref())
            .await;
        let Some((crossed, status)) = self.bob_crosses(operation, crossing, log).await? else {
            return Ok(());
        };
        let name = name_of(operation);
        log.exercised += 1;
        let expected = "no answer with Alice's data for Bob";
        let same_as_alices = answer(&crossed, "") == Some(control.clone())
            && bobs.ok().as_ref().and_then(|b| answer(b, "")) != Some(control);
        if status >= 500 {
            log.breach(
                crossed,
                expected,
                format!("{status}: {name} failed on Bob's request"),
            );
        } else if (200..300).contains(&status)
            && (self.carries_alices_data(&crossed) || same_as_alices)
        {
            let actual = format!("{status}: Bob's {name} answered with what Alice gets from it");
            log.breach(crossed, expected, actual);
        }
        Ok(())
    }

    /// Bob's request of `operation` as `crossing` says, on Alice's task,
    /// and its status; `None` when it was not sent or got no answer (noted
    /// in `log`).
    pub(super) async fn bob_crosses(
        &mut self,
        operation: &Operation,
        crossing: Crossing,
        log: &mut Log,
    ) -> Result<Option<(Exchange, u16)>, Box<Failure>> {
        let (alice, bob) = (self.alice().await?, self.bob().await?);
        let path_owner = match crossing {
            Crossing::AlicesPath => &alice,
            Crossing::AlicesTaskUnderBobsPath => &bob,
        };
        let alices_task = self.alice_task.as_ref().map(id_of);
        match self
            .send_by(operation, &bob, path_owner, alices_task.as_deref())
            .await
        {
            Ok(crossed) => Ok(log
                .status_of(&name_of(operation), &crossed)
                .map(|status| (crossed, status))),
            Err(Unsent(why)) => {
                log.skip(operation, why);
                Ok(None)
            }
        }
    }

    fn bob_task_id(&self) -> Option<String> {
        self.bob_task.as_ref().map(id_of)
    }
}

/// Whether `operation`'s path names both a user and a task: where Alice's
/// task can go under Bob's path.
fn names_user_and_task(operation: &Operation, profile: &Profile) -> bool {
    let kinds: Vec<Slot> = slots(operation, profile)
        .into_iter()
        .map(|(_, slot)| slot)
        .collect();
    kinds.contains(&Slot::User) && kinds.contains(&Slot::Task)
}

/// The answer of a 2xx, for comparison.
pub(super) fn success(exchange: &Exchange) -> Option<Answer> {
    judgeable(exchange)
        .ok()
        .filter(|received| (200..300).contains(&received.status))
        .and_then(|_| answer(exchange, ""))
}

/// Why an operation could not be exercised: its positive control failed.
pub(super) fn control_failed(exchange: &Exchange) -> String {
    match judgeable(exchange) {
        Ok(received) => format!(
            "Alice's own request, the positive control, got {}",
            received.status
        ),
        Err(what) => format!("Alice's own request, the positive control, got no answer: {what}"),
    }
}
