//! The implementation under test: the bundled reference server, started
//! in-process, or an external one at `--base-url`.

use reqwest::Method;
use todo_reference_server::{Config, RunningServer, Secret, config};

use crate::http::{Client, Exchange};
use crate::tokens::{Minter, PublicKey};
use crate::users::{self, UserSource};

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
pub async fn preflight(client: &Client) -> Result<(), TargetError> {
    let probe = format!("/api/preflight-{}/tasks", uuid::Uuid::new_v4().simple());
    let exchange = client.send(Method::GET, &probe, &[], None).await;
    exchange
        .response
        .map(drop)
        .map_err(|reason| TargetError::Unreachable {
            url: client.base_url().to_owned(),
            reason,
        })
}

/// Makes one user the way the scenarios will and reads their list, so that a
/// wrong secret or a closed sign-up stops the run with one line instead of
/// failing every scenario.
pub async fn check_users(
    client: &Client,
    source: UserSource,
    minter: Option<&Minter>,
    better_auth: Option<&Client>,
) -> Result<(), TargetError> {
    let hint = match source {
        UserSource::Mint => {
            "check that --secret is the target's token secret (its BETTER_AUTH_SECRET), or that the target trusts --signing-key with that --token-issuer/--token-audience"
        }
        UserSource::BetterAuth => {
            "check that --better-auth is the URL of the Better Auth server whose JWKS the target trusts, with email and password sign-up enabled"
        }
        UserSource::Register => {
            "check that the target has /api/auth/register and /api/auth/login, or pass --secret to mint tokens instead"
        }
    };
    let account = users::provision(source, minter, client, better_auth, "Preflight")
        .await
        .map_err(|error| TargetError::Credentials {
            reason: error.reason,
            hint,
        })?;
    let path = format!("/api/{}/tasks", account.id);
    let headers = [(
        "authorization".to_owned(),
        format!("Bearer {}", account.token),
    )];
    let listed = client.send(Method::GET, &path, &headers, None).await;
    if listed.status() != Some(200) {
        return Err(TargetError::Credentials {
            reason: describe(&format!("GET {path} with a fresh user's token"), &listed),
            hint,
        });
    }
    // Some targets tie tasks to rows of their own users table and cannot
    // store a task for a user they never saw.
    let probe = serde_json::json!({"title": "todo-conformance preflight"});
    let created = client
        .send(Method::POST, &path, &headers, Some(&probe))
        .await;
    let task = created
        .response
        .as_ref()
        .ok()
        .filter(|r| (200..300).contains(&r.status))
        .and_then(|r| r.json());
    let Some(id) = task
        .as_ref()
        .map(crate::world::id_of)
        .filter(|id| !id.is_empty())
    else {
        return Err(TargetError::Credentials {
            reason: describe(&format!("POST {path} for a fresh user"), &created),
            hint: "the target cannot store a task for a user it never saw (a foreign key to its users table?): use --users register",
        });
    };
    client
        .send(Method::DELETE, &format!("{path}/{id}"), &headers, None)
        .await;
    Ok(())
}

fn describe(what: &str, exchange: &Exchange) -> String {
    match &exchange.response {
        Ok(received) => format!(
            "{what} answered {}: {}",
            received.status,
            received.text().chars().take(200).collect::<String>()
        ),
        Err(error) => format!("{what} failed: {error}"),
    }
}

/// Routes the seed design has and other deployments (Better Auth) may not:
/// the scenarios that need a missing one are skipped, with the reason.
pub async fn missing_routes(client: &Client) -> Vec<(&'static str, String)> {
    let mut missing = Vec::new();
    let logout = client
        .send(Method::POST, "/api/auth/logout", &[], None)
        .await;
    if let Some(status @ (404 | 405)) = logout.status() {
        missing.push((
            "needs-logout",
            format!("the target has no POST /api/auth/logout ({status})"),
        ));
    }
    let body = serde_json::json!({"email": format!("probe-{}@conformance.example", uuid::Uuid::new_v4().simple()), "password": "Probe-password-1"});
    let login = client
        .send(Method::POST, "/api/auth/login", &[], Some(&body))
        .await;
    if let Some(status @ (404 | 405)) = login.status() {
        missing.push((
            "needs-account-routes",
            format!("the target has no POST /api/auth/login ({status})"),
        ));
    }
    missing
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
