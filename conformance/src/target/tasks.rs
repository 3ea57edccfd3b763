//! A user's tasks on the target, through the profile's routes and with the
//! user's own token: list them, create one, delete one. The preflight and
//! the cleanup both go through here.

use reqwest::Method;
use serde_json::json;

use crate::contract::id_of;
use crate::target::http::{Client, Exchange};
use crate::target::profile::Profile;
use crate::target::users::Account;

/// The task routes of one target, as its profile shapes them.
#[derive(Clone, Copy)]
pub struct Tasks<'a> {
    client: &'a Client,
    profile: &'a Profile,
}

impl<'a> Tasks<'a> {
    pub fn new(client: &'a Client, profile: &'a Profile) -> Self {
        Self { client, profile }
    }

    /// `GET` of `owner`'s list, as `owner`.
    pub async fn list(&self, owner: &Account) -> Exchange {
        let path = self.profile.list_path(&owner.id);
        self.client
            .send_as(Method::GET, &path, &owner.token, None)
            .await
    }

    /// The ids of `owner`'s tasks, read with their token; none if the list
    /// cannot be read.
    pub async fn ids(&self, owner: &Account) -> Vec<String> {
        self.list(owner)
            .await
            .response
            .ok()
            .and_then(|received| received.json())
            .and_then(|answer| self.profile.tasks_in(&answer).ok())
            .map(|list| list.tasks.iter().map(id_of).collect())
            .unwrap_or_default()
    }

    /// Creates a task titled `title` as `owner`: the exchange, and the new
    /// task's id when a 2xx JSON answer names one.
    pub async fn create(&self, owner: &Account, title: &str) -> (Exchange, Option<String>) {
        let path = self.profile.tasks_path(&owner.id);
        let body = self.profile.body(&json!({"title": title}));
        let created = self
            .client
            .send_as(Method::POST, &path, &owner.token, Some(&body))
            .await;
        let id = created
            .response
            .as_ref()
            .ok()
            .filter(|received| (200..300).contains(&received.status))
            .and_then(super::http::Received::json)
            .map(|task| self.profile.id_of(&task))
            .filter(|id| !id.is_empty());
        (created, id)
    }

    /// Deletes `owner`'s task `id`, as `owner`: the answer's status, if one
    /// came.
    pub async fn delete(&self, owner: &Account, id: &str) -> Option<u16> {
        let path = self.profile.task_path(&owner.id, id);
        self.client
            .send_as(Method::DELETE, &path, &owner.token, None)
            .await
            .status()
    }
}
