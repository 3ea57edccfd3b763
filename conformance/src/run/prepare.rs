//! What the session learns before the scenarios run: the target's public
//! keys, whether the key the suite mints with is trusted, and the suite's
//! own key for the jku/x5u attacks.

use ed25519_dalek::SigningKey;
use serde_json::json;

use crate::contract::{Capability, Skip};
use crate::run::scenarios::Selection;
use crate::run::sources::Sources;
use crate::target::http::Client;
use crate::target::preflight::{self, TargetError};
use crate::tokens::key_server::KeyServer;
use crate::tokens::keys::Family;
use crate::tokens::{Minter, PublicKey, SigningIdentity, catalogue};

/// The public keys the target trusts, for the key-confusion attacks: every
/// key of Better Auth's JWKS the suite reads, or the key file's own. The
/// scenarios that need a key type the target does not trust are skipped,
/// saying which keys it has.
pub async fn trusted_keys(
    better_auth: Option<&Client>,
    sources: &Sources,
    selection: &mut Selection,
) -> Result<Vec<PublicKey>, TargetError> {
    let Some(better_auth) = better_auth else {
        // Known before the run: `Sources::unavailable` has their gaps.
        return Ok(sources.known_keys().unwrap_or_default());
    };
    let keys = preflight::better_auth_public_keys(better_auth).await?;
    selection.unavailable.extend(sources.key_gaps(&keys));
    Ok(keys)
}

/// The suite's own key, published on loopback for the jku/x5u attacks.
pub async fn attacker() -> std::io::Result<(SigningKey, KeyServer)> {
    let attacker = SigningKey::from_bytes(&catalogue::random_bytes());
    let key_server =
        KeyServer::start(&json!({"keys": [catalogue::public_jwk(&attacker)]}), 0).await?;
    Ok((attacker, key_server))
}

/// The minter the scenarios may use, and the key file's other keys. Nothing
/// mints with a key the target refused (`untrusted` says why): a refusal
/// would prove nothing, so the scenarios that mint, and those that need the
/// key file's public keys or its other keys, are NOT CHECKED instead.
pub fn trusted_minter(
    untrusted: Option<String>,
    (minter, spare_keys): (Option<Minter>, Vec<SigningIdentity>),
    better_auth: bool,
    keys: &mut Vec<PublicKey>,
    selection: &mut Selection,
) -> (Option<Minter>, Vec<SigningIdentity>) {
    let Some(reason) = untrusted else {
        return (minter, spare_keys);
    };
    let mut lost = vec![Capability::SigningKey, Capability::TwoKeys];
    if !better_auth {
        // The public keys were the key file's own.
        keys.clear();
        lost.extend(Family::ALL.map(Capability::key_of));
        lost.push(Capability::P256Key);
    }
    for capability in lost.into_iter().rev() {
        selection
            .unavailable
            .insert(0, (capability, Skip::unlockable(reason.clone())));
    }
    (None, Vec::new())
}
