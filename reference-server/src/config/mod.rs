//! Server configuration, read from the environment by the binary or built in
//! code by whoever embeds the server (the conformance suite, the tests).
//!
//! The database (`database`) and JWKS (`jwks`) parts have files of their
//! own, and so do the errors (`error`) and the bounds (`limits`) they share
//! with this one, and the weak-secret checks (`weak`); everything is
//! re-exported here.

mod database;
mod error;
mod jwks;
mod limits;
mod weak;

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

pub use database::{DEFAULT_POSTGRES_IMAGE, DatabaseConfig, ImageRef, database_from_lookup};
pub use error::ConfigError;
use error::seconds;
use jwks::jwks_from_lookup;
pub use jwks::{
    BETTER_AUTH_JWKS_PATH, DEFAULT_JWKS_MAX_AGE, DEFAULT_JWKS_REFRESH, JwksConfig, JwksLocation,
};
pub use limits::{MAX_LEEWAY, MAX_TIMEOUT, MAX_TOKEN_TTL, MIN_SECRET_BYTES};
pub use weak::{is_well_known_secret, is_words_only};

pub const DEFAULT_BIND: &str = "127.0.0.1:8000";
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

/// How long the server keeps trying to reach Postgres at start before it
/// gives up: long enough for a database that starts next to it.
pub const DEFAULT_DB_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// A request that takes longer is answered 503.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A client must send a request's whole head within this, and an idle
/// keep-alive connection is closed after it.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The HS256 signing secret: long enough, not a well-known one and not made
/// only of words. Its `Debug` output is redacted so that it never reaches a
/// log line.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Result<Self, ConfigError> {
        let value = value.into();
        if value.is_empty() {
            return Err(ConfigError::MissingSecret);
        }
        // Well-known first: "too short" would invite padding `secret` out.
        if is_well_known_secret(&value) {
            return Err(ConfigError::WellKnownSecret);
        }
        if value.len() < MIN_SECRET_BYTES {
            return Err(ConfigError::ShortSecret(value.len()));
        }
        if is_words_only(&value) {
            return Err(ConfigError::WordsOnlySecret);
        }
        Ok(Self(value))
    }

    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    /// HS256 verification, and the tokens register and login issue.
    pub secret: Option<Secret>,
    /// Better Auth's JWKS; both modes may be on together.
    pub jwks: Option<JwksConfig>,
    pub database: DatabaseConfig,
    /// Lifetime of the tokens issued by register and login.
    pub token_ttl: Duration,
    /// Clock skew tolerated on `exp` and `nbf`.
    pub leeway: Duration,
    /// How long to keep retrying an unreachable database at start.
    pub db_connect_timeout: Duration,
    /// How long a request may take, its body included.
    pub request_timeout: Duration,
    /// How long a client may take to send a request head.
    pub header_read_timeout: Duration,
}

impl Config {
    /// HS256 with `secret` and the defaults, on an ephemeral loopback port.
    pub fn new(secret: Secret, database: DatabaseConfig) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            secret: Some(secret),
            jwks: None,
            database,
            token_ttl: DEFAULT_TOKEN_TTL,
            leeway: DEFAULT_LEEWAY,
            db_connect_timeout: DEFAULT_DB_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
        }
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables documented in the README through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let secret = match lookup("BETTER_AUTH_SECRET").filter(|secret| !secret.is_empty()) {
            Some(secret) => Some(Secret::new(secret)?),
            None => None,
        };
        let jwks = jwks_from_lookup(&lookup)?;
        if secret.is_none() && jwks.is_none() {
            return Err(ConfigError::MissingSecret);
        }
        let database = database_from_lookup(&lookup)?;
        let bind_value = lookup("TODO_BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind = bind_value.parse().map_err(|_| ConfigError::Invalid {
            var: "TODO_BIND",
            value: bind_value.clone(),
            reason: "expected address:port, e.g. 127.0.0.1:8000".to_owned(),
        })?;
        Ok(Self {
            bind,
            secret,
            jwks,
            database,
            token_ttl: seconds(
                &lookup,
                "TODO_TOKEN_TTL_SECS",
                DEFAULT_TOKEN_TTL,
                1,
                MAX_TOKEN_TTL,
            )?,
            leeway: seconds(
                &lookup,
                "TODO_JWT_LEEWAY_SECS",
                DEFAULT_LEEWAY,
                0,
                MAX_LEEWAY,
            )?,
            db_connect_timeout: seconds(
                &lookup,
                "TODO_DB_CONNECT_TIMEOUT_SECS",
                DEFAULT_DB_CONNECT_TIMEOUT,
                1,
                MAX_TIMEOUT,
            )?,
            request_timeout: seconds(
                &lookup,
                "TODO_REQUEST_TIMEOUT_SECS",
                DEFAULT_REQUEST_TIMEOUT,
                1,
                MAX_TIMEOUT,
            )?,
            header_read_timeout: seconds(
                &lookup,
                "TODO_HEADER_READ_TIMEOUT_SECS",
                DEFAULT_HEADER_READ_TIMEOUT,
                1,
                MAX_TIMEOUT,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::path::PathBuf;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn jwks_mode_defaults_to_the_better_auth_base_url() {
        let jwks_only = config(&[("BETTER_AUTH_URL", "https://auth.example.com/")]).unwrap();
        assert!(jwks_only.secret.is_none());
        let jwks = jwks_only.jwks.unwrap();
        assert_eq!(
            jwks.location,
            JwksLocation::Url("https://auth.example.com/api/auth/jwks".to_owned())
        );
        assert_eq!(
            (jwks.issuer.as_str(), jwks.audience.as_str()),
            ("https://auth.example.com", "https://auth.example.com")
        );
        assert_eq!(jwks.refresh_interval, DEFAULT_JWKS_REFRESH);

        let derived = super::Config::from_lookup(|name| {
            (name == "BETTER_AUTH_JWKS_URL")
                .then(|| "http://127.0.0.1:3000/api/auth/jwks".to_owned())
        })
        .unwrap()
        .jwks
        .unwrap();
        assert_eq!(derived.issuer, "http://127.0.0.1:3000");

        let overridden = config(&[
            ("BETTER_AUTH_JWKS_FILE", "/etc/jwks.json"),
            ("BETTER_AUTH_ISSUER", "todo-auth"),
            ("BETTER_AUTH_AUDIENCE", "todo-api"),
            ("BETTER_AUTH_SECRET", SECRET),
        ])
        .unwrap();
        assert!(overridden.secret.is_some(), "both modes at once");
        let jwks = overridden.jwks.unwrap();
        assert_eq!(
            jwks.location,
            JwksLocation::File(PathBuf::from("/etc/jwks.json"))
        );
        assert_eq!(
            (jwks.issuer.as_str(), jwks.audience.as_str()),
            ("todo-auth", "todo-api")
        );
    }

    #[test]
    fn jwks_mode_needs_an_issuer_and_an_http_url() {
        assert!(matches!(
            config(&[("BETTER_AUTH_JWKS_FILE", "/etc/jwks.json")]),
            Err(ConfigError::MissingIssuer("BETTER_AUTH_JWKS_FILE"))
        ));
        assert!(matches!(
            config(&[("BETTER_AUTH_JWKS_URL", "https://keys.example.com/jwks.json")]),
            Err(ConfigError::MissingIssuer("BETTER_AUTH_JWKS_URL"))
        ));
        assert!(config(&[("BETTER_AUTH_URL", "auth.example.com")]).is_err());
    }

    #[test]
    fn secret_is_required_and_at_least_32_bytes() {
        assert!(matches!(config(&[]), Err(ConfigError::MissingSecret)));
        assert!(matches!(
            config(&[("BETTER_AUTH_SECRET", "")]),
            Err(ConfigError::MissingSecret)
        ));
        assert!(matches!(
            config(&[("BETTER_AUTH_SECRET", &SECRET[..31])]),
            Err(ConfigError::ShortSecret(31))
        ));
        assert!(config(&[("BETTER_AUTH_SECRET", SECRET)]).is_ok());
    }

    #[test]
    fn weak_secrets_are_refused_in_one_line_that_does_not_repeat_them() {
        for (secret, weak) in [
            (
                " My_Very_Long_And_Safe_Secret_Key\n",
                "a well-known weak secret",
            ),
            ("changeme", "a well-known weak secret"),
            (
                "correct horse battery staple orbit lunar",
                "made only of words",
            ),
        ] {
            let error = config(&[("BETTER_AUTH_SECRET", secret)]).unwrap_err();
            let line = error.to_string();
            assert!(line.starts_with(&format!("BETTER_AUTH_SECRET is {weak} (")));
            assert!(line.ends_with("generate one with: openssl rand -base64 32"));
            let secret = secret.trim().to_lowercase();
            assert!(!line.contains('\n') && !line.to_lowercase().contains(&secret));
        }
        for strong in [
            "q3Jd8vKx0ZpL7mN2bR5tY9wE1uI4oA6sD8fG0hJ2kLc=",
            "4f9c2a1be07d53c8a6f1e2d9b3c4a5f60718293a4b5c6d7e8f90a1b2c3d4e5f6",
        ] {
            assert!(config(&[("BETTER_AUTH_SECRET", strong)]).is_ok());
        }
    }

    #[test]
    fn secret_is_redacted_in_debug_output() {
        let config = config(&[
            ("BETTER_AUTH_SECRET", SECRET),
            ("DATABASE_URL", "postgres://u:hunter2@db/x"),
        ])
        .unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains(SECRET), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
    }

    #[test]
    fn defaults() {
        let config = config(&[("BETTER_AUTH_SECRET", SECRET)]).unwrap();
        assert_eq!(config.bind.to_string(), DEFAULT_BIND);
        assert_eq!(config.token_ttl, DEFAULT_TOKEN_TTL);
        assert_eq!(config.leeway, DEFAULT_LEEWAY);
        assert_eq!(config.db_connect_timeout, DEFAULT_DB_CONNECT_TIMEOUT);
        assert_eq!(config.request_timeout, DEFAULT_REQUEST_TIMEOUT);
        assert_eq!(config.header_read_timeout, DEFAULT_HEADER_READ_TIMEOUT);
        match config.database {
            DatabaseConfig::Auto(image) => {
                assert_eq!(image.to_string(), DEFAULT_POSTGRES_IMAGE);
            }
            other => panic!("expected the chain (container, else local), got {other:?}"),
        }
    }

    #[test]
    fn database_url_wins_over_image() {
        let config = config(&[
            ("BETTER_AUTH_SECRET", SECRET),
            ("DATABASE_URL", "postgres://localhost/todo"),
            ("TODO_POSTGRES_IMAGE", "local/postgres:15"),
        ])
        .unwrap();
        assert!(
            matches!(config.database, DatabaseConfig::Url(url) if url == "postgres://localhost/todo")
        );
    }

    #[test]
    fn durations_and_bind_are_validated() {
        let base = ("BETTER_AUTH_SECRET", SECRET);
        let custom = config(&[
            base,
            ("TODO_TOKEN_TTL_SECS", "60"),
            ("TODO_JWT_LEEWAY_SECS", "0"),
            ("TODO_DB_CONNECT_TIMEOUT_SECS", "600"),
            ("TODO_REQUEST_TIMEOUT_SECS", "1"),
            ("TODO_HEADER_READ_TIMEOUT_SECS", "5"),
        ])
        .unwrap();
        assert_eq!(custom.token_ttl, Duration::from_secs(60));
        assert_eq!(custom.leeway, Duration::ZERO);
        assert_eq!(custom.db_connect_timeout, Duration::from_secs(600));
        assert_eq!(custom.request_timeout, Duration::from_secs(1));
        assert_eq!(custom.header_read_timeout, Duration::from_secs(5));
        for (var, value) in [
            ("TODO_TOKEN_TTL_SECS", "0"),
            ("TODO_TOKEN_TTL_SECS", "soon"),
            ("TODO_JWT_LEEWAY_SECS", "-1"),
            ("TODO_JWT_LEEWAY_SECS", "3601"),
            ("TODO_TOKEN_TTL_SECS", "99999999999999999999"),
            ("TODO_TOKEN_TTL_SECS", "31536001"),
            ("TODO_DB_CONNECT_TIMEOUT_SECS", "0"),
            ("TODO_DB_CONNECT_TIMEOUT_SECS", "601"),
            ("TODO_REQUEST_TIMEOUT_SECS", "0"),
            ("TODO_REQUEST_TIMEOUT_SECS", "601"),
            ("TODO_HEADER_READ_TIMEOUT_SECS", "0"),
            ("TODO_HEADER_READ_TIMEOUT_SECS", "1h"),
            ("TODO_BIND", "localhost"),
        ] {
            let err = config(&[base, (var, value)]).unwrap_err();
            assert!(err.to_string().contains(var), "{err}");
        }
    }
}
