//! Claims: changed under the original signature, or validly signed with the
//! key the target trusts but wrong, in their types (string `exp`/`nbf`,
//! duplicate `sub`), their lifetime (RFC 7519 §4.1.4-6), their `sub`, or
//! their `iss` and `aud` (RFC 7519 §4.1.1, §4.1.3; RFC 8725 §3.8, §3.9).

use serde_json::{Value, json};

use super::attack::{Attack, Entry, Ingredients, Need, UNAUTHORIZED};

use crate::tokens::forge::{with_exp, with_payload, without_claim};
use crate::tokens::jws::unix_now;
use crate::tokens::mint::Minter;

/// A NumericDate that is not a number (RFC 7519 §2) may also be refused as
/// a bad request.
const STRING_DATE: &[u16] = &[401, 400];

/// An issuer and audiences that are not the target's, under `.invalid`
/// (RFC 2606) so they name no one's server.
const FOREIGN_ISSUER: &str = "https://another-issuer.todo-conformance.invalid";
const FOREIGN_AUDIENCES: [&str; 2] = [
    "https://another-app.todo-conformance.invalid",
    "https://a-third-app.todo-conformance.invalid",
];

#[allow(
    clippy::too_many_lines,
    reason = "a table of data: one entry per attack"
)]
pub(super) fn entries() -> Vec<Entry> {
    vec![
        Entry {
            attack: Attack::SubSwapped,
            name: "sub swapped under the original signature".into(),
            need: Need::Nothing,
            uses_bob: true,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| Ok(with_payload(&with.bob()?.token, &with.alice_claims()))),
        },
        Entry {
            attack: Attack::ExpPushedOut,
            name: "exp pushed out under the original signature".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                let claims = with_exp(&with.alice_claims(), 365 * 24 * 3600);
                Ok(with_payload(&with.alice.token, &claims))
            }),
        },
        Entry {
            attack: Attack::ExpStringPast,
            name: "exp as a string, 10 minutes ago".into(),
            need: Need::SigningKey,
            uses_bob: false,
            refusals: STRING_DATE,
            build: Box::new(|with| {
                fresh_signed(with, |claims| {
                    claims["exp"] = json!(unix_now().saturating_sub(600).to_string());
                })
            }),
        },
        Entry {
            attack: Attack::NbfStringAhead,
            name: "nbf as a string, an hour ahead".into(),
            need: Need::SigningKey,
            uses_bob: false,
            refusals: STRING_DATE,
            build: Box::new(|with| {
                fresh_signed(with, |claims| {
                    *claims = with_exp(claims, 7200);
                    claims["nbf"] = json!((unix_now() + 3600).to_string());
                })
            }),
        },
        Entry {
            attack: Attack::ExpString,
            name: "exp as a string, 10 minutes ahead".into(),
            need: Need::SigningKey,
            uses_bob: false,
            refusals: STRING_DATE,
            build: Box::new(|with| {
                fresh_signed(with, |claims| {
                    claims["exp"] = json!((unix_now() + 600).to_string());
                })
            }),
        },
        Entry {
            attack: Attack::NbfString,
            name: "nbf as a string, a minute ago".into(),
            need: Need::SigningKey,
            uses_bob: false,
            refusals: STRING_DATE,
            build: Box::new(|with| {
                fresh_signed(with, |claims| {
                    claims["nbf"] = json!(unix_now().saturating_sub(60).to_string());
                })
            }),
        },
        Entry {
            attack: Attack::DuplicateSub,
            name: "duplicate sub keys".into(),
            need: Need::SigningKey,
            uses_bob: true,
            // RFC 7519 §4 lets a parser take the last of duplicate members:
            // the last `sub` is Bob's, whose 404 on Alice's path is no leak.
            refusals: &[401, 404],
            build: Box::new(|with| {
                // Serialised by hand: serde_json cannot write a duplicate key.
                let bob = with.bob()?;
                let claims = with.fresh_claims()?.to_string();
                let sub = serde_json::to_string(&bob.id).unwrap_or_default();
                let payload = format!("{},\"sub\":{sub}}}", claims.trim_end_matches('}'));
                Ok(with.minter()?.sign_raw(&json!({}), &payload))
            }),
        },
        Entry {
            attack: Attack::Expired10Minutes,
            name: "expired 10 minutes ago".into(),
            need: Need::SigningKey,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| fresh_signed(with, |claims| *claims = with_exp(claims, -600))),
        },
        Entry {
            attack: Attack::NoExp,
            name: "no exp".into(),
            need: Need::SigningKey,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                fresh_signed(with, |claims| *claims = without_claim(claims, "exp"))
            }),
        },
        Entry {
            attack: Attack::NbfAhead,
            name: "nbf an hour ahead".into(),
            need: Need::SigningKey,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                fresh_signed(with, |claims| {
                    *claims = with_exp(claims, 7200);
                    claims["nbf"] = json!(unix_now() + 3600);
                })
            }),
        },
        Entry {
            attack: Attack::IatAhead,
            name: "iat an hour ahead".into(),
            need: Need::SigningKey,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                fresh_signed(with, |claims| {
                    *claims = with_exp(claims, 7200);
                    claims["iat"] = json!(unix_now() + 3600);
                })
            }),
        },
        Entry {
            attack: Attack::NoSub,
            name: "no sub".into(),
            need: Need::SigningKey,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                fresh_signed(with, |claims| {
                    *claims = without_claim(&without_claim(claims, "sub"), "user_id");
                })
            }),
        },
        Entry {
            attack: Attack::EmptySub,
            name: "an empty sub".into(),
            need: Need::SigningKey,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                fresh_signed(with, |claims| {
                    claims["sub"] = json!("");
                    claims["user_id"] = json!("");
                })
            }),
        },
        Entry {
            attack: Attack::NumericSub,
            name: "a numeric sub".into(),
            need: Need::SigningKey,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                fresh_signed(with, |claims| {
                    claims["sub"] = json!(1);
                    claims["user_id"] = json!(1);
                })
            }),
        },
        Entry {
            attack: Attack::ForeignIss,
            name: "a foreign iss".into(),
            need: Need::Issuer,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| with_issuer(with, |_| FOREIGN_ISSUER.to_owned())),
        },
        Entry {
            attack: Attack::IssPrefix,
            name: "an iss that is a prefix of the expected one".into(),
            need: Need::Issuer,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                // A character short of the expected issuer, not counting a
                // trailing slash: a verifier may rightly ignore that one.
                with_issuer(with, |expected| {
                    let mut prefix = expected.trim_end_matches('/').to_owned();
                    prefix.pop();
                    prefix
                })
            }),
        },
        Entry {
            attack: Attack::ForeignAud,
            name: "a foreign aud".into(),
            need: Need::Audience,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| with_audience(with, json!(FOREIGN_AUDIENCES[0]))),
        },
        Entry {
            attack: Attack::ForeignAudArray,
            name: "an aud array holding only foreign values".into(),
            need: Need::Audience,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| with_audience(with, json!(FOREIGN_AUDIENCES))),
        },
    ]
}

/// A fresh token whose `iss` is `issuer` of the expected one.
fn with_issuer(with: &Ingredients, issuer: impl FnOnce(&str) -> String) -> Result<String, Need> {
    let expected = with.minter.and_then(Minter::issuer).ok_or(Need::Issuer)?;
    let issuer = issuer(expected);
    fresh_signed(with, |claims| claims["iss"] = json!(issuer))
}

/// A fresh token whose `aud` is `audience`.
fn with_audience(with: &Ingredients, audience: Value) -> Result<String, Need> {
    with.minter
        .and_then(Minter::audience)
        .ok_or(Need::Audience)?;
    fresh_signed(with, |claims| claims["aud"] = audience)
}

/// A fresh token's claims for Alice, changed by `change`, signed with the
/// key the target trusts.
fn fresh_signed(with: &Ingredients, change: impl FnOnce(&mut Value)) -> Result<String, Need> {
    let mut claims = with.fresh_claims()?;
    change(&mut claims);
    Ok(with.minter()?.sign(&claims))
}
