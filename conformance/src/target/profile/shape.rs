//! The target's JSON read and written in the contract's names: tasks, ids,
//! request bodies and list answers.

use serde_json::{Map, Value};

use super::Profile;
use crate::contract::id_text;

/// A list answer read through the profile: one page of it, when the target
/// paginates (see [`Profile::paging`]).
#[derive(Debug)]
pub struct TaskList {
    /// In the contract's shape (see [`Profile::task`]).
    pub tasks: Vec<Value>,
}

impl Profile {
    /// A task as the target wrote it, renamed to the contract's `id`,
    /// `title`, `description` and boolean `completed`. Other members stay;
    /// a completion value the profile does not know stays as it is, so a
    /// comparison shows it.
    pub fn task(&self, raw: &Value) -> Value {
        let Value::Object(members) = raw else {
            return raw.clone();
        };
        let fields = &self.fields;
        let mut task = members.clone();
        for (theirs, ours) in [
            (&fields.id, "id"),
            (&fields.title, "title"),
            (&fields.description, "description"),
        ] {
            if let Some(value) = members.get(theirs) {
                task.remove(theirs);
                task.insert(ours.to_owned(), value.clone());
            }
        }
        let completion = &fields.completion;
        if let Some(value) = members.get(&completion.field) {
            task.remove(&completion.field);
            let completed = match (&completion.done, &completion.open) {
                (Some(done), _) if value == done => Value::Bool(true),
                (_, Some(open)) if value == open => Value::Bool(false),
                _ => value.clone(),
            };
            task.insert("completed".to_owned(), completed);
        }
        Value::Object(task)
    }

    /// The task id as text, whether the target uses strings or numbers.
    pub fn id_of(&self, raw: &Value) -> String {
        self.task(raw)
            .get("id")
            .and_then(id_text)
            .unwrap_or_default()
    }

    /// A request body in the contract's names, renamed to the target's.
    /// Members the profile does not map (mass-assignment probes) stay.
    pub fn body(&self, contract: &Value) -> Value {
        let Value::Object(members) = contract else {
            return contract.clone();
        };
        let fields = &self.fields;
        let completion = &fields.completion;
        let mut body = Map::new();
        for (name, value) in members {
            let (name, value) = match name.as_str() {
                "title" => (fields.title.clone(), value.clone()),
                "description" => (fields.description.clone(), value.clone()),
                "completed" => {
                    let value = match (value, &completion.done, &completion.open) {
                        (Value::Bool(true), Some(done), _) => done.clone(),
                        (Value::Bool(false), _, Some(open)) => open.clone(),
                        _ => value.clone(),
                    };
                    (completion.field.clone(), value)
                }
                _ => (name.clone(), value.clone()),
            };
            body.insert(name, value);
        }
        Value::Object(body)
    }

    /// The tasks of a list answer.
    pub fn tasks_in(&self, answer: &Value) -> Result<TaskList, String> {
        let items = match self.list.pointer.as_deref() {
            Some(pointer) => answer
                .pointer(pointer)
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    format!(
                        "the list answer has no array at the profile's list.pointer {pointer:?}"
                    )
                })?,
            None => find_array(answer)?,
        };
        Ok(TaskList {
            tasks: items.iter().map(|task| self.task(task)).collect(),
        })
    }
}

/// The answer itself, or its only array member.
fn find_array(answer: &Value) -> Result<&Vec<Value>, String> {
    match answer {
        Value::Array(items) => Ok(items),
        Value::Object(members) => {
            let arrays: Vec<(&String, &Vec<Value>)> = members
                .iter()
                .filter_map(|(name, value)| value.as_array().map(|items| (name, items)))
                .collect();
            match arrays.as_slice() {
                [(_, items)] => Ok(items),
                [] => Err("the list answer is an object without an array of tasks: declare list.pointer in a profile".to_owned()),
                several => Err(format!(
                    "the list answer has several arrays ({}): declare list.pointer in a profile",
                    several
                        .iter()
                        .map(|(name, _)| format!("/{name}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        other => Err(format!(
            "the list answer is not an array or object: {other}"
        )),
    }
}
