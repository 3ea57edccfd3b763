//! A flood of tokens with kids the issuer never published: each must be
//! refused, and the target must not fetch the JWKS for each one, or anyone
//! can make it flood the issuer (a denial-of-service amplifier).

use std::time::{Duration, Instant};

use reqwest::Method;

use super::{accepted, answered, seconds, under_unknown_kid};
use crate::report::finding::Grade;
use crate::target::http::Exchange;
use crate::world::{ContractWorld, Outcome};

/// Tokens in the flood: enough to tell a fetch per token from a bounded
/// rate, few enough to be no load.
pub const FLOOD: usize = 20;
/// After the flood, fetches still in flight are given this long to land.
const SETTLE: Duration = Duration::from_millis(500);

impl ContractWorld {
    /// Sends [`FLOOD`] tokens at once, each under a kid of its own the
    /// issuer never published, and counts the issuer's JWKS fetches
    /// meanwhile.
    pub async fn flood_unknown_kids(&mut self) -> Outcome {
        let alice = self.alice().await?;
        self.lifecycle.started = Some(Instant::now());
        let before = self.published().await?.fetches;
        let started = Instant::now();
        let path = self.list_path(&alice);
        // One key the issuer never published, made once (an RSA key takes a
        // while), under a kid of its own for each token.
        let (minter, _) = self.fresh_key()?;
        let claims = minter.claims(&alice.id, &alice.email).to_string();
        let tokens: Vec<String> = (0..FLOOD)
            .map(|_| under_unknown_kid(&minter, &claims))
            .collect();
        // All at once, as a flood comes: a target that limits its fetches
        // in time (and may hold a token until it may fetch again) fetches
        // a few times, one that fetches for every kid fetches for each.
        let sent = tokens
            .iter()
            .map(|token| self.fetch(Method::GET, &path, Some(token), None));
        for exchange in futures::future::join_all(sent).await {
            self.probes
                .push((format!("unknown kid {}", self.probes.len() + 1), exchange));
        }
        let took = started.elapsed();
        tokio::time::sleep(SETTLE).await;
        let after = self.published().await?.fetches;
        let fetches = after.saturating_sub(before);
        self.note_elapsed(&format!(
            "{FLOOD} tokens with unknown kids in {} made the target fetch the JWKS {fetches} times",
            seconds(took)
        ));
        self.lifecycle.fetches = Some(fetches);
        Ok(())
    }

    /// No token of the flood was accepted, nor answered with a 5xx other
    /// than 503 (an issuer the target could not reach, as in the outage
    /// scenario): each was signed by a key the issuer never published.
    pub fn expect_flood_refused(&self) -> Outcome {
        let broke = |exchange: &Exchange| {
            accepted(exchange)
                || exchange
                    .status()
                    .is_some_and(|status| status >= 500 && status != 503)
        };
        let Some((_, exchange)) = self.probes.iter().find(|(_, exchange)| broke(exchange)) else {
            return self.every_probe_judged();
        };
        let actual = if accepted(exchange) {
            format!(
                "{}: a token signed by a key the issuer never published reads a user's data",
                answered(exchange)
            )
        } else {
            format!("{}: a 5xx on the attacker's token", answered(exchange))
        };
        let mut failure = self.failure_about(
            Some(exchange.clone()),
            "a token under a kid the issuer never published refused",
            actual,
        );
        failure.grade = Grade::Broken;
        Err(failure)
    }

    /// The fetches stayed bounded: at most one for every two tokens.
    pub fn expect_bounded_fetches(&self) -> Outcome {
        let fetches = self.lifecycle.fetches.unwrap_or(0);
        if fetches <= (FLOOD / 2) as u64 {
            return Ok(());
        }
        Err(self.failure_about(
            None,
            format!(
                "at most {} JWKS fetches for {FLOOD} tokens with unknown kids: a verifier limits how often an unknown kid makes it fetch the set (OWASP API4, unrestricted resource consumption)",
                FLOOD / 2
            ),
            format!(
                "{fetches} fetches: anyone can make the target fetch the issuer's JWKS once per request, a denial-of-service amplifier against the issuer. No access is gained"
            ),
        ))
    }
}
