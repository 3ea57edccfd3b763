//! The load scenario (`--load USERS --duration SECS`): many users at once
//! create, read, update, toggle and delete their own tasks and probe each
//! other's. Every read must return only the reader's tasks, no cross-user
//! write may change anything, and no answer may be a 5xx. Bounded in users,
//! time and requests; the target's throughput and latency are reported.

pub mod result;
mod verdicts;

pub use result::LoadResult;

use result::Kind;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use reqwest::Method;
use serde_json::{Value, json};

use super::{ContractWorld, Outcome, id_of};
use crate::contract::Route;
use crate::target::http::{Client, Exchange};
use crate::target::ledger::Created;
use crate::target::users::Account;

/// Never more requests than this in one load run, whatever the duration.
const MAX_REQUESTS: usize = 200_000;
/// Each user deletes one of its tasks every this many rounds, so that lists
/// stay short and deletes are part of the mix.
const DELETE_EVERY: usize = 3;

/// What every user shares: the tasks that exist, to probe, the budget,
/// and what the run saw.
struct Shared {
    known: Mutex<Vec<(usize, String)>>,
    sent: AtomicUsize,
    /// One for the whole run, so that the failures kept are the first few
    /// of the run, not of each user.
    seen: Mutex<LoadResult>,
    deadline: Instant,
    users: Vec<Account>,
    /// Writes too on kept-alive connections: a fresh one per write would
    /// measure connection set-up, not the target.
    client: Client,
}

/// One user's view: its tasks as it last set them.
struct Worker {
    index: usize,
    account: Account,
    mine: BTreeMap<String, (String, bool)>,
}

impl Shared {
    /// Counts a failure of `kind`; `what` is only written
    /// for the few kept.
    fn failed(&self, kind: Kind, what: impl FnOnce() -> String, exchange: &Exchange) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.of_kind(kind).add(what, exchange);
        }
    }
}

impl ContractWorld {
    /// Runs the load: fresh users, each working and probing until the
    /// deadline or the request budget, then checking its own tasks.
    pub async fn run_load(&mut self) -> Outcome {
        let Some(plan) = self.ctx.load else {
            return Err(self.failure_about(
                None,
                "a load plan (--load USERS --duration SECS)",
                "none was given",
            ));
        };
        let mut users = Vec::new();
        for _ in 0..plan.users {
            users.push(self.provision("Load").await?);
        }
        let shared = Shared {
            known: Mutex::new(Vec::new()),
            sent: AtomicUsize::new(0),
            seen: Mutex::new(LoadResult::default()),
            deadline: Instant::now() + plan.duration,
            users,
            client: self.ctx.client.reusing_connections(),
        };
        let started = Instant::now();
        let workers = shared.users.iter().enumerate().map(|(index, account)| {
            let worker = Worker {
                index,
                account: account.clone(),
                mine: BTreeMap::new(),
            };
            self.work(worker, &shared)
        });
        let finished = futures::future::join_all(workers).await;
        let elapsed = started.elapsed();
        for worker in finished {
            self.verify_own(&worker, &shared).await;
        }
        let mut seen = shared
            .seen
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        seen.elapsed = elapsed;
        self.load = Some(seen);
        Ok(())
    }

    async fn work(&self, mut worker: Worker, shared: &Shared) -> Worker {
        let mut round = 0;
        while Instant::now() < shared.deadline && shared.sent.load(Ordering::Relaxed) < MAX_REQUESTS
        {
            round += 1;
            self.create(&mut worker, shared, round).await;
            self.read_own(&mut worker, shared).await;
            self.change_own(&mut worker, shared, round).await;
            self.probe_others(&worker, shared).await;
            if round.is_multiple_of(DELETE_EVERY) {
                self.delete_own(&mut worker, shared).await;
            }
        }
        worker
    }

    /// Sends one request as `worker`, and counts it.
    async fn send_as(
        &self,
        worker: &Worker,
        shared: &Shared,
        (method, path): (Method, String),
        body: Option<&Value>,
    ) -> Exchange {
        let body = body.map(|body| self.ctx.profile.body(body));
        let exchange = shared
            .client
            .send_as(method, &path, &worker.account.token, body.as_ref())
            .await;
        shared.sent.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut seen) = shared.seen.lock() {
            seen.requests += 1;
            seen.latencies.push(exchange.elapsed);
        }
        if exchange.status().is_none_or(|status| status >= 500) {
            let what = || match &exchange.response {
                Ok(received) => format!("{} got {}", exchange.request, received.status),
                Err(unanswered) => format!("{} got no answer: {unanswered}", exchange.request),
            };
            shared.failed(Kind::ServerError, what, &exchange);
        }
        exchange
    }

    fn route(&self, route: Route, owner: &Account, task: &str) -> (Method, String) {
        self.ctx.profile.route(route, &owner.id, task)
    }

    /// Whether an owner's request did what `route` promises; if not, noted.
    fn succeeded(
        &self,
        worker: &Worker,
        shared: &Shared,
        route: Route,
        exchange: &Exchange,
    ) -> bool {
        let ok = exchange
            .status()
            .is_some_and(|status| self.ctx.profile.success(route).contains(&status));
        if !ok && exchange.status().is_some_and(|status| status < 500) {
            let what = || {
                format!(
                    "{}'s own {} did not succeed",
                    worker.account.id,
                    route.name()
                )
            };
            shared.failed(Kind::Broken, what, exchange);
        }
        ok
    }

    async fn create(&self, worker: &mut Worker, shared: &Shared, round: usize) {
        let title = format!("load {} #{round}", worker.account.id);
        let route = self.route(Route::Create, &worker.account, "");
        let in_flight = self
            .ctx
            .create_in_flight(vec![worker.account.clone()], &self.key_id);
        let exchange = self
            .send_as(worker, shared, route, Some(&json!({"title": title})))
            .await;
        let id = in_flight.settle(&exchange, &self.ctx.profile);
        if self.succeeded(worker, shared, Route::Create, &exchange)
            && let Some(id) = id
        {
            self.adopt(worker, shared, id, (title, false));
        }
    }

    /// Makes a task the worker's: to track, to clean up, and to be probed.
    fn adopt(&self, worker: &mut Worker, shared: &Shared, id: String, state: (String, bool)) {
        self.ctx.record(Created {
            id: id.clone(),
            owners: vec![worker.account.clone()],
            scenario: self.key_id.clone(),
        });
        worker.mine.insert(id.clone(), state);
        if let Ok(mut known) = shared.known.lock() {
            known.push((worker.index, id));
        }
    }

    /// Whether a listed task is someone else's: another user created it, or
    /// a probe wrote its title. An unknown task with the owner's own title
    /// is the owner's, from a request whose answer was lost (a timeout).
    fn foreign(worker: &Worker, shared: &Shared, task: &Value) -> bool {
        let id = id_of(task);
        let others = shared.known.lock().is_ok_and(|known| {
            known
                .iter()
                .any(|(owner, known)| *owner != worker.index && *known == id)
        });
        let own_title = task
            .get("title")
            .and_then(Value::as_str)
            .is_some_and(|title| title.starts_with(&format!("load {} #", worker.account.id)));
        others || !own_title
    }

    /// The owner's tasks, read with the owner's token, and the exchange;
    /// `None`, noted, when the list cannot be read.
    async fn list_own(&self, worker: &Worker, shared: &Shared) -> Option<(Vec<Value>, Exchange)> {
        let route = self.route(Route::List, &worker.account, "");
        let exchange = self.send_as(worker, shared, route, None).await;
        if !self.succeeded(worker, shared, Route::List, &exchange) {
            return None;
        }
        let listed = exchange
            .response
            .as_ref()
            .ok()
            .and_then(super::super::target::http::Received::json)
            .and_then(|answer| self.ctx.profile.tasks_in(&answer).ok());
        if let Some(listed) = listed {
            Some((listed.tasks, exchange))
        } else {
            let what = || format!("{}'s list could not be read", worker.account.id);
            shared.failed(Kind::Broken, what, &exchange);
            None
        }
    }

    /// The owner's list holds only the owner's tasks.
    async fn read_own(&self, worker: &mut Worker, shared: &Shared) {
        let Some((tasks, exchange)) = self.list_own(worker, shared).await else {
            return;
        };
        for task in tasks {
            let id = id_of(&task);
            if worker.mine.contains_key(&id) {
                continue;
            }
            if Self::foreign(worker, shared, &task) {
                let what = || {
                    format!(
                        "{}'s list holds task {id}, which is not theirs: {task}",
                        worker.account.id
                    )
                };
                shared.failed(Kind::Leak, what, &exchange);
                return;
            }
            let (title, completed) = state_of(&task);
            self.adopt(worker, shared, id, (title, completed));
        }
    }

    /// Updates one of the owner's tasks and toggles it.
    async fn change_own(&self, worker: &mut Worker, shared: &Shared, round: usize) {
        let Some(id) = worker.mine.keys().next_back().cloned() else {
            return;
        };
        let title = format!("load {} #{round} updated", worker.account.id);
        let completed = round.is_multiple_of(2);
        let route = self.route(Route::Update, &worker.account, &id);
        let body = json!({"title": title, "completed": completed});
        let exchange = self.send_as(worker, shared, route, Some(&body)).await;
        if self.succeeded(worker, shared, Route::Update, &exchange) {
            worker.mine.insert(id.clone(), (title, completed));
        }
        let route = self.route(Route::Toggle, &worker.account, &id);
        let exchange = self.send_as(worker, shared, route, None).await;
        if self.succeeded(worker, shared, Route::Toggle, &exchange)
            && let Some((_, completed)) = worker.mine.get_mut(&id)
        {
            *completed = !*completed;
        }
    }

    /// Reads, changes and deletes another user's task, under the prober's
    /// path and the owner's: nothing may succeed.
    async fn probe_others(&self, worker: &Worker, shared: &Shared) {
        let victim = shared.known.lock().ok().and_then(|known| {
            known
                .iter()
                .rev()
                .find(|(owner, _)| *owner != worker.index)
                .cloned()
        });
        let Some((owner, id)) = victim else {
            return;
        };
        let owner = shared.users[owner].clone();
        let mut probes = vec![
            (self.route(Route::Get, &worker.account, &id), None),
            (self.route(Route::Delete, &worker.account, &id), None),
        ];
        if self.ctx.profile.user_in_path() {
            probes.push((self.route(Route::Get, &owner, &id), None));
            probes.push((
                self.route(Route::Update, &owner, &id),
                Some(json!({"title": "load probe: this write must not happen", "completed": true})),
            ));
        }
        for (request, body) in probes {
            let exchange = self.send_as(worker, shared, request, body.as_ref()).await;
            if exchange
                .status()
                .is_some_and(|status| (200..300).contains(&status))
            {
                let what = || format!("{} reached {}'s task {id}", worker.account.id, owner.id);
                shared.failed(Kind::Leak, what, &exchange);
            }
        }
    }

    async fn delete_own(&self, worker: &mut Worker, shared: &Shared) {
        let Some(id) = worker.mine.keys().next().cloned() else {
            return;
        };
        let route = self.route(Route::Delete, &worker.account, &id);
        let exchange = self.send_as(worker, shared, route, None).await;
        if self.succeeded(worker, shared, Route::Delete, &exchange) {
            self.ctx.forget(&id);
            worker.mine.remove(&id);
        }
    }

    /// After the load, the owner's tasks are exactly as the owner left
    /// them: no probe changed, added or deleted anything.
    async fn verify_own(&self, worker: &Worker, shared: &Shared) {
        let Some((tasks, exchange)) = self.list_own(worker, shared).await else {
            return;
        };
        if let Some(task) = tasks
            .iter()
            .find(|task| Self::foreign(worker, shared, task))
        {
            let what = || {
                format!(
                    "{}'s tasks hold one that is not theirs, or that a probe wrote: {task}",
                    worker.account.id
                )
            };
            shared.failed(Kind::Leak, what, &exchange);
            return;
        }
        let now: BTreeMap<String, (String, bool)> = tasks
            .iter()
            .map(|task| (id_of(task), state_of(task)))
            .collect();
        // Not a proven leak (a request of the owner's may have timed out
        // after it was carried out), but not the state the owner saw either.
        if now != worker.mine {
            let what = || {
                format!(
                    "{}'s tasks are not as their acknowledged requests left them: expected {:?}, found {:?}",
                    worker.account.id, worker.mine, now
                )
            };
            shared.failed(Kind::Broken, what, &exchange);
        }
    }
}

/// A task's title and completion, in the contract's shape.
fn state_of(task: &Value) -> (String, bool) {
    let title = task
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let completed = task
        .get("completed")
        .and_then(Value::as_bool)
        .unwrap_or_default();
    (title.to_owned(), completed)
}
