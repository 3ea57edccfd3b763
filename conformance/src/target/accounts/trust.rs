//! Whether the target trusts the key the suite mints with, when its users
//! come from elsewhere: without that proof, a scenario that mints a token
//! would "pass" only because the target refuses everything the suite
//! mints, so those scenarios are NOT CHECKED instead.

use super::issued::{self, Issued};
use crate::target::ledger::Created;
use crate::target::preflight::{self, TargetError};
use crate::target::users::{Provisioning, UserSource};

/// What the run proved about its minting key.
pub enum MintingKey {
    /// A minted user was served (or the key signed the target's own
    /// tokens); the preflight task left behind, if any.
    Trusted(Option<Created>),
    /// Not proved: the reason, naming the key, for the scenarios it skips.
    Untrusted(String),
}

/// Runs the preflight as a minted user. Refused, the key may still be the
/// one that signed the target's own users' tokens: the target then keeps
/// state (the stateless promise's finding, which those scenarios make),
/// and the key is not a stray one.
pub async fn check(users: &Provisioning<'_>) -> MintingKey {
    let Some(minter) = users.minter else {
        return MintingKey::Trusted(None);
    };
    let minted = Provisioning {
        source: UserSource::Mint,
        ..*users
    };
    let refused = match preflight::check_users(&minted).await {
        Ok(task) => return MintingKey::Trusted(task),
        Err(TargetError::Credentials { reason, .. }) => reason,
        Err(other) => other.to_string(),
    };
    let own = users.provision("Preflight").await.ok();
    if own.is_some_and(|own| Issued::decode(&own.token).is_some_and(|own| own.signed_by(minter))) {
        return MintingKey::Trusted(None);
    }
    let key = issued::minting_key(minter);
    eprintln!(
        "warning: the target refused a token minted with {key} ({refused}): the scenarios that mint tokens are NOT CHECKED. If this is not the target's key (a BETTER_AUTH_SECRET left in the environment for another service, say), unset it or pass the right one"
    );
    MintingKey::Untrusted(format!(
        "NOT CHECKED: the target refused a token minted with {key}, so a refusal here would prove nothing"
    ))
}
