//! Verbs of the account endpoints (OWASP API2): logins that must grant
//! nothing, enumeration, duplicates, weak passwords. The routes are the ones
//! the preflight found on the target (see `target::accounts`).

use reqwest::Method;
use serde_json::{Value, json};

use super::{ContractWorld, Outcome};
use crate::report::finding::{Check, Failure};
use crate::target::accounts::issued::Issued;
use crate::target::accounts::login::granted;
use crate::target::http::Exchange;

/// The password of every attempt that must fail.
const WRONG_PASSWORD: &str = "Wrong-password-123";

/// A token lifetime beyond this is reported.
const MAX_LIFETIME_DAYS: i64 = 30;

impl ContractWorld {
    /// Registers a fresh account for Alice, whatever the run's user
    /// source, and logs her in with her password: the control that makes
    /// a refused wrong password mean something.
    pub async fn register_alice_account(&mut self) -> Outcome {
        let email = format!(
            "alice-{}@conformance.example",
            uuid::Uuid::new_v4().simple()
        );
        let password = format!("Pw-{}", uuid::Uuid::new_v4().simple());
        self.register(&email, &password).await;
        self.expect_registered().map_err(Failure::not_set_up)?;
        self.keep_issued("register");
        let login = self.log_in(&email, &password).await;
        self.last = Some(login);
        self.expect_granted().map_err(Failure::not_set_up)?;
        self.keep_issued("login");
        self.login = Some((email, password));
        Ok(())
    }

    pub async fn register(&mut self, email: &str, password: &str) {
        let body = json!({"email": email, "password": password, "name": "Conformance"});
        let path = self.ctx.profile.routes.register.clone();
        self.request(Method::POST, &path, None, Some(&body)).await;
    }

    async fn log_in(&self, email: &str, password: &str) -> Exchange {
        let body = json!({"email": email, "password": password});
        self.fetch(
            Method::POST,
            &self.ctx.profile.routes.login,
            None,
            Some(&body),
        )
        .await
    }

    /// Registers Alice's email again, with another password: the
    /// attacker's, who hopes to replace hers.
    pub async fn register_alice_again(&mut self) -> Outcome {
        let (email, _) = self.alice_credentials()?;
        self.register(&email, WRONG_PASSWORD).await;
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
            let exchange = self.log_in(&email, WRONG_PASSWORD).await;
            self.probes.push((label.to_owned(), exchange));
        }
        Ok(())
    }

    /// Neither login attempt got a token or a session, nor a 5xx.
    pub fn expect_no_login_granted(&self) -> Outcome {
        let attempts = self.login_attempts()?;
        for (label, exchange) in attempts {
            let Ok(received) = &exchange.response else {
                continue;
            };
            let failed = |expected: &str, actual: String| {
                self.failure_about(Some(exchange.clone()), expected, actual)
            };
            if received.status >= 500 {
                return Err(failed(
                    "a refused login: the attacker's input must not cause a server error",
                    format!("a login with a {label} gave {}", received.status),
                )
                .by(Check::Status(vec![401])));
            }
            if let Some(credential) = granted(received) {
                let whom = if *label == "unknown email" {
                    "an email nobody registered"
                } else {
                    "Alice, with a wrong password"
                };
                return Err(failed(
                    "a refused login: no token, no session",
                    format!(
                        "a login as {whom} gave {} with {}: the account is taken over",
                        received.status,
                        credential.describe()
                    ),
                ));
            }
        }
        self.every_probe_judged()
    }

    /// Both logins refused, with the same status and body.
    pub fn expect_same_login_answers(&self) -> Outcome {
        let [(_, wrong), (_, unknown)] = self.login_attempts()? else {
            unreachable!("two attempts, checked by login_attempts");
        };
        // Two answers are compared, never a reset with an answer.
        for exchange in [wrong, unknown] {
            self.judged(exchange)?;
        }
        let answer = |exchange: &Exchange| {
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

    fn login_attempts(&self) -> Result<&[(String, Exchange)], Box<Failure>> {
        match &self.probes[..] {
            attempts @ [_, _] => Ok(attempts),
            _ => Err(self.failure_about(
                None,
                "two login attempts from an earlier step",
                "none were made",
            )),
        }
    }

    /// A second registration of Alice's email is a 409. A 5xx fails (the
    /// attacker's input), and so does an answer that lets the attacker's
    /// password log in as Alice (her account taken over); another refusal,
    /// or a duplicate accepted that changed nothing, is a deviation.
    pub async fn expect_duplicate_refused(&mut self) -> Outcome {
        let status = self.received()?.status;
        let deviation = |world: &Self, actual: String| {
            world.deviate(
                world
                    .failure("409, the contract's answer to a duplicate email", actual)
                    .by(Check::Status(vec![409])),
            );
        };
        match status {
            409 => Ok(()),
            500.. => Err(self
                .failure(
                    "409: the attacker's input must not cause a server error",
                    status.to_string(),
                )
                .by(Check::Status(vec![409]))),
            200..=299 => {
                let (email, _) = self.alice_credentials()?;
                let login = self.log_in(&email, WRONG_PASSWORD).await;
                let taken = login.response.as_ref().ok().and_then(granted);
                if let Some(credential) = taken {
                    let actual = format!(
                        "{status} to the duplicate; then the attacker's password logged in as Alice, with {}: her account is taken over",
                        credential.describe()
                    );
                    self.last = Some(login);
                    return Err(self.failure("409, and Alice's password unchanged", actual));
                }
                deviation(
                    self,
                    format!(
                        "{status}: the duplicate was accepted, though Alice's account is unchanged"
                    ),
                );
                Ok(())
            }
            _ => {
                deviation(self, status.to_string());
                Ok(())
            }
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

    /// The last answer, a login with the right password, grants a token or
    /// a session.
    fn expect_granted(&self) -> Outcome {
        let received = self.received()?;
        if granted(received).is_some() {
            Ok(())
        } else {
            Err(self.failure(
                "a login with Alice's own password to give a token or a session",
                format!("{} with neither", received.status),
            ))
        }
    }

    /// Keeps the token the last answer carries, for the checks of what the
    /// target issues.
    fn keep_issued(&mut self, route: &str) {
        let token = self
            .last
            .as_ref()
            .and_then(|exchange| exchange.response.as_ref().ok())
            .and_then(granted)
            .and_then(|credential| credential.token().map(str::to_owned));
        if let Some(token) = token {
            self.issued.push((route.to_owned(), token));
        }
    }

    /// The JWTs the target issued Alice, decoded, with the route of each.
    fn issued_jwts(&self) -> Result<Vec<(&str, Issued)>, Box<Failure>> {
        let jwts: Vec<(&str, Issued)> = self
            .issued
            .iter()
            .filter_map(|(route, token)| Some((route.as_str(), Issued::decode(token)?)))
            .collect();
        if jwts.is_empty() {
            return Err(self
                .failure_about(
                    None,
                    "a JWT issued by the target's register or login",
                    "no answer carried one",
                )
                .not_set_up());
        }
        Ok(jwts)
    }

    /// Every token the target issued has an `exp`: without one, a token
    /// stolen once works forever. A lifetime over 30 days is reported.
    pub fn expect_issued_tokens_expire(&self) -> Outcome {
        for (route, token) in self.issued_jwts()? {
            let Some(exp) = token.seconds("exp") else {
                return Err(self.failure_about(
                    None,
                    "tokens that expire: an `exp` claim",
                    format!(
                        "the token {route} issued has no `exp` ({}): a stolen token stays valid forever",
                        Value::Object(token.claims.clone())
                    ),
                ));
            };
            let issued_at = token.seconds("iat").unwrap_or_else(|| {
                i64::try_from(crate::tokens::jws::unix_now()).unwrap_or(i64::MAX)
            });
            let days = (exp - issued_at) / 86_400;
            if days > MAX_LIFETIME_DAYS {
                self.ctx.note(
                    &self.promise,
                    &self.scenario,
                    format!(
                        "the tokens {route} issues live {days} days (over {MAX_LIFETIME_DAYS}): a stolen token works that long, and logout cannot end it"
                    ),
                );
            }
        }
        Ok(())
    }

    /// No token the target issued verifies with a well-known weak secret:
    /// with one, anyone forges a token for any user.
    pub fn expect_issued_not_weak(&self) -> Outcome {
        for (route, token) in self.issued_jwts()? {
            if let Some(secret) = token.weak_secret() {
                return Err(self.failure_about(
                    None,
                    "tokens signed with a secret nobody can guess",
                    format!(
                        "the token {route} issued verifies with the well-known secret {secret:?}: anyone can forge a token for any user"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn alice_credentials(&self) -> Result<(String, String), Box<Failure>> {
        self.login.clone().ok_or_else(|| {
            self.failure_about(
                None,
                "Alice's account from an earlier step",
                "none was registered",
            )
        })
    }
}
