//! The suite's handle on `todo-conformance issuer`'s control API, found in
//! the key file `--signing-key` names (see [`super::control`]).

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use super::control::{Access, KEY_FILE_MEMBER, PublishedState};
use crate::tokens::key_server::Mode;

/// A control request must answer at once: the API is on loopback.
const TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("the issuer's control API did not answer: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("the issuer's control API answered {0}")]
    Status(u16),
}

pub struct RemoteIssuer {
    access: Access,
    client: reqwest::Client,
}

impl RemoteIssuer {
    /// The control API named in the key file at `path`, if it names one:
    /// only a key file `todo-conformance issuer` wrote does.
    pub fn from_key_file(path: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(path).ok()?;
        let jwk: Value = serde_json::from_str(&text).ok()?;
        let access: Access = serde_json::from_value(jwk.get(KEY_FILE_MEMBER)?.clone()).ok()?;
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(TIMEOUT)
            .build()
            .ok()?;
        Some(Self { access, client })
    }

    pub async fn state(&self) -> Result<PublishedState, ControlError> {
        let request = self.client.get(self.url("state"));
        let answer = checked(request.bearer_auth(&self.access.token).send().await?)?;
        Ok(answer.json().await?)
    }

    pub async fn publish(&self, jwks: &Value) -> Result<(), ControlError> {
        let request = self.client.put(self.url("jwks")).json(jwks);
        checked(request.bearer_auth(&self.access.token).send().await?)?;
        Ok(())
    }

    pub async fn set_mode(&self, mode: Mode) -> Result<(), ControlError> {
        let request = self
            .client
            .put(self.url("mode"))
            .json(&json!({"mode": mode}));
        checked(request.bearer_auth(&self.access.token).send().await?)?;
        Ok(())
    }

    /// Puts the key set and mode back as `state` had them.
    pub async fn restore(&self, state: &PublishedState) -> Result<(), ControlError> {
        self.publish(&state.jwks).await?;
        self.set_mode(state.mode).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.access.url)
    }
}

fn checked(answer: reqwest::Response) -> Result<reqwest::Response, ControlError> {
    if answer.status().is_success() {
        Ok(answer)
    } else {
        Err(ControlError::Status(answer.status().as_u16()))
    }
}
