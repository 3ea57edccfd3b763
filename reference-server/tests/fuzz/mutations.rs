//! Changes to a valid token, as an attacker or a broken proxy would make
//! them: bytes, segments, encodings, header and claims, and forgeries with
//! the keys an attacker has or guesses.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::Algorithm;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

use crate::server::KEYS;
use crate::tokens::{
    Doc, Mode, VICTIM_TOKENS, attacker_key, b64, claims_doc, ed25519, header_doc, hmac, mode,
};

/// Who signs a forgery.
#[derive(Debug, Clone, Copy)]
pub enum Forger {
    Unsigned,
    /// HS256, HS384 or HS512 with a key an attacker knows or guesses.
    Hmac(Algorithm, HmacKey),
    /// Another Ed25519 key, under the server's `kid`.
    OtherEd25519,
}

/// The HMAC keys of key-confusion attacks.
#[derive(Debug, Clone, Copy)]
pub enum HmacKey {
    Empty,
    /// The Ed25519 public key's bytes.
    PublicKey,
    /// Its JWK's `x`.
    PublicX,
    /// The whole JWK.
    PublicJwk,
    /// The secret with its last character changed.
    Wrong,
}

fn forger() -> impl Strategy<Value = Forger> {
    let algorithm =
        prop::sample::select(vec![Algorithm::HS256, Algorithm::HS384, Algorithm::HS512]);
    let key = prop::sample::select(vec![
        HmacKey::Empty,
        HmacKey::PublicKey,
        HmacKey::PublicX,
        HmacKey::PublicJwk,
        HmacKey::Wrong,
    ]);
    prop_oneof![
        Just(Forger::Unsigned),
        (algorithm, key).prop_map(|(algorithm, key)| Forger::Hmac(algorithm, key)),
        Just(Forger::OtherEd25519),
    ]
}

impl Forger {
    fn sign(self, header: &Doc, claims: &Doc) -> Vec<u8> {
        let input = format!("{}.{}", b64(header.text()), b64(claims.text()));
        let signature = match self {
            Self::Unsigned => String::new(),
            Self::Hmac(algorithm, key) => hmac(algorithm, &key.bytes(), &input),
            Self::OtherEd25519 => ed25519(&attacker_key(), &input),
        };
        format!("{input}.{signature}").into_bytes()
    }
}

impl HmacKey {
    fn bytes(self) -> Vec<u8> {
        let jwk = &KEYS.jwk;
        match self {
            Self::Empty => Vec::new(),
            Self::PublicKey => KEYS.ed25519.verifying_key().as_bytes().to_vec(),
            Self::PublicX => jwk["x"].as_str().unwrap_or_default().as_bytes().to_vec(),
            Self::PublicJwk => jwk.to_string().into_bytes(),
            Self::Wrong => {
                let mut secret = crate::server::SECRET.as_bytes().to_vec();
                if let Some(last) = secret.last_mut() {
                    *last ^= 1;
                }
                secret
            }
        }
    }
}

/// One change to a token.
#[derive(Debug, Clone)]
pub enum Mutation {
    FlipBit(Index, u8),
    Truncate(Index),
    Insert(Index, u8),
    Remove(Index),
    SwapSegments(Index, Index),
    DuplicateSegment(Index),
    DropSegment(Index),
    AppendSegment(String),
    ReplaceSegment(Index, String),
    /// A segment from the victim's valid token of either mode.
    Splice(Index, Mode),
    /// A segment re-encoded in the standard alphabet, with padding.
    StandardBase64(Index),
    /// A segment with `=` padding added.
    Padded(Index),
    /// The last character of a segment changed in its low bits, which for
    /// the last character are partly padding a lenient decoder ignores.
    TrailingBits(Index, u8),
    /// A segment's JSON written out again: the same content, pretty.
    Reserialized(Index),
    UpperCase(Index),
    LowerCase(Index),
    /// Another header; the claims and signature kept.
    Header(Doc),
    /// Other claims; the header and signature kept.
    Claims(Doc),
    /// Another header and claims, signed by the attacker.
    Forged(Doc, Doc, Forger),
}

/// One to three changes to a token for `sub`.
pub fn mutations(sub: String) -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(sub), 1..4)
}

fn mutation(sub: String) -> impl Strategy<Value = Mutation> {
    let segment = "[A-Za-z0-9_-]{0,40}";
    let index = any::<Index>;
    prop_oneof![
        4 => (index(), 0..8u8).prop_map(|(at, bit)| Mutation::FlipBit(at, bit)),
        1 => index().prop_map(Mutation::Truncate),
        2 => (index(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        1 => index().prop_map(Mutation::Remove),
        1 => (index(), index()).prop_map(|(a, b)| Mutation::SwapSegments(a, b)),
        1 => index().prop_map(Mutation::DuplicateSegment),
        1 => index().prop_map(Mutation::DropSegment),
        1 => segment.prop_map(Mutation::AppendSegment),
        1 => (index(), segment).prop_map(|(at, text)| Mutation::ReplaceSegment(at, text)),
        2 => (index(), mode()).prop_map(|(at, mode)| Mutation::Splice(at, mode)),
        1 => index().prop_map(Mutation::StandardBase64),
        1 => index().prop_map(Mutation::Padded),
        2 => (index(), 1..16u8).prop_map(|(at, bits)| Mutation::TrailingBits(at, bits)),
        1 => index().prop_map(Mutation::Reserialized),
        1 => index().prop_map(Mutation::UpperCase),
        1 => index().prop_map(Mutation::LowerCase),
        3 => mode().prop_flat_map(header_doc).prop_map(Mutation::Header),
        3 => claims_doc(sub.clone()).prop_map(Mutation::Claims),
        3 => (mode().prop_flat_map(header_doc), claims_doc(sub), forger())
            .prop_map(|(header, claims, forger)| Mutation::Forged(header, claims, forger)),
    ]
}

impl Mutation {
    pub fn apply(&self, token: &[u8]) -> Vec<u8> {
        match self {
            Self::FlipBit(at, bit) => edit_bytes(token, |bytes| {
                if !bytes.is_empty() {
                    let at = at.index(bytes.len());
                    bytes[at] ^= 1 << bit;
                }
            }),
            Self::Truncate(at) => {
                edit_bytes(token, |bytes| bytes.truncate(at.index(bytes.len() + 1)))
            }
            Self::Insert(at, byte) => edit_bytes(token, |bytes| {
                bytes.insert(at.index(bytes.len() + 1), *byte);
            }),
            Self::Remove(at) => edit_bytes(token, |bytes| {
                if !bytes.is_empty() {
                    bytes.remove(at.index(bytes.len()));
                }
            }),
            Self::SwapSegments(a, b) => edit_segments(token, |segments| {
                let count = segments.len();
                segments.swap(a.index(count), b.index(count));
            }),
            Self::DuplicateSegment(at) => edit_segments(token, |segments| {
                let at = at.index(segments.len());
                segments.insert(at, segments[at].clone());
            }),
            Self::DropSegment(at) => edit_segments(token, |segments| {
                segments.remove(at.index(segments.len()));
            }),
            Self::AppendSegment(text) => [token, b".", text.as_bytes()].concat(),
            Self::ReplaceSegment(at, text) => with_segment(token, *at, |_| text.clone().into()),
            Self::Splice(at, mode) => {
                let donor = split(VICTIM_TOKENS[mode].as_bytes());
                with_segment(token, *at, |_| donor[at.index(donor.len())].clone())
            }
            Self::StandardBase64(at) => with_segment(token, *at, |segment| {
                reencoded(segment, |bytes| STANDARD.encode(bytes))
            }),
            Self::Padded(at) => with_segment(token, *at, |segment| [segment, b"="].concat()),
            Self::TrailingBits(at, bits) => {
                with_segment(token, *at, |segment| trailing_bits(segment, *bits))
            }
            Self::Reserialized(at) => with_segment(token, *at, |segment| {
                reencoded(segment, |bytes| b64(pretty(bytes)))
            }),
            Self::UpperCase(at) => with_segment(token, *at, <[u8]>::to_ascii_uppercase),
            Self::LowerCase(at) => with_segment(token, *at, <[u8]>::to_ascii_lowercase),
            Self::Header(header) => with_json(token, 0, header),
            Self::Claims(claims) => with_json(token, 1, claims),
            Self::Forged(header, claims, forger) => forger.sign(header, claims),
        }
    }
}

fn edit_bytes(token: &[u8], edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut bytes = token.to_vec();
    edit(&mut bytes);
    bytes
}

fn split(token: &[u8]) -> Vec<Vec<u8>> {
    token
        .split(|&byte| byte == b'.')
        .map(<[u8]>::to_vec)
        .collect()
}

/// `split` never gives an empty list, so the edits can index it.
fn edit_segments(token: &[u8], edit: impl FnOnce(&mut Vec<Vec<u8>>)) -> Vec<u8> {
    let mut segments = split(token);
    edit(&mut segments);
    segments.join(&b'.')
}

/// `token` with segment `at` changed by `change`.
fn with_segment(token: &[u8], at: Index, change: impl FnOnce(&[u8]) -> Vec<u8>) -> Vec<u8> {
    edit_segments(token, |segments| {
        let at = at.index(segments.len());
        segments[at] = change(&segments[at]);
    })
}

/// `token` with segment `at`, if there is one, replaced by `json` encoded.
fn with_json(token: &[u8], at: usize, json: &Doc) -> Vec<u8> {
    edit_segments(token, |segments| {
        if let Some(segment) = segments.get_mut(at) {
            *segment = b64(json.text()).into_bytes();
        }
    })
}

/// The segment decoded and encoded again by `encode`; kept when it does
/// not decode.
fn reencoded(segment: &[u8], encode: impl FnOnce(Vec<u8>) -> String) -> Vec<u8> {
    match URL_SAFE_NO_PAD.decode(segment) {
        Ok(bytes) => encode(bytes).into_bytes(),
        Err(_) => segment.to_vec(),
    }
}

/// JSON written out pretty; other bytes kept.
fn pretty(bytes: Vec<u8>) -> Vec<u8> {
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(value) => serde_json::to_vec_pretty(&value).unwrap_or(bytes),
        Err(_) => bytes,
    }
}

/// The last base64url character with its low four bits flipped by `bits`.
fn trailing_bits(segment: &[u8], bits: u8) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut segment = segment.to_vec();
    if let Some(last) = segment.last_mut()
        && let Some(value) = ALPHABET.iter().position(|c| c == last)
    {
        *last = ALPHABET[value ^ usize::from(bits & 0x0f)];
    }
    segment
}
