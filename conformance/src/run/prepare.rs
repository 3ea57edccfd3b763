//! What the session learns before the scenarios run: the target's public
//! key, whether the key the suite mints with is trusted, and the suite's own
//! key for the jku/x5u attacks.

use ed25519_dalek::SigningKey;
use serde_json::json;

use crate::contract::Capability;
use crate::run::scenarios::Selection;
use crate::run::sources::Sources;
use crate::target::http::Client;
use crate::target::preflight::{self, TargetError};
use crate::tokens::key_server::KeyServer;
use crate::tokens::{Minter, PublicKey, catalogue};

/// The target's public key, for the key-confusion attacks: the first
/// Ed25519 key of Better Auth's JWKS, or the signing key's own. Without
/// one, the scenarios that need it are skipped.
pub async fn public_key(
    better_auth: Option<&Client>,
    sources: &Sources,
    selection: &mut Selection,
) -> Result<Option<PublicKey>, TargetError> {
    let key = match (better_auth, &sources.minter) {
        (Some(better_auth), _) => preflight::better_auth_public_key(better_auth).await?,
        (None, Some(minter)) => minter.public_key(),
        (None, None) => None,
    };
    if key.is_none() {
        selection.unavailable.push((
            Capability::PublicKey,
            "needs the target's public key, and the suite reads only Ed25519 keys: the JWKS had none".to_owned(),
        ));
    }
    Ok(key)
}

/// The suite's own key, published on loopback for the jku/x5u attacks.
pub async fn attacker() -> std::io::Result<(SigningKey, KeyServer)> {
    let attacker = SigningKey::from_bytes(&catalogue::random_bytes());
    let key_server =
        KeyServer::start(&json!({"keys": [catalogue::public_jwk(&attacker)]}), 0).await?;
    Ok((attacker, key_server))
}

/// The minter the scenarios may use. Nothing mints with a key the target
/// refused (`untrusted` says why): a refusal would prove nothing, so the
/// scenarios that mint, and those that need the key's public half, are NOT
/// CHECKED instead.
pub fn trusted_minter(
    untrusted: Option<String>,
    minter: Option<Minter>,
    better_auth: bool,
    public_key: &mut Option<PublicKey>,
    selection: &mut Selection,
) -> Option<Minter> {
    let Some(reason) = untrusted else {
        return minter;
    };
    if !better_auth {
        // The public key was the minting key's own.
        *public_key = None;
        selection
            .unavailable
            .insert(0, (Capability::PublicKey, reason.clone()));
    }
    selection
        .unavailable
        .insert(0, (Capability::SigningKey, reason));
    None
}
