//! Better Auth's tokens: EdDSA (its default, also under RFC 9864's name
//! `Ed25519`), ES256, ES384, ES512, RS256 or PS256, checked against the
//! issuer's JWKS, with `iss` and `aud` required.
//!
//! Keys are cached by `kid`, for the JWKS answer's `Cache-Control: max-age`
//! bounded by `TODO_JWKS_MAX_AGE_SECS`: a key removed from the JWKS stops
//! being trusted within that time. An unknown `kid` refreshes the set at
//! once, at most once per `TODO_JWKS_REFRESH_SECS` in all (one that comes
//! within the interval waits for its end, up to 2 s, and looks again), so
//! that a new key works on its first use and garbage kids cannot make the
//! server hammer the issuer. An issuer that cannot be reached is a 503, not a 401, and
//! keys already fetched keep working through its outage.

mod error;
mod fetch;
mod keys;

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{Mutex, RwLock};

use super::claims::{Claims, Expected, TokenError};
pub use error::JwksError;
use fetch::{FETCH_TIMEOUT, fetch};
use keys::{Key, Keys, SUPPORTED, parse};

/// The longest an unknown kid waits for the refresh interval to end: with
/// a longer interval (up to an hour) it is refused at once instead.
const MAX_WAIT_FOR_FETCH: Duration = Duration::from_secs(2);

/// How many unverifiable (kid, alg) pairs are warned about, at most.
const WARNED_AT_MOST: usize = 64;

enum Source {
    Url {
        url: String,
        client: reqwest::Client,
    },
    File,
}

/// How the set is kept fresh.
#[derive(Debug, Clone, Copy)]
pub struct Refresh {
    /// At most one fetch per this interval, whatever the tokens name.
    pub min_interval: Duration,
    /// The longest a fetched set is trusted without fetching it again.
    pub max_age: Duration,
}

/// The keys and until when they may be used without a fetch (`None`: for
/// ever, for a set read from a file).
struct Cached {
    keys: Keys,
    fresh_until: Option<Instant>,
}

impl Cached {
    fn fresh(&self, kid: &str) -> Option<Key> {
        let fresh = self.fresh_until.is_none_or(|until| Instant::now() < until);
        self.keys.get(kid).filter(|_| fresh).cloned()
    }

    fn any(&self, kid: &str) -> Option<Key> {
        self.keys.get(kid).cloned()
    }
}

/// When the set was last refreshed, and the error if that failed.
struct LastRefresh {
    at: Instant,
    error: Option<String>,
}

pub struct JwksVerifier {
    source: Source,
    issuer: String,
    audience: String,
    leeway: Duration,
    refresh: Refresh,
    keys: RwLock<Cached>,
    last_refresh: Mutex<Option<LastRefresh>>,
    /// The (kid, alg) pairs already warned about.
    warned: std::sync::Mutex<HashSet<(String, String)>>,
}

impl JwksVerifier {
    /// Keys fetched from `url` when first needed, then on unknown kids.
    pub fn from_url(
        url: &str,
        issuer: &str,
        audience: &str,
        leeway: Duration,
        refresh: Refresh,
    ) -> Result<Self, JwksError> {
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| JwksError::Client(error.to_string()))?;
        let source = Source::Url {
            url: url.to_owned(),
            client,
        };
        // Nothing fetched yet: the first token fetches.
        let empty = Cached {
            keys: Keys::new(),
            fresh_until: Some(Instant::now()),
        };
        Ok(Self::with(source, empty, issuer, audience, leeway, refresh))
    }

    /// A fixed key set, read once at start.
    pub fn from_file(
        path: &Path,
        issuer: &str,
        audience: &str,
        leeway: Duration,
    ) -> Result<Self, JwksError> {
        let text = std::fs::read_to_string(path).map_err(|source| JwksError::Read {
            path: path.to_owned(),
            source,
        })?;
        let document: Value =
            serde_json::from_str(&text).map_err(|error| JwksError::Invalid(error.to_string()))?;
        let keys = parse(&document)?;
        if keys.is_empty() {
            return Err(JwksError::Invalid(format!(
                "{} has no usable key",
                path.display()
            )));
        }
        let cached = Cached {
            keys,
            fresh_until: None,
        };
        let never = Refresh {
            min_interval: Duration::MAX,
            max_age: Duration::MAX,
        };
        Ok(Self::with(
            Source::File,
            cached,
            issuer,
            audience,
            leeway,
            never,
        ))
    }

    fn with(
        source: Source,
        keys: Cached,
        issuer: &str,
        audience: &str,
        leeway: Duration,
        refresh: Refresh,
    ) -> Self {
        Self {
            source,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            leeway,
            refresh,
            keys: RwLock::new(keys),
            last_refresh: Mutex::new(None),
            warned: std::sync::Mutex::new(HashSet::new()),
        }
    }

    /// Verifies with the key named by `kid`, whose algorithm must be `alg`.
    pub async fn verify(
        &self,
        token: &str,
        alg: &str,
        kid: Option<&str>,
    ) -> Result<Claims, TokenError> {
        // Only algorithms some key could have may cost a lookup (and a fetch).
        if !SUPPORTED.contains(&alg) {
            self.warn_once(kid, alg);
            return Err(TokenError::Algorithm(alg.to_owned()));
        }
        let kid = kid.ok_or_else(|| TokenError::UnknownKey(String::new()))?;
        let key = self.key(kid).await?;
        if !key.accepts(alg) {
            return Err(TokenError::Algorithm(alg.to_owned()));
        }
        // `inspect` made sure of three segments.
        let (signed, signature) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
        if !key.verifies(signed.as_bytes(), signature) {
            return Err(TokenError::Signature);
        }
        let payload = signed.split_once('.').map_or("", |(_, payload)| payload);
        Expected {
            issuer: &self.issuer,
            audience: &self.audience,
            leeway: self.leeway,
        }
        .check(payload)
    }

    /// Says once, at warn level, that tokens come under an algorithm this
    /// server cannot verify (ES256K, say): otherwise they are only 401s.
    /// At most [`WARNED_AT_MOST`] pairs are remembered, so that made-up
    /// headers cannot grow the set.
    fn warn_once(&self, kid: Option<&str>, alg: &str) {
        let Ok(mut warned) = self.warned.lock() else {
            return;
        };
        let pair = (kid.unwrap_or_default().to_owned(), alg.to_owned());
        if warned.len() < WARNED_AT_MOST && warned.insert(pair) {
            tracing::warn!(
                kid = kid.unwrap_or("(none)"),
                alg,
                "a token names an algorithm this server cannot verify; it is refused with 401"
            );
        }
    }

    /// The key for `kid`. An unknown kid met within the refresh interval
    /// of the last fetch waits for the interval's end, once and at most
    /// [`MAX_WAIT_FOR_FETCH`], then looks again: a new key that arrives
    /// just after some other kid's fetch still works on its first use,
    /// and the fetches stay one per interval.
    async fn key(&self, kid: &str) -> Result<Key, TokenError> {
        let mut waited = false;
        loop {
            match self.lookup(kid).await {
                Lookup::Found(key) => return Ok(key),
                Lookup::Refused(error) => return Err(error),
                Lookup::TooSoon(wait) if !waited && wait <= MAX_WAIT_FOR_FETCH => {
                    waited = true;
                    tokio::time::sleep(wait).await;
                }
                Lookup::TooSoon(_) => return Err(TokenError::UnknownKey(kid.to_owned())),
            }
        }
    }

    async fn lookup(&self, kid: &str) -> Lookup {
        if let Some(key) = self.keys.read().await.fresh(kid) {
            return Lookup::Found(key);
        }
        let Source::Url { url, client } = &self.source else {
            return Lookup::Refused(TokenError::UnknownKey(kid.to_owned()));
        };
        let mut last = self.last_refresh.lock().await;
        // Another request may have refreshed the set while this one waited.
        let (fresh, stale) = {
            let cached = self.keys.read().await;
            (cached.fresh(kid), cached.any(kid))
        };
        if let Some(key) = fresh {
            return Lookup::Found(key);
        }
        if let Some(last) = last
            .as_ref()
            .filter(|last| last.at.elapsed() < self.refresh.min_interval)
        {
            return match (stale, &last.error) {
                (Some(key), _) => Lookup::Found(key),
                (None, Some(error)) => {
                    Lookup::Refused(TokenError::IssuerUnavailable(error.clone()))
                }
                (None, None) => {
                    Lookup::TooSoon(self.refresh.min_interval.saturating_sub(last.at.elapsed()))
                }
            };
        }
        let fetched = fetch(client, url).await;
        *last = Some(LastRefresh {
            at: Instant::now(),
            error: fetched.as_ref().err().cloned(),
        });
        match fetched {
            Ok((keys, max_age)) => {
                tracing::info!(url = %url, keys = keys.len(), "fetched the JWKS");
                let max_age =
                    max_age.map_or(self.refresh.max_age, |age| age.min(self.refresh.max_age));
                let mut cached = self.keys.write().await;
                *cached = Cached {
                    keys,
                    fresh_until: Some(Instant::now() + max_age),
                };
                cached.any(kid).map_or_else(
                    || Lookup::Refused(TokenError::UnknownKey(kid.to_owned())),
                    Lookup::Found,
                )
            }
            Err(error) => {
                tracing::warn!(url = %url, %error, "the token issuer's JWKS is unreachable: cached keys keep working, unknown ones get 503");
                stale.map_or(
                    Lookup::Refused(TokenError::IssuerUnavailable(error)),
                    Lookup::Found,
                )
            }
        }
    }
}

/// What a look at the cache, and perhaps a fetch, found for a kid.
enum Lookup {
    Found(Key),
    Refused(TokenError),
    /// Unknown, and the last fetch was too recent for another: how long
    /// until one is allowed.
    TooSoon(Duration),
}

#[cfg(test)]
mod tests;
