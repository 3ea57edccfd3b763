//! `Authorization` values: any bytes, `Bearer`-like schemes followed by
//! anything, valid bearer tokens in any case of the scheme, and
//! three-segment strings whose parts are often well-formed.

use proptest::prelude::*;

use crate::tokens::{Mode, any_json_text, b64, claims_doc, header_doc, mode, valid_token};

/// Any bytes, any characters, or a scheme followed by anything.
pub fn any_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..96),
        prop::collection::vec(any::<char>(), 0..48)
            .prop_map(|chars| String::from_iter(chars).into_bytes()),
        ("(?i)(bearer|basic|token|jwt)?[ \t]{0,3}", "[ -~]{0,80}")
            .prop_map(|(scheme, rest)| format!("{scheme}{rest}").into_bytes()),
    ]
}

/// A header in a list: a valid bearer token for `sub` (the scheme in any
/// case, then one or more spaces), or anything.
#[derive(Debug, Clone)]
pub enum Choice {
    Valid {
        mode: Mode,
        sub: String,
        scheme: String,
        spaces: usize,
    },
    Any(Vec<u8>),
}

pub fn choice() -> impl Strategy<Value = Choice> {
    let valid = (mode(), "[a-z0-9-]{1,20}", "(?i)bearer", 1..4usize).prop_map(
        |(mode, sub, scheme, spaces)| Choice::Valid {
            mode,
            sub,
            scheme,
            spaces,
        },
    );
    prop_oneof![valid, any_value().prop_map(Choice::Any)]
}

impl Choice {
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            Self::Valid {
                mode,
                sub,
                scheme,
                spaces,
            } => format!("{scheme}{}{}", " ".repeat(*spaces), valid_token(*mode, sub)).into_bytes(),
            Self::Any(bytes) => bytes.clone(),
        }
    }
}

/// A three-segment string: a header and claims, then a signature that is
/// random, empty, or the server's own of another token.
pub fn three_segments() -> impl Strategy<Value = String> {
    let signature = prop_oneof![
        segment(),
        (mode(), "[a-z0-9-]{1,12}").prop_map(|(mode, sub)| {
            let token = valid_token(mode, &sub);
            token.rsplit('.').next().unwrap_or_default().to_owned()
        }),
    ];
    (segment(), segment(), signature)
        .prop_map(|(header, claims, signature)| format!("{header}.{claims}.{signature}"))
}

/// Base64 of a header or claims, of any JSON or bytes; base64-like text;
/// or nothing.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        mode()
            .prop_flat_map(header_doc)
            .prop_map(|doc| b64(doc.text())),
        "[a-z0-9-]{1,12}"
            .prop_flat_map(claims_doc)
            .prop_map(|doc| b64(doc.text())),
        any_json_text().prop_map(b64),
        prop::collection::vec(any::<u8>(), 0..64).prop_map(b64),
        "[A-Za-z0-9_+/=-]{0,60}",
        Just(String::new()),
    ]
}
