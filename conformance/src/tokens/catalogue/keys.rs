//! Keys a token brings or names: an embedded `jwk` (CVE-2018-0114), `kid`
//! injections, `jku`/`x5u` pointing at the suite's own key, a trusted key's
//! signature under another trusted key's `kid`; and key confusion: each
//! trusted key type's public key, in each encoding, as an HMAC secret, or a
//! psychic ES256 signature (CVE-2022-21449).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};

use super::attack::{Attack, Entry, Ingredients, Need, UNAUTHORIZED};
use crate::tokens::forge::{random_bytes, sign_eddsa, sign_hmac};
use crate::tokens::jws::encode_segment;
use crate::tokens::keys::{Encoding, Family};
use crate::tokens::mint::Minter;

/// The `kid` the suite's published key carries.
const ATTACKER_KID: &str = "todo-conformance-attacker";

/// The `kid` of the shell-injection attack: it sleeps this long if run.
const SHELL_SLEEP_SECS: u64 = 5;

#[allow(
    clippy::too_many_lines,
    reason = "a table of data: one entry per attack"
)]
pub(super) fn entries() -> Vec<Entry> {
    vec![
        Entry {
            attack: Attack::EmbeddedHmacJwk,
            name: "an embedded HMAC jwk (CVE-2018-0114)".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                let key = random_bytes();
                let header = json!({
                    "alg": "HS256",
                    "typ": "JWT",
                    "jwk": {"kty": "oct", "k": URL_SAFE_NO_PAD.encode(key)}
                });
                Ok(sign_hmac(&header, &with.alice_claims(), &key))
            }),
        },
        Entry {
            attack: Attack::EmbeddedEdDsaJwk,
            name: "an embedded EdDSA jwk (CVE-2018-0114)".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                let key = SigningKey::from_bytes(&random_bytes());
                let header = json!({"alg": "EdDSA", "jwk": public_jwk(&key)});
                Ok(sign_eddsa(&header, &with.alice_claims(), &key))
            }),
        },
        Entry {
            attack: Attack::KidPathTraversal,
            name: "kid path traversal with an empty key".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| Ok(hs256_with_kid("../../../../../../../dev/null", b"", with))),
        },
        Entry {
            attack: Attack::KidSqlInjection,
            name: "kid SQL injection with the key 1".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| Ok(hs256_with_kid("x' UNION SELECT '1'--", b"1", with))),
        },
        Entry {
            attack: Attack::KidShellInjection,
            name: "kid shell injection with an empty key".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                let kid = format!(
                    "x$(sleep {SHELL_SLEEP_SECS})`sleep {SHELL_SLEEP_SECS}`|sleep {SHELL_SLEEP_SECS};"
                );
                Ok(hs256_with_kid(&kid, b"", with))
            }),
        },
        Entry {
            attack: Attack::Jku,
            name: "jku pointing at the suite".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| Ok(signed_by_the_suite_naming_its_key("jku", with))),
        },
        Entry {
            attack: Attack::X5u,
            name: "x5u pointing at the suite".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| Ok(signed_by_the_suite_naming_its_key("x5u", with))),
        },
        Entry {
            attack: Attack::PsychicEs256,
            name: "a psychic ES256 signature (CVE-2022-21449)".into(),
            need: Need::P256Key,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                let header = json!({"alg": "ES256", "typ": "JWT", "kid": with.p256_key()?.kid});
                let signing_input = format!(
                    "{}.{}",
                    encode_segment(&header),
                    encode_segment(&with.alice_claims())
                );
                Ok(format!(
                    "{signing_input}.{}",
                    URL_SAFE_NO_PAD.encode([0u8; 64])
                ))
            }),
        },
        Entry {
            attack: Attack::KidOfAnotherKey,
            name: "a token signed by one trusted key under another's kid".into(),
            need: Need::TwoKeys,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(signed_under_another_kid),
        },
    ]
    .into_iter()
    .chain(key_confusion())
    .collect()
}

/// HS256 with each trusted key type's public key, in each of its encodings,
/// as the secret, under the key's `kid`.
fn key_confusion() -> Vec<Entry> {
    let mut entries = Vec::new();
    for family in Family::ALL {
        for encoding in Encoding::ALL {
            if !encoding.applies_to(family) {
                continue;
            }
            entries.push(Entry {
                attack: Attack::KeyAsHmac(family, encoding),
                name: format!(
                    "HS256 with the {} public key {}",
                    family.name(),
                    encoding.describe(family)
                ),
                need: Need::Key(family),
                uses_bob: false,
                refusals: UNAUTHORIZED,
                build: Box::new(move |with| {
                    let key = with.key_of(family)?;
                    let secret = key.encoded(encoding).ok_or(Need::Key(family))?;
                    let header = json!({"alg": "HS256", "typ": "JWT", "kid": key.kid});
                    Ok(sign_hmac(&header, &with.alice_claims(), &secret))
                }),
            });
        }
    }
    entries
}

/// A fresh token for Alice signed by a spare trusted key under the
/// minter's `kid`.
fn signed_under_another_kid(with: &Ingredients) -> Result<String, Need> {
    let (Some(Minter::BetterAuth(minter)), Some(spare)) = (with.minter, with.spare_keys.first())
    else {
        return Err(Need::TwoKeys);
    };
    let header = json!({"alg": spare.alg, "kid": minter.kid});
    let signing_input = format!(
        "{}.{}",
        encode_segment(&header),
        encode_segment(&with.fresh_claims()?)
    );
    let signature = spare.key.sign(signing_input.as_bytes());
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

/// Alice's claims, HS256 with `key` under the `kid` `kid`.
fn hs256_with_kid(kid: &str, key: &[u8], with: &Ingredients) -> String {
    let header = json!({"alg": "HS256", "typ": "JWT", "kid": kid});
    sign_hmac(&header, &with.alice_claims(), key)
}

/// Alice's claims signed with the suite's key, with the URL it is published
/// at in the header `field`.
fn signed_by_the_suite_naming_its_key(field: &str, with: &Ingredients) -> String {
    let header = json!({"alg": "EdDSA", "kid": ATTACKER_KID, field: with.key_url});
    sign_eddsa(&header, &with.alice_claims(), with.attacker)
}

/// The public half of `key` as a JWK.
pub fn public_jwk(key: &SigningKey) -> Value {
    json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "EdDSA",
        "kid": ATTACKER_KID,
        "x": URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
    })
}
