//! Which of the contract's optional routes the target has: the scenarios
//! that need a missing one are skipped, with the reason, never graded.
//!
//! A target answers a route it lacks as it answers any path it lacks: 404
//! or 405, or, when an auth middleware runs before routing, 401 or even
//! 500 for everything. So a route counts as absent when it gets 404 or 405,
//! or the same status as a path under the same prefix that cannot exist.

use reqwest::Method;
use serde_json::Value;

use crate::contract::{Capability, Skip};
use crate::target::http::{Client, Exchange};
use crate::target::profile::Profile;

/// Routes the seed design has and other deployments (Better Auth) may not:
/// the scenarios that need a missing one are skipped, with the reason. The
/// account routes are found, and proved with a fresh account, by
/// `target::accounts`: a login answering 401 to a bad body is no sign that
/// it is absent.
pub async fn missing_routes(client: &Client, profile: &Profile) -> Vec<(Capability, Skip)> {
    let mut missing = Vec::new();
    if !profile.user_in_path() {
        missing.push((
            Capability::UserInPath,
            Skip::unsupported(format!(
                "the profile's routes ({}) take the user from the token: there is no path naming another user",
                profile.routes.tasks
            )),
        ));
    }
    if let Some(reason) = absent(client, Method::POST, &profile.routes.logout, None).await {
        missing.push((Capability::Logout, Skip::unsupported(reason)));
    }
    missing
}

/// Why `method path` counts as absent, or `None` when the target has it
/// (or cannot tell: then the scenarios run, and show what they get).
pub async fn absent(
    client: &Client,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Option<String> {
    let answer = masked(&client.send(method.clone(), path, &[], body).await)?;
    let status = answer.0;
    if matches!(status, 404 | 405) {
        return Some(format!("the target has no {method} {path} ({status})"));
    }
    let control = control_path(path);
    let control_answer = masked(&client.send(method.clone(), &control, &[], body).await)?;
    (answer == control_answer).then(|| {
        format!(
            "the target has no {method} {path}: it answers {status}, as it does {control}, a path that cannot exist"
        )
    })
}

/// An answer's status and body, with the path it was asked for masked (a
/// "Cannot POST /x" names it): two routes the target lacks answer alike.
pub fn masked(exchange: &Exchange) -> Option<(u16, String)> {
    let received = exchange.response.as_ref().ok()?;
    let url = &exchange.request.url;
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
        .unwrap_or(url);
    let body = received.text().replace(url.as_str(), "{url}");
    Some((received.status, body.replace(path, "{path}")))
}

/// A path under the same prefix as `path` that no target has.
pub fn control_path(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let prefix = path.rsplit_once('/').map_or("", |(prefix, _)| prefix);
    format!(
        "{prefix}/todo-conformance-{}",
        uuid::Uuid::new_v4().simple()
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::Router;
    use axum::http::StatusCode;
    use axum::routing::post;

    use super::*;

    /// Serves `router` on loopback; the base URL.
    async fn serve(router: Router) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        url
    }

    async fn logout_absent(router: Router) -> Option<String> {
        let client = Client::new(&serve(router).await, Duration::from_secs(5), None).unwrap();
        absent(&client, Method::POST, "/api/auth/logout", None).await
    }

    fn with_logout() -> Router {
        Router::new().route(
            "/api/auth/logout",
            post(|| async { StatusCode::UNAUTHORIZED }),
        )
    }

    /// An auth middleware that runs before routing: `status` for every
    /// request without a token, whatever the path.
    fn auth_first(router: Router, status: StatusCode) -> Router {
        router.layer(axum::middleware::from_fn(
            move |_: axum::extract::Request, _: axum::middleware::Next| async move { status },
        ))
    }

    #[test]
    fn the_control_path_shares_the_prefix() {
        let control = control_path("/api/auth/logout");
        assert!(
            control.starts_with("/api/auth/todo-conformance-"),
            "{control}"
        );
        assert!(control_path("/logout?x=1").starts_with("/todo-conformance-"));
    }

    #[tokio::test]
    async fn a_route_is_absent_when_it_answers_as_a_path_that_cannot_exist() {
        assert!(
            logout_absent(Router::new())
                .await
                .unwrap()
                .contains("(404)")
        );
        for status in [StatusCode::UNAUTHORIZED, StatusCode::INTERNAL_SERVER_ERROR] {
            let reason = logout_absent(auth_first(Router::new(), status))
                .await
                .unwrap();
            assert!(reason.contains("a path that cannot exist"), "{reason}");
        }
    }

    #[tokio::test]
    async fn a_route_is_present_when_it_answers_otherwise() {
        assert_eq!(logout_absent(with_logout()).await, None);
    }
}
