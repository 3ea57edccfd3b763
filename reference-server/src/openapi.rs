//! The server's own OpenAPI document at `/openapi.json`, where FastAPI serves
//! one: `contract/openapi.yaml`, the single source, read in at build time and
//! served as JSON. In JWKS-only mode the server issues no tokens, so the
//! routes it then does not serve (register, login) are left out.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use serde_json::Value;

use crate::state::AppState;

const CONTRACT: &str = include_str!("../../contract/openapi.yaml");

/// Routes that exist only when the server issues tokens.
const ISSUER_ROUTES: [&str; 2] = ["/api/auth/register", "/api/auth/login"];

#[derive(Debug, thiserror::Error)]
#[error("contract/openapi.yaml, built into the server, could not be read: {0}")]
pub struct ContractError(#[from] serde_norway::Error);

/// The document as this server serves it, rendered as JSON.
pub fn document(issues_tokens: bool) -> Result<Arc<str>, ContractError> {
    let mut document: Value = serde_norway::from_str(CONTRACT)?;
    if !issues_tokens && let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut)
    {
        for path in ISSUER_ROUTES {
            paths.remove(path);
        }
    }
    Ok(document.to_string().into())
}

pub async fn serve(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "application/json")],
        state.openapi.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(issues_tokens: bool) -> Value {
        let text = document(issues_tokens).expect("the contract parses");
        serde_json::from_str(&text).expect("JSON")
    }

    #[test]
    fn the_contract_is_served_whole_with_an_issuer() {
        let document = parsed(true);
        assert!(
            document["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3."))
        );
        for path in ISSUER_ROUTES
            .iter()
            .chain(&["/api/{user_id}/tasks", "/openapi.json"])
        {
            assert!(document["paths"].get(*path).is_some(), "{path}");
        }
    }

    #[test]
    fn jwks_only_mode_leaves_out_the_routes_it_does_not_serve() {
        let document = parsed(false);
        for path in ISSUER_ROUTES {
            assert!(document["paths"].get(path).is_none(), "{path}");
        }
        assert!(document["paths"].get("/api/auth/logout").is_some());
    }
}
