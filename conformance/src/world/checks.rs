//! The generic checks every feature uses: statuses, challenges, what a body
//! reveals, and whether Alice's tasks survived.

use serde_json::Value;

use super::answers::{holds_a_task, judgeable, mentions_task, names_bearer, statuses};
use super::{ContractWorld, Outcome, id_of};
use crate::contract::Route;
use crate::report::finding::{Check, Failure, Grade};
use crate::target::http::{Exchange, Received};

impl ContractWorld {
    // --- checks ---------------------------------------------------------------

    /// The last answer, when it is one the suite can judge (see
    /// [`Self::judged`]).
    pub(super) fn received(&self) -> Result<&Received, Box<Failure>> {
        match &self.last {
            Some(exchange) => self.judged(exchange),
            None => {
                Err(self.failure_about(None, "a request in an earlier step", "no request was sent"))
            }
        }
    }

    /// `exchange`'s answer, when it is one the suite can judge. A request
    /// that got no answer, or a redirect, shows nothing of what a check
    /// looks for: the scenario stops without a verdict, saying what
    /// happened, and never grades it as if the target had answered.
    pub(super) fn judged<'a>(&self, exchange: &'a Exchange) -> Result<&'a Received, Box<Failure>> {
        judgeable(exchange).map_err(|what| self.cannot_judge(exchange, &what))
    }

    /// Stops the scenario without a verdict because of what happened to
    /// `exchange`.
    pub(super) fn cannot_judge(&self, exchange: &Exchange, what: &str) -> Box<Failure> {
        let reason = format!("NOT CHECKED: {what}, so there is no answer to judge");
        self.unjudge(reason.clone());
        self.failure_about(Some(exchange.clone()), "an answer to judge", reason)
            .not_set_up()
    }

    /// Passes when every probe got an answer the suite can judge; otherwise
    /// stops the scenario without a verdict, saying how many did not and
    /// what happened to the first. For checks that speak of every probe,
    /// after they found nothing wrong in those answered.
    pub(super) fn every_probe_judged(&self) -> Outcome {
        let mut unjudged = self
            .probes
            .iter()
            .filter_map(|(_, exchange)| judgeable(exchange).err().map(|what| (exchange, what)));
        let Some((exchange, what)) = unjudged.next() else {
            return Ok(());
        };
        let count = 1 + unjudged.count();
        Err(self.cannot_judge(
            exchange,
            &format!(
                "{count} of {} requests had no answer to judge, the first because {what}",
                self.probes.len()
            ),
        ))
    }

    /// The scenario ends without a verdict, for `reason`, whatever stops it.
    pub(super) fn unjudge(&self, reason: String) {
        if let Ok(mut unjudged) = self.unjudged.lock() {
            unjudged.get_or_insert(reason);
        }
    }

    pub(super) fn last_json(&self) -> Result<Value, Box<Failure>> {
        let received = self.received()?;
        received.json().ok_or_else(|| {
            self.failure(
                "a JSON body",
                format!("{} with a body that is not JSON", received.status),
            )
        })
    }

    /// The last answer as a task in the contract's shape.
    pub(super) fn last_task(&self) -> Result<Value, Box<Failure>> {
        Ok(self.ctx.profile.task(&self.last_json()?))
    }

    /// The last answer is one of the statuses the profile counts as
    /// `route`'s success.
    pub fn expect_success(&self, route: Route) -> Outcome {
        let status = self.received()?.status;
        let success = self.ctx.profile.success(route);
        if success.contains(&status) {
            Ok(())
        } else {
            Err(self
                .failure(
                    format!(
                        "{} ({} succeeding, profile {})",
                        statuses(success),
                        route.name(),
                        self.ctx.profile.name
                    ),
                    status.to_string(),
                )
                .by(Check::Success(route)))
        }
    }

    /// A 403 where 404 is due is a deviation, not a breach, when it shows
    /// no task data (`expect_status_probed` says whether it reveals that
    /// the task exists).
    pub fn expect_status(&self, expected: u16) -> Outcome {
        let status = self.received()?.status;
        if status == expected || self.forbidden_instead(&[expected]) {
            Ok(())
        } else {
            Err(self
                .failure(expected.to_string(), status.to_string())
                .by(Check::Status(vec![expected])))
        }
    }

    /// A token that names no usable user (no `sub`, an empty or a numeric
    /// one) gains its holder nothing unless the answer shows or changes
    /// someone's tasks, or fails: a 5xx, or a 2xx holding tasks, is a
    /// breach. 401 passes, as does the 404 of a path that is not the
    /// caller's; any other answer without data deviates from the contract.
    pub fn expect_serves_no_one(&self) -> Outcome {
        let received = self.received()?;
        let status = received.status;
        if status >= 500 {
            return Err(self.failure(
                "401, or no answer that serves anyone",
                format!("{status}: the target failed on a token that names no user"),
            ));
        }
        self.expect_no_task_data()?;
        let holds_tasks = (200..300).contains(&status)
            && received
                .json()
                .is_some_and(|body| holds_a_task(&self.ctx.profile, &body));
        if holds_tasks {
            return Err(self.failure(
                "401, or no one's tasks",
                format!("{status} with tasks: the target served a token that names no user"),
            ));
        }
        if !matches!(status, 401 | 404) {
            self.deviate(
                self.failure(
                    "401 for a token that names no user",
                    format!("{status}, with no one's tasks"),
                )
                .by(Check::Status(vec![401])),
            );
        }
        Ok(())
    }

    /// Any answer but a 5xx, whatever the scenario's level.
    pub fn expect_no_server_error(&self) -> Outcome {
        let status = self.received()?.status;
        if status >= 500 {
            Err(self.server_error(status, "the request"))
        } else {
            Ok(())
        }
    }

    /// A 5xx on input an attacker can send: a breach even in a `@should`
    /// scenario, since the target must survive it.
    pub(super) fn server_error(&self, status: u16, on: &str) -> Box<Failure> {
        let mut failure = self.failure(
            "any answer but a server error",
            format!("{status}: the target failed on {on}"),
        );
        failure.grade = Grade::Broken;
        failure
    }

    pub fn expect_client_error(&self) -> Outcome {
        let status = self.received()?.status;
        if (400..500).contains(&status) {
            Ok(())
        } else {
            Err(self.failure("a 4xx client error", status.to_string()))
        }
    }

    /// 401 (a breach otherwise) with `WWW-Authenticate: Bearer ...` (RFC
    /// 6750 §3; a deviation otherwise). Whether the challenge names Bearer.
    pub fn expect_bearer_challenge(&self) -> Result<bool, Box<Failure>> {
        self.expect_status(401)?;
        if self.received()?.status != 401 {
            // A 403 already noted: one deviation for one cause.
            return Ok(false);
        }
        let actual = match self.received()?.header("www-authenticate") {
            Some(challenge) if names_bearer(challenge) => return Ok(true),
            Some(other) => format!("WWW-Authenticate: {other}"),
            None => "401 without a WWW-Authenticate header".to_owned(),
        };
        self.deviate(
            self.failure("WWW-Authenticate: Bearer", actual)
                .by(Check::BearerChallenge),
        );
        Ok(false)
    }

    /// A 403 with no task data where 401 or 404 is due, or a 400 where 401
    /// is, refuses all the same: noted as a deviation, which gains an
    /// attacker nothing. Whether the last answer was such a refusal.
    pub(super) fn forbidden_instead(&self, expected: &[u16]) -> bool {
        let Some(Ok(received)) = self.last.as_ref().map(|exchange| &exchange.response) else {
            return false;
        };
        let status = received.status;
        if !matches!(status, 400 | 403) || self.expect_no_task_data().is_err() {
            return false;
        }
        let (wanted, meaning) = if expected.contains(&401) {
            (
                "401 with a Bearer challenge, for a request without usable credentials (RFC 9110 §15.5.2, RFC 6750 §3.1)",
                if status == 403 {
                    "403 without task data: refused, but with the answer for a caller who is known and not allowed"
                } else {
                    "400 without task data: refused, but as a malformed request rather than an invalid token"
                },
            )
        } else if status == 403 && expected.contains(&404) {
            (
                "404, the answer for a task that does not exist",
                "403 without task data",
            )
        } else {
            return false;
        };
        self.deviate(
            self.failure(wanted, meaning)
                .by(Check::Status(expected.to_vec())),
        );
        true
    }

    /// The body names neither Alice's task id nor its title.
    pub fn expect_no_task_data(&self) -> Outcome {
        let received = self.received()?;
        let Some(task) = &self.alice_task else {
            return Ok(());
        };
        let title = task
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let names_task = received
            .json()
            .is_some_and(|body| mentions_task(&self.ctx.profile, &body, &id_of(task)));
        if names_task || (!title.is_empty() && received.text().contains(title)) {
            Err(self.failure(
                "no data of Alice's task in the body",
                "the body contains Alice's task",
            ))
        } else {
            Ok(())
        }
    }

    /// The expired-token control: the renewed token lists Alice's task.
    /// When it does not, a 401 for the expired token proves nothing about
    /// expiry, and a valid token refused gains an attacker nothing: the
    /// control stops without a verdict, saying so.
    pub fn expect_renewed_token_works(&self) -> Outcome {
        self.expect_success(Route::List)
            .and_then(|()| self.expect_mentions_alice_task())
            .map_err(|failure| {
                self.unjudge(format!(
                    "NOT CHECKED: the expired token's claims with a future exp were refused too ({}), so a 401 for the expired token proves nothing about expiry",
                    failure.actual
                ));
                failure.not_set_up()
            })
    }

    pub fn expect_mentions_alice_task(&self) -> Outcome {
        let id = id_of(self.alice_task()?);
        if self
            .received()?
            .json()
            .is_some_and(|body| mentions_task(&self.ctx.profile, &body, &id))
        {
            Ok(())
        } else {
            Err(self.failure(
                format!("a body listing Alice's task {id}"),
                "it is not there",
            ))
        }
    }

    /// Alice's list, re-read with her own token, equals the one read right
    /// after her task was created: nothing added, changed or lost.
    pub async fn expect_alice_unchanged(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let Some(before) = &self.alice_list else {
            return Err(self.failure_about(
                None,
                "Alice's list from an earlier step",
                "no list was read",
            ));
        };
        let now = self.read_list(&alice).await?;
        if &now == before {
            Ok(())
        } else {
            Err(self.failure(
                format!("Alice's tasks as they were: {before}"),
                format!("after the request below they are: {now}"),
            ))
        }
    }
}
