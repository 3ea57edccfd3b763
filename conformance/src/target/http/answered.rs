//! An answered exchange built by hand, for the report writers' tests.

use std::time::Duration;

use reqwest::Method;

use super::{Exchange, Received, SentRequest};

impl Exchange {
    /// A request without headers or body and its answer without headers:
    /// what the report writers' tests start from.
    pub fn answered(method: Method, url: &str, status: u16, body: &[u8]) -> Self {
        Self {
            request: SentRequest {
                method,
                url: url.to_owned(),
                headers: Vec::new(),
                body: None,
            },
            response: Ok(Received {
                status,
                headers: Vec::new(),
                body: body.to_vec(),
                truncated: false,
            }),
            elapsed: Duration::ZERO,
        }
    }
}
