//! A document's text made into an [`ApiDocument`]: JSON or YAML, OpenAPI
//! 3.0 or 3.1, read by `oas3`, with only what the suite uses kept.

use std::path::Path;

use oas3::spec::{MediaType, ParameterIn, PathItem, Schema};
use reqwest::Method;
use serde_json::{Map, Value};

use super::{ApiDocument, Location, OpenApiError, Operation, Param, refs};

impl ApiDocument {
    /// `--openapi FILE`.
    pub fn from_file(path: &Path) -> Result<Self, OpenApiError> {
        let text = std::fs::read_to_string(path).map_err(|source| OpenApiError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// The document in `text`, read from `origin`.
    pub fn parse(text: &str, origin: &str) -> Result<Self, OpenApiError> {
        let mut raw = syntax(text).map_err(|reason| OpenApiError::Syntax {
            origin: origin.to_owned(),
            reason,
        })?;
        if version(&raw).map_err(|reason| OpenApiError::NotOpenApi3 {
            origin: origin.to_owned(),
            reason,
        })? == Minor::Zero
        {
            refs::upgrade_3_0(&mut raw);
        }
        let spec: oas3::Spec =
            serde_json::from_value(structure(&raw)).map_err(|error| OpenApiError::Invalid {
                origin: origin.to_owned(),
                reason: error.to_string(),
            })?;
        let reader = Reader {
            spec: &spec,
            raw: &raw,
        };
        let operations = spec
            .paths
            .iter()
            .flatten()
            .flat_map(|(path, item)| reader.operations(path, item))
            .collect();
        Ok(Self {
            source: origin.to_owned(),
            operations,
        })
    }
}

/// JSON, or else YAML (of which JSON is nearly a subset, but JSON's own
/// parser says more precisely what is wrong with a broken JSON document).
fn syntax(text: &str) -> Result<Value, String> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|error| error.to_string())
    } else {
        serde_norway::from_str(text).map_err(|error| error.to_string())
    }
}

/// The document as `oas3` is given it: without its security schemes. The
/// suite reads none of them (whether an operation is secured is read from
/// its requirements), and `oas3` refuses an OAuth2 flow whose `tokenUrl` is
/// relative, which OpenAPI allows and FastAPI's `OAuth2PasswordBearer`
/// writes (`tokenUrl: auth/login`).
fn structure(raw: &Value) -> Value {
    let mut structure = raw.clone();
    if let Some(components) = structure
        .get_mut("components")
        .and_then(Value::as_object_mut)
    {
        components.remove("securitySchemes");
    }
    structure
}

#[derive(Debug, PartialEq, Eq)]
enum Minor {
    Zero,
    One,
}

fn version(raw: &Value) -> Result<Minor, String> {
    let Some(version) = raw.get("openapi").and_then(Value::as_str) else {
        return Err(if raw.get("swagger").is_some() {
            "it is a Swagger 2.0 document".to_owned()
        } else {
            "it has no `openapi` version".to_owned()
        });
    };
    let mut parts = version.split('.');
    match (parts.next(), parts.next()) {
        (Some("3"), Some("0")) => Ok(Minor::Zero),
        (Some("3"), Some("1")) => Ok(Minor::One),
        _ => Err(format!("it says `openapi: {version}`")),
    }
}

/// Reads operations out of the parsed document, with the raw one beside it
/// for what `oas3` does not keep.
struct Reader<'a> {
    spec: &'a oas3::Spec,
    raw: &'a Value,
}

impl Reader<'_> {
    fn operations(&self, path: &str, item: &PathItem) -> Vec<Operation> {
        item.methods()
            .into_iter()
            .map(|(method, operation)| {
                let raw = &self.raw["paths"][path][method.as_str().to_ascii_lowercase()];
                let body = self.body(operation);
                let (success, answer) = self.answers(operation);
                Operation {
                    secured: self.secured(raw),
                    params: self.params(item, operation),
                    body,
                    success,
                    answer,
                    method: Method::from_bytes(method.as_str().as_bytes()).unwrap_or(Method::GET),
                    path: path.to_owned(),
                }
            })
            .collect()
    }

    /// `oas3` reads an absent `security` and `security: []` alike, as an
    /// empty list; they differ (the document's requirement, or none), so
    /// the raw document says which.
    fn secured(&self, operation: &Value) -> bool {
        demands(operation.get("security"))
            .or_else(|| demands(self.raw.get("security")))
            .unwrap_or(false)
    }

    /// The path's parameters, with the operation's own over them.
    fn params(&self, item: &PathItem, operation: &oas3::spec::Operation) -> Vec<Param> {
        let mut params: Vec<Param> = Vec::new();
        for declared in item.parameters.iter().chain(&operation.parameters) {
            let Ok(declared) = declared.resolve(self.spec) else {
                continue;
            };
            let schema = declared
                .schema
                .as_ref()
                .map(|schema| self.schema(schema))
                .or_else(|| {
                    declared
                        .content
                        .as_ref()
                        .and_then(|content| self.json(content))
                })
                .unwrap_or_else(|| Value::Object(Map::new()));
            let param = Param {
                location: match declared.location {
                    ParameterIn::Path => Location::Path,
                    ParameterIn::Query => Location::Query,
                    ParameterIn::Header => Location::Header,
                    ParameterIn::Cookie => Location::Cookie,
                },
                required: declared.required.unwrap_or(false),
                name: declared.name,
                schema,
            };
            params.retain(|other| other.name != param.name || other.location != param.location);
            params.push(param);
        }
        params
    }

    fn body(&self, operation: &oas3::spec::Operation) -> Option<Value> {
        match operation.request_body(self.spec) {
            Ok(Some(body)) => self.json(&body.content),
            _ => None,
        }
    }

    /// The 2xx statuses, and the first one's JSON schema.
    fn answers(&self, operation: &oas3::spec::Operation) -> (Vec<u16>, Option<Value>) {
        let mut success = Vec::new();
        let mut answer = None;
        for (status, response) in operation.responses(self.spec) {
            let Some(status) = status
                .parse::<u16>()
                .ok()
                .filter(|s| (200..300).contains(s))
            else {
                continue;
            };
            if success.is_empty() {
                answer = self.json(&response.content);
            }
            success.push(status);
        }
        (success, answer)
    }

    /// The schema of the JSON media type among `content`, inlined.
    fn json(&self, content: &oas3::Map<String, MediaType>) -> Option<Value> {
        content
            .iter()
            .find(|(kind, _)| {
                let kind = kind.split(';').next().unwrap_or_default().trim();
                kind == "application/json" || kind.ends_with("+json")
            })
            .and_then(|(_, media)| media.schema.as_ref())
            .map(|schema| self.schema(schema))
    }

    fn schema(&self, schema: &Schema) -> Value {
        serde_json::to_value(schema).map_or_else(
            |_| Value::Object(Map::new()),
            |schema| refs::inline(&schema, self.raw),
        )
    }
}

/// Whether a `security` list demands credentials; `None` when there is no
/// list. An empty list, or one with an empty requirement (`{}`: anonymous
/// allowed), demands none.
fn demands(security: Option<&Value>) -> Option<bool> {
    let requirements = security?.as_array()?;
    Some(
        !requirements.is_empty()
            && !requirements
                .iter()
                .any(|requirement| requirement.as_object().is_some_and(Map::is_empty)),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn what_is_not_openapi_3_is_refused_with_the_reason() {
        let cases = [
            (r#"{"swagger": "2.0"}"#, "it is a Swagger 2.0 document"),
            ("<html>docs</html>", "it has no `openapi` version"),
            (r#"{"openapi": "4.0.0"}"#, "it says `openapi: 4.0.0`"),
        ];
        for (text, reason) in cases {
            let error = ApiDocument::parse(text, "t").expect_err(text).to_string();
            assert!(error.ends_with(reason), "{text}: {error}");
        }
        let broken = ApiDocument::parse("{\"openapi\": ", "t").expect_err("broken JSON");
        assert!(matches!(broken, OpenApiError::Syntax { .. }));
    }

    #[test]
    fn operations_keep_their_parameters_bodies_answers_and_security() {
        let new = json!({"$ref": "#/components/schemas/New"});
        let text = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "security": [{"bearer": []}],
            "components": {
                "securitySchemes": {"oauth": {"type": "oauth2", "flows": {"password": {"tokenUrl": "auth/login", "scopes": {}}}}},
                "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}},
                "schemas": {"New": {"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}}}},
            "paths": {
                "/health": {"get": {"security": [], "responses": {"200": {"description": "ok"}}}},
                "/maybe": {"get": {"security": [{}, {"bearer": []}], "responses": {"204": {"description": "ok"}}}},
                "/things/{id}": {"parameters": [{"$ref": "#/components/parameters/Id"}],
                    "put": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "requestBody": {"required": true, "content": {"application/json; charset=utf-8": {"schema": new}}},
                        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": new}}},
                            "204": {"description": "ok"}, "404": {"description": "no"}}}}}})
        .to_string();
        let document = ApiDocument::parse(&text, "t").expect("parses");
        let find = |path: &str| {
            document
                .operations
                .iter()
                .find(|op| op.path == path)
                .expect(path)
        };
        assert!(!find("/health").secured);
        assert!(
            !find("/maybe").secured,
            "an empty requirement lets anyone in"
        );
        let put = find("/things/{id}");
        assert!(put.secured);
        assert_eq!(put.method, Method::PUT);
        assert_eq!(put.success, [200, 204]);
        assert_eq!(
            put.params.len(),
            1,
            "the operation's own id replaces the path's"
        );
        assert_eq!(put.params[0].schema["type"], "string");
        assert_eq!(put.body.as_ref().expect("a body")["required"][0], "title");
        assert_eq!(
            put.answer.as_ref().expect("an answer")["properties"]["title"]["type"],
            "string"
        );
    }
}
