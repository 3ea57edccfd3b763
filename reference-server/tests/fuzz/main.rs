//! Fuzzing with proptest, through the code the routes run: the
//! `Authorization` header through `authenticate` (the header parser and the
//! `Verifier`, with both modes on at once: HS256 with the secret, and EdDSA
//! through a JWKS), and the task bodies through `AppJson` and `validate`.
//! No database is involved: both stop before one.
//!
//! The properties:
//! - nothing panics, whatever the header or the body;
//! - arbitrary header values, arbitrary three-segment strings and mutations
//!   of valid tokens (bit flips, truncation, segment swaps and splices,
//!   re-encodings, edited or repeated header members and claims, other
//!   algorithms, forged signatures) authenticate nobody, unless the result
//!   is exactly a valid token, and then as its `sub`; a refusal is a 401,
//!   or a 400 for several headers;
//! - any header and claims signed with the right key authenticate as the
//!   one `sub` of the claims or not at all, and only while `exp` and `nbf`
//!   (and for the JWKS `iss` and `aud`) allow; a clean token is accepted;
//! - a create or update body is accepted exactly when the contract allows
//!   it (a JSON object; a title of 1 to 200 characters once trimmed; a
//!   description absent, null or of at most 1000 characters; `completed`
//!   absent, null or a boolean; no NUL), with the values it says; a refusal
//!   is a 422.
//!
//! Each property runs `PROPTEST_CASES` cases, [`DEFAULT_CASES`] without it,
//! so that `cargo test --workspace` stays fast. The long run, in release (a
//! million cases per property; about 160 s on two cores, most of it in the
//! two properties that sign and verify EdDSA tokens):
//!
//! ```text
//! PROPTEST_CASES=1000000 cargo test --release -p todo-reference-server --test fuzz -- --test-threads=2
//! ```

mod bodies;
mod headers;
mod mutations;
mod oracle;
mod server;
mod tokens;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use todo_reference_server::{MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, NewTask, TaskUpdate};

use oracle::{
    check_accepted, check_refusal, check_stored, contract_completed, contract_description,
    contract_title, json_object, must_accept,
};
use server::{header_user, read_body, unix_now, users_of, verifier_user};
use tokens::{Doc, Mode, VICTIM, VICTIM_TOKENS, claims_doc, header_doc, mode, valid_token};

/// Cases per property when `PROPTEST_CASES` is unset.
const DEFAULT_CASES: u32 = 64;

/// proptest's own default reads `PROPTEST_CASES`, but without it runs 256
/// cases, more than a quick `cargo test` needs.
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    let cases = match std::env::var_os("PROPTEST_CASES") {
        Some(_) => default.cases,
        None => DEFAULT_CASES,
    };
    ProptestConfig { cases, ..default }
}

/// A user, a mode, and changes to that user's valid token.
fn mutated_token() -> impl Strategy<Value = (String, Mode, Vec<mutations::Mutation>)> {
    ("[a-zA-Z0-9-]{1,36}", mode())
        .prop_flat_map(|(sub, mode)| (Just(sub.clone()), Just(mode), mutations::mutations(sub)))
}

/// A mode, and a header and claims to sign with its key.
fn signed_claims() -> impl Strategy<Value = (Mode, Doc, Doc)> {
    (mode(), "\\PC{1,16}")
        .prop_flat_map(|(mode, sub)| (Just(mode), header_doc(mode), claims_doc(sub)))
}

/// Whose valid token `token` is, if it is one of those the test made.
fn owner(token: &[u8], original: &str, sub: &str) -> Option<String> {
    if token == original.as_bytes() {
        Some(sub.to_owned())
    } else if VICTIM_TOKENS
        .values()
        .any(|valid| token == valid.as_bytes())
    {
        Some(VICTIM.to_owned())
    } else {
        None
    }
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary header values authenticate nobody, alone or several.
    #[test]
    fn arbitrary_headers_authenticate_nobody(
        values in prop::collection::vec(headers::any_value(), 0..3),
    ) {
        prop_assert_eq!(header_user(&values)?, None);
        for value in &values {
            prop_assert_eq!(verifier_user(value)?, None);
        }
    }

    /// Of a list of headers, only a single valid bearer token authenticates,
    /// as its `sub`, whatever the scheme's case and the spaces after it.
    #[test]
    fn only_one_valid_bearer_header_authenticates(
        choices in prop::collection::vec(headers::choice(), 0..3),
    ) {
        let values: Vec<Vec<u8>> = choices.iter().map(headers::Choice::bytes).collect();
        let expected = match choices.as_slice() {
            [headers::Choice::Valid { sub, .. }] => Some(sub.clone()),
            _ => None,
        };
        prop_assert_eq!(header_user(&values)?, expected);
    }

    /// Three-segment strings, however well-formed their parts, authenticate
    /// nobody.
    #[test]
    fn three_segment_strings_authenticate_nobody(token in headers::three_segments()) {
        prop_assert_eq!(users_of(token.as_bytes())?, [None, None]);
    }

    /// A valid token changed in one to three ways authenticates nobody,
    /// unless the changes gave back a valid token: then as that one's `sub`.
    #[test]
    fn mutated_tokens_authenticate_nobody_else((sub, mode, mutations) in mutated_token()) {
        let original = valid_token(mode, &sub);
        let mutated = mutations
            .iter()
            .fold(original.clone().into_bytes(), |token, mutation| mutation.apply(&token));
        let [by_header, by_verifier] = users_of(&mutated)?;
        // The header parser skips the spaces after the scheme.
        let spaces = mutated.iter().take_while(|&&byte| byte == b' ').count();
        prop_assert_eq!(by_header, owner(&mutated[spaces..], &original, &sub));
        prop_assert_eq!(by_verifier, owner(&mutated, &original, &sub));
    }

    /// Any header and claims signed with the server's own key authenticate
    /// as the one `sub` of the claims or not at all, and only when the rest
    /// holds; a clean token is accepted.
    #[test]
    fn signed_claims_authenticate_only_their_sub((mode, header, claims) in signed_claims()) {
        let now_before = unix_now();
        let token = tokens::signed(mode, &header.text(), &claims.text());
        let [by_header, by_verifier] = users_of(token.as_bytes())?;
        let now_after = unix_now();
        prop_assert_eq!(&by_header, &by_verifier, "the header and the verifier disagree");
        if let Some(user) = by_verifier { check_accepted(mode, (&header, &claims), &user, (now_before, now_after))? } else { prop_assert_eq!(must_accept(mode, (&header, &claims), now_after), None) }
    }

    /// A create body is accepted exactly when the contract allows it, with
    /// the title trimmed and the description as sent.
    #[test]
    fn create_bodies_follow_the_contract(
        bytes in bodies::body(),
        (content_type, is_json) in bodies::content_type(),
    ) {
        let result = read_body(&bytes, content_type, NewTask::validate);
        check_refusal(&result)?;
        let expected = json_object(&bytes, is_json).and_then(|object| {
            Some((
                contract_title(object.get("title"))?,
                contract_description(object.get("description"))?,
            ))
        });
        let accepted = result.ok().map(|fields| (fields.title, fields.description));
        if let Some((title, description)) = &accepted {
            check_stored(title, description.as_deref())?;
        }
        prop_assert_eq!(accepted, expected);
    }

    /// An update body is accepted exactly when the contract allows it: a
    /// description absent (kept), null (cleared) or a string; `completed`
    /// absent or null (kept) or a boolean.
    #[test]
    fn update_bodies_follow_the_contract(
        bytes in bodies::body(),
        (content_type, is_json) in bodies::content_type(),
    ) {
        let result = read_body(&bytes, content_type, TaskUpdate::validate);
        check_refusal(&result)?;
        let expected = json_object(&bytes, is_json).and_then(|object| {
            let description = match object.get("description") {
                None => None,
                present => Some(contract_description(present)?),
            };
            Some((
                contract_title(object.get("title"))?,
                description,
                contract_completed(object.get("completed"))?,
            ))
        });
        let accepted = result
            .ok()
            .map(|update| (update.title, update.description, update.completed));
        if let Some((title, description, _)) = &accepted {
            check_stored(title, description.clone().flatten().as_deref())?;
        }
        prop_assert_eq!(accepted, expected);
    }
}

/// The oracles' numbers are the server's.
#[test]
fn the_limits_are_the_contracts() {
    assert_eq!((MAX_TITLE_CHARS, MAX_DESCRIPTION_CHARS), (200, 1000));
}

/// The generators reach acceptance often enough for the properties to test
/// it too: a fair share of signed claim sets and of bodies is accepted, and
/// of signed claim sets a fair share is one `must_accept` recognises.
#[test]
fn the_generators_reach_both_verdicts() {
    const SAMPLES: usize = 200;
    let mut runner = TestRunner::deterministic();
    // How many of SAMPLES generated cases `holds` for.
    let mut sample = |holds: &dyn Fn(&mut TestRunner) -> bool| {
        (0..SAMPLES).filter(|_| holds(&mut runner)).count()
    };
    let signed = signed_claims();
    let accepted = sample(&|runner| {
        let (mode, header, claims) = signed.new_tree(runner).expect("a case").current();
        let token = tokens::signed(mode, &header.text(), &claims.text());
        verifier_user(token.as_bytes())
            .expect("a verdict")
            .is_some()
    });
    let clean = sample(&|runner| {
        let (mode, header, claims) = signed.new_tree(runner).expect("a case").current();
        must_accept(mode, (&header, &claims), unix_now()).is_some()
    });
    let body = bodies::body();
    let bodies = sample(&|runner| {
        let bytes = body.new_tree(runner).expect("a case").current();
        read_body(&bytes, Some("application/json"), NewTask::validate).is_ok()
    });
    let share = SAMPLES / 10..SAMPLES * 9 / 10;
    assert!(
        share.contains(&accepted),
        "{accepted} of {SAMPLES} signed claims accepted"
    );
    assert!(
        clean >= SAMPLES / 20,
        "{clean} of {SAMPLES} signed claims clean"
    );
    assert!(
        share.contains(&bodies),
        "{bodies} of {SAMPLES} bodies accepted"
    );
}
