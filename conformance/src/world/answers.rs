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

/// Whether `body` holds, at any depth, a task: an object with an id and a
/// title, in the profile's names.
pub fn holds_a_task(profile: &Profile, body: &Value) -> bool {
    match body {
        Value::Array(items) => items.iter().any(|item| holds_a_task(profile, item)),
        Value::Object(fields) => {
            (!profile.id_of(body).is_empty() && profile.task(body).get("title").is_some())
                || fields.values().any(|value| holds_a_task(profile, value))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::holds_a_task;
    use crate::target::profile::Profile;

    #[test]
    fn a_task_is_an_object_with_an_id_and_a_title_at_any_depth() {
        let seed = Profile::seed();
        assert!(holds_a_task(&seed, &json!([{"id": 7, "title": "x"}])));
        assert!(holds_a_task(
            &seed,
            &json!({"items": [{"id": "a", "title": ""}]})
        ));
        assert!(!holds_a_task(&seed, &json!([])));
        assert!(!holds_a_task(&seed, &json!({"items": [], "total": 0})));
        assert!(!holds_a_task(
            &seed,
            &json!({"detail": "not found", "id": 3})
        ));
    }
}
