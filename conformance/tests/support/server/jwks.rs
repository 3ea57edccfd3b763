//! JWKS mode: tokens of an asymmetric issuer (Better Auth's format), checked
//! against the keys its JWKS publishes. Keys are cached by `kid` for the
//! answer's `Cache-Control: max-age`; an unknown `kid` refetches the set at
//! most once a second; while the JWKS cannot be fetched, known keys keep
//! working and an unknown `kid` is a 503. `iss` and `aud` must name the
//! issuer. The bugs of this mode get one of those wrong.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey};
use reqwest::header::CACHE_CONTROL;
use serde_json::{Map, Value};

use super::answers::{GENERIC_500, Refusal};
use super::{App, Bug};

/// An unknown `kid` refetches the JWKS at most this often.
const REFETCH_EVERY: Duration = Duration::from_secs(1);

/// The issuer a JWKS-mode server trusts, and its cached keys.
pub(super) struct Jwks {
    /// The issuer's base URL: the `iss` and `aud` its tokens carry.
    issuer: String,
    cache: tokio::sync::Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    /// The published keys by `kid`, as JSON (their `alg` and `x` are read).
    keys: HashMap<String, Value>,
    /// Until when `keys` may be used without asking again.
    fresh_until: Option<Instant>,
    /// The last fetch attempt, and whether it failed.
    last_try: Option<Instant>,
    failed: bool,
}

impl Jwks {
    pub(super) fn new(issuer: &str) -> Self {
        Self {
            issuer: issuer.trim_end_matches('/').to_owned(),
            cache: tokio::sync::Mutex::default(),
        }
    }
}

impl App {
    /// The signature of a JWKS-mode token, against the key of its `kid`.
    pub(super) async fn check_jwks_signature(
        &self,
        jwks: &Jwks,
        header: &Map<String, Value>,
        signing_input: &[u8],
        signature: &str,
    ) -> Result<(), Refusal> {
        let alg = header.get("alg").and_then(Value::as_str);
        let kid = header.get("kid").and_then(Value::as_str);
        let (Some(alg), Some(kid)) = (alg, kid) else {
            return Err(self.invalid());
        };
        let jwk = self.key_of(jwks, kid).await?;
        let key_alg = key_algorithm(&jwk).ok_or_else(|| self.invalid())?;
        let (algorithm, key) = match (self.bug, alg) {
            // The PEM of the public key, read as an HMAC secret.
            (Bug::AcceptsHmacWithPublicKey, "HS256") => {
                let pem = public_pem(&jwk).ok_or_else(|| self.invalid())?;
                (Algorithm::HS256, DecodingKey::from_secret(pem.as_bytes()))
            }
            // The header's `alg` decides, HMAC with the key's raw bytes.
            (Bug::AlgFromToken, _) => {
                let algorithm: Algorithm = alg.parse().map_err(|_| self.invalid())?;
                let key = if alg.starts_with("HS") {
                    DecodingKey::from_secret(&raw_x(&jwk).ok_or_else(|| self.invalid())?)
                } else {
                    self.decoding_key(&jwk)?
                };
                (algorithm, key)
            }
            // The key's algorithm decides: the header must name it.
            _ if alg == key_alg => (
                alg.parse().map_err(|_| self.invalid())?,
                self.decoding_key(&jwk)?,
            ),
            _ => return Err(self.invalid()),
        };
        match jsonwebtoken::crypto::verify(signature, signing_input, &key, algorithm) {
            Ok(true) => Ok(()),
            _ => Err(self.invalid()),
        }
    }

    fn decoding_key(&self, jwk: &Value) -> Result<DecodingKey, Refusal> {
        let jwk: Jwk = serde_json::from_value(jwk.clone()).map_err(|_| self.invalid())?;
        DecodingKey::from_jwk(&jwk).map_err(|_| self.invalid())
    }

    /// `iss` the issuer, `aud` it or an array holding it (unless a bug
    /// ignores one).
    pub(super) fn check_issuer_and_audience(
        &self,
        jwks: &Jwks,
        payload: &[u8],
    ) -> Result<(), Refusal> {
        let claims: Map<String, Value> =
            serde_json::from_slice(payload).map_err(|_| self.invalid())?;
        let issuer = Value::String(jwks.issuer.clone());
        let iss_ok = self.bug == Bug::IgnoresIss || claims.get("iss") == Some(&issuer);
        let aud_ok = self.bug == Bug::IgnoresAud
            || match claims.get("aud") {
                Some(Value::Array(audiences)) => audiences.contains(&issuer),
                aud => aud == Some(&issuer),
            };
        if iss_ok && aud_ok {
            Ok(())
        } else {
            Err(self.invalid())
        }
    }

    /// The published key of `kid`: from the cache while it is fresh, else
    /// fetched (an unknown `kid` at most once a second).
    async fn key_of(&self, jwks: &Jwks, kid: &str) -> Result<Value, Refusal> {
        // Held across the fetch: concurrent requests wait for one fetch
        // rather than each making their own.
        let mut cache = jwks.cache.lock().await;
        let now = Instant::now();
        let rested = cache
            .last_try
            .is_none_or(|last| now.duration_since(last) >= REFETCH_EVERY);
        let stale = cache.fresh_until.is_none_or(|until| now >= until);
        let unknown = !cache.keys.contains_key(kid);
        let may_try = match self.bug {
            Bug::RefetchesJwksPerUnknownKid => stale || unknown,
            // A key once fetched is trusted for good: only a kid never seen
            // makes it ask again.
            Bug::CachesJwksForever => unknown && rested,
            Bug::NeverRefetchesJwks => cache.last_try.is_none(),
            _ => (stale || unknown) && rested,
        };
        if may_try {
            self.refresh(jwks, &mut cache).await;
        }
        if let Some(jwk) = cache.keys.get(kid) {
            return Ok(jwk.clone());
        }
        match (cache.failed, self.bug) {
            (true, Bug::JwksOutageIs500) => Err(Refusal::ServerError(GENERIC_500)),
            (true, _) => Err(Refusal::Unavailable),
            (false, _) => Err(self.invalid()),
        }
    }

    /// Fetches the JWKS into `cache`; on failure the keys already fetched
    /// stay (the issuer being down must not lock everyone out).
    async fn refresh(&self, jwks: &Jwks, cache: &mut Cache) {
        cache.last_try = Some(Instant::now());
        let url = format!("{}/api/auth/jwks", jwks.issuer);
        let Some((keys, max_age)) = self.fetch_key_set(&url).await else {
            cache.failed = true;
            return;
        };
        cache.failed = false;
        cache.keys = keys;
        cache.fresh_until = Some(Instant::now() + max_age);
    }

    async fn fetch_key_set(&self, url: &str) -> Option<(HashMap<String, Value>, Duration)> {
        let response = self.http.get(url).send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        let max_age = response
            .headers()
            .get(CACHE_CONTROL)
            .and_then(|value| value.to_str().ok())
            .and_then(max_age)
            .unwrap_or(Duration::ZERO);
        let set: Value = response.json().await.ok()?;
        let keys = set
            .get("keys")?
            .as_array()?
            .iter()
            .filter_map(|jwk| Some((jwk.get("kid")?.as_str()?.to_owned(), jwk.clone())))
            .collect();
        Some((keys, max_age))
    }
}

/// `max-age=N` of a Cache-Control value.
fn max_age(cache_control: &str) -> Option<Duration> {
    cache_control
        .split(',')
        .find_map(|directive| directive.trim().strip_prefix("max-age="))
        .and_then(|seconds| seconds.parse().ok())
        .map(Duration::from_secs)
}

/// The algorithm a published key is for: its `alg`, or its type's default.
fn key_algorithm(jwk: &Value) -> Option<&str> {
    if let Some(alg) = jwk.get("alg").and_then(Value::as_str) {
        return Some(alg);
    }
    match (
        jwk.get("kty")?.as_str()?,
        jwk.get("crv").and_then(Value::as_str),
    ) {
        ("OKP", Some("Ed25519")) => Some("EdDSA"),
        ("EC", Some("P-256")) => Some("ES256"),
        ("RSA", _) => Some("RS256"),
        _ => None,
    }
}

/// The raw public key of an Ed25519 JWK.
fn raw_x(jwk: &Value) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(jwk.get("x")?.as_str()?).ok()
}

/// The SubjectPublicKeyInfo PEM of an Ed25519 JWK, as Node's crypto
/// exports it.
fn public_pem(jwk: &Value) -> Option<String> {
    // The fixed DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410).
    let mut der = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    der.extend_from_slice(&raw_x(jwk)?);
    Some(format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(der)
    ))
}
