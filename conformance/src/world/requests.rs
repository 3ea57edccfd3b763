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

    /// Mints Alice a token that expired an hour ago, and sends nothing: the
    /// control renews its claims, so that it checks the renewed token alone.
    pub async fn hold_expired_token(&mut self) -> Outcome {
        let alice = self.alice().await?;
        self.credentials(Credentials::ExpiredAnHourAgo, &alice)
            .await
            .map(drop)
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
            Lacking::ExpiredToken => ("an expired token from an earlier step", "none was minted"),
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
}

/// An Authorization header with `token` as a bearer, or none.
pub(super) fn bearer(token: Option<&str>) -> Vec<http::Header> {
    token.map(http::bearer).into_iter().collect()
}
