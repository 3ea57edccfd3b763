//! The token attack catalogue: jwt_tool's playbook, RFC 8725 and RFC 7519,
//! each as a named token the target must refuse. Feature files name attacks
//! by `Attack::name`.
//!
//! Each attack is one `Entry`, in the file of its family: its name, what it
//! needs, how it is built and which statuses count as its refusal.
//!
//! - `algorithms`: `alg` none, a null signature, empty and weak HMAC keys,
//!   HMAC algorithms outside the allow-list, a `crit` header;
//! - `keys`: keys the token brings or names (embedded `jwk`, `kid`
//!   injections, `jku`/`x5u`), key confusion (every trusted key type in
//!   every encoding), and a kid naming another trusted key;
//! - `claims`: claims changed under the original signature, and validly
//!   signed tokens with a wrong lifetime, `sub`, `iss` or `aud`;
//! - `encoding`: tokens too garbled, or too big, to parse.
//!
//! Adding an attack: a variant of `Attack` (where it is declared is when
//! the barrage sends it), and its entry in its family's `entries`.

mod algorithms;
mod attack;
mod claims;
mod encoding;
mod keys;

use std::cmp::Ordering;
use std::mem::discriminant;
use std::sync::LazyLock;

use attack::Entry;

pub use super::forge::random_bytes;
pub use attack::{Attack, Ingredients, Need};
pub use keys::public_jwk;

/// Every entry, in catalogue order.
static TABLE: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    let mut table: Vec<Entry> = [
        algorithms::entries(),
        keys::entries(),
        claims::entries(),
        encoding::entries(),
    ]
    .into_iter()
    .flatten()
    .collect();
    // A stable sort on the variant alone: `Attack`'s declaration order, and
    // a family's list order within a variant.
    table.sort_by(|a, b| {
        if discriminant(&a.attack) == discriminant(&b.attack) {
            Ordering::Equal
        } else {
            a.attack.cmp(&b.attack)
        }
    });
    table
});

impl Attack {
    /// Every attack, in catalogue order.
    pub fn catalogue() -> Vec<Self> {
        TABLE.iter().map(|entry| entry.attack.clone()).collect()
    }

    pub fn named(name: &str) -> Option<Self> {
        TABLE
            .iter()
            .find(|entry| entry.name == name)
            .map(|entry| entry.attack.clone())
    }

    fn entry(&self) -> &'static Entry {
        TABLE
            .iter()
            .find(|entry| entry.attack == *self)
            .expect("every attack has an entry in the catalogue")
    }

    /// The name the feature files use.
    pub fn name(&self) -> String {
        self.entry().name.clone()
    }

    /// Whether the attack is built from Bob's token too.
    pub fn uses_bob(&self) -> bool {
        self.entry().uses_bob
    }

    pub fn need(&self) -> Need {
        self.entry().need
    }

    /// Whether accepting it is non-strict at most: the trusted key signed it
    /// (a future `iat`, a `crit` header, a string `exp` or `nbf` within the
    /// token's lifetime), or it is a valid token spelt otherwise (junk in
    /// its signature), so accepting it gains an attacker without the key
    /// nothing. Its own `@should` scenario grades it.
    /// The issuer and audience attacks are left to their own scenarios
    /// too: a target that checks neither accepts the prefix and the array,
    /// which gains nothing then; and the kid binding is informational.
    pub fn is_non_strict(&self) -> bool {
        matches!(
            self,
            Self::IatAhead
                | Self::NonBase64UrlSignature
                | Self::Crit
                | Self::ExpString
                | Self::NbfString
                | Self::KidOfAnotherKey
                | Self::ForeignIss
                | Self::IssPrefix
                | Self::ForeignAud
                | Self::ForeignAudArray
        )
    }

    /// Statuses that count as a refusal. Tokens too garbled to parse may
    /// also be refused as a bad request, or for their size.
    pub fn refusals(&self) -> &'static [u16] {
        self.entry().refusals
    }

    /// Whether a connection closed without an answer refuses this attack
    /// too: a server that will not read a 64 KiB head may close instead of
    /// answering (uvicorn's h11 does, and the reset can beat its 400). The
    /// attacker gains nothing from it.
    pub fn closing_refuses(&self) -> bool {
        matches!(self, Self::Huge)
    }

    /// The `Authorization` header value carrying the attack, or what is
    /// missing to build it.
    pub fn authorization(&self, with: &Ingredients) -> Result<String, Need> {
        self.token(with).map(|token| format!("Bearer {token}"))
    }

    fn token(&self, with: &Ingredients) -> Result<String, Need> {
        (self.entry().build)(with)
    }
}

#[cfg(test)]
mod tests;
