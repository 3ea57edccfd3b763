//! Known causes of findings, kept as data: each rule recognises a failure
//! and says in one line what usually causes it and how to fix it. The first
//! rule that applies wins, so the specific ones come first.

use crate::report::finding::{Failure, Grade};
use crate::target::http::Received;

struct Rule {
    applies: fn(&Failure, &Received) -> bool,
    says: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        applies: |failure, received| {
            expects(failure, "401")
                && received.status == 403
                && received.text().contains("Not authenticated")
        },
        says: "FastAPI's HTTPBearer before 0.122 answers 403 {\"detail\":\"Not authenticated\"} when the header is missing; upgrade FastAPI, or use HTTPBearer(auto_error=False) and raise HTTPException(401, headers={\"WWW-Authenticate\": \"Bearer\"})",
    },
    Rule {
        applies: |failure, received| expects(failure, "401") && received.status == 403,
        says: "403 means \"authenticated, but not allowed\" (RFC 9110 §15.5.4); a missing, malformed or refused token gets 401",
    },
    Rule {
        applies: |failure, received| {
            failure.grade == Grade::NotSetUp
                && failure.expected.contains("create succeeding")
                && received.status >= 500
        },
        says: "creating a task for a fresh user failed: the backend may require users to exist (a foreign key to its users table); use --users register|better-auth|given",
    },
    Rule {
        applies: |_, received| received.status >= 500,
        says: "an exception escaped the handler: catch the JWT library's errors (python-jose JWTError, PyJWT InvalidTokenError) and answer 401, and never let a bad token reach the database",
    },
    Rule {
        applies: |failure, received| {
            failure.scenario.contains("no exp") && (200..300).contains(&received.status)
        },
        says: "the verifier accepts tokens without `exp`: require it (python-jose: options={\"require_exp\": True}; PyJWT: options={\"require\": [\"exp\"]}; Rust jsonwebtoken: Validation::set_required_spec_claims(&[\"exp\"]))",
    },
    Rule {
        applies: |failure, received| {
            (failure.promise == "Expired token" || failure.scenario.contains("expired"))
                && (200..300).contains(&received.status)
        },
        says: "expired tokens are accepted: is `exp` verification switched off (python-jose options={\"verify_exp\": False}), or the leeway far too large?",
    },
    Rule {
        applies: |failure, received| expects(failure, "404") && received.status == 403,
        says: "the backend compares the path's user id with the token's and answers 403; answer 404, as for a task that does not exist, so that callers cannot probe for ids",
    },
    Rule {
        applies: |failure, _| failure.actual.contains("without a WWW-Authenticate header"),
        says: "send `WWW-Authenticate: Bearer` with every 401 (RFC 6750 §3); FastAPI: raise HTTPException(401, headers={\"WWW-Authenticate\": \"Bearer\"})",
    },
    Rule {
        applies: |failure, _| failure.expected.contains("error=\"invalid_token\""),
        says: "when a presented token is refused, say so in the challenge: `WWW-Authenticate: Bearer error=\"invalid_token\"` (RFC 6750 §3.1)",
    },
    Rule {
        applies: |failure, received| {
            failure.expected.contains("delete succeeding") && (200..300).contains(&received.status)
        },
        says: "a harmless variant if it is by design: declare the target's delete statuses in a profile ([statuses] delete = [200, 204]) and pass --profile",
    },
    Rule {
        applies: |failure, received| {
            failure.expected.contains("\"completed\"") && received.text().contains("\"status\"")
        },
        says: "the target seems to keep completion in a `status` field: declare it in a profile ([fields.completion] field = \"status\", done = \"done\", open = \"open\") and pass --profile",
    },
];

/// The one-line hint for a failure, when its cause is known.
pub fn hint(failure: &Failure) -> Option<&'static str> {
    let received = failure.exchange.as_ref()?.response.as_ref().ok()?;
    RULES
        .iter()
        .find(|rule| (rule.applies)(failure, received))
        .map(|rule| rule.says)
}

/// Whether the failure expected this status (alone or among others).
fn expects(failure: &Failure, status: &str) -> bool {
    failure
        .expected
        .split(|c: char| !c.is_ascii_digit())
        .any(|word| word == status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::http::{Exchange, SentRequest};

    fn failure(expected: &str, status: u16, body: &str) -> Failure {
        Failure {
            promise: "Missing token".to_owned(),
            scenario: "list with no Authorization header".to_owned(),
            grade: Grade::Broken,
            expected: expected.to_owned(),
            actual: status.to_string(),
            exchange: Some(Exchange {
                request: SentRequest {
                    method: reqwest::Method::GET,
                    url: "http://127.0.0.1/api/a/tasks".to_owned(),
                    headers: Vec::new(),
                    body: None,
                },
                response: Ok(Received {
                    status,
                    headers: Vec::new(),
                    body: body.as_bytes().to_vec(),
                    truncated: false,
                }),
                elapsed: std::time::Duration::ZERO,
            }),
            show_tokens: false,
        }
    }

    #[test]
    fn fastapis_old_httpbearer_is_named() {
        let hint = hint(&failure("401", 403, r#"{"detail":"Not authenticated"}"#));
        assert!(hint.is_some_and(|hint| hint.contains("HTTPBearer before 0.122")));
        let other = hint_of("401", 403, "forbidden");
        assert!(other.is_some_and(|hint| hint.contains("RFC 9110")));
    }

    fn hint_of(expected: &str, status: u16, body: &str) -> Option<&'static str> {
        hint(&failure(expected, status, body))
    }

    #[test]
    fn server_errors_and_cross_user_403s_have_their_hints() {
        assert!(
            hint_of("401", 500, "Internal Server Error").is_some_and(|h| h.contains("JWTError"))
        );
        assert!(
            hint_of("404, the answer for a task that does not exist", 403, "{}")
                .is_some_and(|h| h.contains("compares the path's user id"))
        );
        // 4041 is not 404.
        assert!(hint_of("4041", 403, "{}").is_none());
    }

    #[test]
    fn no_hint_without_an_answer_or_a_known_cause() {
        assert!(hint_of("401", 418, "teapot").is_none());
        let mut unanswered = failure("401", 200, "");
        unanswered.exchange = None;
        assert!(hint(&unanswered).is_none());
    }
}
