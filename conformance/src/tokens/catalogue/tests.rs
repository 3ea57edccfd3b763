use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde_json::Value;

use super::*;
use crate::target::profile::Claims;
use crate::target::users::Account;
use crate::tokens::keys::{Family, PublicKey};
use crate::tokens::mint::{Minter, seed_claims};

const SECRET: &[u8] = b"attack-unit-test-secret-0123456789abcdef";

fn account(name: &'static str, token: String) -> Account {
    Account {
        name,
        id: name.to_lowercase(),
        email: format!("{}@example.test", name.to_lowercase()),
        token,
    }
}

/// Alice and Bob with valid tokens from `minter`.
fn alice_and_bob(minter: &Minter) -> (Account, Account) {
    let alice = account(
        "Alice",
        minter.sign(&seed_claims("alice", "a@example.test")),
    );
    let bob = account("Bob", minter.sign(&seed_claims("bob", "b@example.test")));
    (alice, bob)
}

fn verifies(token: &str) -> bool {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_required_spec_claims(&["exp", "sub"]);
    validation.leeway = 0;
    validation.validate_nbf = true;
    decode::<Value>(token, &DecodingKey::from_secret(SECRET), &validation).is_ok()
}

/// A trusted key of each family: the attacker's Ed25519 key, and EC and
/// RSA keys made once (RSA generation is slow).
fn trusted_keys(attacker: &SigningKey) -> Vec<PublicKey> {
    use crate::tokens::SigningIdentity;
    use crate::tokens::keys::Alg;
    static OTHERS: std::sync::LazyLock<Vec<PublicKey>> = std::sync::LazyLock::new(|| {
        [Alg::Es256, Alg::Rs256]
            .map(|alg| SigningIdentity::generate(alg, "", "").public_key())
            .to_vec()
    });
    let mut keys = vec![PublicKey::from_jwk(&public_jwk(attacker)).unwrap()];
    keys.extend(OTHERS.iter().cloned());
    assert!(
        Family::ALL
            .iter()
            .all(|family| keys.iter().any(|key| key.family() == *family))
    );
    keys
}

#[test]
fn names_are_unique_and_round_trip() {
    let catalogue = Attack::catalogue();
    for attack in &catalogue {
        assert_eq!(Attack::named(&attack.name()).as_ref(), Some(attack));
    }
    let mut names: Vec<String> = catalogue.iter().map(Attack::name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), catalogue.len());
}

#[test]
fn no_attack_verifies_under_a_strict_hs256_verifier() {
    let minter = Minter::hs256(SECRET, &Claims::default());
    let (alice, bob) = alice_and_bob(&minter);
    let attacker = SigningKey::from_bytes(&random_bytes());
    let public_keys = trusted_keys(&attacker);
    let with = Ingredients {
        alice: &alice,
        bob: Some(&bob),
        minter: Some(&minter),
        attacker: &attacker,
        key_url: "http://127.0.0.1:9/keys/x",
        trusted_keys: &public_keys,
        spare_keys: &[],
    };
    assert!(verifies(&alice.token), "the control must verify");
    for attack in Attack::catalogue() {
        // Validly signed on purpose: they test the target's claim and
        // header checks, not its signature check.
        if matches!(
            attack,
            Attack::Crit | Attack::DuplicateSub | Attack::IatAhead | Attack::EmptySub
        ) {
            continue;
        }
        // Built only from keys the HS256 profile has none of (no iss/aud,
        // no second key).
        if matches!(attack.need(), Need::Issuer | Need::Audience | Need::TwoKeys) {
            continue;
        }
        let token = attack.token(&with).unwrap();
        assert!(!verifies(&token), "{} verified", attack.name());
    }
}

#[test]
fn attacks_say_what_they_miss() {
    let minter = Minter::hs256(SECRET, &Claims::default());
    let (alice, bob) = alice_and_bob(&minter);
    let attacker = SigningKey::from_bytes(&random_bytes());
    let with = Ingredients {
        alice: &alice,
        bob: Some(&bob),
        minter: None,
        attacker: &attacker,
        key_url: "http://127.0.0.1:9/keys/x",
        trusted_keys: &[],
        spare_keys: &[],
    };
    for attack in Attack::catalogue() {
        match (attack.need(), attack.token(&with)) {
            (Need::Nothing, Ok(_)) => {}
            (need, Err(missing)) => assert_eq!(need, missing, "{}", attack.name()),
            (need, Ok(_)) => panic!("{} built without {need:?}", attack.name()),
        }
    }
}

#[test]
fn the_duplicate_key_payload_has_both_subs() {
    let minter = Minter::hs256(SECRET, &Claims::default());
    let (alice, bob) = alice_and_bob(&minter);
    let attacker = SigningKey::from_bytes(&random_bytes());
    let with = Ingredients {
        alice: &alice,
        bob: Some(&bob),
        minter: Some(&minter),
        attacker: &attacker,
        key_url: "",
        trusted_keys: &[],
        spare_keys: &[],
    };
    let token = Attack::DuplicateSub.token(&with).unwrap();
    let payload = URL_SAFE_NO_PAD
        .decode(token.split('.').nth(1).unwrap())
        .unwrap();
    let text = String::from_utf8(payload).unwrap();
    assert!(
        text.contains(r#""sub":"alice""#) && text.ends_with(r#","sub":"bob"}"#),
        "{text}"
    );
}

#[test]
fn every_attack_has_one_entry() {
    for entry in TABLE.iter() {
        let entries = TABLE.iter().filter(|other| other.attack == entry.attack);
        assert_eq!(entries.count(), 1, "{:?}", entry.attack);
    }
}

/// The reference server must not start with a secret the suite would forge
/// with: the list it checks holds every one of the catalogue's guesses.
#[test]
fn the_reference_server_refuses_every_weak_secret_tried_here() {
    let guesses: Vec<&str> = Attack::catalogue()
        .into_iter()
        .filter_map(|attack| match attack {
            Attack::WeakSecret(secret) => Some(secret),
            _ => None,
        })
        .collect();
    assert!(!guesses.is_empty());
    for secret in guesses {
        assert!(
            todo_reference_server::config::is_well_known_secret(secret),
            "{secret:?} is not in reference-server/src/config/weak_secrets.txt"
        );
        assert!(matches!(
            todo_reference_server::Secret::new(secret),
            Err(todo_reference_server::ConfigError::WellKnownSecret)
        ));
    }
}
