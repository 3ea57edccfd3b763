//! Rotation and removal: a key published beside the issuer's own must be
//! accepted once the target fetches the set again (on the unfamiliar kid,
//! OpenID Connect Core §10.1.1), and a key dropped from the set must stop
//! being accepted once the set's `Cache-Control: max-age` has passed.

use reqwest::Method;
use serde_json::Value;

use super::{accepted, answered, refused, seconds};
use crate::report::finding::{Failure, Grade};
use crate::world::{ContractWorld, Outcome};

impl ContractWorld {
    /// Alice's own token, under the issuer's key, reads her list: the
    /// target has fetched the key set before it changes.
    pub async fn expect_alice_accepted(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let path = self.list_path(&alice);
        let exchange = self
            .fetch(Method::GET, &path, Some(&alice.token), None)
            .await;
        if accepted(&exchange) {
            return Ok(());
        }
        let actual = answered(&exchange);
        Err(self
            .failure_about(Some(exchange), "Alice's own token accepted", actual)
            .not_set_up())
    }

    /// Publishes a fresh key beside the keys the issuer publishes now.
    pub async fn publish_new_key(&mut self) -> Outcome {
        let state = self.before_changing().await?;
        let (minter, public) = self.fresh_key()?;
        let mut jwks = state.jwks.clone();
        match jwks.get_mut("keys").and_then(Value::as_array_mut) {
            Some(keys) => keys.push(public),
            None => return Err(self.control_failed("the issuer's key set", "it has no `keys`")),
        }
        self.issuer()?
            .publish(&jwks)
            .await
            .map_err(|error| self.control_failed("the new key published", error))?;
        self.lifecycle.added = Some((minter, state.jwks));
        Ok(())
    }

    /// Waits for the target to accept the new key: the rotation's verdict.
    /// Not in time is an availability failure, no attacker's gain.
    pub async fn expect_new_key_accepted(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let minter = self.added_key()?;
        let waited = self.wait_for(&alice, minter, accepted).await;
        let (took, tries) = (seconds(waited.took), waited.tries);
        if waited.held {
            self.note_elapsed(&format!(
                "the target accepted the new key after {took} ({tries} tries)"
            ));
            return Ok(());
        }
        let mut failure = self.failure_about(
            None,
            format!(
                "a token signed with a key newly published in the JWKS accepted within --jwks-wait ({} s): OpenID Connect Core §10.1.1 has a verifier fetch the JWKS again when it meets an unfamiliar kid",
                self.ctx.jwks_wait.as_secs()
            ),
            format!(
                "still {} after {took} ({tries} tries): after a key rotation every user is locked out until the target fetches the JWKS again. An availability failure; an attacker gains nothing",
                answered(&waited.last)
            ),
        );
        failure.exchange = Some(waited.last);
        if !self.non_strict {
            failure.grade = Grade::Broken;
        }
        self.note_elapsed("the target never accepted the new key");
        Err(failure)
    }

    /// The new key accepted, as a precondition: without it, its removal
    /// cannot be judged.
    pub async fn expect_new_key_taken_up(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let minter = self.added_key()?;
        let waited = self.wait_for(&alice, minter, accepted).await;
        if waited.held {
            return Ok(());
        }
        let what = format!(
            "the target did not accept a newly published key within --jwks-wait (see the rotation scenario), so its removal cannot be judged; it answered {}",
            answered(&waited.last)
        );
        Err(self.cannot_judge(&waited.last, &what))
    }

    /// Publishes the key set as it was before the new key.
    pub async fn drop_new_key(&mut self) -> Outcome {
        let Some((_, without)) = &self.lifecycle.added else {
            return Err(self.control_failed("a key added earlier", "none was"));
        };
        let without = without.clone();
        self.issuer()?
            .publish(&without)
            .await
            .map_err(|error| self.control_failed("the new key dropped", error))
    }

    /// Waits for the target to refuse the dropped key: the removal's verdict.
    pub async fn expect_dropped_key_refused(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let wait = self.ctx.jwks_wait;
        let max_age = self.published().await?.max_age.unwrap_or(0);
        let minter = self.added_key()?;
        let waited = self.wait_for(&alice, minter, refused).await;
        let (took, tries) = (seconds(waited.took), waited.tries);
        if waited.held {
            self.note_elapsed(&format!(
                "the target refused the dropped key after {took} ({tries} tries; the JWKS's max-age is {max_age} s)"
            ));
            return Ok(());
        }
        if max_age > wait.as_secs() {
            let what = format!(
                "the JWKS's max-age ({max_age} s) is longer than --jwks-wait ({} s): raise --jwks-wait or lower `issuer --max-age`",
                wait.as_secs()
            );
            return Err(self.cannot_judge(&waited.last, &what));
        }
        self.note_elapsed("the target still accepted the dropped key at the end of the wait");
        Err(self.dropped_key_failure(max_age, &took, tries, waited.last))
    }

    fn dropped_key_failure(
        &self,
        max_age: u64,
        took: &str,
        tries: usize,
        last: crate::target::http::Exchange,
    ) -> Box<Failure> {
        let actual = format!(
            "still {} after {took} ({tries} tries): a key the issuer retired (e.g. because it leaked) still signs in as any user",
            answered(&last)
        );
        let mut failure = self.failure_about(
            Some(last),
            format!(
                "a token signed with a key the issuer dropped from its JWKS refused once the JWKS's max-age ({max_age} s) has passed, within --jwks-wait ({} s)",
                self.ctx.jwks_wait.as_secs()
            ),
            actual,
        );
        failure.grade = Grade::Broken;
        failure
    }

    fn added_key(&self) -> Result<&crate::tokens::Minter, Box<Failure>> {
        match &self.lifecycle.added {
            Some((minter, _)) => Ok(minter),
            None => Err(self.control_failed("a key added earlier", "none was")),
        }
    }
}
