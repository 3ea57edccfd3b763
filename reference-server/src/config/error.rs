//! What a configuration can get wrong, and the reading of a bounded number
//! of seconds that every part of `config` shares.

use std::time::Duration;

use super::limits::MIN_SECRET_BYTES;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no token verification is configured: set BETTER_AUTH_SECRET to the shared HS256 secret (at least {MIN_SECRET_BYTES} bytes, e.g. `openssl rand -hex 32`), or BETTER_AUTH_URL (or BETTER_AUTH_JWKS_URL / BETTER_AUTH_JWKS_FILE) to verify Better Auth's tokens against its JWKS"
    )]
    MissingSecret,
    #[error(
        "{0} does not say which issuer and audience to expect: set BETTER_AUTH_URL, or BETTER_AUTH_ISSUER and BETTER_AUTH_AUDIENCE"
    )]
    MissingIssuer(&'static str),
    #[error(
        "BETTER_AUTH_SECRET is {0} bytes long; it must be at least {MIN_SECRET_BYTES} bytes (for example the output of `openssl rand -hex 32`)"
    )]
    ShortSecret(usize),
    #[error(
        "BETTER_AUTH_SECRET is a well-known weak secret (it is in public JWT-secret wordlists and is cracked offline in under a second); generate one with: openssl rand -base64 32"
    )]
    WellKnownSecret,
    #[error(
        "BETTER_AUTH_SECRET is made only of words (dictionary and combinator attacks crack those offline fast, so word-only secrets, passphrases included, are refused); generate one with: openssl rand -base64 32"
    )]
    WordsOnlySecret,
    #[error("{var}={value:?} is invalid: {reason}")]
    Invalid {
        var: &'static str,
        value: String,
        reason: String,
    },
}

/// `var` as a whole number of seconds from `min` to `max`, or `default` when
/// it is unset.
pub(super) fn seconds(
    lookup: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: Duration,
    min: u64,
    max: Duration,
) -> Result<Duration, ConfigError> {
    let Some(value) = lookup(var) else {
        return Ok(default);
    };
    match value.trim().parse::<u64>() {
        Ok(secs) if (min..=max.as_secs()).contains(&secs) => Ok(Duration::from_secs(secs)),
        _ => Err(ConfigError::Invalid {
            var,
            value,
            reason: format!(
                "expected a whole number of seconds from {min} to {}",
                max.as_secs()
            ),
        }),
    }
}
