//! A JWKS outage: the issuer answers 500, then not at all. Tokens under
//! keys the target fetched before must keep working (else every user is
//! locked out: availability, non-strict), and a token under an unknown kid
//! must get 401 or 503: any other 5xx, or no answer within the suite's
//! timeout, is a server error on the attacker's input.

use std::time::Instant;

use reqwest::Method;

use super::{accepted, answered, seconds, under_unknown_kid};
use crate::report::finding::Grade;
use crate::target::http::{Cause, Exchange};
use crate::tokens::key_server::Mode;
use crate::world::{ContractWorld, Outcome};

impl ContractWorld {
    /// The issuer's JWKS answers 500 ([`Mode::Failing`]) or hangs.
    pub async fn jwks_down(&mut self, mode: Mode) -> Outcome {
        self.before_changing().await?;
        self.issuer()?
            .set_mode(mode)
            .await
            .map_err(|error| self.control_failed("the JWKS outage", error))?;
        self.lifecycle.outage = Some(mode);
        Ok(())
    }

    /// Alice's token, under a key the target fetched before the outage,
    /// still reads her list. Not: a deviation (availability), and the
    /// scenario goes on to the unknown kids.
    pub async fn expect_alice_accepted_in_outage(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let path = self.list_path(&alice);
        let exchange = self
            .fetch(Method::GET, &path, Some(&alice.token), None)
            .await;
        if !accepted(&exchange) {
            let actual = format!(
                "{} while {}: every user is locked out while the issuer is down. An availability failure; an attacker gains nothing",
                answered(&exchange),
                self.outage()
            );
            self.deviate(self.failure_about(
                Some(exchange),
                "a token under a key the target fetched before the outage still accepted",
                actual,
            ));
        }
        Ok(())
    }

    /// Tokens under kids the issuer never published get 401 or 503: sent
    /// until the target has tried the JWKS during the outage (a target that
    /// fetched just before may wait out its refresh interval first), or
    /// until `--jwks-wait` passes.
    pub async fn expect_unknown_kid_refused_in_outage(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let path = self.list_path(&alice);
        let fetched_before = self.published().await?.fetches;
        let waiting = Instant::now();
        let outage = self.outage();
        // One unpublished key, under a new kid for each token.
        let (minter, _) = self.fresh_key()?;
        let claims = minter.claims(&alice.id, &alice.email).to_string();
        loop {
            let token = under_unknown_kid(&minter, &claims);
            let sent = Instant::now();
            let exchange = self.fetch(Method::GET, &path, Some(&token), None).await;
            let took = seconds(sent.elapsed());
            let answer = answered(&exchange);
            self.judge_unknown_kid(exchange, &outage, &took)?;
            let tried = self.published().await?.fetches > fetched_before;
            if tried || waiting.elapsed() >= self.ctx.jwks_wait {
                let how = if tried {
                    "tried the JWKS"
                } else {
                    "never tried the JWKS"
                };
                self.note_elapsed(&format!(
                    "while {outage}, the target {how} within {}; the last token under an unknown kid got {answer} in {took}",
                    seconds(waiting.elapsed())
                ));
                return Ok(());
            }
            tokio::time::sleep(super::POLL_EVERY).await;
        }
    }

    /// 401 or 503 passes, another 4xx is a deviation, anything else fails.
    fn judge_unknown_kid(&self, exchange: Exchange, outage: &str, took: &str) -> Outcome {
        match exchange.status() {
            Some(401 | 503) => Ok(()),
            Some(400..=499) => {
                let actual = format!("{} while {outage}", answered(&exchange));
                self.deviate(self.failure_about(Some(exchange), "401 or 503", actual));
                Ok(())
            }
            _ => {
                let actual = unknown_kid_breach(&exchange, outage, took);
                let mut failure = self.failure_about(Some(exchange), "401 or 503", actual);
                failure.grade = Grade::Broken;
                Err(failure)
            }
        }
    }

    fn outage(&self) -> String {
        match self.lifecycle.outage {
            Some(Mode::Hanging) => "the issuer's JWKS does not answer".to_owned(),
            _ => "the issuer's JWKS answers 500".to_owned(),
        }
    }
}

/// What a 2xx, another 5xx or no answer to an unknown kid gives the
/// attacker.
fn unknown_kid_breach(exchange: &Exchange, outage: &str, took: &str) -> String {
    match &exchange.response {
        Ok(received) if received.status < 300 => format!(
            "{} while {outage}: a token signed by a key the issuer never published reads a user's data",
            received.status
        ),
        Ok(received) => format!(
            "{} while {outage}: a 5xx on the attacker's token (only 503, the verifier saying it cannot check keys now, is an answer)",
            received.status
        ),
        Err(unanswered) if unanswered.cause == Cause::TimedOut => format!(
            "no answer after {took} (--timeout) while {outage}: the target holds the attacker's request as long as the issuer does; behind any proxy or load balancer that is a 5xx (504) on their input, and every such request holds a connection"
        ),
        Err(unanswered) => format!(
            "{} after {took} while {outage}: behind any proxy that is a 5xx (502) on the attacker's input",
            unanswered.cause.says()
        ),
    }
}
