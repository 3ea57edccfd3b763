//! Verbs of the attack catalogue: one attack on a route, the whole barrage,
//! lifetime probes, and the ways a token can travel outside the header.

use std::time::Duration;

use reqwest::Method;

use super::answers::{closed_unanswered, judgeable, says_invalid_token, statuses};
use super::{ContractWorld, Outcome, Owner};
use crate::contract::Route;
use crate::report::finding::{Check, Failure, Presented};
use crate::target::http;
use crate::tokens;
use crate::tokens::catalogue::{Attack, Ingredients};

/// Leeways probed, in seconds past `exp`.
const LEEWAY_PROBES: [i64; 5] = [5, 30, 60, 120, 300];

/// Substrings of error bodies that reveal internals (case-insensitive).
const DISCLOSURES: &[(&str, &str)] = &[
    ("traceback (most recent call last)", "a Python traceback"),
    ("panicked at", "a Rust panic"),
    ("exception in thread", "a Java stack trace"),
    ("    at ", "a stack trace"),
    ("sqlstate", "an SQL error"),
    ("syntax error at or near", "an SQL error"),
    ("psycopg", "a database driver error"),
    ("sqlalchemy", "an ORM error"),
    ("site-packages/", "a file path"),
    ("node_modules/", "a file path"),
    ("/usr/lib/", "a file path"),
    ("/home/", "a file path"),
    ("file \"/", "a file path"),
    ("werkzeug/", "a library version"),
    ("express/", "a library version"),
    ("jsonwebtoken::", "a library name"),
];

impl ContractWorld {
    /// `route` on Alice's task, with the named attack as the bearer token.
    pub async fn call_with_attack(&mut self, route: Route, name: &str) -> Outcome {
        let attack = Attack::named(name).ok_or_else(|| {
            self.failure_about(
                None,
                "an attack of the catalogue (see src/tokens/catalogue/)",
                format!("no attack is called {name:?}"),
            )
        })?;
        let authorization = self.build(&attack).await?;
        self.presented = Some(Presented::Attack(attack));
        self.call_with_headers(
            route,
            Owner::Alice,
            vec![http::authorization(authorization)],
        )
        .await
    }

    /// The attack's Authorization value; provisions Bob when it needs him.
    async fn build(&mut self, attack: &Attack) -> Result<String, Box<Failure>> {
        let alice = self.alice().await?;
        let bob = if attack.uses_bob() {
            Some(self.bob().await?)
        } else {
            None
        };
        let with = Ingredients {
            alice: &alice,
            bob: bob.as_ref(),
            minter: self.ctx.minter.as_ref(),
            attacker: &self.ctx.attacker,
            key_url: &self.ctx.key_server.url_for(&self.key_id),
            trusted_keys: &self.ctx.trusted_keys,
            spare_keys: &self.ctx.spare_keys,
        };
        attack.authorization(&with).map_err(|missing| {
            self.failure_about(
                None,
                format!("what the attack {:?} is built from", attack.name()),
                format!("missing: {missing:?}"),
            )
        })
    }

    /// Refused the way the attack allows (401, or 400/413/431 for garbled
    /// or huge tokens), with no task data. A 5xx fails even a `@should`
    /// scenario: whatever the token needed, the target must survive it.
    pub fn expect_refused(&self) -> Outcome {
        let refusals = match &self.presented {
            Some(Presented::Attack(attack)) => {
                if attack.closing_refuses() && self.last.as_ref().is_some_and(closed_unanswered) {
                    return Ok(());
                }
                attack.refusals()
            }
            _ => &[401],
        };
        let status = self.received()?.status;
        if !refusals.contains(&status) && !self.forbidden_instead(refusals) {
            let expected = statuses(refusals);
            let actual = match status {
                200..=299 => format!("{status}: the target accepted the token"),
                500..=599 => format!("{status}: the target failed on hostile input"),
                _ => status.to_string(),
            };
            return Err(self
                .failure(expected, actual)
                .by(Check::Status(refusals.to_vec())));
        }
        self.expect_no_task_data()
    }

    pub fn expect_status_among(&self, statuses: &[u16]) -> Outcome {
        let status = self.received()?.status;
        if statuses.contains(&status) {
            Ok(())
        } else {
            Err(self
                .failure(self::statuses(statuses), status.to_string())
                .by(Check::Status(statuses.to_vec())))
        }
    }

    pub fn expect_within(&self, limit: Duration) -> Outcome {
        let exchange = self
            .last
            .as_ref()
            .ok_or_else(|| self.failure("a request", "none was sent"))?;
        if exchange.elapsed < limit {
            Ok(())
        } else {
            Err(self.failure(
                format!("an answer within {limit:?}"),
                format!("it took {:?}: the payload may have run", exchange.elapsed),
            ))
        }
    }

    /// `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3.1).
    pub fn expect_invalid_token_challenge(&self) -> Outcome {
        if !self.expect_bearer_challenge()? {
            return Ok(());
        }
        let challenge = self
            .received()?
            .header("www-authenticate")
            .unwrap_or_default();
        if !says_invalid_token(challenge) {
            self.deviate(
                self.failure(
                    r#"WWW-Authenticate: Bearer error="invalid_token""#,
                    format!("WWW-Authenticate: {challenge}"),
                )
                .by(Check::InvalidTokenChallenge),
            );
        }
        Ok(())
    }

    /// Notes whether the last jku/x5u token made the target fetch its URL.
    pub fn report_key_fetch(&self) {
        let fetched = self.ctx.key_server.was_fetched(&self.key_id);
        let verdict = if fetched {
            "the target FETCHED the key URL named in the token (it refused the token, but fetching attacker URLs is an SSRF risk)"
        } else {
            "the target did not fetch the key URL named in the token"
        };
        self.ctx
            .note(&self.promise, &self.scenario, verdict.to_owned());
    }

    /// Notes whether the last request was accepted; only a 5xx fails.
    pub fn report_acceptance(&self) -> Outcome {
        let status = self.received()?.status;
        let verdict = match status {
            200..=299 => "accepted",
            500..=599 => {
                return Err(self.failure("any answer but a server error", status.to_string()));
            }
            _ => "refused",
        };
        self.ctx.note(
            &self.promise,
            &self.scenario,
            format!("{verdict} ({status})"),
        );
        Ok(())
    }

    /// Probes tokens a few seconds to minutes past `exp` and notes the
    /// largest one accepted.
    pub async fn report_leeway(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let minter = self.minter()?;
        let mut tokens = Vec::new();
        for seconds in LEEWAY_PROBES {
            let claims = tokens::with_exp(&minter.claims(&alice.id, &alice.email), -seconds);
            tokens.push((seconds, minter.sign(&claims)));
        }
        let mut accepted = None;
        for (seconds, token) in tokens {
            self.request(Method::GET, &self.list_path(&alice), Some(&token), None)
                .await;
            match self.received()?.status {
                status if self.ctx.profile.success(Route::List).contains(&status) => {
                    accepted = Some(seconds);
                }
                500..=599 => {
                    return Err(self.failure("no server error for an expired token", "a 5xx"));
                }
                _ => {}
            }
        }
        let verdict = match accepted {
            Some(seconds) => format!("accepts tokens up to {seconds} s past exp (its leeway)"),
            None => format!("refuses tokens {} s past exp", LEEWAY_PROBES[0]),
        };
        self.ctx.note(
            &self.promise,
            &self.scenario,
            format!("the target {verdict}"),
        );
        Ok(())
    }

    // --- the barrage ----------------------------------------------------------

    /// Every attack the run can build, on Alice's list.
    pub async fn send_catalogue(&mut self) -> Outcome {
        for attack in Attack::catalogue() {
            if !self.ctx.can_build(attack.need()) {
                continue;
            }
            let authorization = self.build(&attack).await?;
            self.call_with_headers(
                Route::List,
                Owner::Alice,
                vec![http::authorization(authorization)],
            )
            .await?;
            // A connection closed on an attack that closing refuses is a
            // refusal with nothing in it for the barrage's checks to judge.
            if let Some(exchange) = self.last.clone()
                && !(attack.closing_refuses() && closed_unanswered(&exchange))
            {
                self.probes.push((attack.name(), exchange));
            }
        }
        Ok(())
    }

    /// No attack got a 2xx or a 5xx. Some may succeed, because they need
    /// the trusted key and gain its holder nothing: a future `iat`, which
    /// the contract does not forbid, junk in a valid signature, which forges
    /// nothing, and a `crit` header; their own `@should` scenarios report
    /// them, and the barrage must not count them a second time. "The whole
    /// catalogue" is judged only when every attack got an answer: a
    /// redirect or a reset hides what the target would have answered.
    pub fn expect_barrage_refused(&self) -> Outcome {
        for (name, exchange) in &self.probes {
            let Ok(received) = judgeable(exchange) else {
                continue;
            };
            let bad = match received.status {
                500..=599 => true,
                200..=299 => !Attack::named(name).is_some_and(|attack| attack.is_non_strict()),
                _ => false,
            };
            if bad {
                let mut failure = self.failure_about(
                    Some(exchange.clone()),
                    format!(
                        "a refusal of the attack {name:?}, neither a success nor a server error"
                    ),
                    received.status.to_string(),
                );
                failure.presented = Attack::named(name).map(Presented::Attack);
                return Err(failure);
            }
        }
        self.every_probe_judged()
    }

    /// RFC 6750 §3.1: a presented token that is refused gets
    /// `error="invalid_token"` in its challenge; a deviation otherwise. With
    /// no 401 among the answers there is nothing to judge: NOT CHECKED; and
    /// "every 401" is judged only when every attack got an answer (one
    /// reset may have hidden a 401 without the challenge).
    pub fn expect_barrage_challenges(&self) -> Outcome {
        if !self
            .probes
            .iter()
            .any(|(_, exchange)| exchange.status() == Some(401))
        {
            self.unjudge(
                "NOT CHECKED: no attack of the catalogue was answered 401, so there is no challenge to judge"
                    .to_owned(),
            );
            return Ok(());
        }
        for (name, exchange) in &self.probes {
            let Ok(received) = &exchange.response else {
                continue;
            };
            if received.status != 401 {
                continue;
            }
            let challenge = received.header("www-authenticate").unwrap_or_default();
            if !says_invalid_token(challenge) {
                self.deviate(
                    self.failure_about(
                        Some(exchange.clone()),
                        format!(
                            r#"WWW-Authenticate: Bearer error="invalid_token" on the 401 for {name:?}"#
                        ),
                        format!("WWW-Authenticate: {challenge:?}"),
                    )
                    .by(Check::InvalidTokenChallenge),
                );
                return Ok(());
            }
        }
        self.every_probe_judged()
    }

    /// No answer reveals internals; judged only when every attack got one.
    pub fn expect_no_disclosure(&self) -> Outcome {
        for (name, exchange) in &self.probes {
            let Ok(received) = judgeable(exchange) else {
                continue;
            };
            let body = received.text().to_lowercase();
            if let Some((needle, what)) =
                DISCLOSURES.iter().find(|(needle, _)| body.contains(needle))
            {
                return Err(self.failure_about(
                    Some(exchange.clone()),
                    format!("a refusal of {name:?} that reveals no internals"),
                    format!("the body reveals {what} ({needle:?})"),
                ));
            }
        }
        self.every_probe_judged()
    }

    /// jwt_tool's persistence check: after everything, the real token works.
    pub async fn expect_alice_token_works(&mut self) -> Outcome {
        self.alice_lists_her_tasks().await?;
        self.expect_success(Route::List)?;
        self.expect_mentions_alice_task()
    }
}
