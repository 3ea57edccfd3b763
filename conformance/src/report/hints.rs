//! Known causes of findings, kept as data: each cause is recognised from the
//! typed finding (its check, grade and what it presented) and the answer,
//! never from a message's words, and says in one line what usually causes
//! it and how to fix it. The first cause that applies wins, so the specific
//! ones come first.

use serde::Serialize;

use crate::contract::Route;
use crate::report::finding::{Check, Failure, Grade, Presented};
use crate::target::http::Received;
use crate::tokens::catalogue::Attack;

/// A known cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hint {
    FastApiHttpBearer,
    ForbiddenForMissingToken,
    UsersTableRequired,
    ServerError,
    NoExpAccepted,
    ExpiredAccepted,
    CritIgnored,
    StringDateNotEnforced,
    StringDateParsed,
    KeyConfusion,
    ForeignClaimAccepted,
    IssuerSubstring,
    AudienceArray,
    ForbiddenForOthersTask,
    MissingBearerChallenge,
    MissingInvalidTokenError,
    DeleteStatuses,
    StatusField,
}

impl Hint {
    /// In the order they are tried.
    const ALL: [Self; 18] = [
        Self::FastApiHttpBearer,
        Self::ForbiddenForMissingToken,
        Self::UsersTableRequired,
        Self::ServerError,
        Self::NoExpAccepted,
        Self::ExpiredAccepted,
        Self::CritIgnored,
        Self::StringDateNotEnforced,
        Self::StringDateParsed,
        Self::KeyConfusion,
        Self::ForeignClaimAccepted,
        Self::IssuerSubstring,
        Self::AudienceArray,
        Self::ForbiddenForOthersTask,
        Self::MissingBearerChallenge,
        Self::MissingInvalidTokenError,
        Self::DeleteStatuses,
        Self::StatusField,
    ];

    /// The cause of `failure`, when it is a known one.
    pub fn of(failure: &Failure) -> Option<Self> {
        let received = failure.exchange.as_ref()?.response.as_ref().ok()?;
        Self::ALL
            .into_iter()
            .find(|hint| hint.applies(failure, received))
    }

    fn applies(self, failure: &Failure, received: &Received) -> bool {
        let status = received.status;
        let success = (200..300).contains(&status);
        match self {
            Self::FastApiHttpBearer => {
                failure.expects_status(401)
                    && status == 403
                    && received.text().contains("Not authenticated")
            }
            Self::ForbiddenForMissingToken => failure.expects_status(401) && status == 403,
            Self::UsersTableRequired => {
                failure.grade == Grade::NotSetUp
                    && failure.check == Check::Success(Route::Create)
                    && status >= 500
            }
            Self::ServerError => status >= 500,
            Self::NoExpAccepted => {
                failure.presented == Some(Presented::Attack(Attack::NoExp)) && success
            }
            Self::ExpiredAccepted => {
                failure
                    .presented
                    .as_ref()
                    .is_some_and(Presented::is_expired)
                    && success
            }
            Self::CritIgnored => {
                failure.presented == Some(Presented::Attack(Attack::Crit)) && success
            }
            Self::StringDateNotEnforced => {
                success
                    && matches!(
                        failure.presented,
                        Some(Presented::Attack(
                            Attack::ExpStringPast | Attack::NbfStringAhead
                        ))
                    )
            }
            Self::StringDateParsed => {
                success
                    && matches!(
                        failure.presented,
                        Some(Presented::Attack(Attack::ExpString | Attack::NbfString))
                    )
            }
            Self::KeyConfusion => {
                success
                    && matches!(
                        failure.presented,
                        Some(Presented::Attack(Attack::KeyAsHmac(..)))
                    )
            }
            Self::ForeignClaimAccepted => {
                success
                    && matches!(
                        failure.presented,
                        Some(Presented::Attack(Attack::ForeignIss | Attack::ForeignAud))
                    )
            }
            Self::IssuerSubstring => {
                success && failure.presented == Some(Presented::Attack(Attack::IssPrefix))
            }
            Self::AudienceArray => {
                success && failure.presented == Some(Presented::Attack(Attack::ForeignAudArray))
            }
            Self::ForbiddenForOthersTask => failure.expects_status(404) && status == 403,
            Self::MissingBearerChallenge => failure.check == Check::BearerChallenge,
            Self::MissingInvalidTokenError => failure.check == Check::InvalidTokenChallenge,
            Self::DeleteStatuses => failure.check == Check::Success(Route::Delete) && success,
            Self::StatusField => {
                failure.check == Check::TaskFields && received.text().contains("\"status\"")
            }
        }
    }

    /// What usually causes it, and the fix, in one line.
    pub fn says(self) -> &'static str {
        match self {
            Self::FastApiHttpBearer => {
                "FastAPI's HTTPBearer before 0.122 answers 403 {\"detail\":\"Not authenticated\"} when the header is missing; upgrade FastAPI, or use HTTPBearer(auto_error=False) and raise HTTPException(401, headers={\"WWW-Authenticate\": \"Bearer\"})"
            }
            Self::ForbiddenForMissingToken => {
                "403 means \"authenticated, but not allowed\" (RFC 9110 §15.5.4); a missing, malformed or refused token gets 401"
            }
            Self::UsersTableRequired => {
                "creating a task for a fresh user failed: the backend may require users to exist (a foreign key to its users table); use --users register|better-auth|given"
            }
            Self::ServerError => {
                "an exception escaped the handler: catch the JWT library's errors (python-jose JWTError, PyJWT InvalidTokenError) and answer 401, and never let a bad token reach the database"
            }
            Self::NoExpAccepted => {
                "the verifier accepts tokens without `exp`: require it (python-jose: options={\"require_exp\": True}; PyJWT: options={\"require\": [\"exp\"]}; Rust jsonwebtoken: Validation::set_required_spec_claims(&[\"exp\"]))"
            }
            Self::ExpiredAccepted => {
                "expired tokens are accepted: is `exp` verification switched off (python-jose options={\"verify_exp\": False}), or the leeway far too large?"
            }
            Self::CritIgnored => {
                "the verifier ignores `crit`, which RFC 7515 §4.1.11 says must name only extensions it understands: python-jose ignores it (an open upstream issue), and so does PyJWT before 2.12.0 (CVE-2026-32597); upgrade PyJWT, or refuse tokens whose header carries `crit`"
            }
            Self::StringDateNotEnforced => {
                "the verifier skips `exp` or `nbf` when it is not a number, so a string one is never enforced: refuse a claim that is not a NumericDate (RFC 7519 §2), or convert it and enforce it as python-jose does"
            }
            Self::StringDateParsed => {
                "the verifier reads a string `exp` or `nbf` as a number (python-jose converts them and enforces them): harmless while it is enforced, which the scenarios with a string in the past or the future check; RFC 7519 §2 wants a NumericDate, a JSON number"
            }
            Self::KeyConfusion => {
                "the verifier let the token choose HS256 and used its public key, in the form it holds it, as the HMAC secret: pin the algorithm to the key's own (python-jose: algorithms=[\"EdDSA\"] or the key's alg; PyJWT: algorithms=[...]). Libraries refuse only the forms on their list: python-jose before 3.4.0 refused PEM and ssh-rsa but not OpenSSH ECDSA lines (CVE-2024-33663), and DER still passes through 3.5.0 (python-jose#414, CVE-2026-85394); PyJWT before 2.4.0 refused PEM and ssh-rsa but not ssh-ed25519 or ecdsa-sha2 lines (CVE-2022-29217), and before 2.13.0 took a JWK's public material as the HMAC secret when its allow-list mixes HMAC and asymmetric algorithms (CVE-2026-48526)"
            }
            Self::ForeignClaimAccepted => {
                "the verifier does not check `iss` or `aud`: tokens of another app sharing the issuer's keys are accepted; pass the expected values (python-jose: audience=..., issuer=...; PyJWT: audience=..., issuer=...; RFC 7519 §4.1.3: a recipient not named in `aud` MUST reject the token; RFC 8725 §3.8, §3.9)"
            }
            Self::IssuerSubstring => {
                "the verifier checks `iss` as a substring, not for equality: PyJWT 2.10.0 does (CVE-2024-53861, fixed in 2.10.1); upgrade, or compare `iss` with == yourself"
            }
            Self::AudienceArray => {
                "the verifier refuses a foreign `aud` string but not an array of foreign values: an array must hold the target's own audience to be accepted (RFC 7519 §4.1.3); compare each member, or let the library check it (PyJWT, python-jose: audience=...)"
            }
            Self::ForbiddenForOthersTask => {
                "the backend compares the path's user id (or the task's owner) with the token's and answers 403; answer 404, as for a task that does not exist, so that callers cannot probe for ids"
            }
            Self::MissingBearerChallenge => {
                "send `WWW-Authenticate: Bearer` with every 401 (RFC 6750 §3); FastAPI: raise HTTPException(401, headers={\"WWW-Authenticate\": \"Bearer\"})"
            }
            Self::MissingInvalidTokenError => {
                "when a presented token is refused, say so in the challenge: `WWW-Authenticate: Bearer error=\"invalid_token\"` (RFC 6750 §3.1)"
            }
            Self::DeleteStatuses => {
                "a harmless variant if it is by design: declare the target's delete statuses in a profile ([statuses] delete = [200, 204]) and pass --profile"
            }
            Self::StatusField => {
                "the target seems to keep completion in a `status` field: declare it in a profile ([fields.completion] field = \"status\", done = \"done\", open = \"open\") and pass --profile"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Credentials;
    use crate::target::http::Exchange;

    fn failure(check: Check, status: u16, body: &str) -> Failure {
        Failure {
            promise: "Missing token".to_owned(),
            scenario: "list with no Authorization header".to_owned(),
            grade: Grade::Broken,
            check,
            presented: Some(Presented::Credentials(Credentials::None)),
            expected: "401".to_owned(),
            actual: status.to_string(),
            exchange: Some(Exchange::answered(
                reqwest::Method::GET,
                "http://127.0.0.1/api/a/tasks",
                status,
                body.as_bytes(),
            )),
        }
    }

    fn hint_of(check: Check, status: u16, body: &str) -> Option<Hint> {
        Hint::of(&failure(check, status, body))
    }

    #[test]
    fn fastapis_old_httpbearer_is_named() {
        let status_401 = Check::Status(vec![401]);
        assert_eq!(
            hint_of(status_401.clone(), 403, r#"{"detail":"Not authenticated"}"#),
            Some(Hint::FastApiHttpBearer)
        );
        assert_eq!(
            hint_of(status_401, 403, "forbidden"),
            Some(Hint::ForbiddenForMissingToken)
        );
        assert!(
            Hint::FastApiHttpBearer
                .says()
                .contains("HTTPBearer before 0.122")
        );
    }

    #[test]
    fn server_errors_and_cross_user_403s_have_their_hints() {
        assert_eq!(
            hint_of(Check::Status(vec![401]), 500, "Internal Server Error"),
            Some(Hint::ServerError)
        );
        assert_eq!(
            hint_of(Check::Status(vec![404]), 403, "{}"),
            Some(Hint::ForbiddenForOthersTask)
        );
        assert_eq!(hint_of(Check::Status(vec![4041]), 403, "{}"), None);
    }

    #[test]
    fn the_token_presented_tells_expired_and_no_exp_apart() {
        let mut accepted = failure(Check::Status(vec![401]), 200, "[]");
        accepted.presented = Some(Presented::Attack(Attack::NoExp));
        assert_eq!(Hint::of(&accepted), Some(Hint::NoExpAccepted));
        accepted.presented = Some(Presented::Credentials(Credentials::ExpiredAnHourAgo));
        assert_eq!(Hint::of(&accepted), Some(Hint::ExpiredAccepted));
        accepted.presented = Some(Presented::Credentials(Credentials::AlgNone));
        assert_eq!(Hint::of(&accepted), None);
    }

    #[test]
    fn string_dates_accepted_say_whether_they_were_enforced() {
        let mut accepted = failure(Check::Status(vec![401, 400]), 200, "[]");
        accepted.presented = Some(Presented::Attack(Attack::ExpStringPast));
        assert_eq!(Hint::of(&accepted), Some(Hint::StringDateNotEnforced));
        accepted.presented = Some(Presented::Attack(Attack::NbfString));
        assert_eq!(Hint::of(&accepted), Some(Hint::StringDateParsed));
    }

    #[test]
    fn an_accepted_crit_header_names_both_libraries() {
        let mut accepted = failure(Check::Status(vec![401]), 200, "[]");
        accepted.presented = Some(Presented::Attack(Attack::Crit));
        assert_eq!(Hint::of(&accepted), Some(Hint::CritIgnored));
        let says = Hint::CritIgnored.says();
        assert!(says.contains("python-jose") && says.contains("PyJWT before 2.12.0"));
        let refused = failure(Check::Status(vec![401]), 500, "");
        assert_ne!(
            Hint::of(&Failure {
                presented: Some(Presented::Attack(Attack::Crit)),
                ..refused
            }),
            Some(Hint::CritIgnored)
        );
    }

    #[test]
    fn no_hint_without_an_answer_or_a_known_cause() {
        assert_eq!(hint_of(Check::Status(vec![401]), 418, "teapot"), None);
        let mut unanswered = failure(Check::Status(vec![401]), 200, "");
        unanswered.exchange = None;
        assert_eq!(Hint::of(&unanswered), None);
    }
}
