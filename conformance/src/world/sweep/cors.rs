//! CORS over every declared operation: a target that reflects any origin
//! with `Access-Control-Allow-Credentials: true` lets another site's page
//! make its visitors' browsers call it with their cookies and read the
//! answer (Starlette does so when `allow_origins=["*"]` meets
//! `allow_credentials=True`). That gains an attacker a user's data only
//! when the target also takes its token from a cookie.

use reqwest::Method;

use super::{ContractWorld, Log, Outcome, id_of, name_of};
use crate::contract::Credentials;
use crate::report::finding::Presented;
use crate::target::http::{self, Exchange};
use crate::target::openapi::slots::{Names, fill};
use crate::target::users::Account;
use crate::world::answers::judgeable;
use crate::world::cookies::{FOREIGN_ORIGIN, TOKEN_COOKIES};

impl ContractWorld {
    /// A preflight to every operation, and a simple GET from a foreign
    /// origin to every read, with Alice's token.
    pub async fn sweep_cors(&mut self) -> Outcome {
        let alice = self.alice().await?;
        self.presented = Some(Presented::Credentials(Credentials::AlicesToken));
        let task = self.alice_task.as_ref().map(id_of);
        let names = Names {
            user: &alice.id,
            task: task.as_deref(),
            unknown: Some("0"),
        };
        let origin = ("origin".to_owned(), FOREIGN_ORIGIN.to_owned());
        let mut log = Log::default();
        for operation in self.sweepable()? {
            let Some(path) = fill(&operation, &self.ctx.profile, names, &[]) else {
                continue;
            };
            let preflight = [
                origin.clone(),
                (
                    "access-control-request-method".to_owned(),
                    operation.method.to_string(),
                ),
                (
                    "access-control-request-headers".to_owned(),
                    "authorization, content-type".to_owned(),
                ),
            ];
            let mut sent = vec![
                self.ctx
                    .client
                    .send(Method::OPTIONS, &path, &preflight, None)
                    .await,
            ];
            if operation.method == Method::GET {
                let simple = [origin.clone(), http::bearer(&alice.token)];
                sent.push(
                    self.ctx
                        .client
                        .send(Method::GET, &path, &simple, None)
                        .await,
                );
            }
            for exchange in sent {
                Self::judge_cors(&name_of(&operation), exchange, &mut log);
            }
        }
        if !log.breaches.is_empty() && self.takes_token_from_cookie(&alice).await {
            for breach in &mut log.breaches {
                breach.always_failed = true;
                breach.actual.push_str(
                    "; the target also takes Alice's token from a cookie, so another site's page reads her data through her browser",
                );
            }
        }
        self.sweep = log;
        Ok(())
    }

    fn judge_cors(name: &str, exchange: Exchange, log: &mut Log) {
        let received = match judgeable(&exchange) {
            Ok(received) => received,
            Err(what) => return log.unanswered.push((name.to_owned(), what)),
        };
        log.exercised += 1;
        let allowed = received.header("access-control-allow-origin");
        let credentials = received
            .header("access-control-allow-credentials")
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("true"));
        if allowed == Some(FOREIGN_ORIGIN) && credentials {
            let actual = format!(
                "{name} answers {} with Access-Control-Allow-Origin: {FOREIGN_ORIGIN} and Access-Control-Allow-Credentials: true",
                exchange.request.method
            );
            log.breach(
                exchange,
                "no foreign origin allowed with credentials",
                actual,
            );
        }
    }

    /// Whether Alice's list answers with her tasks to her token in a
    /// cookie alone, while it refuses the same request without it.
    async fn takes_token_from_cookie(&self, alice: &Account) -> bool {
        let path = self.list_path(alice);
        let with_nothing = self.ctx.client.send(Method::GET, &path, &[], None).await;
        if judgeable(&with_nothing).is_ok_and(|received| (200..300).contains(&received.status)) {
            return false;
        }
        for name in TOKEN_COOKIES {
            let cookie = ("cookie".to_owned(), format!("{name}={}", alice.token));
            let exchange = self
                .ctx
                .client
                .send(Method::GET, &path, &[cookie], None)
                .await;
            if judgeable(&exchange).is_ok_and(|received| (200..300).contains(&received.status))
                && self.carries_alices_data(&exchange)
            {
                return true;
            }
        }
        false
    }
}
