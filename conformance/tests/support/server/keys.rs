//! The keys a signature is checked with: the secret, or what a bug takes
//! instead: the header's embedded `jwk`, the JWKS at its `jku`/`x5u`, an
//! empty key in the ring, or a `kid` used as a file path, in an SQL query
//! or in a shell command.

use std::time::Duration;

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey};
use regex::Regex;
use serde_json::{Map, Value};

use super::answers::Refusal;
use super::{App, Bug};

/// `Bug::KidInShellCommand` runs the payload's sleeps, capped at this so the
/// run stays short (still past the suite's 3 s limit).
const SHELL_SLEEP_CAP: Duration = Duration::from_secs(4);

impl App {
    /// `Bug::TrustsKeyUrl` and `Bug::FetchesKeyUrl` fetch the JWKS at the
    /// header's `jku` (or `x5u`); the first verifies with its key of the
    /// header's `kid`. `None`: the server's own keys decide.
    pub(super) async fn follow_key_url(
        &self,
        header: &Map<String, Value>,
        alg: &str,
        signing_input: &[u8],
        signature: &str,
    ) -> Option<Result<(), Refusal>> {
        let key_url = ["jku", "x5u"]
            .into_iter()
            .find_map(|field| header.get(field).and_then(Value::as_str));
        let (Bug::TrustsKeyUrl | Bug::FetchesKeyUrl, Some(url)) = (self.bug, key_url) else {
            return None;
        };
        let jwks = self.fetch_jwks(url).await;
        if self.bug != Bug::TrustsKeyUrl {
            return None;
        }
        let kid = header.get("kid").and_then(Value::as_str);
        let jwk = jwks.as_ref().and_then(|jwks| {
            jwks.keys
                .iter()
                .find(|jwk| jwk.common.key_id.as_deref() == kid)
        });
        Some(match jwk {
            Some(jwk) => self.verify_with_jwk(jwk, alg, signing_input, signature),
            None => Err(self.invalid()),
        })
    }

    pub(super) fn verify_with_jwk(
        &self,
        jwk: &Jwk,
        alg: &str,
        signing_input: &[u8],
        signature: &str,
    ) -> Result<(), Refusal> {
        let algorithm: Algorithm = alg.parse().map_err(|_| self.invalid())?;
        let key = DecodingKey::from_jwk(jwk).map_err(|_| self.invalid())?;
        match jsonwebtoken::crypto::verify(signature, signing_input, &key, algorithm) {
            Ok(true) => Ok(()),
            _ => Err(self.invalid()),
        }
    }

    async fn fetch_jwks(&self, url: &str) -> Option<JwkSet> {
        let response = self.http.get(url).send().await.ok()?;
        response.json::<JwkSet>().await.ok()
    }

    /// The signature against each HMAC key there is for the `kid`.
    pub(super) async fn verify_with_keys(
        &self,
        kid: Option<&str>,
        algorithm: Algorithm,
        signing_input: &[u8],
        signature: &str,
    ) -> Result<(), Refusal> {
        for key in self.keys(kid).await? {
            let key = DecodingKey::from_secret(&key);
            if jsonwebtoken::crypto::verify(signature, signing_input, &key, algorithm)
                .unwrap_or(false)
            {
                return Ok(());
            }
        }
        Err(self.invalid())
    }

    /// The HMAC keys to try. Correct: the secret, whatever the `kid` says.
    async fn keys(&self, kid: Option<&str>) -> Result<Vec<Vec<u8>>, Refusal> {
        let Some(kid) = kid else {
            return Ok(match self.bug {
                Bug::EmptyKeyInKeyRing => vec![self.secret.clone(), Vec::new()],
                _ => vec![self.secret.clone()],
            });
        };
        match self.bug {
            Bug::EmptyKeyInKeyRing => Ok(vec![self.secret.clone(), Vec::new()]),
            Bug::KidIsAFilePath => std::fs::read(self.key_dir.join(kid))
                .map(|key| vec![key])
                .map_err(|_| self.invalid()),
            Bug::KidInSqlQuery => sql_key(
                &format!("SELECT key FROM keys WHERE kid = '{kid}'"),
                &self.secret,
            )
            .map(|key| vec![key])
            .ok_or_else(|| self.invalid()),
            Bug::KidInShellCommand => {
                tokio::time::sleep(shell_sleeps(kid).min(SHELL_SLEEP_CAP)).await;
                // `cat keys/x…` found no file: the output, the key, is
                // empty, and an empty key is refused.
                if kid == "k1" {
                    Ok(vec![self.secret.clone()])
                } else {
                    Err(self.invalid())
                }
            }
            _ => Ok(vec![self.secret.clone()]),
        }
    }
}

/// A toy of the one query `Bug::KidInSqlQuery` builds: the rows of
/// `WHERE kid = '…'` from a one-row table, then those of a `UNION SELECT
/// '…'`; a trailing `--` comment is ignored. The first row is the key.
fn sql_key(query: &str, secret: &[u8]) -> Option<Vec<u8>> {
    let grammar = Regex::new(
        r"^SELECT key FROM keys WHERE kid = '([^']*)'(?: UNION SELECT '([^']*)')?\s*(?:--.*)?$",
    )
    .expect("a valid regex");
    let rows = grammar.captures(query)?;
    let mut result = Vec::new();
    if &rows[1] == "k1" {
        result.push(secret.to_vec());
    }
    if let Some(literal) = rows.get(2) {
        result.push(literal.as_str().as_bytes().to_vec());
    }
    result.into_iter().next()
}

/// How long `sh -c "cat keys/{kid}"` would sleep: every `sleep N` in it.
fn shell_sleeps(kid: &str) -> Duration {
    let sleep = Regex::new(r"sleep\s+(\d+)").expect("a valid regex");
    let seconds = sleep
        .captures_iter(kid)
        .filter_map(|captures| captures[1].parse::<u64>().ok())
        .sum();
    Duration::from_secs(seconds)
}
