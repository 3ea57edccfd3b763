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

/// A server may close a kept-alive connection at any time without saying
/// so (uvicorn does after a 500 raised in a middleware, most servers after
/// an idle timeout), and a request sent on it just then is lost. The suite
/// never resends a write the server may have received, so writes go on a
/// connection of their own; reads reuse connections, and a read lost that
/// way is sent again, once, on a new one.
#[derive(Clone)]
pub struct Client {
    base: String,
    timeout: Duration,
    /// Keeps connections alive between requests.
    pooled: reqwest::Client,
    /// A new connection for every request.
    fresh: reqwest::Client,
    /// Writes reuse connections too: see [`Client::reusing_connections`].
    writes_reuse: bool,
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

/// Why no answer came, as far as the transport tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Nothing accepted the connection.
    Refused,
    /// The connection was closed or reset before the answer was complete.
    Closed,
    /// No answer within the request timeout.
    TimedOut,
    /// An answer came, but its head (status line and headers) was larger
    /// than the client reads: not an absent target.
    HeadTooLarge,
    /// Anything else: a name that does not resolve, a TLS failure.
    Other,
}

/// A request that got no answer: why, and the transport's own words.
#[derive(Debug, Clone)]
pub struct Unanswered {
    pub cause: Cause,
    pub detail: String,
}

impl Cause {
    /// What happened, in words a report can say.
    pub fn says(self) -> &'static str {
        match self {
            Self::Refused => "the connection was refused",
            Self::Closed => "the connection was closed or reset before an answer",
            Self::TimedOut => "no answer came within --timeout",
            Self::HeadTooLarge => {
                "the answer's head (status line and headers) was too large to read"
            }
            Self::Other => "the request failed",
        }
    }
}

impl fmt::Display for Unanswered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

/// One request and what came back: a response, or why none did.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub request: SentRequest,
    pub response: Result<Received, Unanswered>,
    /// From sending to the end of the body; of the second sending, when a
    /// read lost to a closed connection was sent again.
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
        let certificate = match ca_cert {
            Some(path) => {
                let bad = |reason: String| ClientError::BadCa {
                    path: path.display().to_string(),
                    reason,
                };
                let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
                Some(reqwest::Certificate::from_pem(&pem).map_err(|e| bad(e.to_string()))?)
            }
            None => None,
        };
        let build = |builder: reqwest::ClientBuilder| {
            let mut builder = builder
                .redirect(reqwest::redirect::Policy::none())
                .timeout(timeout)
                .user_agent(concat!("todo-conformance/", env!("CARGO_PKG_VERSION")));
            if let Some(certificate) = &certificate {
                builder = builder.add_root_certificate(certificate.clone());
            }
            builder.build().map_err(ClientError::Build)
        };
        Ok(Self {
            base,
            timeout,
            pooled: build(reqwest::Client::builder().pool_idle_timeout(POOL_IDLE))?,
            fresh: build(reqwest::Client::builder().pool_max_idle_per_host(0))?,
            writes_reuse: false,
        })
    }

    /// This client with writes on kept-alive connections too, for the load
    /// scenario: thousands of writes a second would each cost a connection
    /// (and leave a socket in TIME_WAIT), and there a write lost to a closed
    /// connection is counted as unanswered, never sent again.
    pub fn reusing_connections(&self) -> Self {
        Self {
            writes_reuse: true,
            ..self.clone()
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// How long a request may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
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
        let mut sent_headers = headers.to_vec();
        let body_text = body.map(Value::to_string);
        if body_text.is_some() {
            sent_headers.push(("content-type".to_owned(), "application/json".to_owned()));
        }
        let request = SentRequest {
            url: format!("{}{path}", self.base),
            method,
            headers: sent_headers,
            body: body_text,
        };
        let resendable = is_safe(&request.method);
        let first = if resendable || self.writes_reuse {
            &self.pooled
        } else {
            &self.fresh
        };
        let mut started = Instant::now();
        let mut sent = dispatch(first, &request).await;
        if resendable && sent.as_ref().is_err_and(closed_unanswered) {
            started = Instant::now();
            sent = dispatch(&self.fresh, &request).await;
        }
        let response = match sent {
            Ok(response) => read(response).await,
            Err(error) => Err(unanswered(&error)),
        };
        Exchange {
            request,
            response,
            elapsed: started.elapsed(),
        }
    }
}

/// Connections idle longer than this are not reused: below the keep-alive
/// timeouts of common servers (gunicorn 2 s, uvicorn and Node 5 s), so that
/// the suite rarely picks a connection the server is closing for idleness.
const POOL_IDLE: Duration = Duration::from_secs(1);

/// Methods that change nothing (RFC 9110 §9.2.1): sending one twice is
/// harmless.
fn is_safe(method: &Method) -> bool {
    [Method::GET, Method::HEAD, Method::OPTIONS].contains(method)
}

async fn dispatch(
    client: &reqwest::Client,
    request: &SentRequest,
) -> Result<reqwest::Response, reqwest::Error> {
    let mut builder = client.request(request.method.clone(), &request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    // Without the URL reqwest's message would end with: the report shows
    // the request already, redacted, and a URL may carry a token
    // (`?access_token=`).
    builder.send().await.map_err(reqwest::Error::without_url)
}

/// The connection was closed or reset before any answer came: what a
/// request on a kept-alive connection the server had closed gets. A
/// connection that could not be made is not this.
fn closed_unanswered(error: &reqwest::Error) -> bool {
    !error.is_connect() && cause(error) == Cause::Closed
}

fn unanswered(error: &reqwest::Error) -> Unanswered {
    Unanswered {
        cause: cause(error),
        detail: describe(error),
    }
}

fn cause(error: &reqwest::Error) -> Cause {
    if error.is_timeout() {
        return Cause::TimedOut;
    }
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        if let Some(hyper) = inner.downcast_ref::<hyper::Error>() {
            if hyper.is_incomplete_message() {
                return Cause::Closed;
            }
            if hyper.is_parse_too_large() {
                return Cause::HeadTooLarge;
            }
        }
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => Cause::Refused,
                std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::UnexpectedEof => Cause::Closed,
                std::io::ErrorKind::TimedOut => Cause::TimedOut,
                _ => Cause::Other,
            };
        }
        source = inner.source();
    }
    Cause::Other
}

async fn read(mut response: reqwest::Response) -> Result<Received, Unanswered> {
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
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| unanswered(&error.without_url()))?
    {
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

#[cfg(test)]
mod tests;

#[cfg(test)]
mod answered;
