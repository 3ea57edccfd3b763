//! Whether the target trusts the key the suite mints with, when its users
//! come from elsewhere: without that proof, a scenario that mints a token
//! would "pass" only because the target refuses everything the suite
//! mints, so those scenarios are NOT CHECKED instead.

use super::issued::{self, Issued};
use crate::target::preflight;
use crate::target::users::{Account, Provisioning, UserSource};

/// What the run proved about its minting key.
pub enum MintingKey {
    /// A token minted for the preflight's user was served, or the key signed
    /// the target's own tokens, or the suite mints its users anyway.
    Trusted,
    /// Not proved: the reason, naming the key, for the scenarios it skips.
    Untrusted(String),
}

/// Mints a token for `account`, the run's own user, as the scenarios mint
/// them. Refused, the key may still be the one that signed the target's own
/// users' tokens: the target then keeps state (the stateless promise's
/// finding, which those scenarios make), and the key is not a stray one.
/// `advice` says what to check about the key, as its origin suggests.
pub async fn check(users: &Provisioning<'_>, account: &Account, advice: &str) -> MintingKey {
    let Some(minter) = users.minter.filter(|_| users.source != UserSource::Mint) else {
        return MintingKey::Trusted;
    };
    let Some(refused) = preflight::minted_refused(users, account, advice).await else {
        return MintingKey::Trusted;
    };
    if Issued::decode(&account.token).is_some_and(|own| own.signed_by(minter)) {
        return MintingKey::Trusted;
    }
    eprintln!("warning: {refused}");
    let mut reason = format!(
        "NOT CHECKED: the target refused a token minted with {}, so a refusal here would prove nothing",
        issued::minting_key(minter)
    );
    if !advice.is_empty() {
        reason = format!("{reason}; {advice}");
    }
    MintingKey::Untrusted(reason)
}
