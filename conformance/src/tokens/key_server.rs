//! A loopback HTTP endpoint that serves a JWKS of the suite's own keys: for
//! the `jku` and `x5u` attacks, where it remembers which key URLs were
//! fetched (a target that fetches a key URL from a token is one step from
//! trusting it), and for `todo-conformance issuer`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Requests larger than this are not read further.
const MAX_REQUEST_BYTES: usize = 8 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(5);

pub struct KeyServer {
    base: String,
    fetched: Arc<Mutex<HashSet<String>>>,
}

impl KeyServer {
    /// Serves `jwks` at every path of loopback port `port` (0: any free
    /// one), and records fetches of `/keys/{id}`.
    pub async fn start(jwks: &Value, port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let base = format!("http://{}", listener.local_addr()?);
        let fetched = Arc::new(Mutex::new(HashSet::new()));
        let body = jwks.to_string();
        let seen = Arc::clone(&fetched);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer(stream, body.clone(), Arc::clone(&seen)));
            }
        });
        Ok(Self { base, fetched })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub fn url_for(&self, id: &str) -> String {
        format!("{}/keys/{id}", self.base)
    }

    pub fn was_fetched(&self, id: &str) -> bool {
        self.fetched
            .lock()
            .is_ok_and(|fetched| fetched.contains(id))
    }
}

async fn answer(mut stream: TcpStream, body: String, fetched: Arc<Mutex<HashSet<String>>>) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < MAX_REQUEST_BYTES {
        match tokio::time::timeout(READ_TIMEOUT, stream.read(&mut buffer)).await {
            Ok(Ok(read)) if read > 0 => request.extend_from_slice(&buffer[..read]),
            _ => return,
        }
    }
    let request = String::from_utf8_lossy(&request);
    let path = request.split_whitespace().nth(1).unwrap_or_default();
    if let (Some(id), Ok(mut fetched)) = (path.strip_prefix("/keys/"), fetched.lock()) {
        fetched.insert(id.to_owned());
    }
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn serves_the_keys_and_remembers_fetches() {
        let server = KeyServer::start(&serde_json::json!({"keys": []}), 0)
            .await
            .unwrap();
        assert!(!server.was_fetched("abc"));
        let body = reqwest::get(server.url_for("abc"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(body, r#"{"keys":[]}"#);
        assert!(server.was_fetched("abc"));
        assert!(!server.was_fetched("other"));
    }
}
