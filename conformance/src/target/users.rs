//! Where a scenario's users come from: tokens minted for fresh made-up users
//! (the target must trust the suite's key), accounts registered through the
//! target's own register and login routes or signed up on Better Auth, or
//! two existing users given to the suite.

use std::path::Path;

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::contract::id_text;
use crate::target::http::{Client, Exchange};
use crate::target::profile::Profile;
use crate::tokens::{self, Minter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UserSource {
    /// Fresh user ids with tokens signed by the suite (needs --secret or --signing-key).
    Mint,
    /// Accounts created with /api/auth/register, tokens from /api/auth/login.
    Register,
    /// Accounts signed up on Better Auth, JWTs from its /api/auth/token.
    BetterAuth,
    /// Two existing users (--given-users, or TODO_ALICE_TOKEN and
    /// TODO_BOB_TOKEN), for deployments where sign-up is closed.
    Given,
}

/// A user of one scenario: fresh, so scenarios never share data.
#[derive(Debug, Clone)]
pub struct Account {
    pub name: &'static str,
    pub id: String,
    pub email: String,
    pub token: String,
}

/// Why an account could not be provisioned, with the exchange that failed.
#[derive(Debug)]
pub struct ProvisionError {
    pub reason: String,
    pub exchange: Option<Box<Exchange>>,
}

/// What provisioning a user needs; borrowed from the run's context.
#[derive(Clone, Copy)]
pub struct Provisioning<'a> {
    pub source: UserSource,
    pub minter: Option<&'a Minter>,
    pub client: &'a Client,
    pub better_auth: Option<&'a Client>,
    pub given: Option<&'a GivenUsers>,
    pub profile: &'a Profile,
}

impl Provisioning<'_> {
    /// A user named `name` (Alice, Bob, Preflight): fresh, except given
    /// users, where every name but Bob's is Alice.
    pub async fn provision(&self, name: &'static str) -> Result<Account, ProvisionError> {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let local = format!("{}-{unique}", name.to_lowercase());
        let email = format!("{local}@conformance.example");
        match self.source {
            UserSource::Mint => {
                let minter = self.minter.ok_or_else(|| {
                    ProvisionError::new(
                        "minting users needs a key the target trusts (--secret or --signing-key)",
                    )
                })?;
                let token = minter.sign(&minter.claims(&local, &email));
                Ok(Account {
                    name,
                    id: local,
                    email,
                    token,
                })
            }
            UserSource::Register => register(self.client, self.profile, name, &email).await,
            UserSource::BetterAuth => {
                let better_auth = self.better_auth.ok_or_else(|| {
                    ProvisionError::new("Better Auth users need --better-auth URL")
                })?;
                sign_up(better_auth, name, &email).await
            }
            UserSource::Given => {
                let given = self.given.ok_or_else(|| {
                    ProvisionError::new("--users given needs --given-users FILE or TODO_ALICE_TOKEN and TODO_BOB_TOKEN")
                })?;
                Ok(if name == "Bob" {
                    given.bob.clone()
                } else {
                    given.alice.clone()
                })
            }
        }
    }
}

impl ProvisionError {
    fn new(reason: &str) -> Self {
        Self {
            reason: reason.to_owned(),
            exchange: None,
        }
    }
}

/// Two existing users of the target, shared by every scenario.
#[derive(Debug, Clone)]
pub struct GivenUsers {
    pub alice: Account,
    pub bob: Account,
}

/// One user of a `--given-users` file: a token, or credentials to log in.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GivenUser {
    token: Option<String>,
    id: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GivenFile {
    alice: GivenUser,
    bob: GivenUser,
}

impl GivenUsers {
    /// From `file`, or from TODO_ALICE_TOKEN / TODO_BOB_TOKEN (and optional
    /// TODO_ALICE_ID / TODO_BOB_ID). Users with credentials log in at the
    /// profile's login route.
    pub async fn load(
        file: Option<&Path>,
        client: &Client,
        profile: &Profile,
    ) -> Result<Self, ProvisionError> {
        let given = if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|error| {
                ProvisionError::new(&format!(
                    "could not read --given-users {}: {error}",
                    path.display()
                ))
            })?;
            toml::from_str::<GivenFile>(&text).map_err(|error| {
                ProvisionError::new(&format!(
                    "--given-users {} is not valid: {error}",
                    path.display()
                ))
            })?
        } else {
            let from_env = |who: &str| GivenUser {
                token: std::env::var(format!("TODO_{who}_TOKEN")).ok(),
                id: std::env::var(format!("TODO_{who}_ID")).ok(),
                ..GivenUser::default()
            };
            GivenFile {
                alice: from_env("ALICE"),
                bob: from_env("BOB"),
            }
        };
        let alice = given.alice.account("Alice", client, profile).await?;
        let bob = given.bob.account("Bob", client, profile).await?;
        if alice.id == bob.id {
            return Err(ProvisionError::new(&format!(
                "the given Alice and Bob are the same user ({}): cross-user checks need two",
                alice.id
            )));
        }
        Ok(Self { alice, bob })
    }
}

impl GivenUser {
    async fn account(
        self,
        name: &'static str,
        client: &Client,
        profile: &Profile,
    ) -> Result<Account, ProvisionError> {
        let upper = name.to_uppercase();
        let mut account = match (self.token, self.email, self.password) {
            (Some(token), email, None) => {
                let id = self
                    .id
                    .clone()
                    .or_else(|| user_id_claim(&token, profile))
                    .ok_or_else(|| {
                        ProvisionError::new(&format!(
                            "{name}'s token names no user in {:?}: give {name}'s `id` (or TODO_{upper}_ID)",
                            profile.claims.user_id
                        ))
                    })?;
                Account {
                    name,
                    id,
                    email: email.unwrap_or_default(),
                    token,
                }
            }
            (None, Some(email), Some(password)) => {
                log_in(client, profile, name, &email, &password).await?
            }
            _ => {
                return Err(ProvisionError::new(&format!(
                    "{name} needs a `token`, or an `email` and `password` (from the environment: TODO_{upper}_TOKEN)"
                )));
            }
        };
        if let Some(id) = self.id {
            account.id = id;
        }
        Ok(account)
    }
}

/// The user id a token carries under the profile's claim names.
fn user_id_claim(token: &str, profile: &Profile) -> Option<String> {
    let claims = tokens::payload(token)?;
    profile
        .claims
        .user_id
        .iter()
        .find_map(|name| claims.get(name).and_then(id_text))
}

/// A fresh password, and the sign-up body that carries it.
fn fresh_credentials(name: &str, email: &str) -> (String, Value) {
    let password = format!("Pw-{}", uuid::Uuid::new_v4().simple());
    let body = json!({"email": email, "password": password, "name": name});
    (password, body)
}

async fn register(
    client: &Client,
    profile: &Profile,
    name: &'static str,
    email: &str,
) -> Result<Account, ProvisionError> {
    let (password, credentials) = fresh_credentials(name, email);
    let registered = client
        .send(
            Method::POST,
            &profile.routes.register,
            &[],
            Some(&credentials),
        )
        .await;
    success_body(&registered, "register")?;
    log_in(client, profile, name, email, &password).await
}

/// A token from the profile's login route; the user id from the answer's
/// `user.id`, else from the token's claims.
async fn log_in(
    client: &Client,
    profile: &Profile,
    name: &'static str,
    email: &str,
    password: &str,
) -> Result<Account, ProvisionError> {
    let login = json!({"email": email, "password": password});
    let logged_in = client
        .send(Method::POST, &profile.routes.login, &[], Some(&login))
        .await;
    let body = success_body(&logged_in, "log in")?;
    let token = ["token", "access_token"]
        .iter()
        .find_map(|field| body.get(*field).and_then(Value::as_str))
        .ok_or_else(|| ProvisionError {
            reason: "the login answer has no `token` or `access_token` field".to_owned(),
            exchange: Some(Box::new(logged_in.clone())),
        })?
        .to_owned();
    let id = body
        .pointer("/user/id")
        .and_then(id_text)
        .or_else(|| user_id_claim(&token, profile))
        .ok_or_else(|| ProvisionError {
            reason: format!(
                "neither the login answer (`user.id`) nor the token ({:?}) names the user",
                profile.claims.user_id
            ),
            exchange: Some(Box::new(logged_in.clone())),
        })?;
    Ok(Account {
        name,
        id,
        email: email.to_owned(),
        token,
    })
}

/// Better Auth: sign up (which signs in), then trade the session cookie for
/// a JWT at /api/auth/token.
async fn sign_up(
    better_auth: &Client,
    name: &'static str,
    email: &str,
) -> Result<Account, ProvisionError> {
    let (_, body) = fresh_credentials(name, email);
    let signed_up = better_auth
        .send(Method::POST, "/api/auth/sign-up/email", &[], Some(&body))
        .await;
    success_body(&signed_up, "sign up on Better Auth")?;
    let cookie = signed_up
        .response
        .as_ref()
        .map(|received| {
            received
                .headers
                .iter()
                .filter(|(header, _)| header.eq_ignore_ascii_case("set-cookie"))
                .filter_map(|(_, value)| value.split(';').next())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    let session = [("cookie".to_owned(), cookie)];
    let issued = better_auth
        .send(Method::GET, "/api/auth/token", &session, None)
        .await;
    let body = success_body(&issued, "get a JWT from Better Auth's /api/auth/token")?;
    let token = body
        .get("token")
        .and_then(Value::as_str)
        .ok_or_else(|| ProvisionError {
            reason: "Better Auth's /api/auth/token answer has no `token`".to_owned(),
            exchange: Some(Box::new(issued.clone())),
        })?
        .to_owned();
    let id = tokens::payload(&token)
        .and_then(|claims| claims.get("sub").and_then(id_text))
        .ok_or_else(|| ProvisionError {
            reason: "Better Auth's token has no `sub`".to_owned(),
            exchange: Some(Box::new(issued.clone())),
        })?;
    Ok(Account {
        name,
        id,
        email: email.to_owned(),
        token,
    })
}

/// The JSON body of a 2xx answer to what the provisioning did.
fn success_body(exchange: &Exchange, what: &str) -> Result<Value, ProvisionError> {
    let failed = |reason: String| ProvisionError {
        reason,
        exchange: Some(Box::new(exchange.clone())),
    };
    let received = exchange
        .response
        .as_ref()
        .map_err(|error| failed(format!("could not {what}: {error}")))?;
    if !(200..300).contains(&received.status) {
        return Err(failed(format!(
            "could not {what}: status {}",
            received.status
        )));
    }
    received
        .json()
        .ok_or_else(|| failed(format!("could not {what}: the answer is not JSON")))
}
