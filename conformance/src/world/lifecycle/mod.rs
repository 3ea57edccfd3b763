//! A key's life, as the target sees it through the issuer's JWKS: a key
//! added (rotation), a key dropped (removal), a flood of unknown kids, and
//! an outage. Only with `todo-conformance issuer`, whose control API
//! changes the published key set; the scenarios are `@serial`, since every
//! other scenario's tokens depend on that set, and each puts it back as it
//! found it when it ends, failed or not (`restore_jwks`, from the cleanup).

mod flood;
mod keys;
mod outage;
pub mod state;

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

use super::ContractWorld;
use crate::report::finding::Failure;
use crate::target::http::Exchange;
use crate::target::users::Account;
use crate::tokens::Minter;
use crate::tokens::issuer::control::PublishedState;
use crate::tokens::issuer::remote::RemoteIssuer;

/// Between two tries while waiting for the target to take up a change.
const POLL_EVERY: Duration = Duration::from_millis(250);

/// How a wait for the target ended.
struct Waited {
    /// The condition held.
    held: bool,
    took: Duration,
    tries: usize,
    last: Exchange,
}

impl ContractWorld {
    fn issuer(&self) -> Result<&RemoteIssuer, Box<Failure>> {
        self.ctx.issuer.as_ref().ok_or_else(|| {
            self.failure_about(None, "the issuer's control API", "none was given")
                .not_set_up()
        })
    }

    /// The issuer's published state now.
    async fn published(&self) -> Result<PublishedState, Box<Failure>> {
        self.issuer()?
            .state()
            .await
            .map_err(|error| self.control_failed("the issuer's published state", error))
    }

    /// The published state, saved for the cleanup the first time a
    /// scenario is about to change it.
    async fn before_changing(&mut self) -> Result<PublishedState, Box<Failure>> {
        self.lifecycle.started.get_or_insert_with(Instant::now);
        let state = self.published().await?;
        self.lifecycle.saved.get_or_insert_with(|| state.clone());
        Ok(state)
    }

    /// A control request that failed: the scenario cannot go on.
    fn control_failed(&self, what: &str, error: impl ToString) -> Box<Failure> {
        self.failure_about(None, what, error.to_string())
            .not_set_up()
    }

    /// Puts the issuer's key set and mode back as the scenario found them.
    pub(super) async fn restore_jwks(&mut self) {
        let (Some(saved), Some(issuer)) = (self.lifecycle.saved.take(), &self.ctx.issuer) else {
            return;
        };
        if let Err(error) = issuer.restore(&saved).await {
            self.ctx.note(
                &self.promise,
                &self.scenario,
                format!("could not put the issuer's JWKS back as it was: {error}; later scenarios may fail for it"),
            );
        }
    }

    /// A minter of a fresh key under the run's issuer and audience, and
    /// the key's public JWK.
    fn fresh_key(&self) -> Result<(Minter, Value), Box<Failure>> {
        match self.minter()? {
            Minter::BetterAuth(identity) => {
                let fresh = identity.successor();
                let public = fresh.public_jwk();
                Ok((Minter::BetterAuth(Box::new(fresh)), public))
            }
            Minter::Hs256(..) => Err(self
                .failure_about(
                    None,
                    "a signing key from `todo-conformance issuer`",
                    "an HS256 secret",
                )
                .not_set_up()),
        }
    }

    /// Alice's list read with a fresh token `minter` signs.
    async fn read_as(&self, alice: &Account, minter: &Minter) -> Exchange {
        let token = minter.sign(&minter.claims(&alice.id, &alice.email));
        let path = self.list_path(alice);
        self.fetch(Method::GET, &path, Some(&token), None).await
    }

    /// Reads Alice's list with `key` until `holds` says the answer shows
    /// the change, or `--jwks-wait` passes.
    async fn wait_for(
        &self,
        alice: &Account,
        minter: &Minter,
        holds: impl Fn(&Exchange) -> bool,
    ) -> Waited {
        let started = Instant::now();
        let mut tries = 0;
        loop {
            tries += 1;
            let last = self.read_as(alice, minter).await;
            let held = holds(&last);
            if held || started.elapsed() >= self.ctx.jwks_wait {
                return Waited {
                    held,
                    took: started.elapsed(),
                    tries,
                    last,
                };
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// Notes how long the scenario's changes took, for the run's record.
    fn note_elapsed(&self, what: &str) {
        let took = self
            .lifecycle
            .started
            .map_or(Duration::ZERO, |started| started.elapsed());
        self.ctx.note(
            &self.promise,
            &self.scenario,
            format!("{what}; the scenario took {}", seconds(took)),
        );
    }
}

/// `claims` signed by `minter` under a kid nobody published.
fn under_unknown_kid(minter: &crate::tokens::Minter, claims: &str) -> String {
    let kid = format!("todo-conformance-unknown-{}", uuid::Uuid::new_v4().simple());
    minter.sign_raw(&serde_json::json!({ "kid": kid }), claims)
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

fn accepted(exchange: &Exchange) -> bool {
    exchange
        .status()
        .is_some_and(|status| (200..300).contains(&status))
}

fn refused(exchange: &Exchange) -> bool {
    exchange
        .status()
        .is_some_and(|status| (400..500).contains(&status))
}

/// What an answer was, for a finding.
fn answered(exchange: &Exchange) -> String {
    match &exchange.response {
        Ok(received) => format!("{}", received.status),
        Err(unanswered) => unanswered.cause.says().to_owned(),
    }
}
