//! Checks actual HTTP responses against `contract/openapi.yaml`.
//!
//! The document is loaded and compiled once per test binary. For a request
//! whose path matches no path template, or whose method the matched path item
//! does not document, the expected answers are the Responses Objects of the
//! document's root extension `x-unmatched-routes` (`unknownPath`: the JSON 404,
//! `unknownMethod`: the JSON 405). `HEAD` is checked like the path's `GET`,
//! with an empty body.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::{Map, Value, json};

const CONTRACT_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../contract/openapi.yaml");

/// The operation keys of an OpenAPI 3.1 Path Item Object.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Checks a response against contract/openapi.yaml: the path and method are
/// documented, the status is documented for them, and a JSON body matches
/// the documented schema. `path` is the concrete request path without query
/// (e.g. "/api/abc/tasks/123"). Returns a readable explanation on mismatch.
pub fn check_response(method: &str, path: &str, status: u16, body: &[u8]) -> Result<(), String> {
    let contract = contract()
        .as_ref()
        .map_err(|error| format!("{CONTRACT_PATH} is unusable: {error}"))?;
    contract.check(method, path, status, body)
}

fn contract() -> &'static Result<Contract, String> {
    static CONTRACT: OnceLock<Result<Contract, String>> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        let text = std::fs::read_to_string(CONTRACT_PATH).map_err(|error| error.to_string())?;
        let document: Value =
            serde_norway::from_str(&text).map_err(|error| format!("invalid YAML: {error}"))?;
        Contract::compile(&document)
    })
}

struct Contract {
    paths: Vec<PathItem>,
    unknown_path: Responses,
    unknown_method: Responses,
}

struct PathItem {
    template: String,
    /// `None` for a `{param}` segment.
    segments: Vec<Option<String>>,
    /// Lower-case method → its documented responses.
    operations: BTreeMap<String, Responses>,
}

/// Status key (`"200"`, `"4XX"`, `"default"`) → what its body must be.
struct Responses(BTreeMap<String, Body>);

enum Body {
    /// Documented without content: the body must be empty.
    Empty,
    /// JSON content: the body must parse and, when there is a schema, match it.
    Json {
        schema: String,
        validator: Option<Box<Validator>>,
    },
    /// Content of a non-JSON media type only: not checked.
    Unchecked,
}

impl Contract {
    fn compile(document: &Value) -> Result<Self, String> {
        if !document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
        {
            return Err("`openapi` is not 3.1.x".to_owned());
        }
        let compiler = Compiler { document };
        let paths = document["paths"]
            .as_object()
            .ok_or("`paths` is missing")?
            .iter()
            .map(|(template, item)| compiler.path_item(template, item))
            .collect::<Result<Vec<_>, _>>()?;
        let unmatched = &document["x-unmatched-routes"];
        let fallback = |case: &str| {
            let responses = &unmatched[case];
            if !responses.is_object() {
                return Err(format!("`x-unmatched-routes.{case}` is missing"));
            }
            compiler.responses(responses, &format!("x-unmatched-routes.{case}"))
        };
        Ok(Self {
            paths,
            unknown_path: fallback("unknownPath")?,
            unknown_method: fallback("unknownMethod")?,
        })
    }

    fn check(&self, method: &str, path: &str, status: u16, body: &[u8]) -> Result<(), String> {
        let method = method.to_ascii_lowercase();
        let head = method == "head";
        if head && !body.is_empty() {
            return Err("a HEAD response must not have a body".to_owned());
        }
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let Some(item) = self.route(path)? else {
            return self
                .unknown_path
                .check(status, body, head)
                .map_err(|problem| {
                    format!("no path template matches (fallback route): {problem}")
                });
        };
        let operation = item
            .operations
            .get(&method)
            .or_else(|| head.then(|| item.operations.get("get")).flatten());
        match operation {
            Some(responses) => responses
                .check(status, body, head)
                .map_err(|problem| format!("{} {}: {problem}", method.to_uppercase(), item.template)),
            None => self.unknown_method.check(status, body, head).map_err(|problem| {
                format!(
                    "{} has no {} operation (documented: {}), so only the method fallback applies: {problem}",
                    item.template,
                    method.to_uppercase(),
                    item.operations
                        .keys()
                        .map(|m| m.to_uppercase())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            }),
        }
    }

    /// The path item whose template matches `path`, preferring literal
    /// segments over parameters from left to right.
    fn route(&self, path: &str) -> Result<Option<&PathItem>, String> {
        let segments: Vec<&str> = path.split('/').collect();
        let mut best: Option<(Vec<bool>, &PathItem)> = None;
        let mut tied = false;
        for item in &self.paths {
            let Some(rank) = item.rank(&segments) else {
                continue;
            };
            match &best {
                Some((best_rank, _)) if rank < *best_rank => {}
                Some((best_rank, _)) if rank == *best_rank => tied = true,
                _ => {
                    best = Some((rank, item));
                    tied = false;
                }
            }
        }
        if tied {
            return Err(format!(
                "{path} matches more than one path template equally well"
            ));
        }
        Ok(best.map(|(_, item)| item))
    }
}

impl PathItem {
    /// For a match, which segments are literal (`true`), for ranking.
    fn rank(&self, segments: &[&str]) -> Option<Vec<bool>> {
        if segments.len() != self.segments.len() {
            return None;
        }
        self.segments
            .iter()
            .zip(segments)
            .map(|(expected, actual)| match expected {
                Some(literal) => (literal == actual).then_some(true),
                None => (!actual.is_empty()).then_some(false),
            })
            .collect()
    }
}

impl Responses {
    fn check(&self, status: u16, body: &[u8], head: bool) -> Result<(), String> {
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        let found = self
            .0
            .get(&exact)
            .or_else(|| self.0.get(&range))
            .or_else(|| self.0.get("default"));
        let Some(expected) = found else {
            return Err(format!(
                "status {status} is not documented (documented: {})",
                self.0.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        };
        if head {
            return Ok(());
        }
        match expected {
            Body::Empty if body.is_empty() => Ok(()),
            Body::Empty => Err(format!(
                "status {status} is documented without content, but the body has {} bytes",
                body.len()
            )),
            Body::Unchecked => Ok(()),
            Body::Json { schema, validator } => {
                let instance: Value = serde_json::from_slice(body).map_err(|error| {
                    format!("the body is not JSON ({error}); expected {schema}")
                })?;
                let Some(validator) = validator else {
                    return Ok(());
                };
                let errors: Vec<String> = validator
                    .iter_errors(&instance)
                    .take(5)
                    .map(|error| {
                        let at = error.instance_path().to_string();
                        let at = if at.is_empty() {
                            "(root)".to_owned()
                        } else {
                            at
                        };
                        format!("at {at}: {error}")
                    })
                    .collect();
                if errors.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "the body does not match {schema}:\n    {}",
                        errors.join("\n    ")
                    ))
                }
            }
        }
    }
}

struct Compiler<'a> {
    document: &'a Value,
}

impl<'a> Compiler<'a> {
    /// Follows local `$ref`s (`#/...`) to the referenced object.
    fn resolve(&self, mut value: &'a Value) -> Result<&'a Value, String> {
        for _ in 0..32 {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Ok(value);
            };
            let pointer = reference
                .strip_prefix('#')
                .ok_or_else(|| format!("only local references are supported: {reference}"))?;
            value = self
                .document
                .pointer(pointer)
                .ok_or_else(|| format!("unresolvable reference {reference}"))?;
        }
        Err("reference chain too long".to_owned())
    }

    fn path_item(&self, template: &str, item: &'a Value) -> Result<PathItem, String> {
        let item = self.resolve(item)?;
        let segments = template
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') && segment.ends_with('}') && segment.len() > 2 {
                    Ok(None)
                } else if segment.contains(['{', '}']) {
                    Err(format!(
                        "{template}: unsupported template segment {segment:?}"
                    ))
                } else {
                    Ok(Some(segment.to_owned()))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut operations = BTreeMap::new();
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                let responses = operation
                    .get("responses")
                    .ok_or_else(|| format!("{method} {template} has no responses"))?;
                let responses =
                    self.responses(responses, &format!("{} {template}", method.to_uppercase()))?;
                operations.insert(method.to_owned(), responses);
            }
        }
        Ok(PathItem {
            template: template.to_owned(),
            segments,
            operations,
        })
    }

    fn responses(&self, responses: &'a Value, context: &str) -> Result<Responses, String> {
        let responses = self
            .resolve(responses)?
            .as_object()
            .ok_or_else(|| format!("{context}: responses is not an object"))?;
        let mut compiled = BTreeMap::new();
        for (status, response) in responses {
            if status.starts_with("x-") {
                continue;
            }
            let context = format!("{context} → {status}");
            let key = if status == "default" {
                status.clone()
            } else {
                status.to_ascii_uppercase()
            };
            compiled.insert(key, self.body(response, &context)?);
        }
        Ok(Responses(compiled))
    }

    fn body(&self, response: &'a Value, context: &str) -> Result<Body, String> {
        let response = self.resolve(response)?;
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return Ok(Body::Empty);
        };
        if content.is_empty() {
            return Ok(Body::Empty);
        }
        let json = content.iter().find(|(media_type, _)| {
            let essence = media_type.split(';').next().unwrap_or_default().trim();
            essence == "application/json" || essence.ends_with("+json")
        });
        let Some((media_type, media)) = json else {
            return Ok(Body::Unchecked);
        };
        let Some(schema) = self.resolve(media)?.get("schema") else {
            return Ok(Body::Json {
                schema: format!("{media_type} (any JSON)"),
                validator: None,
            });
        };
        let name = schema.get("$ref").and_then(Value::as_str).map_or_else(
            || format!("the schema of {context}"),
            std::borrow::ToOwned::to_owned,
        );
        // `$ref`s into `components` resolve against the wrapper's root.
        let mut wrapper = Map::new();
        wrapper.insert(
            "$schema".to_owned(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        wrapper.insert("components".to_owned(), self.document["components"].clone());
        wrapper.insert("allOf".to_owned(), json!([schema]));
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&Value::Object(wrapper))
            .map_err(|error| format!("{context}: cannot compile the schema: {error}"))?;
        Ok(Body::Json {
            schema: name,
            validator: Some(Box::new(validator)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::check_response;
    use serde_json::{Value, json};

    const TASK: &str = "/api/user-1/tasks/0b8f2a53-5d0c-4c39-9c8e-3b7a1c2d4e5f";

    fn task() -> Value {
        json!({
            "id": "0b8f2a53-5d0c-4c39-9c8e-3b7a1c2d4e5f",
            "user_id": "user-1",
            "title": "Buy milk",
            "description": null,
            "completed": false,
            "created_at": "2025-11-25T10:21:07.123456Z",
            "updated_at": "2025-11-25T10:21:07.123457Z"
        })
    }

    fn bytes(value: &Value) -> Vec<u8> {
        serde_json::to_vec(value).unwrap()
    }

    #[test]
    fn a_valid_task_passes() {
        check_response("GET", TASK, 200, &bytes(&task())).unwrap();
        check_response("GET", "/api/user-1/tasks", 200, &bytes(&json!([task()]))).unwrap();
        check_response("HEAD", TASK, 200, b"").unwrap();
        // A literal path is not mistaken for a template, and vice versa.
        let auth =
            json!({"token": "a.b.c", "user": {"id": "u", "email": "a@b.test", "name": null}});
        check_response("POST", "/api/auth/login", 200, &bytes(&auth)).unwrap();
        check_response("GET", "/api/auth/tasks", 200, b"[]").unwrap();
    }

    #[test]
    fn a_task_without_completed_fails() {
        let mut task = task();
        task.as_object_mut().unwrap().remove("completed");
        let error =
            check_response("PATCH", &format!("{TASK}/complete"), 200, &bytes(&task)).unwrap_err();
        assert!(error.contains("completed"), "{error}");
        let mut extra = self::task();
        extra["extra"] = json!(1);
        assert!(check_response("GET", TASK, 200, &bytes(&extra)).is_err());
    }

    #[test]
    fn unknown_paths_and_methods_get_the_json_fallbacks() {
        let not_found = bytes(&json!({"detail": "not found"}));
        check_response("GET", "/nope", 404, &not_found).unwrap();
        check_response("POST", "/api/user-1/tasks/", 404, &not_found).unwrap();
        assert!(check_response("GET", "/nope", 200, &not_found).is_err());
        assert!(check_response("GET", "/nope", 404, b"not found").is_err());
        assert!(check_response("GET", "/nope", 404, b"").is_err());
        let not_allowed = bytes(&json!({"detail": "method not allowed"}));
        check_response("DELETE", "/health", 405, &not_allowed).unwrap();
        check_response("GET", "/api/auth/login", 405, &not_allowed).unwrap();
        assert!(check_response("GET", "/api/auth/login", 404, &not_found).is_err());
    }

    #[test]
    fn an_undocumented_status_fails() {
        let error = check_response("DELETE", TASK, 200, &bytes(&task())).unwrap_err();
        assert!(error.contains("not documented"), "{error}");
        assert!(check_response("GET", "/health", 500, br#"{"detail":"x"}"#).is_err());
    }

    #[test]
    fn no_content_means_an_empty_body() {
        check_response("DELETE", TASK, 204, b"").unwrap();
        let error = check_response("DELETE", TASK, 204, b"{}").unwrap_err();
        assert!(error.contains("without content"), "{error}");
    }
}
