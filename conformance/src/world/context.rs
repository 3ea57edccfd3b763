//! What every scenario shares, set once before the run: the client, the
//! token sources, the profile, and the ledger of tasks the suite created
//! (kept by the run's session, which sweeps it at the end).

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use ed25519_dalek::SigningKey;

use crate::report::results::Informational;
use crate::target::http::Client;
use crate::target::ledger::Created;
use crate::target::ledger::{CreateInFlight, Ledger};
use crate::target::openapi::ApiDocument;
use crate::target::profile::Profile;
use crate::target::tasks::Tasks;
use crate::target::users::{Account, GivenUsers, Provisioning, UserSource};
use crate::tokens::catalogue::Need;
use crate::tokens::issuer::remote::RemoteIssuer;
use crate::tokens::key_server::KeyServer;
use crate::tokens::{Minter, PublicKey, SigningIdentity};

/// How much load: set by `--load USERS --duration SECS`.
#[derive(Debug, Clone, Copy)]
pub struct LoadPlan {
    pub users: u16,
    pub duration: Duration,
}

/// What every scenario shares: set once before the run.
pub struct Context {
    pub client: Client,
    pub minter: Option<Minter>,
    /// The public keys the target trusts, for the key-confusion attacks.
    pub trusted_keys: Vec<PublicKey>,
    /// The key file's other private keys, besides the minter's.
    pub spare_keys: Vec<SigningIdentity>,
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
    /// Tasks the suite created and has not deleted yet, shared with the
    /// run's session, which sweeps it at the end.
    pub ledger: Arc<Ledger>,
    /// The target's OpenAPI document, for the sweep of its operations.
    pub api: Option<ApiDocument>,
    /// Why there is none, when there is none (the `@needs-openapi`
    /// scenarios' skip reason): what each place answered.
    pub api_absent: String,
    /// `--read-only`: the sweep sends only GET and HEAD.
    pub read_only: bool,
    /// The issuer's control API, for the key-lifecycle scenarios.
    pub issuer: Option<RemoteIssuer>,
    /// `--jwks-wait`: how long they wait for the target to take up a change.
    pub jwks_wait: Duration,
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
            Need::Key(family) => self.trusted_keys.iter().any(|key| key.family() == family),
            Need::P256Key => self.trusted_keys.iter().any(PublicKey::is_p256),
            Need::TwoKeys => {
                matches!(self.minter, Some(Minter::BetterAuth(_))) && !self.spare_keys.is_empty()
            }
            Need::Issuer => self.minter.as_ref().and_then(Minter::issuer).is_some(),
            Need::Audience => self.minter.as_ref().and_then(Minter::audience).is_some(),
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

    /// See [`Ledger::create_in_flight`].
    pub fn create_in_flight(&self, owners: Vec<Account>, scenario: &str) -> CreateInFlight<'_> {
        self.ledger.create_in_flight(owners, scenario)
    }

    /// The task routes of the target, as the profile shapes them.
    pub fn tasks(&self) -> Tasks<'_> {
        Tasks::new(&self.client, &self.profile)
    }

    /// Deletes what `scenario` created; see [`Ledger::clean_up`]. Within
    /// two request timeouts (a DELETE and a list): against a target that
    /// stopped answering, each scenario's cleanup would otherwise take
    /// several; what it leaves stays in the ledger for the final sweep.
    pub(super) async fn clean_up(&self, scenario: &str) {
        let limit = self.client.timeout() * 2;
        let _ = tokio::time::timeout(limit, self.ledger.clean_up(self.tasks(), scenario)).await;
    }

    pub fn record(&self, created: Created) {
        self.ledger.record(created);
    }

    /// See [`Ledger::forget`]: a step that deleted a task says so, since
    /// the cleanup could not always prove it gone.
    pub fn forget(&self, id: &str) {
        self.ledger.forget(id);
    }
}
