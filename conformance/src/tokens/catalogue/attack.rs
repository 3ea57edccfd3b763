//! What an attack is: the `Attack` names, what building one needs, what it
//! is built from, and the `Entry` that holds everything about one attack.

use serde_json::Value;

use crate::target::users::Account;
use crate::tokens::jws::payload;
use crate::tokens::keys::{Encoding, Family, PublicKey, SigningIdentity};
use crate::tokens::mint::{Minter, seed_claims};

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
    /// `exp` and `nbf` as numeric strings: outside the token's lifetime
    /// (the verifier must refuse them however it reads them), then within
    /// it (accepting them is non-strict: RFC 7519 §2 wants numbers).
    ExpStringPast,
    NbfStringAhead,
    ExpString,
    NbfString,
    DuplicateSub,
    Jku,
    X5u,
    /// HS256 with a trusted public key of the family, in the encoding, as
    /// the secret (key confusion).
    KeyAsHmac(Family, Encoding),
    PsychicEs256,
    /// Signed by one trusted key under another trusted key's `kid`:
    /// informational (whether the target binds a kid to its key).
    KidOfAnotherKey,
    Expired10Minutes,
    NoExp,
    NbfAhead,
    IatAhead,
    NoSub,
    EmptySub,
    NumericSub,
    ForeignIss,
    /// PyJWT 2.10.0 compared `iss` as a substring (CVE-2024-53861).
    IssPrefix,
    ForeignAud,
    ForeignAudArray,
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
    /// A trusted public key of the family.
    Key(Family),
    /// A trusted P-256 public key.
    P256Key,
    /// Two keys the target trusts, both held by the suite.
    TwoKeys,
    /// A minter whose tokens claim the `iss` the target expects.
    Issuer,
    /// A minter whose tokens claim the `aud` the target expects.
    Audience,
}

/// Everything an attack may be built from.
pub struct Ingredients<'a> {
    pub alice: &'a Account,
    pub bob: Option<&'a Account>,
    pub minter: Option<&'a Minter>,
    /// The suite's own Ed25519 key, published at `key_url`.
    pub attacker: &'a ed25519_dalek::SigningKey,
    pub key_url: &'a str,
    /// The public keys the target trusts.
    pub trusted_keys: &'a [PublicKey],
    /// The other private keys the target trusts, besides the minter's.
    pub spare_keys: &'a [SigningIdentity],
}

impl Ingredients<'_> {
    /// Alice's claims as her token carries them, or the seed design's when
    /// it carries none.
    pub(super) fn alice_claims(&self) -> Value {
        payload(&self.alice.token).unwrap_or_else(|| seed_claims(&self.alice.id, &self.alice.email))
    }

    pub(super) fn bob(&self) -> Result<&Account, Need> {
        self.bob.ok_or(Need::Bob)
    }

    /// The key the target trusts.
    pub(super) fn minter(&self) -> Result<&Minter, Need> {
        self.minter.ok_or(Need::SigningKey)
    }

    /// A fresh token's claims for Alice, as the trusted key signs them.
    pub(super) fn fresh_claims(&self) -> Result<Value, Need> {
        self.minter()
            .map(|minter| minter.claims(&self.alice.id, &self.alice.email))
    }

    /// The first trusted key of `family`.
    pub(super) fn key_of(&self, family: Family) -> Result<&PublicKey, Need> {
        self.trusted_keys
            .iter()
            .find(|key| key.family() == family)
            .ok_or(Need::Key(family))
    }

    pub(super) fn p256_key(&self) -> Result<&PublicKey, Need> {
        self.trusted_keys
            .iter()
            .find(|key| key.is_p256())
            .ok_or(Need::P256Key)
    }
}

/// Builds an attack's token, or says what is missing.
pub(super) type Build = Box<dyn Fn(&Ingredients) -> Result<String, Need> + Send + Sync>;

/// One attack: everything about it, in one place.
pub(super) struct Entry {
    pub(super) attack: Attack,
    /// The name the feature files use.
    pub(super) name: String,
    /// What a run may lack to build it: the barrage skips it then.
    pub(super) need: Need,
    /// Whether it is built from Bob's token too (provisioned first).
    pub(super) uses_bob: bool,
    /// Statuses that count as a refusal.
    pub(super) refusals: &'static [u16],
    pub(super) build: Build,
}

/// The refusal of most attacks.
pub(super) const UNAUTHORIZED: &[u16] = &[401];
/// Tokens too garbled to parse may also be refused as a bad request.
pub(super) const GARBLED: &[u16] = &[401, 400];
