//! Task bodies: objects of task members near the contract's limits (maybe
//! repeated, escaped, of the wrong type), any JSON, any bytes, and
//! plausible bodies with bytes changed.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use todo_reference_server::{MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS};

use crate::tokens::{Doc, any_json, any_json_text, any_text, member_name, text};

const TASK_NAMES: &[&str] = &["title", "description", "completed", "id", "user_id"];

/// A request body.
pub fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => body_object().prop_map(String::into_bytes),
        1 => any_json_text().prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 0..64),
        2 => (body_object(), prop::collection::vec((any::<Index>(), any::<u8>()), 1..3))
            .prop_map(|(text, changes)| changed(text.into_bytes(), &changes)),
    ]
}

/// The `Content-Type`, and whether it says JSON.
pub fn content_type() -> impl Strategy<Value = (Option<&'static str>, bool)> {
    prop_oneof![
        8 => Just((Some("application/json"), true)),
        1 => Just((Some("application/json; charset=utf-8"), true)),
        1 => Just((Some("application/merge-patch+json"), true)),
        1 => Just((Some("text/plain"), false)),
        1 => Just((None, false)),
    ]
}

fn changed(mut bytes: Vec<u8>, changes: &[(Index, u8)]) -> Vec<u8> {
    for (at, byte) in changes {
        let at = at.index(bytes.len());
        bytes[at] = *byte;
    }
    bytes
}

/// An object, usually with a title, and other members in any order.
fn body_object() -> impl Strategy<Value = String> {
    let title = (
        Just(text("title")),
        field_value(MAX_TITLE_CHARS).prop_map(|value| value.to_string()),
    );
    (
        prop::option::weighted(0.8, title),
        prop::collection::vec(body_member(), 0..4),
    )
        .prop_flat_map(|(title, others)| {
            Just([Vec::from_iter(title), others].concat()).prop_shuffle()
        })
        .prop_map(|members| Doc::Object(members).text())
}

/// A member, often one the server reads, with a value for it.
fn body_member() -> impl Strategy<Value = (String, String)> {
    let value = |limit| field_value(limit).prop_map(|value| value.to_string());
    prop_oneof![
        3 => (member_name(&["title"]), value(MAX_TITLE_CHARS)),
        2 => (member_name(&["description"]), value(MAX_DESCRIPTION_CHARS)),
        1 => (member_name(&["completed"]), any::<bool>().prop_map(|completed| completed.to_string())),
        1 => (member_name(TASK_NAMES), any_json_text()),
    ]
}

/// A task field's value: mostly a string near the limit, or another type.
fn field_value(limit: usize) -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => text_near(limit).prop_map(Value::from),
        2 => any_text().prop_map(Value::from),
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::from),
        1 => any_json(),
    ]
}

/// A string of about `limit` characters (or none, or one), of one- to
/// four-byte characters, maybe with whitespace around it and a NUL in it.
fn text_near(limit: usize) -> impl Strategy<Value = String> {
    let character = prop::sample::select(vec!['a', 'é', '€', '𝄞', ' ']);
    let length = prop_oneof![Just(0), Just(1), limit - 1..=limit + 1];
    let nul = prop::bool::weighted(0.1);
    (whitespace(), length, character, whitespace(), nul).prop_map(
        |(before, length, character, after, nul)| {
            let mut core: String = std::iter::repeat_n(character, length).collect();
            if nul {
                // All characters have the same width: the middle is a boundary.
                core.insert(length / 2 * character.len_utf8(), '\0');
            }
            format!("{before}{core}{after}")
        },
    )
}

/// Whitespace as `str::trim` and the contract see it, ASCII and not.
fn whitespace() -> impl Strategy<Value = String> {
    let space = prop::sample::select(vec![
        ' ', '\t', '\n', '\r', '\u{a0}', '\u{2003}', '\u{3000}',
    ]);
    prop::collection::vec(space, 0..3).prop_map(String::from_iter)
}
