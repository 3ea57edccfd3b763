//! What a failed step says: the promise, the request, expected against actual,
//! the response, and a curl command that reproduces it.

use std::fmt::{self, Write as _};

use crate::http::Exchange;

/// How much of a response body the report shows.
const BODY_EXCERPT_BYTES: usize = 1024;
/// How much of a token the report shows unless `--show-tokens`.
const TOKEN_PREFIX_CHARS: usize = 12;
/// The variable the curl command reads the token from.
const TOKEN_VARIABLE: &str = "TODO_TOKEN";

/// A broken promise, with everything needed to see and reproduce it.
#[derive(Debug)]
pub struct Failure {
    pub promise: String,
    pub scenario: String,
    /// The target failed a step that only prepares the scenario: no verdict
    /// on the promise.
    pub setup: bool,
    /// A `@should` check outside `--strict`: reported, not failed.
    pub non_strict: bool,
    pub expected: String,
    pub actual: String,
    pub exchange: Option<Exchange>,
    pub show_tokens: bool,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.setup {
            writeln!(
                f,
                "scenario not set up: {} ({}): the target failed a preparing step, so this is no verdict on the promise",
                self.promise, self.scenario
            )?;
        } else if self.non_strict {
            writeln!(
                f,
                "non-strict finding (a SHOULD; fails the run only with --strict): {} ({})",
                self.promise, self.scenario
            )?;
        } else {
            writeln!(f, "promise broken: {} ({})", self.promise, self.scenario)?;
        }
        writeln!(f, "expected: {}", self.expected)?;
        writeln!(f, "actual:   {}", self.actual)?;
        let Some(exchange) = &self.exchange else {
            return Ok(());
        };
        let request = &exchange.request;
        writeln!(f, "request:  {request}")?;
        for (name, value) in &request.headers {
            writeln!(f, "          {name}: {}", self.shown_header(name, value))?;
        }
        if let Some(body) = &request.body {
            writeln!(
                f,
                "          {}",
                excerpt(body.as_bytes(), BODY_EXCERPT_BYTES)
            )?;
        }
        match &exchange.response {
            Ok(received) => {
                writeln!(f, "response: {}", received.status)?;
                for (name, value) in &received.headers {
                    writeln!(f, "          {name}: {value}")?;
                }
                let mut body = excerpt(&received.body, BODY_EXCERPT_BYTES);
                if received.truncated {
                    body.push_str(" [cut at 1 MiB]");
                }
                writeln!(f, "          {body}")?;
            }
            Err(error) => writeln!(f, "response: none ({error})")?,
        }
        writeln!(f, "reproduce:")?;
        write!(f, "  {}", curl(exchange, self.show_tokens))?;
        if !self.show_tokens && has_bearer(exchange) {
            write!(
                f,
                "\n  (set {TOKEN_VARIABLE} to the token; rerun with --show-tokens to print it inline)"
            )?;
        }
        Ok(())
    }
}

impl Failure {
    fn shown_header(&self, name: &str, value: &str) -> String {
        if self.show_tokens || !name.eq_ignore_ascii_case("authorization") {
            value.to_owned()
        } else {
            redact_credentials(value)
        }
    }
}

/// `Bearer eyJhbGciOiJI…`: enough to tell tokens apart, not enough to use one.
pub fn redact_credentials(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, credentials)) if credentials.chars().count() > TOKEN_PREFIX_CHARS => {
            let prefix: String = credentials.chars().take(TOKEN_PREFIX_CHARS).collect();
            format!("{scheme} {prefix}…")
        }
        _ => value.to_owned(),
    }
}

fn has_bearer(exchange: &Exchange) -> bool {
    exchange.request.headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("authorization")
            && value.to_ascii_lowercase().starts_with("bearer ")
    })
}

/// A shell command that sends the same request.
pub fn curl(exchange: &Exchange, show_tokens: bool) -> String {
    let request = &exchange.request;
    let mut command = format!("curl -sS -i -X {} {}", request.method, quote(&request.url));
    for (name, value) in &request.headers {
        let is_bearer = name.eq_ignore_ascii_case("authorization")
            && value.to_ascii_lowercase().starts_with("bearer ")
            && value.len() > "bearer ".len();
        if is_bearer && !show_tokens {
            let scheme = &value[..value.find(' ').unwrap_or(0)];
            let _ = write!(command, " -H \"{name}: {scheme} ${TOKEN_VARIABLE}\"");
        } else {
            let _ = write!(command, " -H {}", quote(&format!("{name}: {value}")));
        }
    }
    if let Some(body) = &request.body {
        let _ = write!(command, " --data-raw {}", quote(body));
    }
    command
}

/// Single-quoted for a POSIX shell.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn excerpt(bytes: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(limit)]).into_owned();
    if bytes.len() > limit {
        format!("{text}… ({} bytes in all)", bytes.len())
    } else if text.is_empty() {
        "(empty body)".to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{Received, SentRequest};
    use reqwest::Method;

    const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    fn exchange() -> Exchange {
        Exchange {
            request: SentRequest {
                method: Method::PUT,
                url: "http://127.0.0.1:8000/api/alice/tasks/1".to_owned(),
                headers: vec![
                    ("authorization".to_owned(), format!("Bearer {TOKEN}")),
                    ("content-type".to_owned(), "application/json".to_owned()),
                ],
                body: Some(r#"{"title":"it's"}"#.to_owned()),
            },
            response: Ok(Received {
                status: 200,
                headers: vec![("content-type".to_owned(), "application/json".to_owned())],
                body: "x".repeat(3000).into_bytes(),
                truncated: false,
            }),
            elapsed: std::time::Duration::from_millis(3),
        }
    }

    fn failure(show_tokens: bool) -> String {
        Failure {
            promise: "Forged token".to_owned(),
            scenario: "alg none on a write route".to_owned(),
            setup: false,
            non_strict: false,
            expected: "401".to_owned(),
            actual: "200".to_owned(),
            exchange: Some(exchange()),
            show_tokens,
        }
        .to_string()
    }

    #[test]
    fn the_report_hides_the_token_unless_asked() {
        let report = failure(false);
        assert!(!report.contains(TOKEN), "{report}");
        assert!(report.contains("Bearer eyJhbGciOiJI…"), "{report}");
        assert!(
            report.contains("-H \"authorization: Bearer $TODO_TOKEN\""),
            "{report}"
        );
        assert!(failure(true).contains(TOKEN));
    }

    #[test]
    fn the_report_names_the_promise_and_cuts_the_body() {
        let report = failure(false);
        assert!(report.starts_with("promise broken: Forged token (alg none on a write route)"));
        assert!(report.contains("expected: 401\nactual:   200"));
        assert!(report.contains("… (3000 bytes in all)"));
        assert!(!report.contains(&"x".repeat(1025)));
    }

    #[test]
    fn curl_quotes_for_the_shell() {
        let command = curl(&exchange(), true);
        assert_eq!(
            command,
            format!(
                "curl -sS -i -X PUT 'http://127.0.0.1:8000/api/alice/tasks/1' -H 'authorization: Bearer {TOKEN}' \
                 -H 'content-type: application/json' --data-raw '{{\"title\":\"it'\\''s\"}}'"
            )
        );
    }
}
