//! The ledger of tasks the suite created on the target and has not proven
//! gone yet, and of the creates whose task the suite could not name:
//! cleanup deletes what it can, and what stays is reported as left behind.
//!
//! Nothing leaves the ledger before it is proven gone: a DELETE answered
//! 2xx, or a list of each owner's, read whole, without it. A 404 alone
//! proves nothing (a target whose routes broke answers 404 to everything),
//! and a cleanup cut short (a timeout, a signal) loses nothing.

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard};

use futures::StreamExt as _;

use crate::target::http::{Exchange, Received};
use crate::target::profile::Profile;
use crate::target::tasks::Tasks;
use crate::target::users::{Account, UserSource};

/// Cleanup requests in flight at once.
const CONCURRENCY: usize = 16;

/// Rounds of DELETE then list for one task (a second DELETE when the list
/// shows the first one, whose answer was lost, did not reach the target),
/// and tries of one list.
const ROUNDS: usize = 2;

/// A task the suite created, with who may delete it.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: String,
    /// The scenario's users, the one whose path created it first: a broken
    /// target may have stored it under either.
    pub owners: Vec<Account>,
    /// The scenario that created it; empty outside scenarios.
    pub scenario: String,
}

/// A create that may have stored a task the suite cannot name: no answer
/// came (Ctrl-C, a timeout, a reset), or a 5xx, or a 2xx without a
/// readable id, or (fresh users) a 4xx.
#[derive(Debug, Clone)]
struct CutOff {
    owner: Account,
    scenario: String,
}

/// Tasks the suite created and has not proven gone, and the users of
/// creates whose task it could not name.
#[derive(Debug)]
pub struct Ledger {
    users: UserSource,
    created: Mutex<Vec<Created>>,
    cut_off: Mutex<Vec<CutOff>>,
}

/// A create in flight. Dropped before [`CreateInFlight::settle`] (the run
/// was interrupted), or settled without a task id, it leaves its users cut
/// off: a list of theirs decides.
pub struct CreateInFlight<'a> {
    ledger: &'a Ledger,
    owners: Vec<Account>,
    scenario: String,
}

impl CreateInFlight<'_> {
    /// The create's answer: the task it names goes in the ledger, and its
    /// id is returned.
    pub fn settle(mut self, exchange: &Exchange, profile: &Profile) -> Option<String> {
        let id = exchange
            .response
            .as_ref()
            .ok()
            .filter(|received| (200..300).contains(&received.status))
            .and_then(Received::json)
            .map(|task| profile.id_of(&task))
            .filter(|id| !id.is_empty());
        let refused = exchange
            .status()
            .is_some_and(|status| (400..500).contains(&status));
        if let Some(id) = &id {
            self.ledger.record(Created {
                id: id.clone(),
                owners: std::mem::take(&mut self.owners),
                scenario: self.scenario.clone(),
            });
        } else if refused && self.ledger.users == UserSource::Given {
            // A given user's list holds their own tasks too, which no list
            // tells from the suite's: every refusal would be reported.
            self.owners.clear();
        }
        id
    }
}

impl Drop for CreateInFlight<'_> {
    fn drop(&mut self) {
        let scenario = &self.scenario;
        let mut cut_off = lock(&self.ledger.cut_off);
        cut_off.extend(self.owners.drain(..).map(|owner| CutOff {
            owner,
            scenario: scenario.clone(),
        }));
    }
}

/// A poisoned lock still holds the ledger: a panicking step must not make
/// the cleanup forget what it created.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Ledger {
    pub fn new(users: UserSource) -> Self {
        Self {
            users,
            created: Mutex::default(),
            cut_off: Mutex::default(),
        }
    }

    /// Records a task the suite created, once.
    pub fn record(&self, created: Created) {
        let mut ledger = lock(&self.created);
        if !ledger.iter().any(|entry| entry.id == created.id) {
            ledger.push(created);
        }
    }

    /// A DELETE of the suite's answered 2xx: the task `id` is gone.
    pub fn forget(&self, id: &str) {
        lock(&self.created).retain(|created| created.id != id);
    }

    /// A create of `scenario`'s (empty outside scenarios) by one of
    /// `owners`, in flight from now until settled.
    pub fn create_in_flight(&self, owners: Vec<Account>, scenario: &str) -> CreateInFlight<'_> {
        CreateInFlight {
            ledger: self,
            owners,
            scenario: scenario.to_owned(),
        }
    }

    /// Deletes what `scenario` (empty: outside scenarios) created, and the
    /// tasks its cut-off creates stored.
    pub async fn clean_up(&self, tasks: Tasks<'_>, scenario: &str) {
        let mine = |created: &Created| created.scenario == scenario;
        // The known tasks first: a short list settles a cut-off create
        // best (a list of a common page size may have a next page).
        self.delete(tasks, mine).await;
        if self.resolve(tasks, |cut| cut.scenario == scenario).await {
            self.delete(tasks, mine).await;
        }
    }

    /// Deletes everything still in the ledger (at the end of the run, or
    /// after a signal), and the tasks every cut-off create stored.
    pub async fn sweep(&self, tasks: Tasks<'_>) {
        self.delete(tasks, |_| true).await;
        if self.resolve(tasks, |_| true).await {
            self.delete(tasks, |_| true).await;
        }
    }

    /// Deletes the tasks that `which` picks, in parallel; each leaves the
    /// ledger once proven gone.
    async fn delete(&self, tasks: Tasks<'_>, which: impl Fn(&Created) -> bool) {
        let picked: Vec<Created> = lock(&self.created)
            .iter()
            .filter(|created| which(created))
            .cloned()
            .collect();
        futures::stream::iter(picked)
            .for_each_concurrent(CONCURRENCY, |created| async move {
                if delete_created(tasks, &created).await {
                    lock(&self.created).retain(|entry| entry.id != created.id);
                }
            })
            .await;
    }

    /// Lists the owners of the cut-off creates that `which` picks, in
    /// parallel: what a list shows of them settles them. Whether there
    /// were any.
    async fn resolve(&self, tasks: Tasks<'_>, which: impl Fn(&CutOff) -> bool) -> bool {
        let mut owners: Vec<(CutOff, usize)> = Vec::new();
        for cut in lock(&self.cut_off).iter().filter(|cut| which(cut)) {
            match owners
                .iter_mut()
                .find(|(seen, _)| seen.owner.id == cut.owner.id)
            {
                Some((_, count)) => *count += 1,
                None => owners.push((cut.clone(), 1)),
            }
        }
        if owners.is_empty() {
            return false;
        }
        let which = &which;
        futures::stream::iter(owners)
            .for_each_concurrent(CONCURRENCY, |(cut, count)| async move {
                if self.settle_by_list(tasks, &cut, count).await {
                    let mut left = count;
                    lock(&self.cut_off).retain(|entry| {
                        let settled = left > 0 && entry.owner.id == cut.owner.id && which(entry);
                        left -= usize::from(settled);
                        !settled
                    });
                }
            })
            .await;
        true
    }

    /// Whether `count` cut-off creates of `cut`'s owner are settled by a
    /// list of theirs, read whole: the tasks in it the ledger does not know
    /// are what the creates stored, taken into the ledger. Never when the
    /// list holds tasks the suite cannot have made: a given user's own, or
    /// more than the creates could store (a target that lists everyone's).
    async fn settle_by_list(&self, tasks: Tasks<'_>, cut: &CutOff, count: usize) -> bool {
        let Some(listed) = read_list(tasks, &cut.owner).await else {
            return false;
        };
        let known: HashSet<String> = lock(&self.created)
            .iter()
            .map(|created| created.id.clone())
            .collect();
        let unknown: Vec<String> = listed
            .into_iter()
            .filter(|id| !known.contains(id))
            .collect();
        if unknown.is_empty() {
            return true;
        }
        if self.users == UserSource::Given || unknown.len() > count {
            return false;
        }
        for id in unknown {
            self.record(Created {
                id,
                owners: vec![cut.owner.clone()],
                scenario: cut.scenario.clone(),
            });
        }
        true
    }

    /// The ids of the tasks still in the ledger, and a line for each user
    /// whose cut-off create may have stored a task no list settled.
    pub fn left_behind(&self) -> Vec<String> {
        let ids = lock(&self.created)
            .iter()
            .map(|created| created.id.clone())
            .collect::<Vec<_>>();
        let mut owners: Vec<String> = Vec::new();
        for cut in lock(&self.cut_off).iter() {
            if !owners.contains(&cut.owner.id) {
                owners.push(cut.owner.id.clone());
            }
        }
        let maybe = owners.iter().map(|owner| {
            format!("maybe one of {owner}'s (a create of theirs got no usable answer)")
        });
        ids.into_iter().chain(maybe).collect()
    }
}

/// Deletes a task the suite created, and only such a task, with each of
/// its scenario's users in turn: whether it is proven gone. Only a 2xx on
/// the path it was created under proves it: many APIs answer a DELETE of
/// an id they do not hold with 204, so a 2xx on another user's path is
/// checked by the lists, as a 404 is.
async fn delete_created(tasks: Tasks<'_>, created: &Created) -> bool {
    for _ in 0..ROUNDS {
        for (index, owner) in created.owners.iter().enumerate() {
            let status = tasks.delete(owner, &created.id).await;
            if status.is_some_and(|status| (200..300).contains(&status)) {
                if index == 0 {
                    return true;
                }
                break;
            }
        }
        match absent(tasks, created).await {
            Some(true) => return true,
            Some(false) => {}
            // Unreadable lists: another DELETE would prove nothing more.
            None => return false,
        }
    }
    false
}

/// Whether every owner's list, read whole, lacks `created`; `None` when a
/// list could not be read.
async fn absent(tasks: Tasks<'_>, created: &Created) -> Option<bool> {
    for owner in &created.owners {
        if read_list(tasks, owner).await?.contains(&created.id) {
            return Some(false);
        }
    }
    Some(true)
}

/// `owner`'s list read whole (see [`Tasks::listing`]), in one of
/// [`ROUNDS`] tries: one lost answer must not leave a task unproven.
async fn read_list(tasks: Tasks<'_>, owner: &Account) -> Option<Vec<String>> {
    for _ in 0..ROUNDS {
        if let Some(listed) = tasks.listing(owner).await {
            return Some(listed);
        }
    }
    None
}
