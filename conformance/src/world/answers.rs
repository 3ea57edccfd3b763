//! Reading an answer: what a challenge says, whether a body names a task,
//! and statuses as words.

use serde_json::Value;

use crate::report::redact::conceal;
use crate::target::http::{Cause, Exchange, Received};
use crate::target::profile::Profile;

/// `exchange`'s answer, if it is one the suite can judge; otherwise what
/// happened instead: no answer (a reset, a timeout, a head too large), or
/// a redirect, which the suite never follows, so that what stands behind
/// it goes unseen.
pub fn judgeable(exchange: &Exchange) -> Result<&Received, String> {
    let sent = || conceal(&exchange.request.to_string());
    match &exchange.response {
        Err(unanswered) if unanswered.cause == Cause::Other => {
            Err(format!("{} got no answer: {unanswered}", sent()))
        }
        Err(unanswered) => Err(format!(
            "{} got no answer: {}",
            sent(),
            unanswered.cause.says()
        )),
        Ok(received) if (300..400).contains(&received.status) => Err(format!(
            "{} was answered {}, a redirect to {}, which the suite does not follow",
            sent(),
            received.status,
            received
                .header("location")
                .unwrap_or("nowhere (no Location)")
        )),
        Ok(received) => Ok(received),
    }
}

/// Whether the connection was closed before any answer came.
pub fn closed_unanswered(exchange: &Exchange) -> bool {
    matches!(&exchange.response, Err(unanswered) if unanswered.cause == Cause::Closed)
}

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

/// Whether `body` holds, at any depth, a task whose id is `id`: an object
/// with that id and a title, not any object that has that id (with integer
/// ids, a user or an owner may have it too).
pub fn holds_task_with_id(profile: &Profile, body: &Value, id: &str) -> bool {
    match body {
        Value::Array(items) => items
            .iter()
            .any(|item| holds_task_with_id(profile, item, id)),
        Value::Object(fields) => {
            (profile.id_of(body) == id && profile.task(body).get("title").is_some())
                || fields
                    .values()
                    .any(|value| holds_task_with_id(profile, value, id))
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

/// An answer with an id masked out: its status and its body, as JSON when
/// it is JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Json(Value),
    Text(String),
}

/// Stands for the masked id.
const MASK: &str = "{id}";

/// `exchange`'s answer with `id` masked wherever it stands alone, in a
/// string or as a number: a 404 that names the id it was asked about says
/// nothing about any other. `None` without an answer.
pub fn answer(exchange: &Exchange, id: &str) -> Option<Answer> {
    let received = exchange.response.as_ref().ok()?;
    let body = match received.json() {
        Some(json) => Body::Json(mask_json(json, id)),
        None => Body::Text(mask_text(&received.text(), id)),
    };
    Some(Answer {
        status: received.status,
        body,
    })
}

/// An answer as a finding shows it.
pub fn shown(answer: Option<&Answer>) -> String {
    match answer {
        None => "no answer".to_owned(),
        Some(Answer {
            status,
            body: Body::Json(json),
        }) => format!("{status} {json}"),
        Some(Answer {
            status,
            body: Body::Text(text),
        }) => format!("{status} {text:?}"),
    }
}

fn mask_json(value: Value, id: &str) -> Value {
    match value {
        Value::String(text) => Value::String(mask_text(&text, id)),
        Value::Number(number) if number.to_string() == id => Value::String(MASK.to_owned()),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|item| mask_json(item, id)).collect())
        }
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(name, value)| (name, mask_json(value, id)))
                .collect(),
        ),
        other => other,
    }
}

/// `text` with every occurrence of `id` that no letter or digit touches
/// replaced by the mask.
fn mask_text(text: &str, id: &str) -> String {
    if id.is_empty() {
        return text.to_owned();
    }
    let alone = |next: Option<char>| next.is_none_or(|c| !c.is_ascii_alphanumeric());
    let mut masked = String::with_capacity(text.len());
    let mut rest = text;
    let mut previous = None;
    while let Some(at) = rest.find(id) {
        let (head, tail) = rest.split_at(at);
        let before = head.chars().last().or(previous);
        let after = tail[id.len()..].chars().next();
        masked.push_str(head);
        masked.push_str(if alone(before) && alone(after) {
            MASK
        } else {
            id
        });
        previous = id.chars().last();
        rest = &tail[id.len()..];
    }
    masked.push_str(rest);
    masked
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{holds_a_task, mask_json, mask_text};
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

    #[test]
    fn an_id_is_masked_only_where_it_stands_alone() {
        assert_eq!(mask_text("task 42 not found", "42"), "task {id} not found");
        assert_eq!(mask_text("task 142 or 42x", "42"), "task 142 or 42x");
        assert_eq!(mask_text("42", "42"), "{id}");
        assert_eq!(
            mask_text("/tasks/42/complete", "42"),
            "/tasks/{id}/complete"
        );
        assert_eq!(
            mask_json(
                json!({"detail": "Task 42 not found", "id": 42, "n": 7}),
                "42"
            ),
            json!({"detail": "Task {id} not found", "id": "{id}", "n": 7})
        );
        let uuid = "d77b72e8-9d79-451f-a9f8-1c0d020a0ca7";
        assert_eq!(
            mask_json(json!({"detail": format!("no task {uuid}")}), uuid),
            json!({"detail": "no task {id}"})
        );
    }
}
