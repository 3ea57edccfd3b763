//! Credentials kept out of reports: tokens cut to a prefix, passwords and
//! session cookies hidden, and a curl command that reads them from the
//! environment instead.

use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;

use crate::target::http::Exchange;

/// How much of a response or request body a report shows.
pub const BODY_EXCERPT_BYTES: usize = 1024;
/// How much of a token the report shows unless `--show-tokens`.
const TOKEN_PREFIX_CHARS: usize = 12;
/// The variable the curl command reads the token from.
pub const TOKEN_VARIABLE: &str = "TODO_TOKEN";
/// The variable the curl command reads a session cookie from.
pub const COOKIE_VARIABLE: &str = "TODO_COOKIE";

/// A header's value as a report shows it: credentials cut or hidden unless
/// `show_tokens`.
pub fn header_value(name: &str, value: &str, show_tokens: bool) -> String {
    if show_tokens {
        value.to_owned()
    } else if name.eq_ignore_ascii_case("authorization") {
        redact_credentials(value)
    } else if is_session_header(name) {
        "<hidden: a session credential>".to_owned()
    } else {
        conceal(value)
    }
}

fn is_session_header(name: &str) -> bool {
    SESSION_HEADERS
        .iter()
        .any(|header| name.eq_ignore_ascii_case(header))
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

/// `text` as a report shows it: whole with `--show-tokens`, else concealed.
pub fn shown(text: &str, show_tokens: bool) -> String {
    if show_tokens {
        text.to_owned()
    } else {
        conceal(text)
    }
}

/// Tokens cut to a prefix and credential members hidden.
pub fn conceal(text: &str) -> String {
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

pub fn carries_token(exchange: &Exchange) -> bool {
    let request = &exchange.request;
    JWT.is_match(&request.url)
        || request
            .body
            .as_deref()
            .is_some_and(|body| SECRET_MEMBER.is_match(body) || JWT.is_match(body))
        || request.headers.iter().any(|(name, value)| {
            bearer_credentials(name, value).is_some()
                || JWT.is_match(value)
                || is_session_header(name)
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
        if !show_tokens && is_session_header(name) {
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
        let _ = write!(word, "\"${TOKEN_VARIABLE}\"");
        rest = token.end();
    }
    word.push_str(&quote(&text[rest..]));
    word
}

/// Single-quoted for a POSIX shell.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

pub fn excerpt(bytes: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(limit)]).into_owned();
    if bytes.len() > limit {
        format!("{text}… ({} bytes in all)", bytes.len())
    } else if text.is_empty() {
        "(empty body)".to_owned()
    } else {
        text
    }
}
