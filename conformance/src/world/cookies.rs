//! A token only in a cookie: whether the target reads it from one (the
//! common names and Better Auth's), and whether it takes a write from
//! another site that way (cross-site request forgery).

use super::{ContractWorld, Outcome, Owner};
use crate::contract::Route;
use crate::report::finding::Failure;
use crate::target::http::Exchange;

impl ContractWorld {
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
