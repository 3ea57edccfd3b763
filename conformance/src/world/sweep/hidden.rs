//! Common paths a document does not declare, asked without a token: an
//! admin list someone forgot, or interactive docs left on in production.
//! One that answers is informational; one that answers with Alice's data
//! gains an attacker her data.

use reqwest::Method;

use super::{ContractWorld, Log, Outcome};
use crate::contract::Credentials;
use crate::report::finding::Presented;
use crate::world::answers::judgeable;

/// Asked when the document does not declare them.
const HIDDEN: [&str; 8] = [
    "/api/users",
    "/api/tasks",
    "/api/todos",
    "/api/admin",
    "/admin",
    "/users",
    "/docs",
    "/redoc",
];

impl ContractWorld {
    pub async fn probe_hidden_routes(&mut self) -> Outcome {
        self.alice().await?;
        self.presented = Some(Presented::Credentials(Credentials::None));
        let declared: Vec<String> = self
            .ctx
            .api
            .iter()
            .flat_map(|api| api.operations.iter().map(|op| op.path.clone()))
            .collect();
        let mut log = Log::default();
        let mut answered = Vec::new();
        for path in HIDDEN
            .iter()
            .filter(|path| !declared.iter().any(|d| d == *path))
        {
            let exchange = self.ctx.client.send(Method::GET, path, &[], None).await;
            let received = match judgeable(&exchange) {
                Ok(received) => received,
                Err(what) => {
                    log.unanswered.push(((*path).to_owned(), what));
                    continue;
                }
            };
            log.exercised += 1;
            let status = received.status;
            let expected = "no user's data from an undeclared path";
            if self.carries_alices_data(&exchange) {
                log.breach(
                    exchange,
                    expected,
                    format!("{status} with Alice's data from GET {path}, without a token"),
                );
            } else if status >= 500 {
                log.breach(exchange, expected, format!("{status}: GET {path} failed"));
            } else if (200..300).contains(&status) {
                let kind = received
                    .header("content-type")
                    .unwrap_or("no content type")
                    .to_owned();
                answered.push(format!(
                    "GET {path} answers {status} ({kind}) without a token"
                ));
            }
        }
        if !answered.is_empty() {
            self.ctx.note(
                &self.promise,
                &self.scenario,
                format!("undeclared paths that answer: {}", answered.join("; ")),
            );
        }
        self.sweep = log;
        Ok(())
    }
}
