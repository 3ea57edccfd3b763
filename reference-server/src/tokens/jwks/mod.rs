//! Better Auth's tokens: EdDSA (its default), ES256/ES384, RS256 or PS256,
//! checked against the issuer's JWKS, with `iss` and `aud` required.
//!
//! Keys are cached by `kid`. An unknown `kid` refreshes the set at most once
//! per interval, so that garbage kids cannot make the server hammer the
//! issuer; an issuer that cannot be reached is a 503, not a 401.

mod error;
mod keys;

use std::path::Path;
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;
use tokio::sync::{Mutex, RwLock};

use super::claims::{Claims, TokenError, validation};
pub use error::JwksError;
use keys::{Keys, SUPPORTED, name, parse};

/// How long a JWKS fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Larger JWKS documents are refused.
const MAX_JWKS_BYTES: usize = 256 * 1024;

enum Source {
    Url {
        url: String,
        client: reqwest::Client,
    },
    File,
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
    refresh_interval: Duration,
    keys: RwLock<Keys>,
    last_refresh: Mutex<Option<LastRefresh>>,
}

impl JwksVerifier {
    /// Keys fetched from `url` when first needed, then on unknown kids.
    pub fn from_url(
        url: &str,
        issuer: &str,
        audience: &str,
        leeway: Duration,
        refresh_interval: Duration,
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
        Ok(Self::with(
            source,
            Keys::new(),
            issuer,
            audience,
            leeway,
            refresh_interval,
        ))
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
        Ok(Self::with(
            Source::File,
            keys,
            issuer,
            audience,
            leeway,
            Duration::MAX,
        ))
    }

    fn with(
        source: Source,
        keys: Keys,
        issuer: &str,
        audience: &str,
        leeway: Duration,
        refresh_interval: Duration,
    ) -> Self {
        Self {
            source,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            leeway,
            refresh_interval,
            keys: RwLock::new(keys),
            last_refresh: Mutex::new(None),
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
            return Err(TokenError::Algorithm(alg.to_owned()));
        }
        let kid = kid.ok_or_else(|| TokenError::UnknownKey(String::new()))?;
        let (key, algorithm) = self.key(kid).await?;
        // The algorithm comes from the key; the header may only agree.
        if alg != name(algorithm) {
            return Err(TokenError::Algorithm(alg.to_owned()));
        }
        let mut validation = validation(algorithm, self.leeway);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.validate_aud = true;
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        Ok(jsonwebtoken::decode::<Claims>(token, &key, &validation)?.claims)
    }

    async fn key(&self, kid: &str) -> Result<(DecodingKey, Algorithm), TokenError> {
        if let Some(key) = self.keys.read().await.get(kid) {
            return Ok(key.clone());
        }
        let Source::Url { url, client } = &self.source else {
            return Err(TokenError::UnknownKey(kid.to_owned()));
        };
        let mut last = self.last_refresh.lock().await;
        // Another request may have refreshed the set while this one waited.
        if let Some(key) = self.keys.read().await.get(kid) {
            return Ok(key.clone());
        }
        if let Some(last) = last
            .as_ref()
            .filter(|last| last.at.elapsed() < self.refresh_interval)
        {
            return Err(match &last.error {
                Some(error) => TokenError::IssuerUnavailable(error.clone()),
                None => TokenError::UnknownKey(kid.to_owned()),
            });
        }
        let fetched = fetch(client, url).await;
        *last = Some(LastRefresh {
            at: Instant::now(),
            error: fetched.as_ref().err().cloned(),
        });
        match fetched {
            Ok(keys) => {
                tracing::info!(url = %url, keys = keys.len(), "fetched the JWKS");
                let mut cached = self.keys.write().await;
                *cached = keys;
                cached
                    .get(kid)
                    .cloned()
                    .ok_or_else(|| TokenError::UnknownKey(kid.to_owned()))
            }
            Err(error) => {
                tracing::warn!(url = %url, %error, "the token issuer's JWKS is unreachable; answering 503");
                Err(TokenError::IssuerUnavailable(error))
            }
        }
    }
}

async fn fetch(client: &reqwest::Client, url: &str) -> Result<Keys, String> {
    let mut response = client
        .get(url)
        .send()
        .await
        .map_err(|error| error.to_string())?;
    if !response.status().is_success() {
        return Err(format!("{url} answered {}", response.status()));
    }
    // Read with a running cap: a hostile or broken issuer cannot make the
    // server buffer an endless body.
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| error.to_string())? {
        if body.len() + chunk.len() > MAX_JWKS_BYTES {
            return Err(format!("{url} sent a JWKS over {MAX_JWKS_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    let document: Value =
        serde_json::from_slice(&body).map_err(|error| format!("{url}: {error}"))?;
    parse(&document).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BETTER_AUTH: &str = "http://127.0.0.1:3000";
    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/better-auth");

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// The captured tokens expired 15 minutes after their capture; a leeway
    /// back to then lets the rest of the checks run on them.
    fn since_capture() -> Duration {
        Duration::from_secs(crate::tokens::claims::unix_now().saturating_sub(1_795_599_000))
    }

    fn captured() -> JwksVerifier {
        let leeway = since_capture();
        JwksVerifier::from_file(
            Path::new(&format!("{FIXTURES}/jwks.json")),
            BETTER_AUTH,
            BETTER_AUTH,
            leeway,
        )
        .unwrap()
    }

    fn verify(verifier: &JwksVerifier, token: &str) -> Result<Claims, TokenError> {
        let header = crate::tokens::inspect(token).unwrap();
        runtime().block_on(verifier.verify(token, &header.alg, header.kid.as_deref()))
    }

    #[test]
    fn real_better_auth_tokens_verify_against_their_jwks() {
        let verifier = captured();
        for file in ["token-user-a.jwt", "token-user-b.jwt"] {
            let claims = verify(&verifier, fixture(file).trim()).unwrap();
            assert!(!claims.sub.is_empty());
        }
    }

    #[test]
    fn issuer_audience_and_key_must_match() {
        let token = fixture("token-user-a.jwt");
        let leeway = since_capture();
        let path = format!("{FIXTURES}/jwks.json");
        let other_issuer =
            JwksVerifier::from_file(Path::new(&path), "https://elsewhere", BETTER_AUTH, leeway)
                .unwrap();
        assert!(verify(&other_issuer, token.trim()).is_err());
        let other_audience =
            JwksVerifier::from_file(Path::new(&path), BETTER_AUTH, "https://elsewhere", leeway)
                .unwrap();
        assert!(verify(&other_audience, token.trim()).is_err());
        // The custom variant was signed by another key.
        let other_key = fixture("variants/custom/token-user-a.jwt");
        assert!(verify(&captured(), other_key.trim()).is_err());
    }

    #[test]
    fn expired_captures_are_refused_with_the_normal_leeway() {
        let path = format!("{FIXTURES}/jwks.json");
        let verifier = JwksVerifier::from_file(
            Path::new(&path),
            BETTER_AUTH,
            BETTER_AUTH,
            Duration::from_secs(30),
        )
        .unwrap();
        assert!(verify(&verifier, fixture("token-user-a.jwt").trim()).is_err());
    }

    #[test]
    fn an_unreachable_issuer_is_unavailable_and_not_hammered() {
        let runtime = runtime();
        let verifier = JwksVerifier::from_url(
            "http://127.0.0.1:9/api/auth/jwks",
            BETTER_AUTH,
            BETTER_AUTH,
            Duration::from_secs(30),
            Duration::from_secs(60),
        )
        .unwrap();
        let first = runtime.block_on(verifier.key("some-kid"));
        assert!(matches!(first, Err(TokenError::IssuerUnavailable(_))));
        let refreshed_at = || {
            runtime.block_on(async {
                verifier
                    .last_refresh
                    .lock()
                    .await
                    .as_ref()
                    .map(|last| last.at)
            })
        };
        let started = refreshed_at();
        let second = runtime.block_on(verifier.key("another-kid"));
        assert!(matches!(second, Err(TokenError::IssuerUnavailable(_))));
        let after = refreshed_at();
        assert_eq!(
            started, after,
            "a second unknown kid within the interval must not refetch"
        );
    }
}
