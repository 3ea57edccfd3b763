//! Authentication: the bearer token from the Authorization header (or where
//! the bugs look instead), the refusals and their challenges, the lockout
//! bug's counter, and the owner check of `{user_id}`.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::answers::{Challenge, Refusal};
use super::{App, Bug};

/// Refused tokens naming one `sub` before `Bug::LocksOutAfterRefusals` locks it.
const LOCKOUT_AFTER: u32 = 20;

/// Who a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Identity {
    /// The token's `sub`.
    User(String),
    /// Whoever the path names: what the bugs that let a request through
    /// without a usable subject end up doing.
    PathUser,
}

/// The value of `name` in a query string or a cookie header.
fn parameter<'a>(pairs: &'a str, separator: char, name: &str) -> Option<&'a str> {
    pairs
        .split(separator)
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// An authenticated caller, or the refusal.
pub(super) struct Caller(pub(super) Identity);

impl FromRequestParts<Arc<App>> for Caller {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Refusal> {
        app.authenticate(&parts.headers, parts.uri.query())
            .await
            .map(Caller)
    }
}

impl App {
    fn challenge(&self) -> Challenge {
        match self.bug {
            Bug::NoChallenge => Challenge::NoHeader,
            Bug::ChallengeWithoutError => Challenge::WithoutError,
            Bug::BacktraceInErrors => Challenge::Backtrace,
            _ => Challenge::Rfc6750,
        }
    }

    fn missing(&self) -> Refusal {
        Refusal::Unauthorized {
            invalid: false,
            challenge: self.challenge(),
        }
    }

    pub(super) fn invalid(&self) -> Refusal {
        Refusal::Unauthorized {
            invalid: true,
            challenge: self.challenge(),
        }
    }

    /// The bearer token, if the request presents one (`Ok(None)`: no usable
    /// bearer credentials).
    pub(super) fn bearer_token(
        &self,
        headers: &HeaderMap,
        query: Option<&str>,
    ) -> Result<Option<String>, Refusal> {
        let values: Vec<_> = headers.get_all(header::AUTHORIZATION).iter().collect();
        let value = match values.as_slice() {
            [] => return Ok(self.token_elsewhere(headers, query)),
            [value] => *value,
            [first, ..] if self.bug == Bug::FirstAuthorizationHeaderWins => *first,
            _ => return Err(Refusal::BadRequest("more than one Authorization header")),
        };
        let Some((scheme, token)) = value.to_str().ok().and_then(|text| text.split_once(' '))
        else {
            return Ok(None);
        };
        let bearer = if self.bug == Bug::CaseSensitiveScheme {
            scheme == "Bearer"
        } else {
            scheme.eq_ignore_ascii_case("bearer")
        };
        let token = token.trim_start_matches(' ');
        Ok((bearer && !token.is_empty()).then(|| token.to_owned()))
    }

    /// Where the bugs look when there is no Authorization header.
    fn token_elsewhere(&self, headers: &HeaderMap, query: Option<&str>) -> Option<String> {
        match self.bug {
            Bug::AcceptsQueryToken => parameter(query?, '&', "access_token").map(str::to_owned),
            Bug::AcceptsCookieToken
            | Bug::AcceptsBetterAuthCookie
            | Bug::ReflectsOriginWithCookieAuth => {
                let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
                let names: &[&str] = if self.bug == Bug::AcceptsBetterAuthCookie {
                    &["better-auth.session_token"]
                } else {
                    &["token", "access_token", "jwt"]
                };
                names
                    .iter()
                    .find_map(|name| parameter(cookies, ';', name))
                    .map(str::to_owned)
            }
            _ => None,
        }
    }

    /// The caller, or the 400/401 (or a bug's 429/500) answer.
    pub(super) async fn authenticate(
        &self,
        headers: &HeaderMap,
        query: Option<&str>,
    ) -> Result<Identity, Refusal> {
        if matches!(
            self.bug,
            Bug::ChecksAnyHeaderActsOnLast | Bug::ChecksLastHeaderActsOnFirst
        ) && headers.get_all(header::AUTHORIZATION).iter().count() > 1
        {
            return self.checks_one_header_acts_on_another(headers).await;
        }
        let token = self.bearer_token(headers, query)?;
        if self.bug == Bug::AcceptsMissingToken
            && token
                .as_deref()
                .is_none_or(|token| token.split('.').count() != 3)
        {
            return Ok(Identity::PathUser);
        }
        let token = token.ok_or_else(|| self.missing())?;
        let claimed = (self.bug == Bug::LocksOutAfterRefusals)
            .then(|| claimed_subject(&token))
            .flatten();
        if let Some(sub) = &claimed
            && self.store().refusals.get(sub).copied().unwrap_or(0) >= LOCKOUT_AFTER
        {
            return Err(Refusal::TooManyRequests);
        }
        let verified = self.verify(&token).await;
        if let (Err(Refusal::Unauthorized { .. }), Some(sub)) = (&verified, claimed) {
            *self.store().refusals.entry(sub).or_default() += 1;
        }
        let identity = verified?;
        if self.bug == Bug::StatefulSessions && !self.store().sessions.contains(&token) {
            return Err(self.invalid());
        }
        if self.bug == Bug::RevokedTokensGet403 && self.store().revoked.contains(&token) {
            return Err(Refusal::Forbidden("token revoked"));
        }
        Ok(identity)
    }

    /// The bugs that check one Authorization header and act on another:
    /// through if any (or the last) bearer token verifies, as the last (or
    /// the first) one's unverified `sub`.
    async fn checks_one_header_acts_on_another(
        &self,
        headers: &HeaderMap,
    ) -> Result<Identity, Refusal> {
        let tokens: Vec<&str> = headers
            .get_all(header::AUTHORIZATION)
            .iter()
            .filter_map(|value| value.to_str().ok()?.strip_prefix("Bearer "))
            .collect();
        let (checked, used) = if self.bug == Bug::ChecksLastHeaderActsOnFirst {
            (tokens.last().into_iter().copied().collect(), tokens.first())
        } else {
            (tokens.clone(), tokens.last())
        };
        let mut verifies = false;
        for token in checked {
            verifies |= self.verify(token).await.is_ok();
        }
        used.filter(|_| verifies)
            .and_then(|token| claimed_subject(token))
            .map(Identity::User)
            .ok_or_else(|| self.invalid())
    }

    /// Authenticates and checks that `{user_id}` is the caller: another
    /// user's path is a 404, as for a missing task.
    pub(super) fn authorize(&self, caller: &Identity, user_id: &str) -> Result<(), Refusal> {
        match caller {
            Identity::User(sub) if sub != user_id && self.bug != Bug::IgnoresOwner => {
                match self.bug {
                    Bug::OtherUsersPathIs403 | Bug::ForbiddenButWrites => {
                        Err(Refusal::Forbidden("not your tasks"))
                    }
                    _ => Err(Refusal::NotFound),
                }
            }
            _ => Ok(()),
        }
    }
}

/// The `sub` a token claims, unverified (for the lockout bug's counter).
fn claimed_subject(token: &str) -> Option<String> {
    let payload = URL_SAFE_NO_PAD.decode(token.split('.').nth(1)?).ok()?;
    let claims: Map<String, Value> = serde_json::from_slice(&payload).ok()?;
    claims.get("sub")?.as_str().map(str::to_owned)
}
