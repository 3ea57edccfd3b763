//! What security tools call each finding: every scenario belongs to one
//! family, a rule with a stable id, a CWE and an OWASP API Security Top 10
//! (2023) category. A scenario's family is named by a `@tc-…` tag in its
//! feature file (the feature's, overridden by the scenario's or its
//! examples'); a finding may belong to another family when its own typed
//! data says so (a 5xx, a missing challenge, a catalogue token accepted).
//! Never from a message's words.

mod rule;
mod rules;
#[cfg(test)]
mod tests;

use crate::report::finding::{Check, Failure, Grade, Presented};
use crate::report::results::ScenarioResult;
use crate::tokens::catalogue::Attack;

pub use rule::Rule;
pub use rules::{CUSTOM, RULES};

/// A rule the table has.
fn known(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|rule| rule.id == id)
        .unwrap_or_else(|| panic!("{id} is not in the rule table"))
}

const SERVER_ERROR: &str = "TC-SERVER-ERROR";
const BEARER_CHALLENGE: &str = "TC-BEARER-CHALLENGE";
const REFUSAL_STATUS: &str = "TC-REFUSAL-STATUS";

/// The family a tag names, if it names one.
fn tagged(tag: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.tag() == tag)
}

/// A scenario's family: the last `@tc-…` tag of its origin (the examples'
/// over the scenario's over the feature's), else [`CUSTOM`].
pub fn family(result: &ScenarioResult) -> &'static Rule {
    result
        .origin
        .tags
        .iter()
        .rev()
        .find_map(|tag| tagged(tag))
        .unwrap_or_else(|| known(CUSTOM))
}

/// The family of a finding of `result`, or of the scenario itself with no
/// finding. A finding leaves its scenario's family when its typed data
/// names another cause: a 5xx answer is a server error on attacker input
/// wherever it happens; a missing or wrong challenge is the challenge's
/// rule; a deviation that refused with another 4xx than the check wanted
/// is a refusal's status; a catalogue token that got a success is that
/// token's family.
/// A step that only prepares the scenario stays in the scenario's family.
pub fn classify(result: &ScenarioResult, finding: Option<&Failure>) -> &'static Rule {
    let scenario = family(result);
    let Some(finding) = finding else {
        return scenario;
    };
    if finding.grade == Grade::NotSetUp {
        return scenario;
    }
    let status = finding
        .exchange
        .as_ref()
        .and_then(|exchange| exchange.response.as_ref().ok())
        .map(|received| received.status);
    if status.is_some_and(|status| status >= 500) {
        return known(SERVER_ERROR);
    }
    if matches!(
        finding.check,
        Check::BearerChallenge | Check::InvalidTokenChallenge
    ) {
        return known(BEARER_CHALLENGE);
    }
    let refused = status.is_some_and(|status| (400..500).contains(&status));
    if finding.grade == Grade::Deviation && matches!(finding.check, Check::Status(_)) && refused {
        return known(REFUSAL_STATUS);
    }
    match &finding.presented {
        Some(Presented::Attack(attack))
            if status.is_some_and(|status| (200..300).contains(&status)) =>
        {
            known(attack_family(attack))
        }
        _ => scenario,
    }
}

/// The family of a catalogue token: the cause a target that accepts it has.
pub fn attack_family(attack: &Attack) -> &'static str {
    match attack {
        Attack::AlgNone(_) => "TC-ALG-NONE",
        Attack::NullSignature
        | Attack::EmptyHmacKey
        | Attack::SubSwapped
        | Attack::ExpPushedOut
        | Attack::PsychicEs256 => "TC-FORGED-TOKEN",
        Attack::EmbeddedHmacJwk
        | Attack::EmbeddedEdDsaJwk
        | Attack::Jku
        | Attack::X5u
        | Attack::KidOfAnotherKey => "TC-KEY-CONFUSION",
        Attack::KidPathTraversal | Attack::KidSqlInjection | Attack::KidShellInjection => {
            "TC-KID-INJECTION"
        }
        Attack::KeyAsHmac(..) => "TC-ALG-CONFUSION",
        Attack::Hs384 | Attack::Hs512 => "TC-ALG-ALLOW-LIST",
        Attack::WeakSecret(_) => "TC-WEAK-SECRET",
        Attack::NonBase64Url
        | Attack::NonBase64UrlSignature
        | Attack::FiveSegments
        | Attack::Whitespace
        | Attack::Huge
        | Attack::Crit
        | Attack::ExpString
        | Attack::NbfString
        | Attack::DuplicateSub => "TC-MALFORMED-TOKEN",
        Attack::ExpStringPast
        | Attack::NbfStringAhead
        | Attack::Expired10Minutes
        | Attack::NoExp
        | Attack::NbfAhead
        | Attack::IatAhead => "TC-TOKEN-LIFETIME",
        Attack::NoSub | Attack::EmptySub | Attack::NumericSub => "TC-SUBJECT-CLAIM",
        Attack::ForeignIss | Attack::IssPrefix | Attack::ForeignAud | Attack::ForeignAudArray => {
            "TC-ISSUER-AUDIENCE"
        }
    }
}
