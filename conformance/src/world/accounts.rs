//! Verbs of the account endpoints (OWASP API2): enumeration, duplicates,
//! weak passwords.

use reqwest::Method;
use serde_json::json;

use super::{ContractWorld, Outcome};
use crate::report::finding::Failure;

impl ContractWorld {
    /// Registers a fresh account for Alice, whatever the run's user source.
    pub async fn register_alice_account(&mut self) -> Outcome {
        let email = format!(
            "alice-{}@conformance.example",
            uuid::Uuid::new_v4().simple()
        );
        let password = format!("Pw-{}", uuid::Uuid::new_v4().simple());
        self.register(&email, &password).await;
        self.expect_registered().map_err(Failure::not_set_up)?;
        self.login = Some((email, password));
        Ok(())
    }

    pub async fn register(&mut self, email: &str, password: &str) {
        let body = json!({"email": email, "password": password, "name": "Conformance"});
        let path = self.ctx.profile.routes.register.clone();
        self.request(Method::POST, &path, None, Some(&body)).await;
    }

    pub async fn register_alice_again(&mut self) -> Outcome {
        let (email, password) = self.alice_credentials()?;
        self.register(&email, &password).await;
        Ok(())
    }

    /// Logs in as Alice with a wrong password, then as an unknown email.
    pub async fn login_wrong_and_unknown(&mut self) -> Outcome {
        let (email, _) = self.alice_credentials()?;
        let unknown = format!(
            "nobody-{}@conformance.example",
            uuid::Uuid::new_v4().simple()
        );
        for (label, email) in [("wrong password", email), ("unknown email", unknown)] {
            let body = json!({"email": email, "password": "Wrong-password-123"});
            let exchange = self
                .fetch(
                    Method::POST,
                    &self.ctx.profile.routes.login,
                    None,
                    Some(&body),
                )
                .await;
            self.probes.push((label.to_owned(), exchange));
        }
        Ok(())
    }

    /// Both logins refused, with the same status and body.
    pub fn expect_same_login_answers(&self) -> Outcome {
        let [(_, wrong), (_, unknown)] = &self.probes[..] else {
            return Err(self.failure_about(
                None,
                "two login attempts from an earlier step",
                "none were made",
            ));
        };
        let answer = |exchange: &crate::target::http::Exchange| {
            exchange
                .response
                .as_ref()
                .map(|received| (received.status, received.text()))
                .ok()
        };
        let (wrong_answer, unknown_answer) = (answer(wrong), answer(unknown));
        if wrong_answer
            .as_ref()
            .is_some_and(|(status, _)| (200..300).contains(status))
        {
            return Err(self.failure_about(
                Some(wrong.clone()),
                "a refused login",
                "a wrong password logged in",
            ));
        }
        if wrong_answer == unknown_answer {
            Ok(())
        } else {
            Err(self.failure_about(
                Some(unknown.clone()),
                format!("the same answer as for a wrong password: {wrong_answer:?}"),
                format!("for an unknown email: {unknown_answer:?}"),
            ))
        }
    }

    fn expect_registered(&self) -> Outcome {
        let status = self.received()?.status;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(self.failure("a successful registration", status.to_string()))
        }
    }

    fn alice_credentials(&self) -> Result<(String, String), Box<crate::report::finding::Failure>> {
        self.login.clone().ok_or_else(|| {
            self.failure_about(
                None,
                "Alice's account from an earlier step",
                "none was registered",
            )
        })
    }
}
