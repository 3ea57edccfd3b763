//! Request bodies for declared operations, generated from their schemas by
//! `vld-fake` (types, formats, enums, lengths), so that the owner's own
//! request, the sweep's positive control, is one the target accepts.

use serde_json::{Map, Value};

use super::{Location, Operation};

/// Body fields that name an owner: the mass-assignment check sets them to
/// another user, and a generated body never carries them.
pub const OWNER_FIELDS: [&str; 4] = ["user_id", "userId", "owner_id", "owner"];

/// A body that `operation`'s schema accepts, or `None` when it takes none.
/// `seed` makes it the same body on every run.
pub fn valid_body(operation: &Operation, seed: u64) -> Option<Value> {
    let schema = without_owner_fields(operation.body.as_ref()?.clone());
    Some(vld_fake::fake_value_seeded(&schema, seed))
}

/// Values for `operation`'s required query parameters, from their schemas.
pub fn required_query(operation: &Operation, seed: u64) -> Vec<(String, String)> {
    operation
        .params
        .iter()
        .filter(|param| param.location == Location::Query && param.required)
        .map(|param| {
            let value = match vld_fake::fake_value_seeded(&param.schema, seed) {
                Value::String(text) => text,
                other => other.to_string(),
            };
            (param.name.clone(), value)
        })
        .collect()
}

/// `body` with every owner field set to `owner`: what a mass-assignment
/// attempt adds to an otherwise valid body.
pub fn naming_owner(body: Option<Value>, owner: &str) -> Value {
    let mut fields = match body {
        Some(Value::Object(fields)) => fields,
        _ => Map::new(),
    };
    for field in OWNER_FIELDS {
        fields.insert(field.to_owned(), Value::String(owner.to_owned()));
    }
    Value::Object(fields)
}

/// The schema without owner properties, at the top level, where a body
/// would name its owner.
fn without_owner_fields(mut schema: Value) -> Value {
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for field in OWNER_FIELDS {
            properties.remove(field);
        }
    }
    if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|name| !name.as_str().is_some_and(|n| OWNER_FIELDS.contains(&n)));
    }
    schema
}

#[cfg(test)]
mod tests {
    use reqwest::Method;
    use serde_json::json;

    use super::*;

    fn taking(schema: Value) -> Operation {
        Operation {
            body: Some(schema),
            ..Operation::bare(Method::POST, "/api/things")
        }
    }

    #[test]
    fn a_generated_body_meets_its_schema_and_names_no_owner() {
        let schema = json!({
            "type": "object",
            "required": ["title", "email", "status", "user_id"],
            "properties": {
                "title": {"type": "string", "minLength": 1, "maxLength": 20},
                "email": {"type": "string", "format": "email"},
                "status": {"type": "string", "enum": ["open", "done"]},
                "user_id": {"type": "string"}
            }
        });
        for seed in 0..20 {
            let body = valid_body(&taking(schema.clone()), seed).expect("a body");
            let title = body["title"].as_str().expect("a title");
            assert!((1..=20).contains(&title.chars().count()), "{body}");
            assert!(
                body["email"].as_str().is_some_and(|e| e.contains('@')),
                "{body}"
            );
            assert!(["open", "done"].contains(&body["status"].as_str().unwrap_or("")));
            assert!(body.get("user_id").is_none(), "{body}");
        }
        let mut none = taking(json!({}));
        none.body = None;
        assert_eq!(valid_body(&none, 1), None);
    }

    #[test]
    fn naming_an_owner_sets_every_owner_field() {
        let body = naming_owner(Some(json!({"title": "t"})), "bob");
        assert_eq!(body["title"], "t");
        for field in OWNER_FIELDS {
            assert_eq!(body[field], "bob");
        }
    }
}
