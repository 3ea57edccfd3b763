//! Which of the contract's optional routes the target has: the scenarios
//! that need a missing one are skipped, with the reason.

use reqwest::Method;

use crate::contract::Capability;
use crate::target::http::Client;
use crate::target::profile::Profile;

/// Routes the seed design has and other deployments (Better Auth) may not:
/// the scenarios that need a missing one are skipped, with the reason.
pub async fn missing_routes(client: &Client, profile: &Profile) -> Vec<(Capability, String)> {
    let mut missing = Vec::new();
    if !profile.user_in_path() {
        missing.push((
            Capability::UserInPath,
            format!(
                "the profile's routes ({}) take the user from the token: there is no path naming another user",
                profile.routes.tasks
            ),
        ));
    }
    let logout = client
        .send(Method::POST, &profile.routes.logout, &[], None)
        .await;
    if let Some(status @ (404 | 405)) = logout.status() {
        missing.push((
            Capability::Logout,
            format!(
                "the target has no POST {} ({status})",
                profile.routes.logout
            ),
        ));
    }
    let body = serde_json::json!({"email": format!("probe-{}@conformance.example", uuid::Uuid::new_v4().simple()), "password": "Probe-password-1"});
    let login = client
        .send(Method::POST, &profile.routes.login, &[], Some(&body))
        .await;
    if let Some(status @ (404 | 405)) = login.status() {
        missing.push((
            Capability::AccountRoutes,
            format!("the target has no POST {} ({status})", profile.routes.login),
        ));
    }
    missing
}
