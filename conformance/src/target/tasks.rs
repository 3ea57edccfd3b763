//! A user's tasks on the target, through the profile's routes and with the
//! user's own token: list them (every page), create one, delete one. The
//! preflight, the scenarios and the cleanup all go through here.

use std::future::Future;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::contract::{Route, id_of};
use crate::target::http::{Client, Exchange, Received};
use crate::target::profile::Profile;
use crate::target::profile::pages::{Next, Paging};
use crate::target::profile::shape::TaskList;
use crate::target::users::Account;

/// At most this many pages of one list are read.
pub const MAX_PAGES: usize = 50;

/// A user's list, page after page.
#[derive(Debug)]
pub struct Listed {
    /// In the contract's shape, every page's.
    pub tasks: Vec<Value>,
    /// Pages read, the first included.
    pub pages: usize,
    /// Why tasks may be missing from `tasks`: a page the suite could not
    /// find or read.
    pub unread: Option<String>,
}

impl Listed {
    fn unread(mut self, reason: String) -> Self {
        self.unread = Some(reason);
        self
    }
}

/// The task routes of one target, as its profile shapes them.
#[derive(Clone, Copy)]
pub struct Tasks<'a> {
    client: &'a Client,
    profile: &'a Profile,
    /// How long a cleanup's DELETE or whole list may take, when shorter
    /// than the client's timeout (after a signal).
    limit: Option<Duration>,
}

impl<'a> Tasks<'a> {
    pub fn new(client: &'a Client, profile: &'a Profile) -> Self {
        Self {
            client,
            profile,
            limit: None,
        }
    }

    /// These routes with each [`Tasks::delete`] and [`Tasks::listing`]
    /// given up after `limit`.
    pub fn limited_to(self, limit: Duration) -> Self {
        Self {
            limit: Some(limit),
            ..self
        }
    }

    /// `work`, or `None` when it outlasts the limit.
    async fn bounded<T>(&self, work: impl Future<Output = Option<T>>) -> Option<T> {
        match self.limit {
            Some(limit) => tokio::time::timeout(limit, work).await.ok().flatten(),
            None => work.await,
        }
    }

    /// `GET` of `owner`'s list, as `owner`.
    pub async fn list(&self, owner: &Account) -> Exchange {
        let path = self.profile.list_path(&owner.id);
        self.client
            .send_as(Method::GET, &path, &owner.token, None)
            .await
    }

    /// The ids of `owner`'s tasks, every page of them, read with their
    /// token: `None` unless the list was answered as the profile says a
    /// list succeeds, in its shape, and read to the end. Only such a read
    /// proves a task gone.
    pub async fn listing(&self, owner: &Account) -> Option<Vec<String>> {
        self.bounded(async {
            let received = self.list(owner).await.response.ok()?;
            if !self.profile.success(Route::List).contains(&received.status) {
                return None;
            }
            let answer = received.json()?;
            let first = self.profile.tasks_in(&answer).ok()?;
            let listed = self.follow(owner, &answer, first.tasks).await;
            match listed.unread {
                Some(_) => None,
                None => Some(listed.tasks.iter().map(id_of).collect()),
            }
        })
        .await
    }

    /// `owner`'s whole list: the pages after `answer`, the first, whose
    /// tasks are `tasks`, followed as the answers say (see
    /// [`Profile::paging`]), at most [`MAX_PAGES`] in all.
    pub async fn follow(&self, owner: &Account, answer: &Value, tasks: Vec<Value>) -> Listed {
        let mut listed = Listed {
            tasks,
            pages: 1,
            unread: None,
        };
        let mut answer = answer.clone();
        let mut on_page = listed.tasks.len();
        loop {
            let base = self.client.base_url();
            let path = match self
                .profile
                .paging(&answer, on_page, listed.tasks.len(), base)
            {
                Paging::Complete => return listed,
                Paging::Unread(reason) => return listed.unread(reason),
                Paging::More(_) if listed.pages >= MAX_PAGES => {
                    let reason = format!("only the first {MAX_PAGES} pages were read");
                    return listed.unread(reason);
                }
                Paging::More(Next::Query(params)) => {
                    self.profile.list_page_path(&owner.id, &params)
                }
                Paging::More(Next::Path(path)) => path,
            };
            let (next, next_answer) = match self.read_page(owner, &path).await {
                Ok(page) => page,
                Err(status) => {
                    let reason = format!(
                        "page {} of the list (GET {path}) gave {status}",
                        listed.pages + 1
                    );
                    return listed.unread(reason);
                }
            };
            let empty = next.tasks.is_empty();
            let known: Vec<String> = listed.tasks.iter().map(id_of).collect();
            let new: Vec<Value> = next
                .tasks
                .into_iter()
                .filter(|task| !known.contains(&id_of(task)))
                .collect();
            if new.is_empty() {
                // An empty page ends a list that named no total; a page of
                // tasks already seen means the target ignored the query.
                let base = self.client.base_url();
                let complete = empty
                    && self
                        .profile
                        .paging(&next_answer, 0, listed.tasks.len(), base)
                        == Paging::Complete;
                if complete {
                    return listed;
                }
                let reason = format!(
                    "page {} of the list (GET {path}) brought no task not seen before",
                    listed.pages + 1
                );
                return listed.unread(reason);
            }
            on_page = new.len();
            listed.tasks.extend(new);
            listed.pages += 1;
            answer = next_answer;
        }
    }

    /// One page of `owner`'s list: its tasks and the answer they came in,
    /// or what was answered instead (a status, or "no answer").
    async fn read_page(&self, owner: &Account, path: &str) -> Result<(TaskList, Value), String> {
        let page = self
            .client
            .send_as(Method::GET, path, &owner.token, None)
            .await;
        page.response
            .as_ref()
            .ok()
            .filter(|received| self.profile.success(Route::List).contains(&received.status))
            .and_then(Received::json)
            .and_then(|next| Some((self.profile.tasks_in(&next).ok()?, next)))
            .ok_or_else(|| {
                page.status()
                    .map_or_else(|| "no answer".to_owned(), |status| status.to_string())
            })
    }

    /// Creates a task titled `title` as `owner`.
    pub async fn create(&self, owner: &Account, title: &str) -> Exchange {
        let path = self.profile.tasks_path(&owner.id);
        let body = self.profile.body(&json!({"title": title}));
        self.client
            .send_as(Method::POST, &path, &owner.token, Some(&body))
            .await
    }

    /// Deletes `owner`'s task `id`, as `owner`: the answer's status, if one
    /// came.
    pub async fn delete(&self, owner: &Account, id: &str) -> Option<u16> {
        let path = self.profile.task_path(&owner.id, id);
        self.bounded(async {
            self.client
                .send_as(Method::DELETE, &path, &owner.token, None)
                .await
                .status()
        })
        .await
    }
}
