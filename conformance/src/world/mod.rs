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
mod ownership;
mod tasks;

use ed25519_dalek::SigningKey;

use crate::http::{Client, Exchange, Received};
use crate::keyserver::KeyServer;
use crate::report::Failure;
use crate::steps::params::{Credentials, Route};
use crate::tokens::attacks::{Attack, Need};
use crate::tokens::{self, Minter, PublicKey};
use crate::users::{self, Account, ProvisionError, UserSource};

/// What every scenario shares: set once before the run.
pub struct Context {
    pub client: Client,
    pub minter: Option<Minter>,
    /// The target's public key, for the key-confusion attacks.
    pub public_key: Option<PublicKey>,
    /// The Better Auth server users sign up on, with `--users better-auth`.
    pub better_auth: Option<Client>,
    pub users: UserSource,
    pub show_tokens: bool,
    /// The suite's own key, published by `key_server` for the jku/x5u attacks.
    pub attacker: SigningKey,
    pub key_server: KeyServer,
    /// Informational findings and cleanup problems, printed after the run.
    pub notes: Mutex<Vec<String>>,
}

static CONTEXT: OnceLock<Arc<Context>> = OnceLock::new();

pub fn install(context: Context) {
    if CONTEXT.set(Arc::new(context)).is_err() {
        unreachable!("the context is installed once, before the run");
    }
}

pub fn context() -> Arc<Context> {
    Arc::clone(
        CONTEXT
            .get()
            .expect("the context is installed before the run"),
    )
}

impl Context {
    /// Whether this run has what an attack needs.
    pub fn can_build(&self, need: Need) -> bool {
        match need {
            Need::Nothing | Need::Bob => true,
            Need::SigningKey => self.minter.is_some(),
            Need::Secret => matches!(self.minter, Some(Minter::Hs256(_))),
            Need::PublicKey => self.public_key.is_some(),
        }
    }

    pub fn note(&self, note: String) {
        if let Ok(mut notes) = self.notes.lock() {
            notes.push(note);
        }
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
    /// Names this scenario's key URL for the jku/x5u attacks.
    key_id: String,
    /// Requests of multi-request steps (barrage, neighbours, logins).
    probes: Vec<(String, Exchange)>,
    /// Ids of the tasks this scenario created, deleted when it ends.
    created: Vec<String>,
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
            alice_task: None,
            alice_list: None,
            subject: None,
            last: None,
            expired_claims: None,
            attack: None,
            key_id: uuid::Uuid::new_v4().simple().to_string(),
            probes: Vec::new(),
            created: Vec::new(),
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
            setup: false,
            non_strict: self.non_strict,
            exchange,
            show_tokens: self.ctx.show_tokens,
        })
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
        users::provision(
            self.ctx.users,
            self.ctx.minter.as_ref(),
            &self.ctx.client,
            self.ctx.better_auth.as_ref(),
            name,
        )
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
        let body = json!({"title": title, "description": "created by todo-conformance"});
        self.request(
            Method::POST,
            &tasks_path(&account),
            Some(&account.token),
            Some(&body),
        )
        .await;
        self.remember_created();
        self.expect_status(201)?;
        let task = self.last_json()?;
        if owner == Owner::Alice {
            self.alice_task = Some(task.clone());
            self.subject = Some(task);
            self.alice_list = Some(self.read_list(&account).await?);
        }
        Ok(())
    }

    /// The owner's list, read with their own token, expecting 200. Leaves
    /// the last exchange alone.
    async fn read_list(&self, account: &Account) -> Result<Value, Box<Failure>> {
        let exchange = self
            .fetch(
                Method::GET,
                &tasks_path(account),
                Some(&account.token),
                None,
            )
            .await;
        match exchange
            .response
            .as_ref()
            .map(|received| (received.status, received.json()))
        {
            Ok((200, Some(list))) => Ok(list),
            Ok((status, _)) => Err(self.failure_about(
                Some(exchange.clone()),
                format!("200 with {}'s list as JSON", account.name),
                status.to_string(),
            )),
            Err(error) => {
                Err(self.failure_about(Some(exchange.clone()), "an HTTP answer", error.clone()))
            }
        }
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
        let headers: Vec<(String, String)> = token
            .map(|token| ("authorization".to_owned(), format!("Bearer {token}")))
            .into_iter()
            .collect();
        self.ctx.client.send(method, path, &headers, body).await
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
        let (method, path, body) = route.request(&path_owner.id, &task_id);
        self.last = Some(
            self.ctx
                .client
                .send(method, &path, &headers, body.as_ref())
                .await,
        );
        if route == Route::Create {
            // A create that should have been refused may still have stored a task.
            self.remember_created();
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

    pub fn expect_status(&self, expected: u16) -> Outcome {
        let status = self.received()?.status;
        if status == expected {
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

    /// 401 with `WWW-Authenticate: Bearer ...` (RFC 6750 §3).
    pub fn expect_bearer_challenge(&self) -> Outcome {
        self.expect_status(401)?;
        let received = self.received()?;
        match received.header("www-authenticate") {
            Some(challenge) if names_bearer(challenge) => Ok(()),
            Some(other) => Err(self.failure(
                "WWW-Authenticate: Bearer",
                format!("WWW-Authenticate: {other}"),
            )),
            None => Err(self.failure(
                "WWW-Authenticate: Bearer",
                "401 without a WWW-Authenticate header",
            )),
        }
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
            .is_some_and(|body| mentions_task(&body, &id_of(task)));
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
            .is_some_and(|body| mentions_task(&body, &id))
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
    /// broken target would let it delete others'. Problems are noted, not
    /// failed.
    pub async fn clean_up(&mut self) {
        let owners: Vec<Account> = [self.alice.clone(), self.bob.clone()]
            .into_iter()
            .flatten()
            .collect();
        for id in std::mem::take(&mut self.created) {
            let mut statuses = Vec::new();
            for owner in &owners {
                let path = format!("{}/{id}", tasks_path(owner));
                let status = self
                    .fetch(Method::DELETE, &path, Some(&owner.token), None)
                    .await
                    .status();
                statuses.push(status);
                if status.is_some_and(|status| (200..300).contains(&status)) {
                    break;
                }
            }
            let gone = statuses
                .iter()
                .flatten()
                .any(|status| (200..300).contains(status) || *status == 404);
            if !gone {
                self.ctx.note(format!(
                    "cleanup: could not delete task {id} ({}): statuses {statuses:?}",
                    self.scenario
                ));
            }
        }
    }

    /// Remembers the task a 2xx answer created, for `clean_up`.
    fn remember_created(&mut self) {
        let created = self
            .last
            .as_ref()
            .and_then(|exchange| exchange.response.as_ref().ok());
        if let Some(task) = created
            .filter(|received| (200..300).contains(&received.status))
            .and_then(|r| r.json())
        {
            let id = id_of(&task);
            if !id.is_empty() {
                self.created.push(id);
            }
        }
    }
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
    failure.setup = true;
    failure
}

pub fn tasks_path(account: &Account) -> String {
    format!("/api/{}/tasks", account.id)
}

/// Whether `body` holds, at any depth, an object whose `id` is `id`.
fn mentions_task(body: &Value, id: &str) -> bool {
    match body {
        Value::Array(items) => items.iter().any(|item| mentions_task(item, id)),
        Value::Object(fields) => {
            id_of(body) == id || fields.values().any(|value| mentions_task(value, id))
        }
        _ => false,
    }
}

/// A task's id as text, whether the target uses strings or numbers.
pub fn id_of(task: &Value) -> String {
    match task.get("id") {
        Some(Value::String(id)) => id.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}
