//! Tokens too garbled, or too big, to parse: they may also be refused as a
//! bad request, or for their size.

use serde_json::json;

use super::attack::{Attack, Entry, GARBLED, Need};
use crate::tokens::forge::{hs256_header, random_bytes, sign_hmac};

pub(super) fn entries() -> Vec<Entry> {
    vec![
        Entry {
            attack: Attack::NonBase64Url,
            name: "non-base64url characters".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: GARBLED,
            build: Box::new(|with| Ok(with.alice.token.replacen('.', "!*$.", 1))),
        },
        Entry {
            attack: Attack::NonBase64UrlSignature,
            name: "non-base64url characters in the signature".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: GARBLED,
            build: Box::new(|with| {
                let token = &with.alice.token;
                let middle = token
                    .rfind('.')
                    .map_or(token.len(), |dot| dot + (token.len() - dot) / 2);
                Ok(format!("{}!*${}", &token[..middle], &token[middle..]))
            }),
        },
        Entry {
            attack: Attack::FiveSegments,
            name: "five segments (JWE-shaped)".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: GARBLED,
            build: Box::new(|with| Ok(format!("{}.AAAA.BBBB", with.alice.token))),
        },
        Entry {
            attack: Attack::Whitespace,
            name: "whitespace inside the token".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: GARBLED,
            build: Box::new(|with| {
                let token = &with.alice.token;
                let middle = token.len() / 2;
                Ok(format!("{} {}", &token[..middle], &token[middle..]))
            }),
        },
        Entry {
            attack: Attack::Huge,
            name: "a 64 KiB token".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: &[401, 400, 413, 431],
            build: Box::new(|with| {
                let mut claims = with.alice_claims();
                claims["padding"] = json!("A".repeat(64 * 1024));
                Ok(sign_hmac(&hs256_header(), &claims, &random_bytes()))
            }),
        },
    ]
}
