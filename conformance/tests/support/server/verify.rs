//! Token verification: the compact JWS, its `alg` against the allow-list,
//! and the claims (`exp`, `nbf`, `sub`), typed by the server's rules or a
//! bug's. The keys a signature is checked with are in `keys`.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use jsonwebtoken::jwk::Jwk;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::answers::{GENERIC_500, PANIC_BODY, Refusal};
use super::auth::Identity;
use super::{App, Bug};

/// Clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 5;
/// The clock skew of `Bug::ExcessiveLeeway`: a quarter of an hour.
const EXCESSIVE_LEEWAY_SECS: u64 = 15 * 60;
/// Larger tokens are refused before any parsing.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The registered claims the server reads, each as JSON so that the typing
/// rules are the server's (and the bugs'). A derived struct: serde refuses
/// a duplicate `sub`, `exp` or `nbf` ("duplicate field"), and ignores the
/// rest.
#[derive(Debug, Default, Deserialize)]
pub struct RawClaims {
    #[serde(default)]
    pub sub: Option<Value>,
    #[serde(default)]
    pub exp: Option<Value>,
    #[serde(default)]
    pub nbf: Option<Value>,
}

/// The strict parse of a payload: a JSON object (a derived struct would
/// also take an array, in field order), no duplicate claim the server reads.
pub fn strict_claims(payload: &[u8]) -> Option<RawClaims> {
    let object = payload
        .iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|first| *first == b'{');
    object
        .then(|| serde_json::from_slice(payload).ok())
        .flatten()
}

pub(super) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

impl App {
    fn leeway(&self) -> u64 {
        if self.bug == Bug::ExcessiveLeeway {
            EXCESSIVE_LEEWAY_SECS
        } else {
            LEEWAY_SECS
        }
    }

    /// The whole verification of a compact JWS.
    pub(super) async fn verify(&self, token: &str) -> Result<Identity, Refusal> {
        if token.len() > MAX_TOKEN_BYTES {
            match self.bug {
                Bug::HugeTokenCrashes => return Err(Refusal::ServerError(GENERIC_500)),
                Bug::NoTokenSizeCap => {}
                _ => return Err(self.invalid()),
            }
        }
        let segments: Vec<&str> = token.split('.').collect();
        let [header, payload, signature] = segments[..] else {
            return Err(self.invalid());
        };
        // Python's base64 (python-jose) skips characters outside the alphabet.
        let skipped: String;
        let signature = if self.bug == Bug::SkipsNonBase64Url {
            skipped = signature
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            skipped.as_str()
        } else {
            signature
        };
        let signing_input_len = header.len() + 1 + payload.len();
        let header_json = self.decode_segment(header)?;
        let payload_json = self.decode_segment(payload)?;
        self.decode_segment(signature)?;
        if self.bug != Bug::SkipsSignatureCheck {
            let header: Map<String, Value> =
                serde_json::from_slice(&header_json).map_err(|_| self.invalid())?;
            let signing_input = &token.as_bytes()[..signing_input_len];
            match &self.jwks {
                Some(jwks) => {
                    self.check_jwks_signature(jwks, &header, signing_input, signature)
                        .await?;
                }
                None => {
                    self.check_signature(&header, signing_input, signature)
                        .await?;
                }
            }
            if header.contains_key("crit") && self.bug != Bug::IgnoresCrit {
                return Err(self.invalid());
            }
        }
        if let Some(jwks) = &self.jwks {
            self.check_issuer_and_audience(jwks, &payload_json)?;
        }
        self.identity(&payload_json)
    }

    fn decode_segment(&self, segment: &str) -> Result<Vec<u8>, Refusal> {
        URL_SAFE_NO_PAD.decode(segment).map_err(|_| {
            if self.bug == Bug::PanicsOnBadBase64 {
                Refusal::ServerError(PANIC_BODY)
            } else {
                self.invalid()
            }
        })
    }

    /// The header's `alg` against the allow-list, and the signature against
    /// the key(s): the secret, or what a bug takes instead.
    async fn check_signature(
        &self,
        header: &Map<String, Value>,
        signing_input: &[u8],
        signature: &str,
    ) -> Result<(), Refusal> {
        let alg = header
            .get("alg")
            .and_then(Value::as_str)
            .ok_or_else(|| self.invalid())?;
        if self.bug == Bug::TrustsEmbeddedJwk
            && let Some(jwk) = header.get("jwk")
        {
            let jwk: Jwk = serde_json::from_value(jwk.clone()).map_err(|_| self.invalid())?;
            return self.verify_with_jwk(&jwk, alg, signing_input, signature);
        }
        if let Some(verified) = self
            .follow_key_url(header, alg, signing_input, signature)
            .await
        {
            return verified;
        }
        let Some(algorithm) = self.algorithm(alg)? else {
            return if signature.is_empty() {
                Ok(())
            } else {
                Err(self.invalid())
            };
        };
        let kid = header.get("kid").and_then(Value::as_str);
        self.verify_with_keys(kid, algorithm, signing_input, signature)
            .await
    }

    /// The HMAC algorithm `alg` names, if allowed. `Ok(None)`: the unsigned
    /// algorithm, which only `Bug::AlgNoneDenylistIsCaseSensitive` lets
    /// through, spelt other than `none`.
    fn algorithm(&self, alg: &str) -> Result<Option<Algorithm>, Refusal> {
        match alg {
            "HS256" => Ok(Some(Algorithm::HS256)),
            "HS384" if self.bug == Bug::AllowsHs384AndHs512 => Ok(Some(Algorithm::HS384)),
            "HS512" if self.bug == Bug::AllowsHs384AndHs512 => Ok(Some(Algorithm::HS512)),
            "none" => Err(self.invalid()),
            other
                if self.bug == Bug::AlgNoneDenylistIsCaseSensitive
                    && other.eq_ignore_ascii_case("none") =>
            {
                Ok(None)
            }
            _ => Err(self.invalid()),
        }
    }

    /// The payload's claims, typed by the server's rules (or a bug's).
    fn identity(&self, payload: &[u8]) -> Result<Identity, Refusal> {
        let claims = self.claims(payload)?;
        self.check_lifetime(&claims)?;
        let identity = self.subject(claims.sub)?;
        if let Identity::User(sub) = &identity {
            self.remember_email(sub, payload);
        }
        Ok(identity)
    }

    /// The claims the server reads, parsed strictly; with
    /// `Bug::DuplicateClaimsFirstWins`, from a map, `sub` the first of its
    /// duplicates.
    fn claims(&self, payload: &[u8]) -> Result<RawClaims, Refusal> {
        if self.bug == Bug::DuplicateClaimsFirstWins {
            let map: Map<String, Value> =
                serde_json::from_slice(payload).map_err(|_| self.invalid())?;
            Ok(RawClaims {
                sub: first_member(payload, "sub").or_else(|| map.get("sub").cloned()),
                exp: map.get("exp").cloned(),
                nbf: map.get("nbf").cloned(),
            })
        } else {
            strict_claims(payload).ok_or_else(|| self.invalid())
        }
    }

    /// `exp` and `nbf` against the clock, with the leeway (or a bug's).
    fn check_lifetime(&self, claims: &RawClaims) -> Result<(), Refusal> {
        let now = unix_now();
        let unchecked_string =
            self.bug == Bug::StringExpUnchecked && matches!(claims.exp, Some(Value::String(_)));
        if self.bug != Bug::AcceptsExpiredTokens && !unchecked_string {
            match self.numeric_date(claims.exp.as_ref())? {
                Some(exp) if exp.saturating_add(self.leeway()) < now => {
                    return Err(self.invalid());
                }
                Some(_) => {}
                None if matches!(self.bug, Bug::ExpOptional | Bug::IssuesTokensWithoutExp) => {}
                None => return Err(self.invalid()),
            }
        }
        if self.bug != Bug::IgnoresNbf
            && let Some(nbf) = self.numeric_date(claims.nbf.as_ref())?
            && nbf > now.saturating_add(self.leeway())
        {
            return Err(self.invalid());
        }
        Ok(())
    }

    /// Who `sub` names: a non-empty string, or what a bug makes of others.
    fn subject(&self, sub: Option<Value>) -> Result<Identity, Refusal> {
        match (self.bug, sub) {
            (_, Some(Value::String(sub))) if !sub.is_empty() => Ok(Identity::User(sub)),
            (Bug::SubUnwrapPanics, Some(Value::String(sub))) => Ok(Identity::User(sub)),
            (Bug::SubUnwrapPanics, _) => Err(Refusal::ServerError(GENERIC_500)),
            (Bug::FalsySubSkipsOwnerCheck, sub) => Ok(match sub {
                // Non-empty strings were taken above: this one is "".
                None | Some(Value::Null | Value::Bool(false) | Value::String(_)) => {
                    Identity::PathUser
                }
                Some(Value::Number(n)) if n.as_f64() == Some(0.0) => Identity::PathUser,
                Some(other) => Identity::User(other.to_string()),
            }),
            _ => Err(self.invalid()),
        }
    }

    /// A NumericDate: a non-negative integer (or, with the bug, a string
    /// of one). Absent: `None`; anything else refuses the token.
    fn numeric_date(&self, value: Option<&Value>) -> Result<Option<u64>, Refusal> {
        match value {
            None => Ok(None),
            Some(Value::Number(number)) => number.as_u64().map(Some).ok_or_else(|| self.invalid()),
            Some(Value::String(text)) if self.bug == Bug::CoercesStringDates => {
                text.trim().parse().map(Some).map_err(|_| self.invalid())
            }
            Some(_) => Err(self.invalid()),
        }
    }
}

/// The value of the first `"name":` member in a JSON text: what a parser
/// that keeps the first of duplicate keys would see (RFC 7519 §4 forbids it).
fn first_member(payload: &[u8], name: &str) -> Option<Value> {
    let text = std::str::from_utf8(payload).ok()?;
    let start = text.find(&format!("\"{name}\":"))? + name.len() + 3;
    serde_json::Deserializer::from_str(&text[start..])
        .into_iter::<Value>()
        .next()?
        .ok()
}
