//! Authentication over every declared operation: no token, a token signed
//! with another secret, `alg: none` and an expired token must each get 401;
//! and an operation the document declares public serves no one's data.

use reqwest::Method;

use super::send::Unsent;
use super::{ContractWorld, Log, Outcome, id_of};
use crate::contract::Credentials;
use crate::report::finding::Presented;
use crate::target::http::Exchange;
use crate::target::openapi::Operation;
use crate::world::answers::{judgeable, names_bearer};

impl ContractWorld {
    /// Sends every operation that is not public by design with
    /// `credentials` as Alice's, on her path and her task.
    pub async fn sweep_with(&mut self, credentials: Credentials) -> Outcome {
        let alice = self.alice().await?;
        let headers = self.credentials(credentials, &alice).await?;
        self.presented = Some(Presented::Credentials(credentials));
        let task = self.alice_task.as_ref().map(id_of);
        let mut log = Log::default();
        for operation in self.sweepable()? {
            if self.public_by_design(&operation) {
                continue;
            }
            let body = self.control_body(&operation);
            match self
                .send_operation(&operation, &alice, task.as_deref(), &headers, body)
                .await
            {
                Ok(exchange) => self.judge_refusal(&operation, exchange, &mut log),
                Err(Unsent(why)) => log.skip(&operation, why),
            }
        }
        self.sweep = log;
        Ok(())
    }

    /// 401 with a Bearer challenge passes; another refusal of a secured
    /// operation is a deviation; a 5xx, Alice's data, or a secured
    /// operation's 2xx is a breach; a declared-public operation's 2xx is
    /// reported.
    fn judge_refusal(&self, operation: &Operation, exchange: Exchange, log: &mut Log) {
        let name = super::name_of(operation);
        let received = match judgeable(&exchange) {
            Ok(received) => received,
            Err(what) => {
                log.unanswered.push((name, what));
                return;
            }
        };
        log.exercised += 1;
        let status = received.status;
        let challenged = received
            .header("www-authenticate")
            .is_some_and(names_bearer);
        let expected = "401 with a Bearer challenge";
        if self.carries_alices_data(&exchange) {
            log.breach(
                exchange,
                expected,
                format!("{status} with Alice's data, from {name}"),
            );
        } else if status >= 500 {
            let mut breach = format!("{status}: {name} failed on the attacker's credentials");
            breach.push_str(" (a 5xx on input an attacker controls)");
            log.breach(exchange, expected, breach);
        } else if (200..300).contains(&status) && !operation.secured {
            // Declared public, serving no one's data (a `GET /`, a password
            // reset request): reported, since nothing says it should refuse.
            log.noted.push(format!(
                "{name} answers {status} without valid credentials and declares no security"
            ));
        } else if (200..300).contains(&status) {
            log.breach(
                exchange,
                expected,
                format!("{status}: {name} served the request"),
            );
        } else if operation.secured && (status != 401 || !challenged) {
            // Only a declared requirement says how a refusal must look: an
            // operation declared public may answer 400 or 404 to the
            // suite's input for reasons of its own.
            let actual = if status == 401 {
                format!("401 without a Bearer challenge from {name} (RFC 6750 §3)")
            } else {
                format!(
                    "{status} from {name}: refused without data, but not with 401 (RFC 9110 §15.5.2)"
                )
            };
            log.deviation(exchange, expected, actual);
        }
    }

    /// Every GET the document declares public (no security requirement),
    /// sent without a token on Alice's path: none may answer with her data.
    pub async fn sweep_public_reads(&mut self) -> Outcome {
        let alice = self.alice().await?;
        self.presented = Some(Presented::Credentials(Credentials::None));
        let task = self.alice_task.as_ref().map(id_of);
        let mut log = Log::default();
        let public = self
            .sweepable()?
            .into_iter()
            .filter(|op| !op.secured && op.method == Method::GET);
        for operation in public {
            let exchange = match self
                .send_operation(&operation, &alice, task.as_deref(), &[], None)
                .await
            {
                Ok(exchange) => exchange,
                Err(Unsent(why)) => {
                    log.skip(&operation, why);
                    continue;
                }
            };
            let name = super::name_of(&operation);
            let Some(status) = log.status_of(&name, &exchange) else {
                continue;
            };
            log.exercised += 1;
            let expected = "no user's data from an operation declared public";
            if self.carries_alices_data(&exchange) {
                let actual = format!(
                    "{status} with Alice's data from {name}, which the document declares public"
                );
                log.breach(exchange, expected, actual);
            } else if status >= 500 && !self.public_by_design(&operation) {
                // A health or readiness check may answer 503 by design.
                log.breach(exchange, expected, format!("{status}: {name} failed"));
            }
        }
        self.sweep = log;
        Ok(())
    }
}
