//! Reading an answer: what a challenge says, whether a body names a task,
//! and statuses as words.

use serde_json::Value;

use crate::target::profile::Profile;

/// `204`, or `200 or 204`.
pub fn statuses(codes: &[u16]) -> String {
    codes
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A `WWW-Authenticate` challenge for the Bearer scheme (RFC 6750 §3).
pub fn names_bearer(challenge: &str) -> bool {
    challenge
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("bearer")
}

/// A Bearer challenge that says the presented token was refused (§3.1).
pub fn says_invalid_token(challenge: &str) -> bool {
    names_bearer(challenge) && challenge.contains("error=\"invalid_token\"")
}

/// Whether `body` holds, at any depth, an object whose id is `id`.
pub fn mentions_task(profile: &Profile, body: &Value, id: &str) -> bool {
    match body {
        Value::Array(items) => items.iter().any(|item| mentions_task(profile, item, id)),
        Value::Object(fields) => {
            profile.id_of(body) == id
                || fields
                    .values()
                    .any(|value| mentions_task(profile, value, id))
        }
        _ => false,
    }
}
