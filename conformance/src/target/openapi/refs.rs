//! Schemas as the suite hands them out: local `$ref`s inlined, and a 3.0
//! document's schema dialect upgraded to 3.1's, the one `oas3` reads.

use serde_json::{Map, Value};

/// How many `$ref`s deep a schema is inlined, and how many it may inline in
/// all: a recursive schema stops where it recurs, and one whose shared
/// parts would multiply (each level naming the next twice) stops here.
const MAX_DEPTH: usize = 32;
const MAX_INLINED: usize = 4096;

/// `schema` with every `#/...` `$ref` replaced by what it points to in
/// `document`. A `$ref` that recurs, points nowhere, or lies past the
/// bounds becomes `{}` (any value): a generator stops there instead of
/// looping.
pub fn inline(schema: &Value, document: &Value) -> Value {
    Inliner {
        document,
        stack: Vec::new(),
        inlined: 0,
    }
    .inline(schema)
}

struct Inliner<'a> {
    document: &'a Value,
    /// The `$ref`s being inlined, outermost first.
    stack: Vec<&'a str>,
    inlined: usize,
}

impl<'a> Inliner<'a> {
    fn inline(&mut self, schema: &'a Value) -> Value {
        match schema {
            Value::Object(members) => match members.get("$ref").and_then(Value::as_str) {
                Some(reference) => self.resolve(reference, members),
                None => Value::Object(
                    members
                        .iter()
                        .map(|(name, value)| (name.clone(), self.inline(value)))
                        .collect(),
                ),
            },
            Value::Array(items) => {
                Value::Array(items.iter().map(|item| self.inline(item)).collect())
            }
            other => other.clone(),
        }
    }

    fn resolve(&mut self, reference: &'a str, members: &'a Map<String, Value>) -> Value {
        let target = reference
            .strip_prefix('#')
            .and_then(|pointer| self.document.pointer(pointer));
        let within = self.stack.len() < MAX_DEPTH
            && self.inlined < MAX_INLINED
            && !self.stack.contains(&reference);
        let Some(target) = target.filter(|_| within) else {
            return Value::Object(Map::new());
        };
        self.inlined += 1;
        self.stack.push(reference);
        let mut resolved = self.inline(target);
        self.stack.pop();
        // 3.1 lets keywords stand beside a `$ref` (a description, a
        // default): they apply too.
        if let Value::Object(resolved) = &mut resolved {
            for (name, value) in members.iter().filter(|(name, _)| *name != "$ref") {
                if !resolved.contains_key(name) {
                    let value = self.inline(value);
                    resolved.insert(name.clone(), value);
                }
            }
        }
        resolved
    }
}

/// A 3.0 document's schemas in 3.1's terms, everywhere in it. `oas3` reads
/// 3.1 only: it refuses 3.0's boolean `exclusiveMinimum` and
/// `exclusiveMaximum`, and would drop `nullable`, so that a generator
/// would never send the null the target accepts.
pub fn upgrade_3_0(value: &mut Value) {
    match value {
        Value::Object(members) => {
            upgrade_schema(members);
            members.values_mut().for_each(upgrade_3_0);
        }
        Value::Array(items) => items.iter_mut().for_each(upgrade_3_0),
        _ => {}
    }
}

/// One object, if it is a 3.0 schema: only boolean keywords are touched,
/// so a property merely named `nullable` is left alone.
fn upgrade_schema(schema: &mut Map<String, Value>) {
    if let Some(Value::Bool(nullable)) = schema.get("nullable").cloned() {
        schema.remove("nullable");
        if nullable {
            if let Some(Value::String(kind)) = schema.get("type").cloned() {
                schema.insert(
                    "type".to_owned(),
                    Value::from(vec![kind, "null".to_owned()]),
                );
            }
            if let Some(Value::Array(values)) = schema.get_mut("enum")
                && !values.contains(&Value::Null)
            {
                values.push(Value::Null);
            }
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(on)) = schema.get(exclusive).cloned() {
            schema.remove(exclusive);
            if on && let Some(limit) = schema.remove(bound) {
                schema.insert(exclusive.to_owned(), limit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn refs_are_inlined_and_recursion_stops() {
        let document = json!({"components": {"schemas": {
            "Task": {"type": "object", "properties": {"id": {"$ref": "#/components/schemas/Id"}, "parent": {"$ref": "#/components/schemas/Task"}}},
            "Id": {"type": "integer"}
        }}});
        let task = inline(
            &json!({"$ref": "#/components/schemas/Task", "description": "d"}),
            &document,
        );
        assert_eq!(task["properties"]["id"], json!({"type": "integer"}));
        assert_eq!(task["description"], "d");
        // The recursion is cut where the schema recurs.
        assert_eq!(task["properties"]["parent"], json!({}));
        assert_eq!(inline(&json!({"$ref": "#/nowhere"}), &document), json!({}));
    }

    #[test]
    fn a_schema_that_doubles_at_every_level_is_bounded() {
        let mut schemas = Map::new();
        for level in 0..40 {
            let next = json!({"$ref": format!("#/components/schemas/L{}", level + 1)});
            schemas.insert(
                format!("L{level}"),
                json!({"properties": {"a": next, "b": next}}),
            );
        }
        let document = json!({"components": {"schemas": schemas}});
        let inlined = inline(&json!({"$ref": "#/components/schemas/L0"}), &document);
        assert!(inlined.to_string().len() < 1_000_000);
    }

    #[test]
    fn three_zero_schemas_are_upgraded() {
        let mut schema = json!({"type": "string", "nullable": true, "enum": ["a"], "properties": {"nullable": {"type": "boolean"}},
            "items": {"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": false}});
        upgrade_3_0(&mut schema);
        assert_eq!(
            schema,
            json!({"type": ["string", "null"], "enum": ["a", null], "properties": {"nullable": {"type": "boolean"}},
                "items": {"type": "integer", "exclusiveMinimum": 0, "maximum": 9}})
        );
    }
}
