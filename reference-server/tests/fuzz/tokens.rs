//! Building tokens, and generating the JSON they carry: headers and claim
//! sets that are valid, nearly valid, or contradictory (repeated members,
//! escaped names, values of the wrong type).

use std::collections::HashMap;
use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};
use jsonwebtoken::{Algorithm, EncodingKey};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::server::{ISSUER, KEYS, KID, SECRET, public_jwk, unix_now};

/// Whose tokens the attacker has, besides the one being mutated.
pub const VICTIM: &str = "victim-user";
/// Valid tokens stay valid this long: past the end of a long run.
const TOKEN_TTL_SECS: u64 = 86_400;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Hs256,
    EdDsa,
}

impl Mode {
    pub fn alg(self) -> &'static str {
        match self {
            Self::Hs256 => "HS256",
            Self::EdDsa => "EdDSA",
        }
    }
}

pub fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![Just(Mode::Hs256), Just(Mode::EdDsa)]
}

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hmac(algorithm: Algorithm, key: &[u8], input: &str) -> String {
    jsonwebtoken::crypto::sign(input.as_bytes(), &EncodingKey::from_secret(key), algorithm)
        .expect("HMAC signing")
}

pub fn ed25519(key: &SigningKey, input: &str) -> String {
    b64(key.sign(input.as_bytes()).to_bytes())
}

/// `header.claims.signature`, signed with the server's own key for `mode`.
pub fn signed(mode: Mode, header: &str, claims: &str) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let signature = match mode {
        Mode::Hs256 => hmac(Algorithm::HS256, SECRET.as_bytes(), &input),
        Mode::EdDsa => ed25519(&KEYS.ed25519, &input),
    };
    format!("{input}.{signature}")
}

/// The header of valid tokens: the mode's `alg`, and for EdDSA the `kid`.
fn valid_header(mode: Mode) -> Vec<(String, String)> {
    let mut members = vec![(text("alg"), text(mode.alg()))];
    if mode == Mode::EdDsa {
        members.push((text("kid"), text(KID)));
    }
    members
}

/// The claims of valid tokens, in the issuers' format.
fn valid_claims(sub: &str) -> Vec<(String, String)> {
    let now = unix_now();
    vec![
        (text("sub"), text(sub)),
        (text("exp"), (now + TOKEN_TTL_SECS).to_string()),
        (text("iat"), now.to_string()),
        (text("iss"), text(ISSUER)),
        (text("aud"), text(ISSUER)),
    ]
}

/// A token the server must accept as `sub`.
pub fn valid_token(mode: Mode, sub: &str) -> String {
    let header = Doc::Object(valid_header(mode)).text();
    signed(mode, &header, &Doc::Object(valid_claims(sub)).text())
}

/// The victim's valid tokens, by mode.
pub static VICTIM_TOKENS: LazyLock<HashMap<Mode, String>> = LazyLock::new(|| {
    [Mode::Hs256, Mode::EdDsa]
        .into_iter()
        .map(|mode| (mode, valid_token(mode, VICTIM)))
        .collect()
});

/// A generated JSON document: an object as its members' texts (so that a
/// name can repeat, and be written with escapes), or any other JSON text.
#[derive(Debug, Clone)]
pub enum Doc {
    Object(Vec<(String, String)>),
    Other(String),
}

/// An object's members by name, unescaped; a repeated name has several values.
pub type Members = HashMap<String, Vec<Value>>;

impl Doc {
    pub fn text(&self) -> String {
        match self {
            Self::Object(members) => {
                let members: Vec<String> = members
                    .iter()
                    .map(|(name, value)| format!("{name}:{value}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            }
            Self::Other(text) => text.clone(),
        }
    }

    /// The members, when the document is an object.
    pub fn members(&self) -> Option<Members> {
        let mut members = Members::new();
        match self {
            Self::Object(written) => {
                for (name, value) in written {
                    let name: String = serde_json::from_str(name).ok()?;
                    // A number serde_json cannot represent (`1e400`) is valid
                    // JSON, but no valid value of any claim: null stands in.
                    let value = serde_json::from_str(value).unwrap_or(Value::Null);
                    members.entry(name).or_default().push(value);
                }
            }
            Self::Other(text) => match serde_json::from_str(text).ok()? {
                Value::Object(object) => {
                    for (name, value) in object {
                        members.insert(name, vec![value]);
                    }
                }
                _ => return None,
            },
        }
        Some(members)
    }
}

/// A JSON string.
pub fn text(value: &str) -> String {
    Value::from(value).to_string()
}

/// Any characters, control characters and NUL included.
pub fn any_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter)
}

/// Any JSON value, small.
pub fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any_text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((any_text(), inner), 0..5)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

pub fn any_json_text() -> impl Strategy<Value = String> {
    any_json().prop_map(|value| value.to_string())
}

/// A member name, often one the server reads, sometimes escaped or in
/// another case, so that only a real JSON parser sees the same name.
pub fn member_name(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(names).prop_map(text),
        1 => prop::sample::select(names).prop_map(escaped),
        1 => prop::sample::select(names).prop_map(|name| text(&name.to_uppercase())),
        1 => any_text().prop_map(|name| text(&name)),
    ]
}

/// `"name"` with its first character as a `\u` escape.
fn escaped(name: &str) -> String {
    let mut chars = name.chars();
    let first = chars.next().map_or(0, u32::from);
    format!("\"\\u{first:04x}{}\"", chars.as_str())
}

/// Valid members, all or some, with others added (maybe repeating or
/// contradicting one), in any order.
fn object_around(
    valid: Vec<(String, String)>,
    extra: impl Strategy<Value = (String, String)>,
) -> impl Strategy<Value = Doc> {
    let base = prop_oneof![
        3 => Just(valid.clone()),
        1 => prop::sample::subsequence(valid.clone(), 0..=valid.len()),
    ];
    (base, prop::collection::vec(extra, 0..3))
        .prop_flat_map(|(base, extra)| Just([base, extra].concat()).prop_shuffle())
        .prop_map(Doc::Object)
}

// --- headers ------------------------------------------------------------------

const HEADER_NAMES: &[&str] = &["alg", "kid", "typ", "crit", "jwk", "jku", "x5u", "cty"];

/// A header around the valid one of `mode`.
pub fn header_doc(mode: Mode) -> impl Strategy<Value = Doc> {
    object_around(valid_header(mode), header_member())
}

/// A header member: a name, and a value that means something for it.
fn header_member() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        3 => (member_name(&["alg"]), alg_value()),
        2 => (member_name(&["kid"]), kid_value()),
        1 => (member_name(HEADER_NAMES), header_value()),
        1 => (member_name(HEADER_NAMES), any_json_text()),
    ]
}

fn alg_value() -> impl Strategy<Value = String> {
    const ALGS: &[&str] = &[
        "HS256", "EdDSA", "none", "None", "NONE", "nOnE", "HS384", "HS512", "RS256", "ES256",
        "PS256", "EDDSA", "eddsa", "hs256", "", "HS256 ", "Ed25519",
    ];
    prop_oneof![
        6 => prop::sample::select(ALGS).prop_map(text),
        1 => Just(format!("[{}]", text("HS256"))),
        1 => Just("null".to_owned()),
        1 => any_json_text(),
    ]
}

fn kid_value() -> impl Strategy<Value = String> {
    const KIDS: &[&str] = &[
        KID,
        "",
        "other-key",
        "fuzz-key ",
        "FUZZ-KEY",
        "fuzz-key\u{0}",
        "../../../../dev/null",
        "' UNION SELECT '1'--",
        "$(sleep 5)",
    ];
    prop_oneof![
        6 => prop::sample::select(KIDS).prop_map(text),
        1 => Just(format!("[{}]", text(KID))),
        1 => any_json_text(),
    ]
}

/// Header values attacks use: keys and key URLs in the token, `crit`.
fn header_value() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        public_jwk(&attacker_key(), KID).to_string(),
        KEYS.jwk.to_string(),
        text("http://127.0.0.1:9/jwks"),
        format!("[{}]", text("exp")),
        "[]".to_owned(),
        text("JWT"),
        text("at+jwt"),
    ])
}

/// A key the attacker made, not the server's.
pub fn attacker_key() -> SigningKey {
    SigningKey::from_bytes(&[0x66; 32])
}

// --- claims -------------------------------------------------------------------

const CLAIM_NAMES: &[&str] = &[
    "sub", "exp", "nbf", "iat", "iss", "aud", "user_id", "id", "email",
];

/// A claim set around a valid one for `sub`; sometimes not an object.
pub fn claims_doc(sub: String) -> impl Strategy<Value = Doc> {
    let array = prop::collection::vec(subject_value(sub.clone()), 0..4)
        .prop_map(|values| Doc::Other(format!("[{}]", values.join(","))));
    prop_oneof![
        12 => object_around(valid_claims(&sub), claim(sub)),
        1 => array,
        1 => any_json_text().prop_map(Doc::Other),
    ]
}

/// A claim: a name, and a value that means something for it.
fn claim(sub: String) -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        2 => (member_name(&["sub"]), subject_value(sub)),
        2 => (member_name(&["exp", "nbf"]), time_value()),
        1 => (member_name(&["iss", "aud"]), audience_value()),
        1 => (member_name(CLAIM_NAMES), any_json_text()),
    ]
}

/// A subject: the user's, the victim's, or a lookalike.
fn subject_value(sub: String) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(text(&sub)),
        1 => Just(text(VICTIM)),
        1 => Just(text(&format!("{sub}\0"))),
        1 => prop::sample::select(vec![text(""), "7".to_owned(), "null".to_owned()]),
        1 => Just(format!("[{}]", text(&sub))),
        1 => Just(json!({"id": sub}).to_string()),
        1 => any_json_text(),
    ]
}

/// Seconds from now: some well past, some within the leeway, some ahead.
fn offset() -> impl Strategy<Value = i64> {
    prop::sample::select(vec![
        -400_000_000,
        -86_400,
        -3600,
        -120,
        -10,
        0,
        10,
        120,
        3600,
        86_400 * 365 * 50,
    ])
}

/// A time claim: usually a number of seconds, sometimes a lookalike.
fn time_value() -> impl Strategy<Value = String> {
    let now = unix_now().cast_signed();
    prop_oneof![
        6 => offset().prop_map(move |offset| (now + offset).to_string()),
        1 => offset().prop_map(move |offset| text(&(now + offset).to_string())),
        1 => offset().prop_map(move |offset| format!("{}.5", now + offset)),
        1 => offset().prop_map(move |offset| format!("{}e0", now + offset)),
        1 => prop::sample::select(vec![
            "null", "-1", "0", "18446744073709551615", "18446744073709551616", "1e400", "true",
        ])
        .prop_map(str::to_owned),
    ]
}

/// An `iss` or `aud`: the issuer, in a list, or something else.
fn audience_value() -> impl Strategy<Value = String> {
    let evil = text("https://evil.test");
    prop_oneof![
        6 => Just(text(ISSUER)),
        1 => Just(format!("[{}]", text(ISSUER))),
        1 => Just(format!("[{},{evil}]", text(ISSUER))),
        1 => prop::sample::select(vec![evil, "[]".to_owned(), "null".to_owned(), text("")]),
        1 => any_json_text(),
    ]
}
