//! The ledger of tasks the suite created on the target and has not deleted
//! yet, and of the creates cut off before their answer: cleanup deletes
//! what it can, and what stays is reported as left behind.

use std::sync::Mutex;

use crate::target::tasks::Tasks;
use crate::target::users::{Account, UserSource};

/// A task the suite created, with who may delete it.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: String,
    /// The scenario's users: a broken target may have stored it under either.
    pub owners: Vec<Account>,
    /// The scenario that created it; empty outside scenarios.
    pub scenario: String,
}

impl Created {
    /// A task created outside any scenario (the preflight's).
    pub fn new(id: String, owner: Account) -> Self {
        Self {
            id,
            owners: vec![owner],
            scenario: String::new(),
        }
    }
}

/// Tasks the suite created and has not deleted yet, and the users of
/// creates cut off before their answer (Ctrl-C, a timeout): the target may
/// have stored a task nobody knows the id of.
#[derive(Debug, Default)]
pub struct Ledger {
    created: Mutex<Vec<Created>>,
    cut_off: Mutex<Vec<Account>>,
}

/// A create in flight. Dropped before [`CreateInFlight::answered`] (the
/// run was interrupted, or no answer came), it hands its users to the final
/// sweep.
pub struct CreateInFlight<'a> {
    ledger: &'a Ledger,
    owners: Vec<Account>,
}

impl CreateInFlight<'_> {
    pub fn answered(mut self) {
        self.owners.clear();
    }
}

impl Drop for CreateInFlight<'_> {
    fn drop(&mut self) {
        if let Ok(mut cut_off) = self.ledger.cut_off.lock() {
            cut_off.append(&mut self.owners);
        }
    }
}

impl Ledger {
    pub fn record(&self, created: Created) {
        if let Ok(mut ledger) = self.created.lock() {
            ledger.push(created);
        }
    }

    pub fn create_in_flight(&self, owners: Vec<Account>) -> CreateInFlight<'_> {
        CreateInFlight {
            ledger: self,
            owners,
        }
    }

    /// Deletes the tasks that `which` picks. A task leaves the ledger only
    /// once deleted, so a cleanup cut short loses nothing: see
    /// [`Ledger::left_behind`].
    pub async fn delete(&self, tasks: Tasks<'_>, which: impl Fn(&Created) -> bool) {
        let picked: Vec<Created> = self
            .created
            .lock()
            .map(|ledger| {
                ledger
                    .iter()
                    .filter(|created| which(created))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for created in picked {
            if delete_created(tasks, &created).await
                && let Ok(mut ledger) = self.created.lock()
            {
                ledger.retain(|entry| entry.id != created.id);
            }
        }
    }

    /// Deletes every task still in the ledger (after Ctrl-C, say), and
    /// every task of the users whose creates were cut off: fresh users
    /// have no tasks but the suite's. Given users' tasks are not all the
    /// suite's: theirs stay cut off, reported as left behind.
    pub async fn sweep(&self, tasks: Tasks<'_>, users: UserSource) {
        let cut_off = self
            .cut_off
            .lock()
            .map(|mut cut_off| std::mem::take(&mut *cut_off))
            .unwrap_or_default();
        for owner in cut_off {
            if users == UserSource::Given {
                if let Ok(mut kept) = self.cut_off.lock() {
                    kept.push(owner);
                }
                continue;
            }
            for id in tasks.ids(&owner).await {
                self.record(Created::new(id, owner.clone()));
            }
        }
        self.delete(tasks, |_| true).await;
    }

    /// The ids of the tasks still in the ledger, and a line for each given
    /// user whose create was cut off.
    pub fn left_behind(&self) -> Vec<String> {
        let ledger = self.created.lock().map_or_else(
            |_| Vec::new(),
            |ledger| ledger.iter().map(|created| created.id.clone()).collect(),
        );
        let cut_off = self.cut_off.lock().map_or_else(
            |_| Vec::new(),
            |cut_off| {
                cut_off
                    .iter()
                    .map(|owner| format!("maybe one of {}'s (its create was cut off)", owner.id))
                    .collect()
            },
        );
        [ledger, cut_off].concat()
    }
}

/// Deletes a task the suite created, and only such a task, with each of
/// its scenario's users in turn. Whether it is gone: deleted, or 404
/// because a step already deleted it.
async fn delete_created(tasks: Tasks<'_>, created: &Created) -> bool {
    let mut gone = false;
    for owner in &created.owners {
        match tasks.delete(owner, &created.id).await {
            Some(200..=299) => return true,
            Some(404) => gone = true,
            _ => {}
        }
    }
    gone
}
