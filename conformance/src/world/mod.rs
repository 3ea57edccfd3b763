//! The scenario World: fresh users, their tasks, the last exchange, and the
//! domain verbs the steps are made of. Every verb returns `Result`, and a
//! failure carries the report of what broke.

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Value, json};

mod accounts;
mod attacks;
mod load;
mod ownership;
mod tasks;

pub use load::LoadPlan;

use ed25519_dalek::SigningKey;

use crate::contract::{Credentials, Route};
use crate::report::finding::{Failure, Grade};
use crate::report::results::Informational;
use crate::target::http::{Client, Exchange, Received};
use crate::target::profile::{Profile, id_text};
use crate::target::users::{Account, GivenUsers, ProvisionError, Provisioning, UserSource};
use crate::tokens::catalogue::{Attack, Need};
use crate::tokens::key_server::KeyServer;
use crate::tokens::{self, Minter, PublicKey};

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
    scenario: String,
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
        let headers = [(
            "authorization".to_owned(),
            format!("Bearer {}", owner.token),
        )];
        let exchange = self
            .client
            .send(
                Method::GET,
                &self.profile.list_path(&owner.id),
                &headers,
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
    async fn delete_from_ledger(&self, which: impl Fn(&Created) -> bool) {
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
            let headers = [(
                "authorization".to_owned(),
                format!("Bearer {}", owner.token),
            )];
            match self
                .client
                .send(Method::DELETE, &path, &headers, None)
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
    /// Alice's list right after her task was created.
    alice_list: Option<Value>,
    /// "That task" of the CRUD scenarios.
    subject: Option<Value>,
    last: Option<Exchange>,
    /// The claims of the last expired token, for its control.
    expired_claims: Option<Value>,
    /// The attack of the last request, if it carried one.
    attack: Option<Attack>,
    /// Names this scenario: its key URL for the jku/x5u attacks, and its
    /// tasks in the ledger.
    key_id: String,
    /// Requests of multi-request steps (barrage, neighbours, logins).
    probes: Vec<(String, Exchange)>,
    /// What the load scenario saw.
    load: Option<load::LoadResult>,
    /// Reports of harmless deviations, which do not stop the scenario.
    deviations: Mutex<Vec<String>>,
    /// The email and password of Alice's registered account.
    login: Option<(String, String)>,
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

/// A step's result. The failure is boxed: it is large and rare.
pub type Outcome = Result<(), Box<Failure>>;

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
            alice_list: None,
            subject: None,
            last: None,
            expired_claims: None,
            attack: None,
            key_id: uuid::Uuid::new_v4().simple().to_string(),
            probes: Vec::new(),
            load: None,
            deviations: Mutex::new(Vec::new()),
            login: None,
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
        Box::new(Failure {
            promise: self.promise.clone(),
            scenario: self.scenario.clone(),
            expected: expected.into(),
            actual: actual.into(),
            grade: if self.non_strict {
                Grade::Should
            } else {
                Grade::Broken
            },
            exchange,
            show_tokens: self.ctx.show_tokens,
        })
    }

    /// Notes a harmless deviation from the contract (no data exposed) and
    /// lets the scenario go on, so that the checks after it still run: a
    /// 403 that still wrote must fail as the breach it is. The run grades
    /// the scenario by it only if nothing worse happened.
    fn deviate(&self, mut failure: Box<Failure>) {
        failure.grade = Grade::Deviation;
        if let Ok(mut deviations) = self.deviations.lock() {
            deviations.push(failure.to_string());
        }
    }

    /// The reports of the deviations found, emptied.
    pub fn take_deviations(&mut self) -> Vec<String> {
        self.deviations
            .lock()
            .map(|mut deviations| std::mem::take(&mut *deviations))
            .unwrap_or_default()
    }

    fn provision_failure(&self, who: &str, error: ProvisionError) -> Box<Failure> {
        as_setup(self.failure_about(
            error.exchange.map(|exchange| *exchange),
            format!("a fresh user {who} to test with"),
            error.reason,
        ))
    }

    // --- users and their tasks --------------------------------------------

    pub async fn alice(&mut self) -> Result<Account, Box<Failure>> {
        if self.alice.is_none() {
            let account = self.provision("Alice").await?;
            // A given Alice has tasks of her own: they are not this scenario's.
            if self.ctx.users == UserSource::Given {
                let tasks = self.read_list(&account).await.map_err(as_setup)?;
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
        self.create_own_task(owner).await.map_err(as_setup)
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
        self.send_create(&path, &bearer(Some(&account.token)), Some(&body))
            .await;
        self.expect_success(Route::Create)?;
        let task = self.last_task()?;
        if owner == Owner::Alice {
            self.alice_task = Some(task.clone());
            self.subject = Some(task);
            self.alice_list = Some(self.read_list(&account).await?);
        }
        Ok(())
    }

    /// The owner's tasks (in the contract's shape, as a JSON array), read
    /// with their own token. Leaves the last exchange alone.
    async fn read_list(&self, account: &Account) -> Result<Value, Box<Failure>> {
        let exchange = self
            .fetch(
                Method::GET,
                &self.list_path(account),
                Some(&account.token),
                None,
            )
            .await;
        let failed = |expected: String, actual: String| {
            self.failure_about(Some(exchange.clone()), expected, actual)
        };
        let received = exchange
            .response
            .as_ref()
            .map_err(|error| failed("an HTTP answer".to_owned(), error.clone()))?;
        let success = self.ctx.profile.success(Route::List);
        if !success.contains(&received.status) {
            return Err(failed(
                format!("{} with {}'s list", statuses(success), account.name),
                received.status.to_string(),
            ));
        }
        let answer = received.json().ok_or_else(|| {
            failed(
                format!("{}'s list as JSON", account.name),
                "a body that is not JSON".to_owned(),
            )
        })?;
        let list = self
            .ctx
            .profile
            .tasks_in(&answer)
            .map_err(|reason| failed(format!("{}'s list", account.name), reason))?;
        if let Some(truncated) = list.truncated {
            self.ctx.note(&self.promise, &self.scenario, truncated);
        }
        Ok(Value::Array(list.tasks))
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

    // --- requests -----------------------------------------------------------

    /// Sends a request with an optional bearer token; the exchange becomes
    /// the last one.
    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) {
        self.last = Some(self.fetch(method, path, token, body).await);
    }

    async fn fetch(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Exchange {
        self.ctx
            .client
            .send(method, path, &bearer(token), body)
            .await
    }

    /// Sends a request that may create a task, which becomes the last
    /// exchange, and records what it created for `clean_up`.
    async fn send_create(
        &mut self,
        path: &str,
        headers: &[(String, String)],
        body: Option<&Value>,
    ) {
        let owners = [self.alice.clone(), self.bob.clone()]
            .into_iter()
            .flatten()
            .collect();
        let context = Arc::clone(&self.ctx);
        let in_flight = context.create_in_flight(owners);
        let exchange = context.client.send(Method::POST, path, headers, body).await;
        // Without an answer (a timeout), the task may be stored all the same.
        if exchange.response.is_ok() {
            in_flight.answered();
        }
        self.last = Some(exchange);
        self.remember_created();
    }

    /// `route` on Alice's task (or under Bob's path with it), with `credentials`.
    pub async fn call(&mut self, route: Route, owner: Owner, credentials: Credentials) -> Outcome {
        let alice = self.alice().await?;
        let headers = self.credentials(credentials, &alice).await?;
        self.call_with_headers(route, owner, headers).await
    }

    /// `route` on Alice's task under `owner`'s path, with exactly `headers`.
    async fn call_with_headers(
        &mut self,
        route: Route,
        owner: Owner,
        headers: Vec<(String, String)>,
    ) -> Outcome {
        let task_id = match self.alice_task.as_ref() {
            Some(task) => id_of(task),
            None => "00000000-0000-0000-0000-000000000000".to_owned(),
        };
        let path_owner = self.account(owner).await?;
        let (method, path, body) = route.request(&self.ctx.profile, &path_owner.id, &task_id);
        if route == Route::Create {
            // A create that should have been refused may still store a task.
            self.send_create(&path, &headers, body.as_ref()).await;
        } else {
            self.last = Some(
                self.ctx
                    .client
                    .send(method, &path, &headers, body.as_ref())
                    .await,
            );
        }
        Ok(())
    }

    async fn credentials(
        &mut self,
        credentials: Credentials,
        alice: &Account,
    ) -> Result<Vec<(String, String)>, Box<Failure>> {
        let bearer = |token: String| {
            Ok(vec![(
                "authorization".to_owned(),
                format!("Bearer {token}"),
            )])
        };
        let raw = |value: String| Ok(vec![("authorization".to_owned(), value)]);
        match credentials {
            Credentials::None => Ok(Vec::new()),
            Credentials::Basic => raw(format!(
                "Basic {}",
                STANDARD.encode(format!("{}:password", alice.email))
            )),
            Credentials::EmptyBearer => raw("Bearer ".to_owned()),
            Credentials::NonJwtBearer => raw("Bearer this-is-not-a-jwt".to_owned()),
            Credentials::AlicesToken => bearer(alice.token.clone()),
            Credentials::BobsToken => bearer(self.bob().await?.token),
            Credentials::OtherSecret => {
                bearer(tokens::signed_with_another_secret(&self.claims_of(alice)?))
            }
            Credentials::PayloadSetToAlice => {
                let bob = self.bob().await?;
                bearer(tokens::with_payload(&bob.token, &self.claims_of(alice)?))
            }
            Credentials::AlgNone => bearer(tokens::alg_none_with("none", &self.claims_of(alice)?)),
            Credentials::NoSignature => bearer(tokens::without_signature(&alice.token)),
            Credentials::ExpiredAnHourAgo => {
                let minter = self.minter()?;
                let claims = minter.claims(&alice.id, &alice.email);
                let mut expired = tokens::with_exp(&claims, -3600);
                expired["iat"] = json!(tokens::unix_now() - 7200);
                let token = minter.sign(&expired);
                self.expired_claims = Some(expired);
                bearer(token)
            }
            Credentials::SameExpiringInAnHour => {
                let minter = self.minter()?;
                let expired = self.expired_claims.as_ref().ok_or_else(|| {
                    self.failure_about(
                        None,
                        "an expired token from an earlier step",
                        "none was sent",
                    )
                })?;
                bearer(minter.sign(&tokens::with_exp(expired, 3600)))
            }
        }
    }

    /// Alice's claims as her real token carries them.
    fn claims_of(&self, alice: &Account) -> Result<Value, Box<Failure>> {
        tokens::payload(&alice.token).ok_or_else(|| {
            self.failure_about(
                None,
                "a JWT for Alice to forge variants of",
                "the target's token is not a JWT with a JSON payload",
            )
        })
    }

    // --- checks ---------------------------------------------------------------

    fn received(&self) -> Result<&Received, Box<Failure>> {
        match self.last.as_ref().map(|exchange| &exchange.response) {
            Some(Ok(received)) => Ok(received),
            Some(Err(error)) => Err(self.failure("an HTTP answer", format!("no answer: {error}"))),
            None => {
                Err(self.failure_about(None, "a request in an earlier step", "no request was sent"))
            }
        }
    }

    fn last_json(&self) -> Result<Value, Box<Failure>> {
        let received = self.received()?;
        received.json().ok_or_else(|| {
            self.failure(
                "a JSON body",
                format!("{} with a body that is not JSON", received.status),
            )
        })
    }

    /// The last answer as a task in the contract's shape.
    fn last_task(&self) -> Result<Value, Box<Failure>> {
        Ok(self.ctx.profile.task(&self.last_json()?))
    }

    /// The last answer is one of the statuses the profile counts as
    /// `route`'s success.
    pub fn expect_success(&self, route: Route) -> Outcome {
        let status = self.received()?.status;
        let success = self.ctx.profile.success(route);
        if success.contains(&status) {
            Ok(())
        } else {
            Err(self.failure(
                format!(
                    "{} ({} succeeding, profile {})",
                    statuses(success),
                    route.name(),
                    self.ctx.profile.name
                ),
                status.to_string(),
            ))
        }
    }

    /// A 403 where 404 is due is a deviation, not a breach, when it shows
    /// no task data: it confirms that the task exists, and no more.
    pub fn expect_status(&self, expected: u16) -> Outcome {
        let status = self.received()?.status;
        if status == expected {
            Ok(())
        } else if (expected, status) == (404, 403) && self.expect_no_task_data().is_ok() {
            self.deviate(self.failure(
                "404, the answer for a task that does not exist",
                "403 without task data: it tells the caller the task exists",
            ));
            Ok(())
        } else {
            Err(self.failure(expected.to_string(), status.to_string()))
        }
    }

    pub fn expect_client_error(&self) -> Outcome {
        let status = self.received()?.status;
        if (400..500).contains(&status) {
            Ok(())
        } else {
            Err(self.failure("a 4xx client error", status.to_string()))
        }
    }

    /// 401 (a breach otherwise) with `WWW-Authenticate: Bearer ...` (RFC
    /// 6750 §3; a deviation otherwise). Whether the challenge names Bearer.
    pub fn expect_bearer_challenge(&self) -> Result<bool, Box<Failure>> {
        self.expect_status(401)?;
        let actual = match self.received()?.header("www-authenticate") {
            Some(challenge) if names_bearer(challenge) => return Ok(true),
            Some(other) => format!("WWW-Authenticate: {other}"),
            None => "401 without a WWW-Authenticate header".to_owned(),
        };
        self.deviate(self.failure("WWW-Authenticate: Bearer", actual));
        Ok(false)
    }

    /// The body names neither Alice's task id nor its title.
    pub fn expect_no_task_data(&self) -> Outcome {
        let received = self.received()?;
        let Some(task) = &self.alice_task else {
            return Ok(());
        };
        let title = task
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let names_task = received
            .json()
            .is_some_and(|body| mentions_task(&self.ctx.profile, &body, &id_of(task)));
        if names_task || (!title.is_empty() && received.text().contains(title)) {
            Err(self.failure(
                "no data of Alice's task in the body",
                "the body contains Alice's task",
            ))
        } else {
            Ok(())
        }
    }

    pub fn expect_mentions_alice_task(&self) -> Outcome {
        let id = id_of(self.alice_task()?);
        if self
            .received()?
            .json()
            .is_some_and(|body| mentions_task(&self.ctx.profile, &body, &id))
        {
            Ok(())
        } else {
            Err(self.failure(
                format!("a body listing Alice's task {id}"),
                "it is not there",
            ))
        }
    }

    /// Alice's list, re-read with her own token, equals the one read right
    /// after her task was created: nothing added, changed or lost.
    pub async fn expect_alice_unchanged(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let Some(before) = &self.alice_list else {
            return Err(self.failure_about(
                None,
                "Alice's list from an earlier step",
                "no list was read",
            ));
        };
        let now = self.read_list(&alice).await?;
        if &now == before {
            Ok(())
        } else {
            Err(self.failure(
                format!("Alice's tasks as they were: {before}"),
                format!("after the request below they are: {now}"),
            ))
        }
    }

    /// Deletes the tasks this scenario created, and only those, even when a
    /// broken target would let it delete others'. What cannot be deleted
    /// stays in the ledger, and the run reports it as left behind.
    pub async fn clean_up(&mut self) {
        self.ctx
            .delete_from_ledger(|created| created.scenario == self.key_id)
            .await;
    }

    /// Records the task a 2xx answer created, for `clean_up`.
    fn remember_created(&mut self) {
        let created = self
            .last
            .as_ref()
            .and_then(|exchange| exchange.response.as_ref().ok());
        if let Some(task) = created
            .filter(|received| (200..300).contains(&received.status))
            .and_then(|r| r.json())
        {
            let id = self.ctx.profile.id_of(&task);
            if !id.is_empty() {
                self.ctx.record(Created {
                    id,
                    owners: [self.alice.clone(), self.bob.clone()]
                        .into_iter()
                        .flatten()
                        .collect(),
                    scenario: self.key_id.clone(),
                });
            }
        }
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

/// An Authorization header with `token` as a bearer, or none.
fn bearer(token: Option<&str>) -> Vec<(String, String)> {
    token
        .map(|token| ("authorization".to_owned(), format!("Bearer {token}")))
        .into_iter()
        .collect()
}

/// `204`, or `200 or 204`.
fn statuses(codes: &[u16]) -> String {
    codes
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A `WWW-Authenticate` challenge for the Bearer scheme (RFC 6750 §3).
fn names_bearer(challenge: &str) -> bool {
    challenge
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("bearer")
}

/// A Bearer challenge that says the presented token was refused (§3.1).
fn says_invalid_token(challenge: &str) -> bool {
    names_bearer(challenge) && challenge.contains("error=\"invalid_token\"")
}

fn as_setup(mut failure: Box<Failure>) -> Box<Failure> {
    failure.grade = Grade::NotSetUp;
    failure
}

/// Whether `body` holds, at any depth, an object whose id is `id`.
fn mentions_task(profile: &Profile, body: &Value, id: &str) -> bool {
    match body {
        Value::Array(items) => items.iter().any(|item| mentions_task(profile, item, id)),
        Value::Object(fields) => {
            profile.id_of(body) == id
                || fields
                    .values()
                    .any(|value| mentions_task(profile, value, id))
        }
        _ => false,
    }
}

/// The id of a task in the contract's shape (see `Profile::task`).
pub fn id_of(task: &Value) -> String {
    id_text(task.get("id"))
}
