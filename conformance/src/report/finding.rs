//! What a failed step says: the promise, the request, expected against actual,
//! the response, and a curl command that reproduces it.

use std::fmt::{self, Write as _};
use std::sync::LazyLock;

use regex::Regex;

use crate::report::hints;
use crate::target::http::Exchange;

/// How much of a response body the report shows.
const BODY_EXCERPT_BYTES: usize = 1024;
/// How much of a token the report shows unless `--show-tokens`.
const TOKEN_PREFIX_CHARS: usize = 12;
/// The variable the curl command reads the token from.
const TOKEN_VARIABLE: &str = "TODO_TOKEN";
/// The variable the curl command reads a session cookie from.
const COOKIE_VARIABLE: &str = "TODO_COOKIE";

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// A security promise broken.
    Broken,
    /// A contract deviation that exposes no data (403 for 404, a missing
    /// challenge): reported; fails the run only with `--strict`.
    Deviation,
    /// A `@should` check outside `--strict`: reported, not failed.
    Should,
    /// The target failed a step that only prepares the scenario: no verdict
    /// on the promise, but the run cannot pass either.
    NotSetUp,
}

impl Grade {
    const ALL: [Self; 4] = [Self::Broken, Self::Deviation, Self::Should, Self::NotSetUp];

    /// The first words of a report of this grade.
    fn headline(self) -> &'static str {
        match self {
            Self::Broken => "promise broken",
            Self::Deviation => {
                "contract deviation (no data exposed; fails the run only with --strict)"
            }
            Self::Should => "non-strict finding (a SHOULD; fails the run only with --strict)",
            Self::NotSetUp => "scenario not set up",
        }
    }

    /// The grade a report was written with. Step failures reach the run's
    /// hooks only as their text, so the headline carries the grade.
    pub fn of_report(report: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|grade| report.starts_with(grade.headline()))
            .unwrap_or(Self::Broken)
    }

    pub fn is_non_strict(self) -> bool {
        matches!(self, Self::Deviation | Self::Should)
    }
}

/// A finding, with everything needed to see and reproduce it.
#[derive(Debug)]
pub struct Failure {
    pub promise: String,
    pub scenario: String,
    pub grade: Grade,
    pub expected: String,
    pub actual: String,
    pub exchange: Option<Exchange>,
    pub show_tokens: bool,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} ({})",
            self.grade.headline(),
            self.promise,
            self.scenario
        )?;
        if self.grade == Grade::NotSetUp {
            write!(
                f,
                ": the target failed a preparing step, so this is no verdict on the promise"
            )?;
        }
        writeln!(f)?;
        writeln!(f, "expected: {}", self.expected)?;
        writeln!(f, "actual:   {}", self.actual)?;
        if let Some(hint) = hints::hint(self) {
            writeln!(f, "hint:     {hint}")?;
        }
        let Some(exchange) = &self.exchange else {
            return Ok(());
        };
        let request = &exchange.request;
        let shown = |text: &str| {
            if self.show_tokens {
                text.to_owned()
            } else {
                conceal(text)
            }
        };
        writeln!(f, "request:  {} {}", request.method, shown(&request.url))?;
        for (name, value) in &request.headers {
            writeln!(f, "          {name}: {}", self.shown_header(name, value))?;
        }
        if let Some(body) = &request.body {
            writeln!(
                f,
                "          {}",
                shown(&excerpt(body.as_bytes(), BODY_EXCERPT_BYTES))
            )?;
        }
        match &exchange.response {
            Ok(received) => {
                writeln!(f, "response: {}", received.status)?;
                for (name, value) in &received.headers {
                    writeln!(f, "          {name}: {}", self.shown_header(name, value))?;
                }
                let mut body = shown(&excerpt(&received.body, BODY_EXCERPT_BYTES));
                if received.truncated {
                    body.push_str(" [cut at 1 MiB]");
                }
                writeln!(f, "          {body}")?;
            }
            Err(error) => writeln!(f, "response: none ({error})")?,
        }
        writeln!(f, "reproduce:")?;
        write!(f, "  {}", curl(exchange, self.show_tokens))?;
        if !self.show_tokens && carries_token(exchange) {
            write!(
                f,
                "\n  (set {TOKEN_VARIABLE} to the token, or {COOKIE_VARIABLE} to the session cookie; rerun with --show-tokens to print credentials inline)"
            )?;
        }
        Ok(())
    }
}

impl Failure {
    fn shown_header(&self, name: &str, value: &str) -> String {
        if self.show_tokens {
            value.to_owned()
        } else if name.eq_ignore_ascii_case("authorization") {
            redact_credentials(value)
        } else if SESSION_HEADERS
            .iter()
            .any(|header| name.eq_ignore_ascii_case(header))
        {
            "<hidden: a session credential>".to_owned()
        } else {
            conceal(value)
        }
    }
}

/// Headers that carry session credentials (Better Auth's among them).
const SESSION_HEADERS: &[&str] = &["cookie", "set-cookie", "set-auth-token"];

/// JWS compact serializations, wherever they appear.
static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*").expect("a valid regex")
});
/// JSON members that carry credentials.
static SECRET_MEMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(password|token|access_token|refresh_token)"\s*:\s*"[^"]*""#)
        .expect("a valid regex")
});

/// Tokens cut to a prefix and credential members hidden.
fn conceal(text: &str) -> String {
    let hidden = SECRET_MEMBER.replace_all(text, r#""$1":"<hidden>""#);
    JWT.replace_all(&hidden, |token: &regex::Captures| {
        let prefix: String = token[0].chars().take(TOKEN_PREFIX_CHARS).collect();
        format!("{prefix}…")
    })
    .into_owned()
}

/// `Bearer eyJhbGciOiJI…`: enough to tell tokens apart, not enough to use one.
pub fn redact_credentials(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, credentials)) if credentials.chars().count() > TOKEN_PREFIX_CHARS => {
            let prefix: String = credentials.chars().take(TOKEN_PREFIX_CHARS).collect();
            format!("{scheme} {prefix}…")
        }
        _ => conceal(value),
    }
}

/// The credentials of a `Bearer` header, if it has any.
fn bearer_credentials(name: &str, value: &str) -> Option<(String, String)> {
    let (scheme, credentials) = value.split_once(' ')?;
    (name.eq_ignore_ascii_case("authorization")
        && scheme.eq_ignore_ascii_case("bearer")
        && !credentials.is_empty())
    .then(|| (scheme.to_owned(), credentials.to_owned()))
}

fn carries_token(exchange: &Exchange) -> bool {
    let request = &exchange.request;
    JWT.is_match(&request.url)
        || request
            .body
            .as_deref()
            .is_some_and(|body| SECRET_MEMBER.is_match(body) || JWT.is_match(body))
        || request.headers.iter().any(|(name, value)| {
            bearer_credentials(name, value).is_some()
                || JWT.is_match(value)
                || SESSION_HEADERS
                    .iter()
                    .any(|header| name.eq_ignore_ascii_case(header))
        })
}

/// A shell command that sends the same request. Unless `show_tokens`,
/// tokens read from `$TODO_TOKEN` and credential members are hidden.
pub fn curl(exchange: &Exchange, show_tokens: bool) -> String {
    let word = |text: &str| {
        if show_tokens {
            quote(text)
        } else {
            quote_around_tokens(text)
        }
    };
    let request = &exchange.request;
    let mut command = format!("curl -sS -i -X {} {}", request.method, word(&request.url));
    for (name, value) in &request.headers {
        if !show_tokens
            && SESSION_HEADERS
                .iter()
                .any(|header| name.eq_ignore_ascii_case(header))
        {
            let _ = write!(
                command,
                " -H {}\"${COOKIE_VARIABLE}\"",
                quote(&format!("{name}: "))
            );
            continue;
        }
        match bearer_credentials(name, value) {
            Some((scheme, _)) if !show_tokens => {
                let _ = write!(
                    command,
                    " -H {}\"${TOKEN_VARIABLE}\"",
                    quote(&format!("{name}: {scheme} "))
                );
            }
            _ => {
                let _ = write!(command, " -H {}", word(&format!("{name}: {value}")));
            }
        }
    }
    if let Some(body) = &request.body {
        let body = if show_tokens {
            body.clone()
        } else {
            SECRET_MEMBER
                .replace_all(body, r#""$1":"<hidden>""#)
                .into_owned()
        };
        let _ = write!(command, " --data-raw {}", word(&body));
    }
    command
}

/// Single-quoted, with every token replaced by `"$TODO_TOKEN"`.
fn quote_around_tokens(text: &str) -> String {
    let mut word = String::new();
    let mut rest = 0;
    for token in JWT.find_iter(text) {
        word.push_str(&quote(&text[rest..token.start()]));
        word.push_str(&format!("\"${TOKEN_VARIABLE}\""));
        rest = token.end();
    }
    word.push_str(&quote(&text[rest..]));
    word
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
    use crate::target::http::{Received, SentRequest};
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
            grade: Grade::Broken,
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
            report.contains("-H 'authorization: Bearer '\"$TODO_TOKEN\""),
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

#[cfg(test)]
mod concealment {
    use super::*;
    use crate::target::http::SentRequest;
    use reqwest::Method;

    const JWT_TEXT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";

    #[test]
    fn tokens_and_passwords_are_hidden_everywhere() {
        let exchange = Exchange {
            request: SentRequest {
                method: Method::POST,
                url: format!("http://h/api/a/tasks?access_token={JWT_TEXT}"),
                headers: vec![("cookie".to_owned(), format!("token={JWT_TEXT}"))],
                body: Some(r#"{"email":"a@b.c","password":"hunter2-secret"}"#.to_owned()),
            },
            response: Ok(crate::target::http::Received {
                status: 200,
                headers: vec![],
                body: format!(r#"{{"token":"{JWT_TEXT}"}}"#).into_bytes(),
                truncated: false,
            }),
            elapsed: std::time::Duration::ZERO,
        };
        let report = Failure {
            promise: "p".to_owned(),
            scenario: "s".to_owned(),
            grade: Grade::NotSetUp,
            expected: "e".to_owned(),
            actual: "a".to_owned(),
            exchange: Some(exchange.clone()),
            show_tokens: false,
        }
        .to_string();
        assert!(!report.contains(JWT_TEXT), "{report}");
        assert!(!report.contains("hunter2"), "{report}");
        assert!(
            report.contains("access_token='\"$TODO_TOKEN\"''"),
            "{report}"
        );
        assert!(curl(&exchange, true).contains("hunter2-secret"));
    }
}
