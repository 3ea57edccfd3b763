//! The target's accounts: which sign-up and login routes it has, and what
//! the tokens it issues are made of.
//!
//! The routes are found, not assumed: the profile's come first, then the
//! paths real backends use. A route whose answer equals that of a path that
//! cannot exist (same method, same body) is absent: real targets answer a
//! missing route with 404 or 405, or, when an auth middleware runs first,
//! with 401 or even 500 for everything.

pub mod issued;
pub mod login;
pub mod trust;

use reqwest::Method;
use serde_json::json;

use crate::contract::{Capability, Skip};
use crate::target::http::{Client, Exchange};
use crate::target::profile::Profile;
use crate::target::routes;
use issued::Issued;
use login::granted;

/// Login routes of common backends: the seed contract, FastAPI tutorials,
/// Better Auth, OAuth2's password flow.
const LOGIN: &[&str] = &[
    "/api/auth/login",
    "/auth/login",
    "/auth/signin",
    "/api/auth/sign-in/email",
    "/login",
    "/token",
];

/// Their sign-up twins.
const SIGN_UP: &[&str] = &[
    "/api/auth/register",
    "/auth/register",
    "/auth/signup",
    "/api/auth/sign-up/email",
    "/register",
    "/signup",
];

/// Finds the target's sign-up and login routes, writes them into the
/// profile, and proves them: a fresh account signs up and logs in. Returns
/// what the account scenarios cannot have here, with the reason.
pub async fn discover(client: &Client, profile: &mut Profile) -> Vec<(Capability, Skip)> {
    let control = probe(client, &format!("/todo-conformance-absent-{}", fresh())).await;
    let login = find(client, &profile.routes.login, LOGIN, control.as_ref()).await;
    let sign_up = find(client, &profile.routes.register, SIGN_UP, control.as_ref()).await;
    if let Some(login) = &login {
        profile.routes.login.clone_from(login);
    }
    if let Some(sign_up) = &sign_up {
        profile.routes.register.clone_from(sign_up);
    }
    let proved = match (&sign_up, &login) {
        (Some(sign_up), Some(login)) => prove(client, sign_up, login).await,
        (None, _) => Err(absent("sign-up", &profile.routes.register, SIGN_UP)),
        (_, None) => Err(absent("login", &profile.routes.login, LOGIN)),
    };
    match proved {
        Ok(Some(_)) => Vec::new(),
        Ok(None) => vec![(
            Capability::IssuedJwt,
            Skip::unsupported(format!(
                "the token {} answers is not a JWT (an opaque session token, say): it has no claims to read",
                profile.routes.login
            )),
        )],
        Err(reason) => vec![
            (Capability::AccountRoutes, Skip::unsupported(reason.clone())),
            (Capability::IssuedJwt, Skip::unsupported(reason)),
        ],
    }
}

fn absent(what: &str, first: &str, common: &[&str]) -> String {
    format!(
        "the target has no {what} route: none of {} answers otherwise than a path that cannot exist",
        candidates(first, common).join(", ")
    )
}

/// The profile's route, then the common ones, without repeats.
fn candidates<'a>(first: &'a str, common: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec![first];
    all.extend(common.iter().filter(|path| **path != first));
    all
}

/// The first candidate with an answer, and not the control's.
async fn find(
    client: &Client,
    first: &str,
    common: &[&str],
    control: Option<&(u16, String)>,
) -> Option<String> {
    for path in candidates(first, common) {
        if probe(client, path)
            .await
            .is_some_and(|answer| Some(&answer) != control)
        {
            return Some(path.to_owned());
        }
    }
    None
}

/// A POST of an empty object, which creates nothing anywhere: its status
/// and body, the path masked (a "Cannot POST /x" names it), or `None`
/// without an answer.
async fn probe(client: &Client, path: &str) -> Option<(u16, String)> {
    routes::masked(&client.send(Method::POST, path, &[], Some(&json!({}))).await)
}

/// Signs a fresh account up and logs it in: the routes work together. The
/// login's token, decoded, if it is a JWT.
async fn prove(client: &Client, sign_up: &str, login: &str) -> Result<Option<Issued>, String> {
    let email = format!("probe-{}@conformance.example", fresh());
    let password = format!("Pw-{}", fresh());
    let signed_up = client
        .send(
            Method::POST,
            sign_up,
            &[],
            Some(&json!({"email": email, "password": password, "name": "Conformance"})),
        )
        .await;
    success(
        &signed_up,
        &format!("signing a fresh account up at {sign_up}"),
    )?;
    let logged_in = client
        .send(
            Method::POST,
            login,
            &[],
            Some(&json!({"email": email, "password": password})),
        )
        .await;
    success(&logged_in, &format!("logging it in at {login}"))?;
    let received = logged_in.response.as_ref().map_err(ToString::to_string)?;
    let granted = granted(received).ok_or_else(|| {
        format!(
            "logging a fresh account in at {login} gave {} with no token and no session cookie",
            received.status
        )
    })?;
    Ok(granted.token().and_then(Issued::decode))
}

fn success(exchange: &Exchange, what: &str) -> Result<(), String> {
    match &exchange.response {
        Ok(received) if (200..300).contains(&received.status) => Ok(()),
        // The target's words, in a skip reason: the writers make it one
        // line and hide credentials.
        Ok(received) => Err(format!(
            "{what} gave {}: {}",
            received.status,
            received.text().chars().take(200).collect::<String>()
        )),
        Err(error) => Err(format!("{what} failed: {error}")),
    }
}

fn fresh() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}
