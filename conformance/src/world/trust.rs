//! Verbs of what a target trusts beyond the signature: whether it checks
//! `iss` and `aud` at all (which the prefix and array scenarios depend on),
//! and whether it binds a `kid` to its key.

use super::{ContractWorld, Outcome};
use crate::contract::Route;

impl ContractWorld {
    /// Sends the attack on list and goes on when the target refuses it.
    /// When it accepts it, the scenario ends NOT CHECKED: what it tests
    /// (an exact comparison) cannot be told of a target that does not check
    /// the claim at all, which the attack's own scenario reports.
    pub async fn expect_refused_beforehand(&mut self, name: &str) -> Outcome {
        self.call_with_attack(Route::List, name).await?;
        let status = self.received()?.status;
        if !(200..300).contains(&status) {
            return Ok(());
        }
        let reason = format!(
            "NOT CHECKED: the target accepted {name:?} ({status}), so it does not check the claim at all (its own scenario reports that), and how it compares the claim cannot be told"
        );
        self.unjudge(reason.clone());
        Err(self
            .failure(format!("a refusal of {name:?}"), reason)
            .not_set_up())
    }

    /// Notes whether the target accepted a token signed by one of its keys
    /// under another's `kid`; only a 5xx fails.
    pub fn report_kid_binding(&self) -> Outcome {
        let status = self.received()?.status;
        let verdict = match status {
            200..=299 => {
                "the target ACCEPTED a token signed by one of its keys under another key's kid: it does not bind the kid to its key (it tries its keys in turn, or by alg); harmless while every key it trusts is its own, but a key it trusts for one purpose then signs for all"
            }
            500..=599 => {
                return Err(self.failure("any answer but a server error", status.to_string()));
            }
            _ => {
                "the target refused a token signed by one of its keys under another key's kid: it binds the kid to its key"
            }
        };
        self.ctx.note(
            &self.promise,
            &self.scenario,
            format!("{verdict} ({status})"),
        );
        Ok(())
    }
}
