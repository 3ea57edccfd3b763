//! JWKS mode: verifying Better Auth's asymmetric tokens, from
//! `BETTER_AUTH_JWKS_FILE`, `BETTER_AUTH_JWKS_URL` or `BETTER_AUTH_URL`.

use std::path::PathBuf;
use std::time::Duration;

use super::error::{ConfigError, seconds};
use super::limits::MAX_LEEWAY;

/// How often, at most, an unknown `kid` may refresh the JWKS: short, so
/// that a new key works on its first use, and a bound on what a flood of
/// made-up kids costs the issuer.
pub const DEFAULT_JWKS_REFRESH: Duration = Duration::from_secs(1);
/// The longest a fetched JWKS is trusted (shorter when its answer's
/// `Cache-Control: max-age` says so): how long a removed key still works.
pub const DEFAULT_JWKS_MAX_AGE: Duration = Duration::from_secs(300);
/// Where Better Auth publishes its keys, below its base URL.
pub const BETTER_AUTH_JWKS_PATH: &str = "/api/auth/jwks";

/// Where Better Auth's public keys come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksLocation {
    Url(String),
    File(PathBuf),
}

/// Verification of Better Auth's asymmetric tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwksConfig {
    pub location: JwksLocation,
    /// Required `iss` and `aud`: Better Auth's base URL unless overridden.
    pub issuer: String,
    pub audience: String,
    /// At most one refresh per interval for unknown kids.
    pub refresh_interval: Duration,
    /// How long a fetched set is trusted at most.
    pub max_age: Duration,
}

/// JWKS mode, from `BETTER_AUTH_JWKS_FILE`, `BETTER_AUTH_JWKS_URL` or
/// `BETTER_AUTH_URL` (in that order of precedence), if any is set.
pub(super) fn jwks_from_lookup(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Option<JwksConfig>, ConfigError> {
    let get = |name: &str| {
        lookup(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    let base = get("BETTER_AUTH_URL").map(|url| url.trim_end_matches('/').to_owned());
    let (location, variable) = match (
        get("BETTER_AUTH_JWKS_FILE"),
        get("BETTER_AUTH_JWKS_URL"),
        &base,
    ) {
        (Some(file), _, _) => (
            JwksLocation::File(PathBuf::from(file)),
            "BETTER_AUTH_JWKS_FILE",
        ),
        (None, Some(url), _) => (JwksLocation::Url(url), "BETTER_AUTH_JWKS_URL"),
        (None, None, Some(base)) => (
            JwksLocation::Url(format!("{base}{BETTER_AUTH_JWKS_PATH}")),
            "BETTER_AUTH_URL",
        ),
        (None, None, None) => return Ok(None),
    };
    if let JwksLocation::Url(url) = &location
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err(ConfigError::Invalid {
            var: variable,
            value: url.clone(),
            reason: "expected an http(s) URL".to_owned(),
        });
    }
    // Better Auth sets both to its base URL, which a JWKS URL usually reveals.
    let derived = base.or_else(|| match &location {
        JwksLocation::Url(url) => url.strip_suffix(BETTER_AUTH_JWKS_PATH).map(str::to_owned),
        JwksLocation::File(_) => None,
    });
    let issuer = get("BETTER_AUTH_ISSUER").or_else(|| derived.clone());
    let audience = get("BETTER_AUTH_AUDIENCE").or(derived);
    let (Some(issuer), Some(audience)) = (issuer, audience) else {
        return Err(ConfigError::MissingIssuer(variable));
    };
    let (refresh_interval, max_age) = freshness(lookup)?;
    Ok(Some(JwksConfig {
        location,
        issuer,
        audience,
        refresh_interval,
        max_age,
    }))
}

/// `TODO_JWKS_REFRESH_SECS` and `TODO_JWKS_MAX_AGE_SECS`.
fn freshness(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<(Duration, Duration), ConfigError> {
    let setting = |name, default| seconds(lookup, name, default, 1, MAX_LEEWAY);
    Ok((
        setting("TODO_JWKS_REFRESH_SECS", DEFAULT_JWKS_REFRESH)?,
        setting("TODO_JWKS_MAX_AGE_SECS", DEFAULT_JWKS_MAX_AGE)?,
    ))
}
