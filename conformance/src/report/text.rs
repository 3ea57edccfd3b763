//! A finding as plain text: the block the console prints, and JUnit and
//! HTML carry. Rendered from the typed finding; nothing reads it back.

use std::fmt::Write as _;

use crate::report::finding::{Failure, Grade};
use crate::report::hints::Hint;
use crate::report::redact::{
    self, BODY_EXCERPT_BYTES, COOKIE_VARIABLE, TOKEN_VARIABLE, carries_token, curl, excerpt,
    header_value,
};
use crate::report::safe;
use crate::report::taxonomy::Rule;

/// The indentation of a finding's continuation lines.
const INDENT: &str = "          ";

/// The first words of a finding of this grade.
pub fn grade_words(grade: Grade) -> &'static str {
    match grade {
        Grade::Broken => "promise broken",
        Grade::Deviation => {
            "contract deviation (no data exposed; fails the run only with --strict)"
        }
        Grade::Should => "non-strict finding (a SHOULD; fails the run only with --strict)",
        Grade::NotSetUp => "scenario not set up",
    }
}

/// `promise broken: Missing token (list with no Authorization header)`.
pub fn headline(failure: &Failure) -> String {
    let mut line = format!(
        "{}: {} ({})",
        grade_words(failure.grade),
        failure.promise,
        failure.scenario
    );
    if failure.grade == Grade::NotSetUp {
        line.push_str(": the target failed a preparing step, so this is no verdict on the promise");
    }
    line
}

/// Everything but the curl command: the headline, the finding's CWE and
/// OWASP ids when its family is known, the outcome, the hint, then the
/// exchange.
fn described(failure: &Failure, rule: Option<&Rule>, show_tokens: bool) -> String {
    let mut text = headline(failure);
    let _ = writeln!(text);
    if let Some(rule) = rule {
        let _ = writeln!(text, "ids:      {} ({})", rule.ids(), rule.id);
    }
    text.push_str(&outcome(failure));
    if let Some(hint) = Hint::of(failure) {
        let _ = writeln!(text, "hint:     {}", hint.says());
    }
    text.push_str(&exchange(failure, show_tokens));
    text
}

/// Expected against actual.
pub fn outcome(failure: &Failure) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "expected: {}",
        safe::indented(&failure.expected, INDENT)
    );
    let _ = writeln!(
        text,
        "actual:   {}",
        safe::indented(&failure.actual, INDENT)
    );
    text
}

/// The request and the response, if there was an exchange, credentials
/// hidden unless `show_tokens`. What the target wrote is made safe where it
/// is placed: header values on their line, bodies on lines of their own,
/// each inside the block, so that no answer can forge a line of the report.
pub fn exchange(failure: &Failure, show_tokens: bool) -> String {
    let mut text = String::new();
    let Some(exchange) = &failure.exchange else {
        return text;
    };
    let shown = |text: &str| redact::shown(text, show_tokens);
    let request = &exchange.request;
    let _ = writeln!(
        text,
        "request:  {} {}",
        request.method,
        safe::line(&shown(&request.url))
    );
    write_headers(&mut text, &request.headers, show_tokens);
    if let Some(body) = &request.body {
        let body = shown(&excerpt(body.as_bytes(), BODY_EXCERPT_BYTES));
        let _ = writeln!(text, "{INDENT}{}", safe::indented(&body, INDENT));
    }
    match &exchange.response {
        Ok(received) => {
            let _ = writeln!(text, "response: {}", received.status);
            write_headers(&mut text, &received.headers, show_tokens);
            let mut body = shown(&excerpt(&received.body, BODY_EXCERPT_BYTES));
            if received.truncated {
                body.push_str(" [cut at 1 MiB]");
            }
            let _ = writeln!(text, "{INDENT}{}", safe::indented(&body, INDENT));
        }
        Err(error) => {
            let _ = writeln!(text, "response: none ({})", safe::line(&error.to_string()));
        }
    }
    text
}

/// One header a line, credentials hidden unless `show_tokens`.
fn write_headers(text: &mut String, headers: &[(String, String)], show_tokens: bool) {
    for (name, value) in headers {
        let _ = writeln!(
            text,
            "{INDENT}{}: {}",
            safe::line(name),
            safe::line(&header_value(name, value, show_tokens))
        );
    }
}

/// The curl command that sends the request again, and a note on where its
/// credentials come from when they are hidden.
pub fn reproduce(failure: &Failure, show_tokens: bool) -> Option<(String, Option<String>)> {
    let exchange = failure.exchange.as_ref()?;
    let note = (!show_tokens && carries_token(exchange)).then(|| {
        format!(
            "(set {TOKEN_VARIABLE} to the token, or {COOKIE_VARIABLE} to the session cookie; rerun with --show-tokens to print credentials inline)"
        )
    });
    Some((curl(exchange, show_tokens), note))
}

/// The whole block: details, then how to reproduce.
pub fn block(failure: &Failure, show_tokens: bool) -> String {
    reproducible(described(failure, None, show_tokens), failure, show_tokens)
}

/// The whole block with the finding's ids: what the console prints.
pub fn classified_block(failure: &Failure, rule: &Rule, show_tokens: bool) -> String {
    reproducible(
        described(failure, Some(rule), show_tokens),
        failure,
        show_tokens,
    )
}

/// `text`, then how to reproduce the finding.
fn reproducible(mut text: String, failure: &Failure, show_tokens: bool) -> String {
    let Some((command, note)) = reproduce(failure, show_tokens) else {
        return text;
    };
    let _ = write!(text, "reproduce:\n  {command}");
    if let Some(note) = note {
        let _ = write!(text, "\n  {note}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::finding::Check;
    use crate::target::http::{Exchange, Received, SentRequest};
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
        let failure = Failure {
            promise: "Forged token".to_owned(),
            scenario: "alg none on a write route".to_owned(),
            grade: Grade::Broken,
            check: Check::Status(vec![401]),
            presented: None,
            expected: "401".to_owned(),
            actual: "200".to_owned(),
            exchange: Some(exchange()),
        };
        block(&failure, show_tokens)
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
    fn a_hostile_answer_cannot_forge_a_line_or_a_workflow_command() {
        let mut hostile = exchange();
        hostile.response = Ok(Received {
            status: 400,
            headers: vec![(
                "x-note".to_owned(),
                "a\r\n::error::forged\u{1b}[2J".to_owned(),
            )],
            body: "line\n::add-mask::secret\n  ##[error]x\nexpected: 401\u{7}\u{9b}"
                .as_bytes()
                .to_vec(),
            truncated: false,
        });
        let failure = Failure {
            promise: "Forged token".to_owned(),
            scenario: "s".to_owned(),
            grade: Grade::Broken,
            check: Check::Status(vec![401]),
            presented: None,
            expected: "401".to_owned(),
            actual: "400\n::warning::x".to_owned(),
            exchange: Some(hostile),
        };
        let report = block(&failure, false);
        assert!(
            !report
                .chars()
                .any(|c| c != '\n' && (c.is_control() || c == '\u{9b}')),
            "{report:?}"
        );
        for line in report.lines() {
            let start = line.trim_start();
            assert!(
                !start.starts_with("::") && !start.starts_with("##"),
                "{report}"
            );
        }
        assert!(
            report.contains("x-note: a\\r\\n::error::forged\\u{1b}[2J"),
            "{report}"
        );
        // The body's lines stay in the block: none can pass for the suite's.
        assert!(!report.contains("\nexpected: 401\\u{7}"), "{report}");
        assert!(
            report.contains(&format!("\n{INDENT}expected: 401\\u{{7}}")),
            "{report}"
        );
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
    use crate::report::finding::Check;
    use crate::target::http::{Exchange, SentRequest};
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
        let failure = Failure {
            promise: "p".to_owned(),
            scenario: "s".to_owned(),
            grade: Grade::NotSetUp,
            check: Check::Other,
            presented: None,
            expected: "e".to_owned(),
            actual: "a".to_owned(),
            exchange: Some(exchange.clone()),
        };
        let report = block(&failure, false);
        assert!(!report.contains(JWT_TEXT), "{report}");
        assert!(!report.contains("hunter2"), "{report}");
        assert!(
            report.contains("access_token='\"$TODO_TOKEN\"''"),
            "{report}"
        );
        assert!(curl(&exchange, true).contains("hunter2-secret"));
    }
}
