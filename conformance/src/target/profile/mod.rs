//! Target profiles: the harmless ways a backend may differ from the seed
//! contract (route templates, where the list lives, field names, success
//! statuses, token claims), declared in TOML so that the scenarios judge
//! security, not shape. The built-in `seed` profile is the contract of the
//! reference server; `profiles/` in the repository has examples.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::contract::WriteMethod;

pub mod pages;
pub mod paths;
pub mod shape;

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

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
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

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ListShape {
    /// JSON pointer to the array of tasks in a list answer; absent: the
    /// answer itself if it is an array, else its only array member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Query added to every list request, e.g. `limit=100` to get past a
    /// default page size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Completion {
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
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

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Claims {
    /// Claims that carry the user id, e.g. `["sub"]` or `["user_id"]`.
    pub user_id: Vec<String>,
    pub email: String,
    /// `iss` and `aud` of minted tokens (flags override them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
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

    /// As a profile file: what `--profile` reads back as this profile.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
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
mod tests;
