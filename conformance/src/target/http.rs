//! The suite's HTTP client: never follows redirects (a token must not travel
//! to another host), keeps TLS verification on, bounds every request in time
//! and every response in size, and records each exchange for the report.

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;

/// At most this much of a response body is read.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("--base-url {0:?} is not an http(s) URL")]
    BadBaseUrl(String),
    #[error("could not read the CA certificate {path}: {reason}")]
    BadCa { path: String, reason: String },
    #[error("could not build the HTTP client: {0}")]
    Build(reqwest::Error),
}

#[derive(Clone)]
pub struct Client {
    base: String,
    inner: reqwest::Client,
}

/// What was sent, as the report shows it.
#[derive(Debug, Clone)]
pub struct SentRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Received {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body was longer than [`MAX_BODY_BYTES`] and was cut there.
    pub truncated: bool,
}

/// One request and what came back: a response, or why none did.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub request: SentRequest,
    pub response: Result<Received, String>,
    /// From sending to the end of the body.
    pub elapsed: Duration,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl Exchange {
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().ok().map(|received| received.status)
    }
}

impl fmt::Display for SentRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.url)
    }
}

/// A request header: name and value.
pub type Header = (String, String);

/// The `Authorization` header with exactly `value`: a forged scheme or
/// token. Nothing else writes this header.
pub fn authorization(value: impl Into<String>) -> Header {
    ("authorization".to_owned(), value.into())
}

/// The `Authorization` header presenting `token` as a bearer.
pub fn bearer(token: &str) -> Header {
    authorization(format!("Bearer {token}"))
}

impl Client {
    pub fn new(
        base_url: &str,
        timeout: Duration,
        ca_cert: Option<&Path>,
    ) -> Result<Self, ClientError> {
        let base = base_url.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://"))
            || reqwest::Url::parse(&base).is_err()
        {
            return Err(ClientError::BadBaseUrl(base_url.to_owned()));
        }
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .user_agent(concat!("todo-conformance/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = ca_cert {
            let bad = |reason: String| ClientError::BadCa {
                path: path.display().to_string(),
                reason,
            };
            let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
            let certificate =
                reqwest::Certificate::from_pem(&pem).map_err(|e| bad(e.to_string()))?;
            builder = builder.add_root_certificate(certificate);
        }
        Ok(Self {
            base,
            inner: builder.build().map_err(ClientError::Build)?,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Sends a request as the holder of `token`: the one way the suite
    /// presents a user's token.
    pub async fn send_as(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Exchange {
        self.send(method, path, &[bearer(token)], body).await
    }

    /// Sends `method base+path` with `headers` and an optional JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(String, String)],
        body: Option<&Value>,
    ) -> Exchange {
        let url = format!("{}{path}", self.base);
        let mut sent_headers = headers.to_vec();
        let mut builder = self.inner.request(method.clone(), &url);
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let body_text = body.map(Value::to_string);
        if let Some(text) = &body_text {
            sent_headers.push(("content-type".to_owned(), "application/json".to_owned()));
            builder = builder
                .header("content-type", "application/json")
                .body(text.clone());
        }
        let request = SentRequest {
            method,
            url,
            headers: sent_headers,
            body: body_text,
        };
        let started = Instant::now();
        let response = match builder.send().await {
            Ok(response) => read(response).await,
            Err(error) => Err(describe(&error)),
        };
        Exchange {
            request,
            response,
            elapsed: started.elapsed(),
        }
    }
}

async fn read(mut response: reqwest::Response) -> Result<Received, String> {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e))? {
        let room = MAX_BODY_BYTES - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Received {
        status,
        headers,
        body,
        truncated,
    })
}

/// reqwest's top-level message hides the useful part in its sources.
fn describe(error: &reqwest::Error) -> String {
    let mut message = if error.is_timeout() {
        "timed out".to_owned()
    } else {
        error.to_string()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
