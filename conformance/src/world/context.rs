//! What every scenario shares, set once before the run: the client, the
//! token sources, the profile, and the ledger of tasks the suite created,
//! with the sweep that deletes them at the end.

use std::sync::{Arc, Mutex, OnceLock};

use ed25519_dalek::SigningKey;
use reqwest::Method;

use super::id_of;
use super::load::LoadPlan;
use crate::report::results::Informational;
use crate::target::http::Client;
use crate::target::profile::Profile;
use crate::target::users::{Account, GivenUsers, Provisioning, UserSource};
use crate::tokens::catalogue::Need;
use crate::tokens::key_server::KeyServer;
use crate::tokens::{Minter, PublicKey};

/// What every scenario shares: set once before the run.
pub struct Context {
    pub client: Client,
    pub minter: Option<Minter>,
    /// The target's public key, for the key-confusion attacks.
    pub public_key: Option<PublicKey>,
    /// The Better Auth server users sign up on, with `--users better-auth`.
    pub better_auth: Option<Client>,
    pub users: UserSource,
    /// The users of `--users given`.
    pub given: Option<GivenUsers>,
    pub profile: Profile,
    /// `--load USERS --duration SECS`, for the load scenario.
    pub load: Option<LoadPlan>,
    pub show_tokens: bool,
    /// The suite's own key, published by `key_server` for the jku/x5u attacks.
    pub attacker: SigningKey,
    pub key_server: KeyServer,
    /// Informational findings, printed and reported after the run.
    pub notes: Mutex<Vec<Informational>>,
    /// Tasks the suite created and has not deleted yet.
    pub ledger: Mutex<Vec<Created>>,
    /// The users of creates cut off before their answer (Ctrl-C, a
    /// timeout): the target may have stored a task nobody knows the id of.
    pub cut_off: Mutex<Vec<Account>>,
}

/// A create in flight. Dropped before [`CreateInFlight::answered`] (the
/// run was interrupted, or no answer came), it hands its users to the final
/// sweep.
pub struct CreateInFlight<'a> {
    context: &'a Context,
    owners: Vec<Account>,
}

impl CreateInFlight<'_> {
    pub fn answered(mut self) {
        self.owners.clear();
    }
}

impl Drop for CreateInFlight<'_> {
    fn drop(&mut self) {
        if let Ok(mut cut_off) = self.context.cut_off.lock() {
            cut_off.append(&mut self.owners);
        }
    }
}

/// A task the suite created, with who may delete it.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: String,
    /// The scenario's users: a broken target may have stored it under either.
    pub owners: Vec<Account>,
    /// The world that created it; empty outside scenarios.
    pub(super) scenario: String,
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

static CONTEXT: OnceLock<Arc<Context>> = OnceLock::new();

pub fn install(context: Context) {
    if CONTEXT.set(Arc::new(context)).is_err() {
        unreachable!("the context is installed once, before the run");
    }
}

pub fn context() -> Arc<Context> {
    installed().expect("the context is installed before the run")
}

/// The context, once a run has installed it.
pub fn installed() -> Option<Arc<Context>> {
    CONTEXT.get().map(Arc::clone)
}

impl Context {
    /// Whether this run has what an attack needs.
    pub fn can_build(&self, need: Need) -> bool {
        match need {
            Need::Nothing | Need::Bob => true,
            Need::SigningKey => self.minter.is_some(),
            Need::Secret => matches!(self.minter, Some(Minter::Hs256(..))),
            Need::PublicKey => self.public_key.is_some(),
        }
    }

    pub fn provisioning(&self) -> Provisioning<'_> {
        Provisioning {
            source: self.users,
            minter: self.minter.as_ref(),
            client: &self.client,
            better_auth: self.better_auth.as_ref(),
            given: self.given.as_ref(),
            profile: &self.profile,
        }
    }

    pub fn note(&self, promise: &str, scenario: &str, text: String) {
        if let Ok(mut notes) = self.notes.lock() {
            notes.push(Informational {
                promise: promise.to_owned(),
                scenario: scenario.to_owned(),
                text,
            });
        }
    }

    pub fn create_in_flight(&self, owners: Vec<Account>) -> CreateInFlight<'_> {
        CreateInFlight {
            context: self,
            owners,
        }
    }

    /// Deletes every task still in the ledger (after Ctrl-C, say), and
    /// every task of the users whose creates were cut off: fresh users
    /// have no tasks but the suite's. Given users' tasks are not all the
    /// suite's: theirs stay in `cut_off`, reported as left behind.
    pub async fn sweep(&self) {
        let cut_off = self
            .cut_off
            .lock()
            .map(|mut cut_off| std::mem::take(&mut *cut_off))
            .unwrap_or_default();
        for owner in cut_off {
            if self.users == UserSource::Given {
                if let Ok(mut kept) = self.cut_off.lock() {
                    kept.push(owner);
                }
                continue;
            }
            for id in self.task_ids_of(&owner).await {
                self.record(Created::new(id, owner.clone()));
            }
        }
        self.delete_from_ledger(|_| true).await;
    }

    /// The ids of `owner`'s tasks, read with their token; none if the list
    /// cannot be read.
    async fn task_ids_of(&self, owner: &Account) -> Vec<String> {
        let exchange = self
            .client
            .send_as(
                Method::GET,
                &self.profile.list_path(&owner.id),
                &owner.token,
                None,
            )
            .await;
        exchange
            .response
            .ok()
            .and_then(|received| received.json())
            .and_then(|answer| self.profile.tasks_in(&answer).ok())
            .map(|list| list.tasks.iter().map(id_of).collect())
            .unwrap_or_default()
    }

    /// Deletes the ledger's tasks that `which` picks. A task leaves the
    /// ledger only once deleted, so a cleanup cut short loses nothing: see
    /// [`Context::left_behind`].
    pub(super) async fn delete_from_ledger(&self, which: impl Fn(&Created) -> bool) {
        let picked: Vec<Created> = self
            .ledger
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
            if self.delete_created(&created).await
                && let Ok(mut ledger) = self.ledger.lock()
            {
                ledger.retain(|entry| entry.id != created.id);
            }
        }
    }

    /// The ids of the tasks still in the ledger, and a line for each given
    /// user whose create was cut off.
    pub fn left_behind(&self) -> Vec<String> {
        let ledger = self.ledger.lock().map_or_else(
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

    pub fn record(&self, created: Created) {
        if let Ok(mut ledger) = self.ledger.lock() {
            ledger.push(created);
        }
    }

    /// Deletes a task the suite created, and only such a task, with each
    /// of its scenario's users in turn. Whether it is gone: deleted, or 404
    /// because a step already deleted it.
    async fn delete_created(&self, created: &Created) -> bool {
        let mut gone = false;
        for owner in &created.owners {
            let path = self.profile.task_path(&owner.id, &created.id);
            match self
                .client
                .send_as(Method::DELETE, &path, &owner.token, None)
                .await
                .status()
            {
                Some(200..=299) => return true,
                Some(404) => gone = true,
                _ => {}
            }
        }
        gone
    }
}
