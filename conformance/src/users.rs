//! Where a scenario's users come from: tokens minted for fresh made-up users
//! (the target must trust the suite's key), or accounts registered through
//! the target's own `/api/auth/register` and `/api/auth/login`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::http::{Client, Exchange};
use crate::tokens::{self, Minter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UserSource {
    /// Fresh user ids with tokens signed by the suite (needs --secret or --signing-key).
    Mint,
    /// Accounts created with /api/auth/register, tokens from /api/auth/login.
    Register,
    /// Accounts signed up on Better Auth, JWTs from its /api/auth/token.
    BetterAuth,
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

pub async fn provision(
    source: UserSource,
    minter: Option<&Minter>,
    client: &Client,
    better_auth: Option<&Client>,
    name: &'static str,
) -> Result<Account, ProvisionError> {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let local = format!("{}-{unique}", name.to_lowercase());
    match source {
        UserSource::Mint => {
            let minter = minter.ok_or_else(|| ProvisionError {
                reason: "minting users needs a key the target trusts (--secret or --signing-key)"
                    .to_owned(),
                exchange: None,
            })?;
            let email = format!("{local}@conformance.example");
            let token = minter.sign(&minter.claims(&local, &email));
            Ok(Account {
                name,
                id: local,
                email,
                token,
            })
        }
        UserSource::Register => {
            register(client, name, &format!("{local}@conformance.example")).await
        }
        UserSource::BetterAuth => {
            let better_auth = better_auth.ok_or_else(|| ProvisionError {
                reason: "Better Auth users need --better-auth URL".to_owned(),
                exchange: None,
            })?;
            sign_up(better_auth, name, &format!("{local}@conformance.example")).await
        }
    }
}

async fn register(
    client: &Client,
    name: &'static str,
    email: &str,
) -> Result<Account, ProvisionError> {
    let password = format!("Pw-{}", uuid::Uuid::new_v4().simple());
    let credentials = json!({"email": email, "password": password, "name": name});
    let registered = client
        .send(Method::POST, "/api/auth/register", &[], Some(&credentials))
        .await;
    expect_success(&registered, "register")?;
    let login = json!({"email": email, "password": password});
    let logged_in = client
        .send(Method::POST, "/api/auth/login", &[], Some(&login))
        .await;
    let body = expect_success(&logged_in, "log in")?;
    let token = ["token", "access_token"]
        .iter()
        .find_map(|field| body.get(*field).and_then(Value::as_str))
        .ok_or_else(|| ProvisionError {
            reason: "the login answer has no `token` or `access_token` field".to_owned(),
            exchange: Some(Box::new(logged_in.clone())),
        })?
        .to_owned();
    // The id the task paths use: the user object's, else the token's claims.
    let id = body
        .pointer("/user/id")
        .and_then(id_text)
        .or_else(|| {
            let claims = tokens::payload(&token)?;
            claims
                .get("sub")
                .or_else(|| claims.get("user_id"))
                .and_then(id_text)
        })
        .ok_or_else(|| ProvisionError {
            reason: "neither the login answer (`user.id`) nor the token (`sub`) names the user"
                .to_owned(),
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
    let password = format!("Pw-{}", uuid::Uuid::new_v4().simple());
    let body = json!({"email": email, "password": password, "name": name});
    let signed_up = better_auth
        .send(Method::POST, "/api/auth/sign-up/email", &[], Some(&body))
        .await;
    expect_success(&signed_up, "sign up on Better Auth")?;
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
    let body = expect_success(&issued, "get a JWT from Better Auth's /api/auth/token")?;
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

pub fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(id) => Some(id.clone()),
        Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

fn expect_success(exchange: &Exchange, what: &str) -> Result<Value, ProvisionError> {
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
