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
//!   injections, `jku`/`x5u`) and key confusion;
//! - `claims`: claims changed under the original signature, and validly
//!   signed tokens with a wrong lifetime or `sub`;
//! - `encoding`: tokens too garbled, or too big, to parse.
//!
//! Adding an attack: a variant of `Attack` (where it is declared is when
//! the barrage sends it), and its entry in its family's `entries`.

mod algorithms;
mod claims;
mod encoding;
mod keys;

use std::cmp::Ordering;
use std::mem::discriminant;
use std::sync::LazyLock;

use serde_json::Value;

use super::{Minter, PublicKey, payload, seed_claims};
use crate::target::users::Account;

pub use super::forge::random_bytes;
pub use keys::public_jwk;

/// An attack of the catalogue. Declared in catalogue order, the order the
/// barrage sends them in; a parameterised family (`AlgNone`, `WeakSecret`)
/// comes in the order of its list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attack {
    AlgNone(&'static str),
    NullSignature,
    EmptyHmacKey,
    EmbeddedHmacJwk,
    EmbeddedEdDsaJwk,
    KidPathTraversal,
    KidSqlInjection,
    KidShellInjection,
    SubSwapped,
    ExpPushedOut,
    NonBase64Url,
    /// Alice's valid token with junk in its signature segment: decoders
    /// that skip non-alphabet characters (Python's base64, so python-jose)
    /// still verify it.
    NonBase64UrlSignature,
    FiveSegments,
    Whitespace,
    Huge,
    WeakSecret(&'static str),
    Hs384,
    Hs512,
    Crit,
    ExpString,
    NbfString,
    DuplicateSub,
    Jku,
    X5u,
    PublicKeyAsHmac,
    RawPublicKeyAsHmac,
    PsychicEs256,
    Expired10Minutes,
    NoExp,
    NbfAhead,
    IatAhead,
    NoSub,
    EmptySub,
    NumericSub,
}

/// What an attack needs that a run may not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Nothing,
    /// A second user's valid token (always available: the suite makes Bob).
    Bob,
    /// The key the target trusts, to sign otherwise-valid tokens.
    SigningKey,
    /// The target's HS256 secret itself (HS384/HS512 with it).
    Secret,
    /// The target's public key.
    PublicKey,
}

/// Everything an attack may be built from.
pub struct Ingredients<'a> {
    pub alice: &'a Account,
    pub bob: Option<&'a Account>,
    pub minter: Option<&'a Minter>,
    /// The suite's own Ed25519 key, published at `key_url`.
    pub attacker: &'a ed25519_dalek::SigningKey,
    pub key_url: &'a str,
    pub public_key: Option<&'a PublicKey>,
}

impl Ingredients<'_> {
    /// Alice's claims as her token carries them, or the seed design's when
    /// it carries none.
    fn alice_claims(&self) -> Value {
        payload(&self.alice.token).unwrap_or_else(|| seed_claims(&self.alice.id, &self.alice.email))
    }

    fn bob(&self) -> Result<&Account, Need> {
        self.bob.ok_or(Need::Bob)
    }

    /// The key the target trusts.
    fn minter(&self) -> Result<&Minter, Need> {
        self.minter.ok_or(Need::SigningKey)
    }

    /// A fresh token's claims for Alice, as the trusted key signs them.
    fn fresh_claims(&self) -> Result<Value, Need> {
        self.minter()
            .map(|minter| minter.claims(&self.alice.id, &self.alice.email))
    }

    fn public_key(&self) -> Result<&PublicKey, Need> {
        self.public_key.ok_or(Need::PublicKey)
    }
}

/// Builds an attack's token, or says what is missing.
type Build = Box<dyn Fn(&Ingredients) -> Result<String, Need> + Send + Sync>;

/// One attack: everything about it, in one place.
struct Entry {
    attack: Attack,
    /// The name the feature files use.
    name: String,
    /// What a run may lack to build it: the barrage skips it then.
    need: Need,
    /// Whether it is built from Bob's token too (provisioned first).
    uses_bob: bool,
    /// Statuses that count as a refusal.
    refusals: &'static [u16],
    build: Build,
}

/// The refusal of most attacks.
const UNAUTHORIZED: &[u16] = &[401];
/// Tokens too garbled to parse may also be refused as a bad request.
const GARBLED: &[u16] = &[401, 400];

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

    /// Statuses that count as a refusal. Tokens too garbled to parse may
    /// also be refused as a bad request, or for their size.
    pub fn refusals(&self) -> &'static [u16] {
        self.entry().refusals
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
