//! What a key-lifecycle scenario changed at the issuer and saw, kept in
//! the World between its steps.

use std::time::Instant;

use serde_json::Value;

use crate::tokens::Minter;
use crate::tokens::issuer::control::PublishedState;
use crate::tokens::key_server::Mode;

/// What a lifecycle scenario changed and saw.
#[derive(Default)]
pub struct Lifecycle {
    /// The key set and mode before the scenario changed them.
    pub(super) saved: Option<PublishedState>,
    /// A minter of the key the scenario added, and the set without it.
    pub(super) added: Option<(Minter, Value)>,
    pub(super) started: Option<Instant>,
    /// The issuer's JWKS fetches during the flood of unknown kids.
    pub(super) fetches: Option<u64>,
    /// How the JWKS is down, in the outage scenario.
    pub(super) outage: Option<Mode>,
}
