//! The implementation under test: the bundled reference server, started
//! in-process, or an external one at `--base-url`.

use reqwest::Method;
use todo_reference_server::{Config, RunningServer, Secret, config};

use crate::contract::Route;
use crate::target::http::{Client, Exchange};
use crate::target::ledger::Created;
use crate::target::profile::Profile;
use crate::target::tasks::Tasks;
use crate::target::users::{Provisioning, UserSource};
use crate::tokens::PublicKey;

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("{0}")]
    Config(#[from] todo_reference_server::ConfigError),
    #[error("could not start the bundled reference server: {0}")]
    Spawn(#[from] todo_reference_server::SpawnError),
    #[error(
        "the target {url} is unreachable ({reason}); check that it is running and that --base-url is right"
    )]
    Unreachable { url: String, reason: String },
    #[error("the target refused the suite's users: {reason}; {hint}")]
    Credentials { reason: String, hint: &'static str },
}

/// Starts the reference server on an ephemeral loopback port, with the
/// suite's `secret`, on `DATABASE_URL` or a testcontainers Postgres.
pub async fn start_bundled(secret: &str) -> Result<RunningServer, TargetError> {
    let database = config::database_from_lookup(&|name| std::env::var(name).ok())?;
    let description = match &database {
        todo_reference_server::DatabaseConfig::Url(_) => "the Postgres at DATABASE_URL".to_owned(),
        todo_reference_server::DatabaseConfig::Container(image) => {
            format!("a Postgres container ({image})")
        }
    };
    eprintln!("starting the bundled reference server on {description}...");
    let config = Config::new(Secret::new(secret)?, database);
    let server = todo_reference_server::spawn(config).await?;
    Ok(server)
}

/// Any HTTP answer at all proves the target is there; only a transport
/// error stops the run.
pub async fn preflight(client: &Client, profile: &Profile) -> Result<(), TargetError> {
    let probe = profile.tasks_path(&format!("preflight-{}", uuid::Uuid::new_v4().simple()));
    let exchange = client.send(Method::GET, &probe, &[], None).await;
    exchange
        .response
        .map(drop)
        .map_err(|reason| TargetError::Unreachable {
            url: client.base_url().to_owned(),
            reason,
        })
}

/// Makes one user the way the scenarios will, reads their list, and stores
/// and deletes a task, so that a wrong secret, a closed sign-up or a target
/// that needs its own user rows stops the run with one line instead of
/// failing every scenario.
/// Returns the preflight's task when it could not be deleted: the run's
/// cleanup tries again, and reports it if it stays.
pub async fn check_users(users: &Provisioning<'_>) -> Result<Option<Created>, TargetError> {
    let hint = credentials_hint(users.source);
    let account = users
        .provision("Preflight")
        .await
        .map_err(|error| TargetError::Credentials {
            reason: error.reason,
            hint,
        })?;
    let profile = users.profile;
    let tasks = Tasks::new(users.client, profile);
    let listed = tasks.list(&account).await;
    if !listed
        .status()
        .is_some_and(|status| profile.success(Route::List).contains(&status))
    {
        let path = profile.list_path(&account.id);
        return Err(TargetError::Credentials {
            reason: describe(&format!("GET {path} as a {}", who(users.source)), &listed),
            hint,
        });
    }
    let (created, id) = tasks.create(&account, "todo-conformance preflight").await;
    let Some(id) = id else {
        return Err(TargetError::Credentials {
            reason: describe(
                &format!("creating a task as a {}", who(users.source)),
                &created,
            ),
            hint: match users.source {
                UserSource::Mint => {
                    "the backend may require users to exist (a foreign key to its users table): use --users register|better-auth|given"
                }
                _ => "check the profile's tasks route and field names (--profile)",
            },
        });
    };
    let deleted = tasks
        .delete(&account, &id)
        .await
        .is_some_and(|status| profile.success(Route::Delete).contains(&status));
    Ok((!deleted).then(|| Created::new(id, account)))
}

/// What to check when the target refuses users from `source`.
fn credentials_hint(source: UserSource) -> &'static str {
    match source {
        UserSource::Mint => {
            "check that --secret is the target's token secret (its BETTER_AUTH_SECRET or JWT_SECRET), that the profile's claims name the user the way the target reads it, or that the target trusts --signing-key with that --token-issuer/--token-audience"
        }
        UserSource::BetterAuth => {
            "check that --better-auth is the URL of the Better Auth server whose JWKS the target trusts, with email and password sign-up enabled"
        }
        UserSource::Register => {
            "check that the target has the profile's register and login routes, or pass --secret to mint tokens instead"
        }
        UserSource::Given => {
            "check that the given tokens are current (Better Auth's live 15 minutes) and belong to users of this target"
        }
    }
}

fn who(source: UserSource) -> &'static str {
    match source {
        UserSource::Mint => "minted user",
        UserSource::Register => "registered user",
        UserSource::BetterAuth => "Better Auth user",
        UserSource::Given => "given user",
    }
}

fn describe(what: &str, exchange: &Exchange) -> String {
    match &exchange.response {
        Ok(received) => format!(
            "{what} gave {}: {}",
            received.status,
            received.text().chars().take(200).collect::<String>()
        ),
        Err(error) => format!("{what} failed: {error}"),
    }
}

/// The first Ed25519 key of a Better Auth server's JWKS (asking for it also
/// makes Better Auth create its key, which it does lazily), or `None` when
/// it has keys of other types only.
pub async fn better_auth_public_key(
    better_auth: &Client,
) -> Result<Option<PublicKey>, TargetError> {
    let unusable = |reason: String| TargetError::Credentials {
        reason: format!("{}/api/auth/jwks: {reason}", better_auth.base_url()),
        hint: "check the --better-auth URL",
    };
    let exchange = better_auth
        .send(Method::GET, "/api/auth/jwks", &[], None)
        .await;
    let received = exchange.response.map_err(unusable)?;
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
    Ok(keys.iter().find_map(PublicKey::from_jwk))
}
