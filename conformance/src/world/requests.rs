//! Sending requests: as a user, with forged or missing credentials, and
//! creates that the ledger must know about.

use std::sync::Arc;

use reqwest::Method;
use serde_json::Value;

use super::{ContractWorld, Outcome, Owner, id_of};
use crate::contract::{Credentials, Route};
use crate::report::finding::{Failure, Presented};
use crate::target::http::{self, Exchange};
use crate::target::users::Account;
use crate::tokens::credentials::{Holdings, Lacking};

impl ContractWorld {
    // --- requests -----------------------------------------------------------

    /// Sends a request with an optional bearer token; the exchange becomes
    /// the last one.
    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) {
        self.presented = None;
        self.last = Some(self.fetch(method, path, token, body).await);
    }

    pub(super) async fn fetch(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Exchange {
        self.ctx
            .client
            .send(method, path, &bearer(token), body)
            .await
    }

    /// Sends a request that may create a task under `path_owner`'s path,
    /// which becomes the last exchange; the ledger tracks what it may have
    /// created, for `clean_up`. The path's owner comes first among the
    /// owners: only their DELETE's 2xx proves the task gone.
    pub(super) async fn send_create(
        &mut self,
        path_owner: &Account,
        path: &str,
        headers: &[(String, String)],
        body: Option<&Value>,
    ) {
        self.send_write(Method::POST, path_owner, path, headers, body)
            .await;
    }

    /// [`Self::send_create`] with `method`: a declared PUT may store a
    /// task too (an upsert).
    pub(super) async fn send_write(
        &mut self,
        method: Method,
        path_owner: &Account,
        path: &str,
        headers: &[(String, String)],
        body: Option<&Value>,
    ) {
        let others = [self.alice.clone(), self.bob.clone()]
            .into_iter()
            .flatten()
            .filter(|account| account.id != path_owner.id);
        let owners = std::iter::once(path_owner.clone()).chain(others).collect();
        let context = Arc::clone(&self.ctx);
        // Tracked from before it is sent: whatever the answer (or none), a
        // task it stored is deleted or reported.
        let in_flight = context.create_in_flight(owners, &self.key_id);
        let exchange = context.client.send(method, path, headers, body).await;
        in_flight.settle(&exchange, &context.profile);
        self.last = Some(exchange);
    }

    /// `route` on Alice's task (or under Bob's path with it), with `credentials`.
    pub async fn call(&mut self, route: Route, owner: Owner, credentials: Credentials) -> Outcome {
        let alice = self.alice().await?;
        let headers = self.credentials(credentials, &alice).await?;
        self.presented = Some(Presented::Credentials(credentials));
        self.call_with_headers(route, owner, headers).await
    }

    /// `route` on Alice's task under `owner`'s path, with exactly `headers`.
    pub(super) async fn call_with_headers(
        &mut self,
        route: Route,
        owner: Owner,
        headers: Vec<(String, String)>,
    ) -> Outcome {
        let task_id = match self.alice_task.as_ref() {
            Some(task) => id_of(task),
            None => "00000000-0000-0000-0000-000000000000".to_owned(),
        };
        let path_owner = self.account(owner).await?;
        let (method, path, body) = self.ctx.profile.request(route, &path_owner.id, &task_id);
        if route == Route::Create {
            // A create that should have been refused may still store a task.
            self.send_create(&path_owner, &path, &headers, body.as_ref())
                .await;
        } else {
            self.last = Some(
                self.ctx
                    .client
                    .send(method, &path, &headers, body.as_ref())
                    .await,
            );
        }
        Ok(())
    }

    /// The headers presenting `credentials` as Alice's; provisions Bob when
    /// they are built from his token.
    pub(super) async fn credentials(
        &mut self,
        credentials: Credentials,
        alice: &Account,
    ) -> Result<Vec<http::Header>, Box<Failure>> {
        let bob = if credentials.uses_bob() {
            Some(self.bob().await?)
        } else {
            None
        };
        let mut with = Holdings {
            alice,
            bob: bob.as_ref(),
            minter: self.ctx.minter.as_ref(),
            expired: &mut self.expired_claims,
        };
        match credentials.authorization(&mut with) {
            Ok(authorization) => Ok(authorization.map(http::authorization).into_iter().collect()),
            Err(lacking) => Err(self.lacking(lacking)),
        }
    }

    /// The failure of a scenario without what its credentials are built
    /// from.
    fn lacking(&self, lacking: Lacking) -> Box<Failure> {
        let (expected, actual) = match lacking {
            Lacking::Bob => ("Bob's account", "none was provisioned"),
            // As `minter` words it.
            Lacking::SigningKey => (
                "a signing key to mint tokens with",
                "none was given (--secret or --signing-key)",
            ),
            Lacking::AliceClaims => (
                "a JWT for Alice to forge variants of",
                "the target's token is not a JWT with a JSON payload",
            ),
            Lacking::ExpiredToken => ("an expired token from an earlier step", "none was sent"),
        };
        self.failure_about(None, expected, actual)
    }
}

impl ContractWorld {
    // --- where the token travels ----------------------------------------------

    pub async fn list_with_scheme(&mut self, scheme: &str) -> Outcome {
        let alice = self.alice().await?;
        let value = format!("{scheme} {}", alice.token);
        self.call_with_headers(Route::List, Owner::Alice, vec![http::authorization(value)])
            .await
    }

    /// Alice's list with both valid tokens, `first` first.
    pub async fn list_with_two_headers(&mut self, first: Owner) -> Outcome {
        let alice = self.alice().await?;
        let bob = self.bob().await?;
        let (first, second) = match first {
            Owner::Alice => (alice.token, bob.token),
            Owner::Bob => (bob.token, alice.token),
        };
        let headers = [first, second]
            .into_iter()
            .map(|token| http::bearer(&token))
            .collect();
        self.call_with_headers(Route::List, Owner::Alice, headers)
            .await
    }

    /// `route` on Alice's task with Bob's valid token and a token forged for
    /// Alice (signed with another secret), in either order: the danger is a
    /// backend that authenticates one header and acts on the other.
    pub async fn call_with_bob_and_forged(&mut self, route: Route, bob_first: bool) -> Outcome {
        let alice = self.alice().await?;
        let bob = self.credentials(Credentials::BobsToken, &alice).await?;
        let forged = self.credentials(Credentials::OtherSecret, &alice).await?;
        let headers = if bob_first {
            [bob, forged].concat()
        } else {
            [forged, bob].concat()
        };
        self.presented = Some(Presented::Credentials(Credentials::OtherSecret));
        self.call_with_headers(route, Owner::Alice, headers).await
    }

    /// Notes which of two valid tokens (Alice's and Bob's, on Alice's list)
    /// the target acted on. Either is harmless: both were sent.
    pub fn report_header_winner(&self) -> Outcome {
        let received = self.received()?;
        let status = received.status;
        if status >= 500 {
            return Err(self.server_error(status, "two Authorization headers"));
        }
        let alice_first = self.last.as_ref().is_some_and(|exchange| {
            let alice = self.alice.as_ref().map(|alice| alice.token.as_str());
            exchange
                .request
                .headers
                .iter()
                .find(|(name, _)| name == "authorization")
                .is_some_and(|(_, value)| alice.is_some_and(|token| value.ends_with(token)))
        });
        let (alices, bobs) = if alice_first {
            ("first", "second")
        } else {
            ("second", "first")
        };
        let lists_alices = self.expect_mentions_alice_task().is_ok();
        let acted = match status {
            400 | 401 => format!("refused both ({status})"),
            200..=299 if lists_alices => {
                format!("acted as Alice, whose token was the {alices} header ({status})")
            }
            200..=299 => format!(
                "acted as Bob, whose token was the {bobs} header ({status}, without Alice's task)"
            ),
            403 | 404 => format!(
                "acted as Bob, whose token was the {bobs} header (Alice's path got {status})"
            ),
            _ => format!("answered {status}"),
        };
        self.ctx.note(
            &self.promise,
            &self.scenario,
            format!("of two valid Authorization headers, the target {acted}"),
        );
        Ok(())
    }

    /// RFC 6750 §2.3's URI query parameter, which leaks into logs.
    pub async fn list_with_token_in_query(&mut self) -> Outcome {
        let alice = self.alice().await?;
        let list = self.list_path(&alice);
        let separator = if list.contains('?') { '&' } else { '?' };
        let path = format!("{list}{separator}access_token={}", alice.token);
        self.last = Some(self.ctx.client.send(Method::GET, &path, &[], None).await);
        Ok(())
    }

    /// `route` on Alice's task with her token only in a cookie, under one
    /// name at a time until one is accepted (then once more without any
    /// cookie, to tell the cookie from no token at all) or fails. Each
    /// exchange is a probe, named by its cookie. A write says it comes from
    /// another site, as a forged one would; a target that checks `Origin`
    /// refuses it.
    pub async fn call_with_token_in_cookie(&mut self, route: Route) -> Outcome {
        let alice = self.alice().await?;
        let write = !matches!(route, Route::List | Route::Get);
        let origin = write.then(|| ("origin".to_owned(), FOREIGN_ORIGIN.to_owned()));
        self.probes.clear();
        for name in TOKEN_COOKIES {
            let cookie = ("cookie".to_owned(), format!("{name}={}", alice.token));
            let headers = [Some(cookie), origin.clone()]
                .into_iter()
                .flatten()
                .collect();
            self.call_with_headers(route, Owner::Alice, headers).await?;
            let status = self.received()?.status;
            self.remember_probe(name);
            if (200..300).contains(&status) {
                let headers = origin.clone().into_iter().collect();
                self.call_with_headers(route, Owner::Alice, headers).await?;
                self.remember_probe(NO_COOKIE);
            }
            if (200..300).contains(&status) || status >= 500 {
                break;
            }
        }
        Ok(())
    }

    fn remember_probe(&mut self, name: &str) {
        if let Some(exchange) = self.last.clone() {
            self.probes.push((name.to_owned(), exchange));
        }
    }

    /// What the cookie probes found: a 5xx (a failure), or the cookie the
    /// target took the token from, and whether it needed any.
    fn cookie_outcome(&self) -> Result<Option<CookieTaken>, Box<Failure>> {
        let accepted =
            |exchange: &Exchange| exchange.status().is_some_and(|s| (200..300).contains(&s));
        for (name, exchange) in &self.probes {
            if let Some(status @ 500..) = exchange.status() {
                let mut failure =
                    self.server_error(status, &format!("a token in the cookie {name}"));
                failure.exchange = Some(exchange.clone());
                return Err(failure);
            }
            if name != NO_COOKIE && accepted(exchange) {
                let needed = !self
                    .probes
                    .iter()
                    .any(|(control, exchange)| control == NO_COOKIE && accepted(exchange));
                return Ok(Some(CookieTaken {
                    name: name.clone(),
                    needed,
                    exchange: exchange.clone(),
                }));
            }
        }
        // "None took it" only when every probe was answered.
        self.every_probe_judged()?;
        Ok(None)
    }

    /// Notes which cookie a read took Alice's token from: informational,
    /// since a page on another site cannot read the answer.
    pub fn report_cookie_read(&self) -> Outcome {
        let verdict = match self.cookie_outcome()? {
            Some(CookieTaken {
                needed: false,
                exchange,
                ..
            }) => format!(
                "the target answered a read with no token at all ({})",
                exchange.status().unwrap_or_default()
            ),
            Some(CookieTaken { name, exchange, .. }) => format!(
                "the target accepted Alice's token from the cookie `{name}` alone on a read ({})",
                exchange.status().unwrap_or_default()
            ),
            None => format!(
                "the target took the token from none of the cookies tried ({})",
                TOKEN_COOKIES.join(", ")
            ),
        };
        self.ctx.note(&self.promise, &self.scenario, verdict);
        Ok(())
    }

    /// No write happened on the strength of a cookie: a browser attaches
    /// cookies to requests other sites make, so a page the victim visits
    /// could write as them (cross-site request forgery).
    pub fn expect_no_cookie_write(&self) -> Outcome {
        let Some(taken) = self.cookie_outcome()? else {
            return Ok(());
        };
        let actual = if taken.needed {
            format!(
                "{}: the target wrote from the cookie `{}` alone, on a request from {FOREIGN_ORIGIN}: a page on any site the victim visits can make their browser write as them (cross-site request forgery)",
                taken.exchange.status().unwrap_or_default(),
                taken.name
            )
        } else {
            format!(
                "{}: the target wrote with no token at all, on a request from {FOREIGN_ORIGIN}",
                taken.exchange.status().unwrap_or_default()
            )
        };
        Err(self.failure_about(
            Some(taken.exchange),
            "a refusal of a write whose token is only in a cookie: take the token from the Authorization header only, or check Origin and require a CSRF token",
            actual,
        ))
    }
}

/// Cookie names backends read a token from: the common ones, and Better
/// Auth's session token (under the `__Secure-` prefix on HTTPS) and its
/// cached session data.
pub(super) const TOKEN_COOKIES: [&str; 12] = [
    "token",
    "access_token",
    "accessToken",
    "jwt",
    "auth_token",
    "authToken",
    "session",
    "session_token",
    "id_token",
    "better-auth.session_token",
    "__Secure-better-auth.session_token",
    "better-auth.session_data",
];

/// The probe of the same request without any cookie.
const NO_COOKIE: &str = "(no cookie)";

/// Where a forged cross-site request comes from, as a browser says it.
pub(super) const FOREIGN_ORIGIN: &str = "https://attacker.todo-conformance.invalid";

/// The cookie a target took a token from.
struct CookieTaken {
    name: String,
    /// Whether the same request without it was refused.
    needed: bool,
    exchange: Exchange,
}

/// An Authorization header with `token` as a bearer, or none.
pub(super) fn bearer(token: Option<&str>) -> Vec<http::Header> {
    token.map(http::bearer).into_iter().collect()
}
