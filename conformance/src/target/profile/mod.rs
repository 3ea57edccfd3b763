//! Target profiles: the harmless ways a backend may differ from the seed
//! contract (route templates, where the list lives, field names, success
//! statuses, token claims), declared in TOML so that the scenarios judge
//! security, not shape. The built-in `seed` profile is the contract of the
//! reference server; `profiles/` in the repository has examples.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::contract::WriteMethod;

mod paths;
mod shape;

/// The built-in profile: the contract in `contract/openapi.yaml`.
const SEED: &str = include_str!("../../../../profiles/seed.toml");

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("could not read the profile {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the profile {path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub routes: Routes,
    #[serde(default)]
    pub list: ListShape,
    #[serde(default)]
    pub fields: Fields,
    #[serde(default)]
    pub statuses: Statuses,
    #[serde(default)]
    pub claims: Claims,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Routes {
    /// The list and create path; `{user_id}` stands for the user, and a
    /// template without it takes the user from the token.
    pub tasks: String,
    /// Appended to a task's path to toggle it.
    pub toggle: String,
    pub toggle_method: WriteMethod,
    pub update_method: WriteMethod,
    pub logout: String,
    pub register: String,
    pub login: String,
}

impl Default for Routes {
    fn default() -> Self {
        Self {
            tasks: "/api/{user_id}/tasks".to_owned(),
            toggle: "/complete".to_owned(),
            toggle_method: WriteMethod::Patch,
            update_method: WriteMethod::Put,
            logout: "/api/auth/logout".to_owned(),
            register: "/api/auth/register".to_owned(),
            login: "/api/auth/login".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ListShape {
    /// JSON pointer to the array of tasks in a list answer; absent: the
    /// answer itself if it is an array, else its only array member.
    pub pointer: Option<String>,
    /// Query added to every list request, e.g. `limit=1000` to get past a
    /// default page size.
    pub query: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Fields {
    pub id: String,
    pub title: String,
    pub description: String,
    pub completion: Completion,
}

impl Default for Fields {
    fn default() -> Self {
        Self {
            id: "id".to_owned(),
            title: "title".to_owned(),
            description: "description".to_owned(),
            completion: Completion::default(),
        }
    }
}

/// A boolean field, or, with `done` and `open`, an enum field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Completion {
    pub field: String,
    pub done: Option<Value>,
    pub open: Option<Value>,
}

impl Default for Completion {
    fn default() -> Self {
        Self {
            field: "completed".to_owned(),
            done: None,
            open: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Statuses {
    pub list: Vec<u16>,
    pub create: Vec<u16>,
    pub get: Vec<u16>,
    pub update: Vec<u16>,
    pub toggle: Vec<u16>,
    pub delete: Vec<u16>,
}

impl Default for Statuses {
    fn default() -> Self {
        Self {
            list: vec![200],
            create: vec![201],
            get: vec![200],
            update: vec![200],
            toggle: vec![200],
            delete: vec![204],
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Claims {
    /// Claims that carry the user id, e.g. `["sub"]` or `["user_id"]`.
    pub user_id: Vec<String>,
    pub email: String,
    /// `iss` and `aud` of minted tokens (flags override them).
    pub issuer: Option<String>,
    pub audience: Option<String>,
    /// Claims added to every minted token, e.g. `role = "user"`.
    pub extra: Map<String, Value>,
}

impl Default for Claims {
    fn default() -> Self {
        Self {
            user_id: vec!["sub".to_owned(), "user_id".to_owned()],
            email: "email".to_owned(),
            issuer: None,
            audience: None,
            extra: Map::new(),
        }
    }
}

impl Profile {
    pub fn seed() -> Self {
        Self::parse(SEED, "built-in seed").expect("the built-in seed profile is valid")
    }

    /// `seed`, or a TOML file.
    pub fn load(name_or_path: &str) -> Result<Self, ProfileError> {
        if name_or_path == "seed" {
            return Ok(Self::seed());
        }
        let path = Path::new(name_or_path);
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, name_or_path)
    }

    fn parse(text: &str, origin: &str) -> Result<Self, ProfileError> {
        let invalid = |message: String| ProfileError::Invalid {
            path: origin.to_owned(),
            message,
        };
        let profile: Self = toml::from_str(text).map_err(|error| invalid(error.to_string()))?;
        profile.check().map_err(invalid)?;
        Ok(profile)
    }

    /// What serde cannot say: templates, pointers, statuses, enums.
    fn check(&self) -> Result<(), String> {
        self.check_routes()?;
        if let Some(pointer) = &self.list.pointer
            && !pointer.is_empty()
            && !pointer.starts_with('/')
        {
            return Err(format!(
                "list.pointer is a JSON pointer: empty, or starting with '/': {pointer:?}"
            ));
        }
        let completion = &self.fields.completion;
        match (&completion.done, &completion.open) {
            (None, None) => {}
            (Some(done), Some(open)) if done != open => {}
            _ => {
                return Err(
                    "fields.completion needs both `done` and `open`, and they must differ (or neither, for a boolean field)".to_owned(),
                );
            }
        }
        self.check_statuses()?;
        if self.claims.user_id.is_empty() {
            return Err("claims.user_id must name at least one claim".to_owned());
        }
        Ok(())
    }

    fn check_routes(&self) -> Result<(), String> {
        let routes = &self.routes;
        for (name, path) in [
            ("routes.tasks", &routes.tasks),
            ("routes.logout", &routes.logout),
            ("routes.register", &routes.register),
            ("routes.login", &routes.login),
        ] {
            if !path.starts_with('/') {
                return Err(format!("{name} must start with '/': {path:?}"));
            }
        }
        let placeholders = routes.tasks.matches('{').count();
        if placeholders > usize::from(self.user_in_path())
            || routes.tasks.matches('}').count() != placeholders
        {
            return Err(format!(
                "routes.tasks may hold only the placeholder {{user_id}}, once: {:?}",
                routes.tasks
            ));
        }
        Ok(())
    }

    fn check_statuses(&self) -> Result<(), String> {
        let statuses = &self.statuses;
        for (route, codes) in [
            ("list", &statuses.list),
            ("create", &statuses.create),
            ("get", &statuses.get),
            ("update", &statuses.update),
            ("toggle", &statuses.toggle),
            ("delete", &statuses.delete),
        ] {
            if codes.is_empty() || codes.iter().any(|code| !(200..300).contains(code)) {
                return Err(format!(
                    "statuses.{route} must list 2xx statuses: {codes:?}"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Route;
    use serde_json::json;

    fn wrapped() -> Profile {
        Profile::parse(
            r#"
            name = "wrapped"
            [list]
            pointer = "/tasks"
            [fields.completion]
            field = "status"
            done = "done"
            open = "open"
            [statuses]
            delete = [200, 204]
            "#,
            "test",
        )
        .expect("valid")
    }

    #[test]
    fn the_seed_profile_is_the_contract() {
        let seed = Profile::seed();
        assert_eq!(seed.name, "seed");
        assert_eq!(seed.tasks_path("alice"), "/api/alice/tasks");
        assert_eq!(
            seed.route(Route::Toggle, "alice", "7"),
            (
                reqwest::Method::PATCH,
                "/api/alice/tasks/7/complete".to_owned()
            )
        );
        assert_eq!(seed.success(Route::Delete), [204]);
        let task = json!({"id": 1, "title": "t", "description": null, "completed": false});
        assert_eq!(seed.task(&task), task);
        assert_eq!(seed.body(&task), task);
    }

    #[test]
    fn an_enum_completion_reads_and_writes_as_a_boolean() {
        let profile = wrapped();
        let raw = json!({"id": "a", "title": "t", "status": "done"});
        assert_eq!(
            profile.task(&raw),
            json!({"id": "a", "title": "t", "completed": true})
        );
        assert_eq!(
            profile.body(&json!({"title": "t", "completed": false, "user_id": "b"})),
            json!({"title": "t", "status": "open", "user_id": "b"})
        );
        // An unknown value stays visible instead of passing as false.
        assert_eq!(
            profile.task(&json!({"status": "archived"}))["completed"],
            "archived"
        );
    }

    #[test]
    fn lists_are_found_and_pagination_is_flagged() {
        let seed = Profile::seed();
        let wrapped = json!({"tasks": [{"id": 1}], "total": 12, "skip": 0, "limit": 1});
        let list = seed.tasks_in(&wrapped).expect("auto-detected");
        assert_eq!(list.tasks.len(), 1);
        assert!(
            list.truncated
                .is_some_and(|note| note.contains("paginated"))
        );
        assert!(
            seed.tasks_in(&json!([]))
                .is_ok_and(|list| list.truncated.is_none())
        );
        let ambiguous = seed.tasks_in(&json!({"a": [], "b": []}));
        assert!(ambiguous.is_err_and(|error| error.contains("/a, /b")));
        assert!(wrapped_list_needs_its_pointer());
    }

    fn wrapped_list_needs_its_pointer() -> bool {
        wrapped().tasks_in(&json!([])).is_err()
    }

    #[test]
    fn bad_profiles_are_refused_with_the_reason() {
        let cases = [
            ("name = \"x\"\nunknown = 1", "unknown field"),
            (
                "name = \"x\"\n[routes]\ntasks = \"api/tasks\"",
                "must start with '/'",
            ),
            (
                "name = \"x\"\n[routes]\ntasks = \"/api/{user}/tasks\"",
                "{user_id}",
            ),
            ("name = \"x\"\n[statuses]\ndelete = [404]", "2xx"),
            (
                "name = \"x\"\n[routes]\ntoggle_method = \"GET\"",
                "expected one of `PUT`, `PATCH`, `POST`",
            ),
            (
                "name = \"x\"\n[fields.completion]\nfield = \"s\"\ndone = \"d\"",
                "both",
            ),
        ];
        for (text, reason) in cases {
            let error = Profile::parse(text, "t").expect_err(text).to_string();
            assert!(error.contains(reason), "{text}: {error}");
        }
    }

    #[test]
    fn user_ids_cannot_change_the_path() {
        assert_eq!(
            Profile::seed().tasks_path("a/../b"),
            "/api/a%2F..%2Fb/tasks"
        );
        let from_token =
            Profile::parse("name = \"t\"\n[routes]\ntasks = \"/api/tasks\"", "t").expect("valid");
        assert!(!from_token.user_in_path());
        assert_eq!(from_token.tasks_path("alice"), "/api/tasks");
    }
}
