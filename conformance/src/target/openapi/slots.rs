//! What the sweep puts in a declared path: each path parameter is the
//! caller's user, a task the suite created, or something the suite cannot
//! name (then the operation is not exercised where that matters).

use super::{Location, Operation};
use crate::target::profile::Profile;
use crate::target::profile::paths::encode_segment;

/// What a path parameter stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    User,
    Task,
    /// An object of a kind the suite does not create.
    Unknown,
}

/// Parameter names that carry a user, compared without case, `_` or `-`.
const USER_NAMES: [&str; 8] = [
    "userid",
    "uid",
    "user",
    "ownerid",
    "owner",
    "accountid",
    "memberid",
    "username",
];
const TASK_NAMES: [&str; 4] = ["taskid", "todoid", "itemid", "noteid"];
/// Collections whose `{id}` is a user.
const USER_COLLECTIONS: [&str; 5] = ["users", "user", "accounts", "members", "owners"];

/// The slot of each path parameter of `operation`, in path order.
pub fn slots(operation: &Operation, profile: &Profile) -> Vec<(String, Slot)> {
    let tasks_segment = profile
        .routes
        .tasks
        .rsplit('/')
        .find(|segment| !segment.is_empty() && !segment.starts_with('{'))
        .unwrap_or("tasks")
        .to_owned();
    let mut previous = "";
    let mut found = Vec::new();
    for segment in operation.path.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            found.push((name.to_owned(), slot_of(name, previous, &tasks_segment)));
        }
        previous = segment;
    }
    found
}

fn slot_of(name: &str, previous: &str, tasks_segment: &str) -> Slot {
    let plain: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    let previous = previous.to_ascii_lowercase();
    if USER_NAMES.contains(&plain.as_str())
        || (USER_COLLECTIONS.contains(&previous.as_str())
            && (plain == "id" || plain.ends_with("id")))
    {
        Slot::User
    } else if TASK_NAMES.contains(&plain.as_str())
        || previous == tasks_segment
        || previous == "todos"
    {
        Slot::Task
    } else {
        Slot::Unknown
    }
}

/// What goes in a path: the user, a task of theirs, and, for requests
/// that change nothing, a stand-in for objects the suite does not have.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    pub user: &'a str,
    pub task: Option<&'a str>,
    pub unknown: Option<&'a str>,
}

/// `operation`'s path with `names`, and required query parameters from
/// `query`; `None` when it needs a name the suite does not have.
pub fn fill(
    operation: &Operation,
    profile: &Profile,
    names: Names<'_>,
    query: &[(String, String)],
) -> Option<String> {
    let mut path = operation.path.clone();
    for (name, slot) in slots(operation, profile) {
        let value = match slot {
            Slot::User => names.user,
            Slot::Task => names.task?,
            Slot::Unknown => names.unknown?,
        };
        path = path.replace(&format!("{{{name}}}"), &encode_segment(value));
    }
    let wanted: Vec<String> = operation
        .params
        .iter()
        .filter(|param| param.location == Location::Query && param.required)
        .map(|param| {
            let value = query
                .iter()
                .find(|(name, _)| *name == param.name)
                .map(|(_, value)| value.clone())?;
            Some(format!(
                "{}={}",
                encode_segment(&param.name),
                encode_segment(&value)
            ))
        })
        .collect::<Option<_>>()?;
    if !wanted.is_empty() {
        path = format!("{path}?{}", wanted.join("&"));
    }
    Some(path)
}

/// Whether `operation` names a user or a task: the operations whose
/// owner the sweep can swap.
pub fn owned(operation: &Operation, profile: &Profile) -> bool {
    let slots = slots(operation, profile);
    !slots.is_empty() && slots.iter().all(|(_, slot)| *slot != Slot::Unknown)
}

#[cfg(test)]
mod tests {
    use reqwest::Method;

    use super::*;

    fn operation(path: &str) -> Operation {
        Operation::bare(Method::GET, path)
    }

    #[test]
    fn users_tasks_and_unknown_objects_are_told_apart() {
        let profile = Profile::seed();
        let cases = [
            (
                "/api/{user_id}/tasks/{task_id}",
                vec![Slot::User, Slot::Task],
            ),
            ("/api/{userId}/tasks/{id}", vec![Slot::User, Slot::Task]),
            ("/api/users/{id}", vec![Slot::User]),
            ("/api/tasks/{id}", vec![Slot::Task]),
            ("/api/projects/{project_id}", vec![Slot::Unknown]),
        ];
        for (path, expected) in cases {
            let found: Vec<Slot> = slots(&operation(path), &profile)
                .into_iter()
                .map(|(_, slot)| slot)
                .collect();
            assert_eq!(found, expected, "{path}");
        }
    }

    #[test]
    fn a_path_is_filled_only_with_what_the_suite_has() {
        let profile = Profile::seed();
        let get = operation("/api/{user_id}/tasks/{task_id}");
        let names = |user, task| Names {
            user,
            task,
            unknown: None,
        };
        assert_eq!(
            fill(&get, &profile, names("a b", Some("7")), &[]).as_deref(),
            Some("/api/a%20b/tasks/7")
        );
        assert_eq!(fill(&get, &profile, names("a", None), &[]), None);
        let unknown = operation("/api/projects/{project_id}");
        assert_eq!(fill(&unknown, &profile, names("a", Some("7")), &[]), None);
        let stand_in = Names {
            unknown: Some("0"),
            ..names("a", None)
        };
        assert_eq!(
            fill(&unknown, &profile, stand_in, &[]).as_deref(),
            Some("/api/projects/0")
        );
        assert!(!owned(&unknown, &profile));
        assert!(!owned(&operation("/api/me"), &profile));
    }
}
