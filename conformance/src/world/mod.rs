//! The scenario World: fresh users, their tasks, the last exchange, and the
//! domain verbs the steps are made of. Every verb returns `Result`, and a
//! failure carries the report of what broke.

use std::fmt;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

mod accounts;
mod answers;
mod attacks;
mod checks;
pub mod context;
mod cookies;
mod lifecycle;
mod lists;
mod load;
mod ownership;
mod requests;
mod sweep;
mod tasks;
mod trust;

use crate::contract::{Route, id_of};
use crate::report::finding::{Check, Failure, Grade, Presented};
use crate::report::text;
use crate::target::http::{self, Exchange};
use crate::target::users::{Account, ProvisionError, UserSource};
use crate::tokens::Minter;
use context::{Context, context};

#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct ContractWorld {
    ctx: Arc<Context>,
    /// The feature (one promise per feature) and scenario, for reports.
    pub promise: String,
    pub scenario: String,
    /// A `@should` scenario outside `--strict`: its failures are non-strict.
    pub non_strict: bool,
    alice: Option<Account>,
    bob: Option<Account>,
    /// The ids of the tasks a given Alice had before this scenario.
    alice_baseline: Vec<String>,
    /// Alice's task as the target returned it at creation.
    alice_task: Option<Value>,
    /// Bob's task, likewise, for the sweep's comparisons.
    bob_task: Option<Value>,
    /// Alice's list right after her task was created.
    alice_list: Option<Value>,
    /// "That task" of the CRUD scenarios.
    subject: Option<Value>,
    last: Option<Exchange>,
    /// The claims of the last expired token, for its control.
    expired_claims: Option<Value>,
    /// What the last request presented as its credentials.
    presented: Option<Presented>,
    /// Names this scenario: its key URL for the jku/x5u attacks, and its
    /// tasks in the ledger.
    key_id: String,
    /// Requests of multi-request steps (barrage, neighbours, logins).
    probes: Vec<(String, Exchange)>,
    /// What the last walk of the sweep found.
    sweep: sweep::log::Log,
    /// What the load scenario saw.
    load: Option<load::result::LoadResult>,
    /// What a key-lifecycle scenario changed at the issuer and saw.
    lifecycle: lifecycle::state::Lifecycle,
    /// Harmless deviations, which do not stop the scenario.
    deviations: Mutex<Vec<Failure>>,
    /// The finding that stopped the scenario.
    finding: Option<Failure>,
    /// The email and password of Alice's registered account.
    login: Option<(String, String)>,
    /// The tokens the target issued Alice's account, with the route that
    /// issued each (register, login).
    issued: Vec<(String, String)>,
    /// Why the last list read may lack tasks: pages it could not read.
    unread: Mutex<Option<String>>,
    /// Why the scenario cannot be judged here: it ends skipped, with this
    /// reason, whatever stopped it. Set by the checks that read an answer,
    /// which borrow the World shared.
    unjudged: Mutex<Option<String>>,
}

impl fmt::Debug for ContractWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContractWorld")
            .field("promise", &self.promise)
            .field("scenario", &self.scenario)
            .field("alice", &self.alice.as_ref().map(|a| &a.id))
            .field("bob", &self.bob.as_ref().map(|b| &b.id))
            .finish_non_exhaustive()
    }
}

/// Whose path a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Alice,
    Bob,
}

/// Whose path Bob's request goes to, in the sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crossing {
    /// Bob's token on Alice's path (and her task).
    AlicesPath,
    /// Bob's token on his own path, with Alice's task.
    AlicesTaskUnderBobsPath,
}

/// A step's result. The failure is boxed: it is large and rare.
pub type Outcome = Result<(), Box<Failure>>;

/// How a step ends on a finding. cucumber turns a step's error into text,
/// so the step keeps the typed finding in the World for the reports, and
/// stops the scenario with the text only for Cucumber's JSON
/// (`--cucumber-json`).
pub trait Stop {
    fn or_stop(self, world: &mut ContractWorld);
}

impl<T> Stop for Result<T, Box<Failure>> {
    fn or_stop(self, world: &mut ContractWorld) {
        if let Err(failure) = self {
            let unjudged = world.unjudged.lock().ok().and_then(|reason| reason.clone());
            let text = match unjudged {
                // No verdict: nothing that reads like one.
                Some(reason) => format!("not judged: {reason}"),
                None => text::block(&failure, world.ctx.show_tokens),
            };
            world.finding = Some(*failure);
            // Unwinds without the panic hook: this is a verdict, not a crash.
            std::panic::resume_unwind(Box::new(text));
        }
    }
}

impl ContractWorld {
    fn new() -> Self {
        Self {
            ctx: context(),
            promise: String::new(),
            scenario: String::new(),
            non_strict: false,
            alice: None,
            bob: None,
            alice_baseline: Vec::new(),
            alice_task: None,
            bob_task: None,
            alice_list: None,
            subject: None,
            last: None,
            expired_claims: None,
            presented: None,
            key_id: uuid::Uuid::new_v4().simple().to_string(),
            probes: Vec::new(),
            sweep: sweep::log::Log::default(),
            load: None,
            lifecycle: lifecycle::state::Lifecycle::default(),
            deviations: Mutex::new(Vec::new()),
            finding: None,
            login: None,
            issued: Vec::new(),
            unread: Mutex::new(None),
            unjudged: Mutex::new(None),
        }
    }

    /// A failure of this scenario, about the last exchange.
    pub fn failure(&self, expected: impl Into<String>, actual: impl Into<String>) -> Box<Failure> {
        self.failure_about(self.last.clone(), expected, actual)
    }

    fn failure_about(
        &self,
        exchange: Option<Exchange>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Box<Failure> {
        // A 5xx on the attacker's input fails even a @should scenario.
        let server_error = exchange
            .as_ref()
            .and_then(Exchange::status)
            .is_some_and(|status| status >= 500);
        Box::new(Failure {
            promise: self.promise.clone(),
            scenario: self.scenario.clone(),
            grade: if self.non_strict && !server_error {
                Grade::Should
            } else {
                Grade::Broken
            },
            check: Check::Other,
            presented: self.presented.clone(),
            expected: expected.into(),
            actual: actual.into(),
            exchange,
        })
    }

    /// Notes a harmless deviation from the contract (no data exposed) and
    /// lets the scenario go on, so that the checks after it still run: a
    /// 403 that still wrote must fail as the breach it is. The run grades
    /// the scenario by it only if nothing worse happened.
    fn deviate(&self, mut failure: Box<Failure>) {
        failure.grade = Grade::Deviation;
        if let Ok(mut deviations) = self.deviations.lock() {
            deviations.push(*failure);
        }
    }

    /// Whether reports show credentials in full (`--show-tokens`).
    pub fn show_tokens(&self) -> bool {
        self.ctx.show_tokens
    }

    /// Why the scenario could not be judged, if it could not: it is then
    /// skipped, not graded by what stopped it.
    pub fn take_unjudged(&mut self) -> Option<String> {
        self.unjudged
            .lock()
            .ok()
            .and_then(|mut reason| reason.take())
    }

    /// The finding that stopped the scenario and the deviations noted on
    /// the way, emptied.
    pub fn take_findings(&mut self) -> (Option<Failure>, Vec<Failure>) {
        let deviations = self
            .deviations
            .lock()
            .map(|mut deviations| std::mem::take(&mut *deviations))
            .unwrap_or_default();
        (self.finding.take(), deviations)
    }

    fn provision_failure(&self, who: &str, error: ProvisionError) -> Box<Failure> {
        self.failure_about(
            error.exchange.map(|exchange| *exchange),
            format!("a fresh user {who} to test with"),
            error.reason,
        )
        .not_set_up()
    }

    // --- users and their tasks --------------------------------------------

    pub async fn alice(&mut self) -> Result<Account, Box<Failure>> {
        if self.alice.is_none() {
            let account = self.provision("Alice").await?;
            // A given Alice has tasks of her own: they are not this scenario's.
            if self.ctx.users == UserSource::Given {
                let tasks = self
                    .read_list(&account)
                    .await
                    .map_err(Failure::not_set_up)?;
                self.alice_baseline = tasks.as_array().into_iter().flatten().map(id_of).collect();
            }
            self.alice = Some(account);
        }
        Ok(self.alice.clone().expect("just provisioned"))
    }

    pub async fn bob(&mut self) -> Result<Account, Box<Failure>> {
        if self.bob.is_none() {
            let account = self.provision("Bob").await?;
            self.bob = Some(account);
        }
        Ok(self.bob.clone().expect("just provisioned"))
    }

    async fn provision(&self, name: &'static str) -> Result<Account, Box<Failure>> {
        self.ctx
            .provisioning()
            .provision(name)
            .await
            .map_err(|error| self.provision_failure(name, error))
    }

    async fn account(&mut self, owner: Owner) -> Result<Account, Box<Failure>> {
        match owner {
            Owner::Alice => self.alice().await,
            Owner::Bob => self.bob().await,
        }
    }

    /// Gives Alice a token the suite minted itself for her id.
    pub async fn give_alice_a_minted_token(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let minter = self.minter()?;
        let token = minter.sign(&minter.claims(&alice.id, &alice.email));
        if let Some(alice) = &mut self.alice {
            alice.token = token;
        }
        Ok(())
    }

    fn minter(&self) -> Result<&Minter, Box<Failure>> {
        self.ctx.minter.as_ref().ok_or_else(|| {
            self.failure_about(
                None,
                "a signing key to mint tokens with",
                "none was given (--secret or --signing-key)",
            )
        })
    }

    /// Creates a task for `owner` with their own token, and remembers it. A
    /// failure here is a failed preparation, not a broken promise.
    pub async fn give_task(&mut self, owner: Owner) -> Outcome {
        self.create_own_task(owner)
            .await
            .map_err(Failure::not_set_up)
    }

    async fn create_own_task(&mut self, owner: Owner) -> Outcome {
        let account = self.account(owner).await?;
        let title = format!(
            "{}'s private task {}",
            account.name,
            uuid::Uuid::new_v4().simple()
        );
        let body = self
            .ctx
            .profile
            .body(&json!({"title": title, "description": "created by todo-conformance"}));
        let path = self.tasks_path(&account);
        self.send_create(
            &account,
            &path,
            &[http::bearer(&account.token)],
            Some(&body),
        )
        .await;
        self.expect_success(Route::Create)?;
        let task = self.last_task()?;
        if owner == Owner::Bob {
            self.bob_task = Some(task);
        } else {
            self.alice_task = Some(task.clone());
            self.subject = Some(task);
            self.alice_list = Some(self.read_list(&account).await?);
        }
        Ok(())
    }

    fn alice_task(&self) -> Result<&Value, Box<Failure>> {
        self.alice_task.as_ref().ok_or_else(|| {
            self.failure_about(
                None,
                "Alice's task from an earlier step",
                "no task was created",
            )
        })
    }

    /// Deletes the scenario's tasks, and puts the issuer's JWKS back if
    /// the scenario changed it.
    pub async fn clean_up(&mut self) {
        self.restore_jwks().await;
        self.ctx.clean_up(&self.key_id).await;
    }

    /// The path of `account`'s tasks.
    pub fn tasks_path(&self, account: &Account) -> String {
        self.ctx.profile.tasks_path(&account.id)
    }

    /// The path that lists `account`'s tasks.
    pub fn list_path(&self, account: &Account) -> String {
        self.ctx.profile.list_path(&account.id)
    }
}
