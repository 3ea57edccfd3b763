//! Before any scenario: the bundled reference server started in-process
//! (or an external one at `--base-url` reached), its users checked, and
//! one line naming the real cause when something stops the run (its words
//! are in `error`).

#[cfg(not(feature = "bundled"))]
mod client_only;
mod error;

use reqwest::Method;
#[cfg(feature = "bundled")]
pub use todo_reference_server::RunningServer;
#[cfg(feature = "bundled")]
use todo_reference_server::{Config, Secret, config};

use crate::contract::Route;
use crate::target::accounts::issued;
use crate::target::http::{Client, Exchange, bearer};
use crate::target::ledger::Ledger;
use crate::target::profile::Profile;
use crate::target::routes;
use crate::target::tasks::Tasks;
use crate::target::users::{Account, Provisioning, UserSource};
use crate::tokens::PublicKey;
#[cfg(not(feature = "bundled"))]
pub use client_only::{RunningServer, start_bundled};
use error::{credentials_hint, describe, no_answer_to, not_a_task, refused_hint, sent_as, who};

pub use error::TargetError;

/// What the target answers a request with no token: a 5xx there is the
/// sign of an auth middleware that fails instead of refusing.
#[derive(Debug, Clone, Copy)]
pub struct Reachable {
    pub status_without_token: u16,
}

/// Starts the reference server on an ephemeral loopback port, with the
/// suite's `secret`, on `DATABASE_URL` or a throwaway Postgres (a container
/// when a Docker engine answers, else the PostgreSQL installed here), and
/// says which.
#[cfg(feature = "bundled")]
pub async fn start_bundled(secret: &str) -> Result<RunningServer, TargetError> {
    let database = config::database_from_lookup(&|name| std::env::var(name).ok())?;
    let config = Config::new(Secret::new(secret)?, database);
    Ok(todo_reference_server::spawn(config).await?)
}

/// Any HTTP answer at all proves the target is there; only a transport
/// error stops the run.
pub async fn preflight(client: &Client, profile: &Profile) -> Result<Reachable, TargetError> {
    let probe = profile.tasks_path(&format!("preflight-{}", uuid::Uuid::new_v4().simple()));
    let exchange = client.send(Method::GET, &probe, &[], None).await;
    match &exchange.response {
        Ok(received) => Ok(Reachable {
            status_without_token: received.status,
        }),
        Err(unanswered) => Err(no_answer_to(client, &exchange, None, unanswered)),
    }
}

/// Makes one user the way the scenarios will, reads their list, and stores
/// and deletes a task, so that a wrong secret, a closed sign-up or a target
/// that needs its own user rows stops the run with one line instead of
/// failing every scenario. Returns the user; the task stays in `ledger`
/// until deleted, so the run's cleanup tries again, and reports it if it
/// stays.
pub async fn check_users(
    users: &Provisioning<'_>,
    reachable: Reachable,
    ledger: &Ledger,
) -> Result<Account, TargetError> {
    let client = users.client;
    let who = Some(who(users.source));
    let account = match users.provision("Preflight").await {
        Ok(account) => account,
        Err(error) => {
            if let Some(exchange) = error.exchange.as_deref() {
                stopped_by_transport_or_route(client, exchange, None, who).await?;
            }
            return Err(TargetError::Credentials {
                reason: error.reason,
                hint: credentials_hint(users.source).to_owned(),
            });
        }
    };
    let profile = users.profile;
    let tasks = Tasks::new(client, profile);
    let listed = tasks.list(&account).await;
    if !listed
        .status()
        .is_some_and(|status| profile.success(Route::List).contains(&status))
    {
        stopped_by_transport_or_route(client, &listed, Some(&account), who).await?;
        return Err(TargetError::Credentials {
            reason: describe(&listed, who),
            hint: refused_hint(users.source, &listed, reachable.status_without_token),
        });
    }
    // In the ledger from the moment it may exist: a run stopped before the
    // delete below still sweeps it.
    let in_flight = ledger.create_in_flight(vec![account.clone()], "");
    let created = tasks.create(&account, "todo-conformance preflight").await;
    let Some(_) = in_flight.settle(&created, profile) else {
        stopped_by_transport_or_route(client, &created, Some(&account), who).await?;
        if let Some(error) = not_a_task(&created, who, &profile.name) {
            return Err(error);
        }
        return Err(TargetError::Credentials {
            reason: describe(&created, who),
            hint: match users.source {
                UserSource::Mint => {
                    "the backend may require users to exist (a foreign key to its users table): use --users register|better-auth|given"
                }
                _ => "check the profile's tasks route and field names (--profile)",
            }
            .to_owned(),
        });
    };
    // What cannot be deleted stays in the ledger: cleanup tries again at
    // the end, and reports it if it stays.
    ledger.clean_up(tasks, "").await;
    Ok(account)
}

/// When the suite has a key but gets its users elsewhere: whether the
/// target refuses a token the suite mints for `account`, the run's own user,
/// as the scenarios that mint tokens mint them. A refusal is a finding of
/// its own (a stateful target fails the stateless promise), but also the
/// sign of a wrong key: it is said now, with which key, and `check`.
pub async fn minted_refused(
    users: &Provisioning<'_>,
    account: &Account,
    check: &str,
) -> Option<String> {
    let minter = users.minter.filter(|_| users.source != UserSource::Mint)?;
    let minted = Account {
        token: minter.sign(&minter.claims(&account.id, &account.email)),
        ..account.clone()
    };
    let listed = Tasks::new(users.client, users.profile).list(&minted).await;
    let success = users.profile.success(Route::List);
    if listed
        .status()
        .is_some_and(|status| success.contains(&status))
    {
        return None;
    }
    let check = if check.is_empty() {
        String::new()
    } else {
        format!("; {check}")
    };
    Some(format!(
        "the target refused a token minted with {} for the {} {}: {}; the scenarios that mint tokens are NOT CHECKED{check}",
        issued::minting_key(minter),
        who(users.source),
        account.id,
        describe(&listed, None)
    ))
}

/// The error for an exchange that got no answer, a redirect, or a 404 that
/// a path which cannot exist gets too: none is a refusal of the suite's
/// users.
async fn stopped_by_transport_or_route(
    client: &Client,
    exchange: &Exchange,
    account: Option<&Account>,
    who: Option<&str>,
) -> Result<(), TargetError> {
    match &exchange.response {
        Err(unanswered) => Err(no_answer_to(client, exchange, who, unanswered)),
        Ok(received) if (300..400).contains(&received.status) => Err(TargetError::Redirected {
            sent: sent_as(exchange, who),
            status: received.status,
            location: received
                .header("location")
                .map_or_else(|| "nowhere (no Location header)".to_owned(), str::to_owned),
        }),
        Ok(received) if received.status == 404 => {
            let token = account.map(|account| account.token.as_str());
            if answers_like_a_missing_path(client, exchange, token).await {
                Err(TargetError::RouteNotFound {
                    url: exchange.request.url.clone(),
                    status: received.status,
                })
            } else {
                Ok(())
            }
        }
        Ok(_) => Ok(()),
    }
}

/// Whether a path that cannot exist, asked of the same server with the same
/// credentials, gets the same status and body (each path masked in its own
/// body).
async fn answers_like_a_missing_path(
    client: &Client,
    exchange: &Exchange,
    token: Option<&str>,
) -> bool {
    // Better Auth's answers come from another server.
    if !exchange.request.url.starts_with(client.base_url()) {
        return false;
    }
    let missing = format!(
        "/todo-conformance-no-such-route-{}",
        uuid::Uuid::new_v4().simple()
    );
    let headers: Vec<_> = token.map(bearer).into_iter().collect();
    let control = client.send(Method::GET, &missing, &headers, None).await;
    routes::masked(exchange).is_some() && routes::masked(exchange) == routes::masked(&control)
}

/// Every key of a Better Auth server's JWKS the suite can read (asking for
/// it also makes Better Auth create its key, which it does lazily).
pub async fn better_auth_public_keys(better_auth: &Client) -> Result<Vec<PublicKey>, TargetError> {
    let unusable = |reason: String| TargetError::Credentials {
        reason: format!("{}/api/auth/jwks: {reason}", better_auth.base_url()),
        hint: "check the --better-auth URL".to_owned(),
    };
    let exchange = better_auth
        .send(Method::GET, "/api/auth/jwks", &[], None)
        .await;
    let received = match &exchange.response {
        Ok(received) => received,
        Err(unanswered) => return Err(no_answer_to(better_auth, &exchange, None, unanswered)),
    };
    if received.status != 200 {
        return Err(unusable(format!("status {}", received.status)));
    }
    let jwks = received
        .json()
        .ok_or_else(|| unusable("not JSON".to_owned()))?;
    let keys = jwks
        .get("keys")
        .and_then(|keys| keys.as_array())
        .ok_or_else(|| unusable("no `keys` array".to_owned()))?;
    Ok(keys.iter().filter_map(PublicKey::from_jwk).collect())
}
