//! Every route and every status of the contract, over real HTTP against a
//! real Postgres. Each reply is also checked against contract/openapi.yaml.
//!
//! One file per area: `auth` (register, login, logout), `tokens` (bearer
//! tokens on the task routes), `tasks` (task CRUD and its validation),
//! `isolation` (one user against another's tasks) and `surface` (unknown
//! routes and methods, the probes, NUL characters). The server and the
//! client are `tests/common`'s; the task-route helpers below are shared by
//! the areas.

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod isolation;
mod surface;
mod tasks;
mod tokens;

use common::{Api, User};
use reqwest::Method;
use serde_json::{Value, json};

/// Every task route of `user` on `task_id`, with a body where one is needed:
/// list and create first, then the four on one task.
fn task_routes(user: &User, task_id: &str) -> Vec<(Method, String, Option<Value>)> {
    let update = json!({"title": "changed", "description": "changed", "completed": true});
    vec![
        (Method::GET, user.tasks(), None),
        (
            Method::POST,
            user.tasks(),
            Some(json!({"title": "intruder"})),
        ),
        (Method::GET, user.task(task_id), None),
        (Method::PUT, user.task(task_id), Some(update)),
        (Method::DELETE, user.task(task_id), None),
        (
            Method::PATCH,
            format!("{}/complete", user.task(task_id)),
            None,
        ),
    ]
}

/// How many tasks `user` has, as their own list says.
async fn task_count(api: &Api, user: &User) -> usize {
    api.call(Method::GET, &user.tasks(), Some(&user.token), None)
        .await
        .expect(200)
        .json()
        .as_array()
        .expect("the list is an array")
        .len()
}
