//! The signature and its algorithm: `alg` none, a null signature, empty and
//! weak HMAC keys, HMAC algorithms outside the allow-list, and a `crit`
//! header the verifier cannot honour.

use jsonwebtoken::Algorithm;
use serde_json::json;

use super::attack::{Attack, Entry, Ingredients, Need, UNAUTHORIZED};
use crate::tokens::forge::{alg_none_with, hs256_header, sign_hmac, without_signature};

/// Spellings of `none` that case-insensitive checks miss.
const NONE_SPELLINGS: &[&str] = &["none", "None", "NONE", "nOnE"];

/// Secrets from tutorials, docs and samples that end up in production.
const WEAK_SECRETS: &[&str] = &[
    "secret",
    "changeme",
    "your-secret-key",
    "your-256-bit-secret",
    "a-string-secret-at-least-256-bits-long",
    "shhhhh",
    "secretkey",
    "supersecret",
    "mysecret",
    "jwt_secret",
    "your_jwt_secret",
    "password",
    "123456",
    "test",
    "key",
];

pub(super) fn entries() -> Vec<Entry> {
    let alg_none = NONE_SPELLINGS.iter().map(|&alg| Entry {
        attack: Attack::AlgNone(alg),
        name: format!("alg {alg}"),
        need: Need::Nothing,
        uses_bob: false,
        refusals: UNAUTHORIZED,
        build: Box::new(move |with| Ok(alg_none_with(alg, &with.alice_claims()))),
    });
    let weak_secrets = WEAK_SECRETS.iter().map(|&secret| Entry {
        attack: Attack::WeakSecret(secret),
        name: format!("HMAC with the weak secret {secret}"),
        need: Need::Nothing,
        uses_bob: false,
        refusals: UNAUTHORIZED,
        build: Box::new(move |with| {
            Ok(sign_hmac(
                &hs256_header(),
                &with.alice_claims(),
                secret.as_bytes(),
            ))
        }),
    });
    let fixed = [
        Entry {
            attack: Attack::NullSignature,
            name: "a null signature".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| Ok(without_signature(&with.alice.token))),
        },
        Entry {
            attack: Attack::EmptyHmacKey,
            name: "HMAC with an empty key".into(),
            need: Need::Nothing,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| Ok(sign_hmac(&hs256_header(), &with.alice_claims(), b""))),
        },
        Entry {
            attack: Attack::Hs384,
            name: "HS384 with the right secret".into(),
            need: Need::Secret,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| with_the_secret_as(Algorithm::HS384, with)),
        },
        Entry {
            attack: Attack::Hs512,
            name: "HS512 with the right secret".into(),
            need: Need::Secret,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| with_the_secret_as(Algorithm::HS512, with)),
        },
        Entry {
            attack: Attack::Crit,
            name: "a crit header naming an unknown extension".into(),
            need: Need::SigningKey,
            uses_bob: false,
            refusals: UNAUTHORIZED,
            build: Box::new(|with| {
                let extra = json!({"crit": ["x-todo-conformance"], "x-todo-conformance": true});
                Ok(with
                    .minter()?
                    .sign_raw(&extra, &with.fresh_claims()?.to_string()))
            }),
        },
    ];
    alg_none.chain(weak_secrets).chain(fixed).collect()
}

/// A fresh token for Alice signed with the target's HS256 secret under
/// another HMAC `algorithm`.
fn with_the_secret_as(algorithm: Algorithm, with: &Ingredients) -> Result<String, Need> {
    let minter = with.minter.ok_or(Need::Secret)?;
    let claims = minter.claims(&with.alice.id, &with.alice.email);
    minter.sign_hmac_as(algorithm, &claims).ok_or(Need::Secret)
}
