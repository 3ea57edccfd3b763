//! What the contract and RFC 7519 say a verdict must be, written from them
//! and not from the server's code: for a signed token, and for a task body.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value};
use todo_reference_server::{AppError, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS};

use crate::server::{ISSUER, KID, LEEWAY};
use crate::tokens::{Doc, Members, Mode};

/// Claims the verifier reads; a repeated one is ambiguous, so refused.
const READ_CLAIMS: [&str; 5] = ["sub", "exp", "nbf", "iss", "aud"];
/// How far from now a time must be not to depend on the clock's next tick.
const MARGIN_SECS: u64 = 60;

/// The one value of `name`, if it has exactly one.
fn single<'a>(members: &'a Members, name: &str) -> Option<&'a Value> {
    match members.get(name).map(Vec::as_slice) {
        Some([value]) => Some(value),
        _ => None,
    }
}

/// `iss` or `aud` names the issuer: the string, or an array holding it.
fn names_issuer(value: Option<&Value>) -> bool {
    match value {
        Some(Value::String(name)) => name == ISSUER,
        Some(Value::Array(names)) => names.iter().any(|name| name == ISSUER),
        _ => false,
    }
}

/// What an accepted token must be: a header with one `alg`, the mode's
/// (and for EdDSA one `kid`, the key's), and no `crit`; claims with one
/// `sub`, the user, not empty and without NUL; one `exp`, not past with the leeway; at most one `nbf`,
/// not ahead; and for EdDSA one `iss` and one `aud` naming the issuer.
/// `now` brackets the verification.
pub fn check_accepted(
    mode: Mode,
    (header, claims): (&Doc, &Doc),
    user: &str,
    (now_before, now_after): (u64, u64),
) -> Result<(), TestCaseError> {
    let fail = |what: &str| TestCaseError::fail(format!("accepted {what} that is no object"));
    let header = header.members().ok_or_else(|| fail("a header"))?;
    let claims = claims.members().ok_or_else(|| fail("claims"))?;
    let leeway = LEEWAY.as_secs();
    prop_assert_eq!(single(&header, "alg"), Some(&Value::from(mode.alg())));
    prop_assert!(!header.contains_key("crit"), "accepted a crit header");
    prop_assert_eq!(single(&claims, "sub"), Some(&Value::from(user)));
    prop_assert!(
        !user.is_empty() && !user.contains('\0'),
        "accepted sub {user:?}"
    );
    let exp = single(&claims, "exp").and_then(Value::as_u64);
    prop_assert!(
        exp.is_some_and(|exp| exp.saturating_add(leeway) >= now_before),
        "accepted exp {:?}",
        claims.get("exp")
    );
    if claims.contains_key("nbf") {
        let nbf = single(&claims, "nbf").and_then(Value::as_u64);
        prop_assert!(
            nbf.is_some_and(|nbf| nbf <= now_after + leeway),
            "accepted nbf {nbf:?}"
        );
    }
    if mode == Mode::EdDsa {
        prop_assert_eq!(single(&header, "kid"), Some(&Value::from(KID)));
        prop_assert!(names_issuer(single(&claims, "iss")), "accepted iss");
        prop_assert!(names_issuer(single(&claims, "aud")), "accepted aud");
    }
    Ok(())
}

/// The user of a token the server must accept: a header of exactly the
/// mode's `alg` (and for EdDSA the key's `kid`); claims with one non-empty
/// `sub` without NUL, an `exp` well ahead, no `nbf` or one well past, for
/// EdDSA the issuer as `iss` and `aud`, and no claim the verifier reads
/// repeated.
pub fn must_accept(mode: Mode, (header, claims): (&Doc, &Doc), now: u64) -> Option<String> {
    let header = header.members()?;
    let mut expected = Members::new();
    expected.insert("alg".to_owned(), vec![Value::from(mode.alg())]);
    if mode == Mode::EdDsa {
        expected.insert("kid".to_owned(), vec![Value::from(KID)]);
    }
    let claims = claims.members()?;
    let sub = single(&claims, "sub")?.as_str()?;
    let exp = single(&claims, "exp")?.as_u64()?;
    let nbf_past = match claims.get("nbf") {
        None => true,
        Some(_) => {
            single(&claims, "nbf")?
                .as_u64()?
                .saturating_add(MARGIN_SECS)
                <= now
        }
    };
    let issuer = Some(&Value::from(ISSUER));
    let issued_here = mode == Mode::Hs256
        || (single(&claims, "iss") == issuer && single(&claims, "aud") == issuer);
    let unrepeated = READ_CLAIMS
        .iter()
        .all(|name| claims.get(*name).is_none_or(|values| values.len() == 1));
    let usable_sub = !sub.is_empty() && !sub.contains('\0');
    let clean = header == expected
        && usable_sub
        && exp >= now + MARGIN_SECS
        && nbf_past
        && issued_here
        && unrepeated;
    clean.then(|| sub.to_owned())
}

/// A title by the contract: a string, trimmed, 1 to 200 characters, no NUL.
pub fn contract_title(value: Option<&Value>) -> Option<String> {
    let title = value?.as_str()?.trim();
    let length = title.chars().count();
    ((1..=200).contains(&length) && !title.contains('\0')).then(|| title.to_owned())
}

/// A description by the contract, `None` when refused: `Some(None)` for
/// absent or null, the string as sent when it has at most 1000 characters
/// and no NUL.
pub fn contract_description(value: Option<&Value>) -> Option<Option<String>> {
    match value {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(text)) if text.chars().count() <= 1000 && !text.contains('\0') => {
            Some(Some(text.clone()))
        }
        Some(_) => None,
    }
}

/// `completed` by the contract, `None` when refused: `Some(None)` for
/// absent or null.
pub fn contract_completed(value: Option<&Value>) -> Option<Option<bool>> {
    match value {
        None | Some(Value::Null) => Some(None),
        Some(Value::Bool(completed)) => Some(Some(*completed)),
        Some(_) => None,
    }
}

/// The body's JSON object as the contract reads it (of repeated names, the
/// last, like any JSON parser that keeps one), when the request says JSON.
pub fn json_object(bytes: &[u8], is_json: bool) -> Option<Map<String, Value>> {
    if !is_json {
        return None;
    }
    match serde_json::from_slice(bytes).ok()? {
        Value::Object(object) => Some(object),
        _ => None,
    }
}

/// A refused body is a 422, whatever was wrong with it.
pub fn check_refusal<T>(result: &Result<T, AppError>) -> Result<(), TestCaseError> {
    match result {
        Ok(_) | Err(AppError::Unprocessable(_)) => Ok(()),
        Err(other) => Err(TestCaseError::fail(format!("not a 422: {other:?}"))),
    }
}

/// What the server would store keeps to the contract's limits.
pub fn check_stored(title: &str, description: Option<&str>) -> Result<(), TestCaseError> {
    prop_assert!((1..=MAX_TITLE_CHARS).contains(&title.chars().count()));
    prop_assert_eq!(title, title.trim());
    prop_assert!(!title.contains('\0'));
    if let Some(description) = description {
        prop_assert!(description.chars().count() <= MAX_DESCRIPTION_CHARS);
        prop_assert!(!description.contains('\0'));
    }
    Ok(())
}
