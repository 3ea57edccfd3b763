//! What the task schemas say: the field names, the completion field (a
//! boolean, or an enum with its done and open values), where a list answer
//! keeps its tasks, and the largest page the list route serves.

use reqwest::Method;
use serde_json::{Map, Value};

use super::{IdKind, Location, Setter, Tasks, last_segment};
use crate::target::profile::Completion;
use crate::target::profile::pages::LIMIT;

const IDS: &[&str] = &["id", "uuid", "task_id", "taskId", "_id"];
const TITLES: &[&str] = &["title", "name", "text", "summary", "label"];
const DESCRIPTIONS: &[&str] = &["description", "details", "notes", "body", "content"];
const FLAGS: &[&str] = &[
    "completed",
    "done",
    "is_completed",
    "isCompleted",
    "complete",
    "is_done",
    "isDone",
    "finished",
];
const DONE: &[&str] = &["done", "completed", "complete", "closed", "finished"];
const OPEN: &[&str] = &[
    "open",
    "todo",
    "pending",
    "active",
    "incomplete",
    "not_done",
];

impl Tasks<'_> {
    /// The item path's own parameter: the task id.
    pub(super) fn ids(&self) -> Option<IdKind> {
        let get = self.operation(&Method::GET, self.item)?;
        let name = last_segment(self.item).trim_matches(['{', '}']);
        let param = get.params.iter().find(|p| p.name == name)?;
        let schema = &param.schema;
        Some(match (kind(schema).as_deref(), schema["format"].as_str()) {
            (Some("integer"), _) => IdKind::Integer,
            (Some("string"), Some("uuid")) => IdKind::Uuid,
            (Some("string"), _) => IdKind::String,
            _ => return None,
        })
    }

    /// The list's shape and the task's field names, into the profile.
    pub(super) fn fields(&self, set: &mut Setter<'_>) {
        let list = self.operation(&Method::GET, self.collection);
        let answer = list.and_then(|list| list.answer.as_ref());
        let pointer = answer.and_then(list_pointer);
        match &pointer {
            Some(pointer) => set.inferred.profile.list.pointer = Some(pointer.clone()),
            // A bare array is found without a pointer, as the seed's is.
            None if answer.is_some_and(|answer| kind(answer).as_deref() == Some("array")) => {}
            None => set.defaults(&["list.pointer"]),
        }
        set.inferred.profile.list.query = list.and_then(|list| {
            list.params.iter().find_map(|param| {
                let max = param.schema.get("maximum")?.as_u64()?;
                (param.location == Location::Query && LIMIT.contains(&param.name.as_str()))
                    .then(|| format!("{}={max}", param.name))
            })
        });
        match self.task(answer, pointer.as_deref()) {
            Some(task) => names(&task, set),
            None => set.defaults(&["fields"]),
        }
    }

    /// A task's properties: from the get or create answer, or else from
    /// the list's items.
    fn task(&self, list: Option<&Value>, pointer: Option<&str>) -> Option<Map<String, Value>> {
        [
            self.operation(&Method::GET, self.item),
            self.operation(&Method::POST, self.collection),
        ]
        .into_iter()
        .flatten()
        .find_map(|op| op.answer.as_ref().and_then(properties).cloned())
        .or_else(|| {
            let list = list?;
            let array = match pointer {
                Some(pointer) => properties(list)?.get(pointer.trim_start_matches('/'))?,
                None => list,
            };
            properties(array.get("items")?).cloned()
        })
    }
}

/// The id, title, description and completion fields of `task`.
fn names(task: &Map<String, Value>, set: &mut Setter<'_>) {
    let fields = &mut set.inferred.profile.fields;
    let mut missing = Vec::new();
    for (names, field, key) in [
        (IDS, &mut fields.id, "fields.id"),
        (TITLES, &mut fields.title, "fields.title"),
        (DESCRIPTIONS, &mut fields.description, "fields.description"),
    ] {
        match names.iter().find(|name| task.contains_key(**name)) {
            Some(name) => (*name).clone_into(field),
            None => missing.push(key),
        }
    }
    set.defaults(&missing);
    set.or_default(
        "fields.completion",
        completion(task),
        |profile, completion| {
            profile.fields.completion = completion;
        },
    );
}

/// `{"/name"}` when the list answer is an object whose one array member (or
/// the one named like a list of tasks) holds objects.
fn list_pointer(answer: &Value) -> Option<String> {
    let members = properties(answer)?;
    let arrays: Vec<&String> = members
        .iter()
        .filter(|(_, schema)| kind(schema).as_deref() == Some("array"))
        .map(|(name, _)| name)
        .collect();
    let name = match arrays.as_slice() {
        [only] => *only,
        several => several
            .iter()
            .copied()
            .find(|name| ["items", "tasks", "data", "results", "todos"].contains(&name.as_str()))?,
    };
    Some(format!("/{name}"))
}

/// A boolean flag, or else a string enum with a done and an open value.
fn completion(task: &Map<String, Value>) -> Option<Completion> {
    if let Some(flag) = FLAGS.iter().find(|name| {
        task.get(**name)
            .is_some_and(|schema| kind(schema).as_deref() == Some("boolean"))
    }) {
        return Some(Completion {
            field: (*flag).to_owned(),
            done: None,
            open: None,
        });
    }
    task.iter().find_map(|(name, schema)| {
        let values = enum_values(schema)?;
        let pick = |names: &[&str]| {
            names
                .iter()
                .find(|wanted| values.contains(*wanted))
                .map(|value| Value::from(*value))
        };
        Some(Completion {
            field: name.clone(),
            done: Some(pick(DONE)?),
            open: Some(pick(OPEN)?),
        })
    })
}

fn enum_values(schema: &Value) -> Option<Vec<&str>> {
    let schema = unwrap_null(schema);
    let values: Vec<&str> = schema
        .get("enum")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    (!values.is_empty()).then_some(values)
}

/// An object schema's properties, through a nullable or `allOf` wrapper.
fn properties(schema: &Value) -> Option<&Map<String, Value>> {
    let schema = unwrap_null(schema);
    schema
        .get("properties")
        .and_then(Value::as_object)
        .or_else(|| schema.get("allOf")?.as_array()?.iter().find_map(properties))
}

/// The non-null branch of `anyOf: [X, {type: null}]`, as FastAPI writes an
/// optional field; the schema itself otherwise.
fn unwrap_null(schema: &Value) -> &Value {
    ["anyOf", "oneOf"]
        .iter()
        .find_map(|key| {
            let branches = schema.get(*key)?.as_array()?;
            let mut real = branches
                .iter()
                .filter(|branch| kind(branch).as_deref() != Some("null"));
            let first = real.next()?;
            real.next().is_none().then_some(first)
        })
        .unwrap_or(schema)
}

/// The JSON type a schema names, leaving out `null`.
fn kind(schema: &Value) -> Option<String> {
    let schema = unwrap_null(schema);
    match schema.get("type")? {
        Value::String(kind) => Some(kind.clone()),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null")
            .map(str::to_owned),
        _ => None,
    }
}
