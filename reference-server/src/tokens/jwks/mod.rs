//! Better Auth's tokens: EdDSA (its default, also under RFC 9864's name
//! `Ed25519`), ES256, ES384, ES512, RS256 or PS256, checked against the
//! issuer's JWKS, with `iss` and `aud` required.
//!
//! Keys are cached by `kid`, for the JWKS answer's `Cache-Control: max-age`
//! bounded by `TODO_JWKS_MAX_AGE_SECS`: a key removed from the JWKS stops
//! being trusted within that time. An unknown `kid` refreshes the set at
//! once, at most once per `TODO_JWKS_REFRESH_SECS` in all, so that a new key
//! works on its first use and garbage kids cannot make the server hammer
//! the issuer. An issuer that cannot be reached is a 503, not a 401, and
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

    async fn key(&self, kid: &str) -> Result<Key, TokenError> {
        if let Some(key) = self.keys.read().await.fresh(kid) {
            return Ok(key);
        }
        let Source::Url { url, client } = &self.source else {
            return Err(TokenError::UnknownKey(kid.to_owned()));
        };
        let mut last = self.last_refresh.lock().await;
        // Another request may have refreshed the set while this one waited.
        let (fresh, stale) = {
            let cached = self.keys.read().await;
            (cached.fresh(kid), cached.any(kid))
        };
        if let Some(key) = fresh {
            return Ok(key);
        }
        if let Some(last) = last
            .as_ref()
            .filter(|last| last.at.elapsed() < self.refresh.min_interval)
        {
            return match (stale, &last.error) {
                (Some(key), _) => Ok(key),
                (None, Some(error)) => Err(TokenError::IssuerUnavailable(error.clone())),
                (None, None) => Err(TokenError::UnknownKey(kid.to_owned())),
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
                cached
                    .any(kid)
                    .ok_or_else(|| TokenError::UnknownKey(kid.to_owned()))
            }
            Err(error) => {
                tracing::warn!(url = %url, %error, "the token issuer's JWKS is unreachable: cached keys keep working, unknown ones get 503");
                stale.ok_or(TokenError::IssuerUnavailable(error))
            }
        }
    }
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
            Refresh {
                min_interval: Duration::from_secs(60),
                max_age: Duration::from_secs(60),
            },
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

    /// A compact JWS of `claims` under `header`, signed by `sign`.
    fn signed(header: &Value, claims: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
        use base64::Engine;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = URL_SAFE_NO_PAD.encode(sign(input.as_bytes()));
        format!("{input}.{signature}")
    }

    #[test]
    fn es512_tokens_and_the_rfc_9864_name_verify() {
        use base64::Engine;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use p521::ecdsa::signature::Signer as _;
        let p521 = p521::ecdsa::SigningKey::from_slice(&[3u8; 65]).unwrap();
        let point = p521::ecdsa::VerifyingKey::from(&p521).to_encoded_point(false);
        let document = serde_json::json!({"keys": [{
            "alg": "ES512", "kty": "EC", "crv": "P-521", "kid": "es512",
            "x": URL_SAFE_NO_PAD.encode(point.x().unwrap()),
            "y": URL_SAFE_NO_PAD.encode(point.y().unwrap()),
        }]});
        let path = std::env::temp_dir().join(format!("jwks-{}.json", uuid::Uuid::new_v4()));
        std::fs::write(&path, document.to_string()).unwrap();
        let verifier = JwksVerifier::from_file(&path, BETTER_AUTH, BETTER_AUTH, Duration::ZERO);
        std::fs::remove_file(&path).unwrap();
        let verifier = verifier.unwrap();
        let now = crate::tokens::claims::unix_now();
        let claims = serde_json::json!({"sub": "u", "exp": now + 900, "iss": BETTER_AUTH, "aud": BETTER_AUTH});
        let sign = |input: &[u8]| {
            let signature: p521::ecdsa::Signature = p521.sign(input);
            signature.to_bytes().to_vec()
        };
        let es512 = signed(
            &serde_json::json!({"alg": "ES512", "kid": "es512"}),
            &claims,
            sign,
        );
        assert_eq!(verify(&verifier, &es512).unwrap().sub, "u");
        let lying = signed(
            &serde_json::json!({"alg": "ES256", "kid": "es512"}),
            &claims,
            sign,
        );
        assert!(matches!(
            verify(&verifier, &lying),
            Err(TokenError::Algorithm(_))
        ));

        // Better Auth's exported Ed25519 key, in a token that names its
        // algorithm `Ed25519`.
        let plain = format!("{FIXTURES}/variants/plain-key/jwks.json");
        let ed =
            JwksVerifier::from_file(Path::new(&plain), BETTER_AUTH, BETTER_AUTH, Duration::ZERO)
                .unwrap();
        let jwk: Value =
            serde_json::from_str(&fixture("variants/plain-key/issuer-private.jwk.json")).unwrap();
        let d = URL_SAFE_NO_PAD.decode(jwk["d"].as_str().unwrap()).unwrap();
        let key = ed25519_dalek::SigningKey::from_bytes(&d.try_into().unwrap());
        let header = serde_json::json!({"alg": "Ed25519", "kid": jwk["kid"]});
        let named = signed(&header, &claims, |input| {
            use ed25519_dalek::Signer as _;
            key.sign(input).to_bytes().to_vec()
        });
        assert_eq!(verify(&ed, &named).unwrap().sub, "u");
    }

    #[test]
    fn an_unverifiable_algorithm_is_warned_about_once_and_within_bounds() {
        let verifier = captured();
        for _ in 0..3 {
            let _ = runtime().block_on(verifier.verify("x.y.z", "ES256K", Some("k")));
        }
        for n in 0..100 {
            let kid = format!("kid-{n}");
            let _ = runtime().block_on(verifier.verify("x.y.z", "ES256K", Some(&kid)));
        }
        assert_eq!(verifier.warned.lock().unwrap().len(), WARNED_AT_MOST);
    }
}
