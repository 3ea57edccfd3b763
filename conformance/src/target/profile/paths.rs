//! Where a route goes: the method and path of each contract route as the
//! profile shapes them, and the statuses that mean it succeeded.

use std::fmt::Write as _;

use reqwest::Method;
use serde_json::{Value, json};

use super::Profile;
use crate::contract::Route;

impl Profile {
    /// Whether task paths name the user (`{user_id}`); if not, the target
    /// takes the user from the token and there is no path to mismatch.
    pub fn user_in_path(&self) -> bool {
        self.routes.tasks.contains("{user_id}")
    }

    pub fn tasks_path(&self, user_id: &str) -> String {
        self.route(Route::Create, user_id, "").1
    }

    /// The list path, with the profile's query.
    pub fn list_path(&self, user_id: &str) -> String {
        self.route(Route::List, user_id, "").1
    }

    /// The list path with `params` set in its query, over the profile's
    /// own: how a next page is asked for.
    pub fn list_page_path(&self, user_id: &str, params: &[(String, String)]) -> String {
        let tasks = self.tasks_path(user_id);
        let mut query: Vec<String> = self
            .list
            .query
            .iter()
            .flat_map(|query| query.split('&'))
            .filter(|pair| {
                let name = pair.split('=').next().unwrap_or_default();
                !pair.is_empty() && !params.iter().any(|(set, _)| set == name)
            })
            .map(str::to_owned)
            .collect();
        query.extend(params.iter().map(|(name, value)| format!("{name}={value}")));
        if query.is_empty() {
            tasks
        } else {
            format!("{tasks}?{}", query.join("&"))
        }
    }

    pub fn task_path(&self, user_id: &str, task_id: &str) -> String {
        self.route(Route::Get, user_id, task_id).1
    }

    /// Method and path of `route` for `owner`'s tasks and `task_id`, both
    /// percent-encoded into the path.
    pub fn route(&self, route: Route, owner: &str, task_id: &str) -> (Method, String) {
        self.route_at(route, &encode_segment(owner), &encode_segment(task_id))
    }

    /// `route` with `owner` and `{task}` written into the path as they are,
    /// for showing the path rather than requesting it.
    pub fn template(&self, route: Route, owner: &str) -> (Method, String) {
        self.route_at(route, owner, "{task}")
    }

    /// Method and path of `route`, with path segments already encoded.
    fn route_at(&self, route: Route, owner: &str, task_id: &str) -> (Method, String) {
        let tasks = self.routes.tasks.replace("{user_id}", owner);
        // A collection declared with a trailing slash (FastAPI's
        // `@router.get("/")` under a prefix) keeps it; its items do not.
        let task = format!("{}/{task_id}", tasks.trim_end_matches('/'));
        match route {
            Route::List => match self.list.query.as_deref().filter(|query| !query.is_empty()) {
                Some(query) => (Method::GET, format!("{tasks}?{query}")),
                None => (Method::GET, tasks),
            },
            Route::Create => (Method::POST, tasks),
            Route::Get => (Method::GET, task),
            Route::Update => (self.routes.update_method.method(), task),
            Route::Delete => (Method::DELETE, task),
            Route::Toggle => (
                self.routes.toggle_method.method(),
                format!("{task}{}", self.routes.toggle),
            ),
            Route::Logout => (Method::POST, self.routes.logout.clone()),
        }
    }

    /// Method, path and body of `route` for `owner`'s path and `task_id`.
    /// Writes carry a probe title, so that a write that should not have
    /// happened is easy to spot.
    pub fn request(
        &self,
        route: Route,
        owner: &str,
        task_id: &str,
    ) -> (Method, String, Option<Value>) {
        let (method, path) = self.route(route, owner, task_id);
        let body = matches!(route, Route::Create | Route::Update).then(|| {
            self.body(&json!({"title": "conformance probe: this write must not happen", "description": "probe", "completed": true}))
        });
        (method, path, body)
    }

    /// The statuses that mean `route` succeeded.
    pub fn success(&self, route: Route) -> &[u16] {
        let statuses = &self.statuses;
        match route {
            Route::List => &statuses.list,
            Route::Create => &statuses.create,
            Route::Get => &statuses.get,
            Route::Update => &statuses.update,
            Route::Toggle => &statuses.toggle,
            Route::Delete => &statuses.delete,
            Route::Logout => &[200, 204],
        }
    }
}

/// A path segment with the characters that would change the path escaped.
pub fn encode_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~@:+".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}
