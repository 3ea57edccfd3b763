//! The token attack catalogue: jwt_tool's playbook, RFC 8725 and RFC 7519,
//! each as a named token the target must refuse. Feature files name attacks
//! by `Attack::name`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};
use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

use super::{
    Minter, PublicKey, alg_none_with, encode_segment, payload, seed_claims, unix_now, with_exp,
    with_payload, without_signature,
};
use crate::target::profile::Claims;
use crate::target::users::Account;

/// Secrets from tutorials, docs and samples that end up in production.
pub const WEAK_SECRETS: &[&str] = &[
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

/// The `kid` of the shell-injection attack: it sleeps this long if run.
pub const SHELL_SLEEP_SECS: u64 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attack {
    AlgNone(&'static str),
    NullSignature,
    EmptyHmacKey,
    EmbeddedHmacJwk,
    EmbeddedEdDsaJwk,
    KidPathTraversal,
    KidSqlInjection,
    KidShellInjection,
    SubSwapped,
    ExpPushedOut,
    NonBase64Url,
    /// Alice's valid token with junk in its signature segment: decoders
    /// that skip non-alphabet characters (Python's base64, so python-jose)
    /// still verify it.
    NonBase64UrlSignature,
    FiveSegments,
    Whitespace,
    Huge,
    WeakSecret(&'static str),
    Hs384,
    Hs512,
    Crit,
    ExpString,
    NbfString,
    DuplicateSub,
    Jku,
    X5u,
    PublicKeyAsHmac,
    RawPublicKeyAsHmac,
    PsychicEs256,
    Expired10Minutes,
    NoExp,
    NbfAhead,
    IatAhead,
    NoSub,
    EmptySub,
    NumericSub,
}

/// What an attack needs that a run may not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Nothing,
    /// A second user's valid token (always available: the suite makes Bob).
    Bob,
    /// The key the target trusts, to sign otherwise-valid tokens.
    SigningKey,
    /// The target's HS256 secret itself (HS384/HS512 with it).
    Secret,
    /// The target's public key.
    PublicKey,
}

/// Everything an attack may be built from.
pub struct Ingredients<'a> {
    pub alice: &'a Account,
    pub bob: Option<&'a Account>,
    pub minter: Option<&'a Minter>,
    /// The suite's own Ed25519 key, published at `key_url`.
    pub attacker: &'a SigningKey,
    pub key_url: &'a str,
    pub public_key: Option<&'a PublicKey>,
}

/// The `kid` the suite's published key carries.
pub const ATTACKER_KID: &str = "todo-conformance-attacker";

impl Attack {
    /// Every attack, in catalogue order.
    pub fn catalogue() -> Vec<Self> {
        let mut all: Vec<Self> = ["none", "None", "NONE", "nOnE"]
            .into_iter()
            .map(Self::AlgNone)
            .collect();
        all.extend([
            Self::NullSignature,
            Self::EmptyHmacKey,
            Self::EmbeddedHmacJwk,
            Self::EmbeddedEdDsaJwk,
            Self::KidPathTraversal,
            Self::KidSqlInjection,
            Self::KidShellInjection,
            Self::SubSwapped,
            Self::ExpPushedOut,
            Self::NonBase64Url,
            Self::NonBase64UrlSignature,
            Self::FiveSegments,
            Self::Whitespace,
            Self::Huge,
        ]);
        all.extend(WEAK_SECRETS.iter().copied().map(Self::WeakSecret));
        all.extend([
            Self::Hs384,
            Self::Hs512,
            Self::Crit,
            Self::ExpString,
            Self::NbfString,
            Self::DuplicateSub,
            Self::Jku,
            Self::X5u,
            Self::PublicKeyAsHmac,
            Self::RawPublicKeyAsHmac,
            Self::PsychicEs256,
            Self::Expired10Minutes,
            Self::NoExp,
            Self::NbfAhead,
            Self::IatAhead,
            Self::NoSub,
            Self::EmptySub,
            Self::NumericSub,
        ]);
        all
    }

    pub fn named(name: &str) -> Option<Self> {
        Self::catalogue()
            .into_iter()
            .find(|attack| attack.name() == name)
    }

    /// The name the feature files use.
    pub fn name(&self) -> String {
        match self {
            Self::AlgNone(alg) => format!("alg {alg}"),
            Self::WeakSecret(secret) => format!("HMAC with the weak secret {secret}"),
            other => other.fixed_name().to_owned(),
        }
    }

    fn fixed_name(&self) -> &'static str {
        match self {
            Self::AlgNone(_) | Self::WeakSecret(_) => "",
            Self::NullSignature => "a null signature",
            Self::EmptyHmacKey => "HMAC with an empty key",
            Self::EmbeddedHmacJwk => "an embedded HMAC jwk (CVE-2018-0114)",
            Self::EmbeddedEdDsaJwk => "an embedded EdDSA jwk (CVE-2018-0114)",
            Self::KidPathTraversal => "kid path traversal with an empty key",
            Self::KidSqlInjection => "kid SQL injection with the key 1",
            Self::KidShellInjection => "kid shell injection with an empty key",
            Self::SubSwapped => "sub swapped under the original signature",
            Self::ExpPushedOut => "exp pushed out under the original signature",
            Self::NonBase64Url => "non-base64url characters",
            Self::NonBase64UrlSignature => "non-base64url characters in the signature",
            Self::FiveSegments => "five segments (JWE-shaped)",
            Self::Whitespace => "whitespace inside the token",
            Self::Huge => "a 64 KiB token",
            Self::Hs384 => "HS384 with the right secret",
            Self::Hs512 => "HS512 with the right secret",
            Self::Crit => "a crit header naming an unknown extension",
            Self::ExpString => "exp as a string",
            Self::NbfString => "nbf as a string",
            Self::DuplicateSub => "duplicate sub keys",
            Self::Jku => "jku pointing at the suite",
            Self::X5u => "x5u pointing at the suite",
            Self::PublicKeyAsHmac => "the public key as an HS256 secret",
            Self::RawPublicKeyAsHmac => "the raw public key bytes as an HS256 secret",
            Self::PsychicEs256 => "a psychic ES256 signature (CVE-2022-21449)",
            Self::Expired10Minutes => "expired 10 minutes ago",
            Self::NoExp => "no exp",
            Self::NbfAhead => "nbf an hour ahead",
            Self::IatAhead => "iat an hour ahead",
            Self::NoSub => "no sub",
            Self::EmptySub => "an empty sub",
            Self::NumericSub => "a numeric sub",
        }
    }

    /// Whether the attack is built from Bob's token too.
    pub fn uses_bob(&self) -> bool {
        matches!(self, Self::SubSwapped | Self::DuplicateSub)
    }

    pub fn need(&self) -> Need {
        match self {
            Self::Hs384 | Self::Hs512 => Need::Secret,
            Self::DuplicateSub
            | Self::Crit
            | Self::ExpString
            | Self::NbfString
            | Self::Expired10Minutes
            | Self::NoExp
            | Self::NbfAhead
            | Self::IatAhead
            | Self::NoSub
            | Self::EmptySub
            | Self::NumericSub => Need::SigningKey,
            Self::PublicKeyAsHmac | Self::RawPublicKeyAsHmac | Self::PsychicEs256 => {
                Need::PublicKey
            }
            _ => Need::Nothing,
        }
    }

    /// Statuses that count as a refusal. Tokens too garbled to parse may
    /// also be refused as a bad request, or for their size.
    pub fn refusals(&self) -> &'static [u16] {
        match self {
            Self::Huge => &[401, 400, 413, 431],
            Self::NonBase64Url
            | Self::NonBase64UrlSignature
            | Self::FiveSegments
            | Self::Whitespace => &[401, 400],
            // RFC 7519 §4 lets a parser take the last of duplicate members:
            // the last `sub` is Bob's, whose 404 on Alice's path is no leak.
            Self::DuplicateSub => &[401, 404],
            _ => &[401],
        }
    }

    /// The `Authorization` header value carrying the attack, or what is
    /// missing to build it.
    pub fn authorization(&self, with: &Ingredients) -> Result<String, Need> {
        self.token(with).map(|token| format!("Bearer {token}"))
    }

    fn token(&self, with: &Ingredients) -> Result<String, Need> {
        let alice_claims = || {
            payload(&with.alice.token)
                .unwrap_or_else(|| seed_claims(&with.alice.id, &with.alice.email))
        };
        let minter = || with.minter.ok_or(Need::SigningKey);
        let fresh = || minter().map(|minter| minter.claims(&with.alice.id, &with.alice.email));
        let public_key = || with.public_key.ok_or(Need::PublicKey);
        let hs256 = json!({"alg": "HS256", "typ": "JWT"});
        Ok(match self {
            Self::AlgNone(alg) => alg_none_with(alg, &alice_claims()),
            Self::NullSignature => without_signature(&with.alice.token),
            Self::EmptyHmacKey => sign_hmac(&hs256, &alice_claims(), b""),
            Self::EmbeddedHmacJwk => {
                let key = random_bytes();
                let header = json!({"alg": "HS256", "typ": "JWT", "jwk": {"kty": "oct", "k": URL_SAFE_NO_PAD.encode(key)}});
                sign_hmac(&header, &alice_claims(), &key)
            }
            Self::EmbeddedEdDsaJwk => {
                let key = SigningKey::from_bytes(&random_bytes());
                let header = json!({"alg": "EdDSA", "jwk": public_jwk(&key)});
                sign_eddsa(&header, &alice_claims(), &key)
            }
            Self::KidPathTraversal => {
                let header =
                    json!({"alg": "HS256", "typ": "JWT", "kid": "../../../../../../../dev/null"});
                sign_hmac(&header, &alice_claims(), b"")
            }
            Self::KidSqlInjection => {
                let header = json!({"alg": "HS256", "typ": "JWT", "kid": "x' UNION SELECT '1'--"});
                sign_hmac(&header, &alice_claims(), b"1")
            }
            Self::KidShellInjection => {
                let kid = format!(
                    "x$(sleep {SHELL_SLEEP_SECS})`sleep {SHELL_SLEEP_SECS}`|sleep {SHELL_SLEEP_SECS};"
                );
                let header = json!({"alg": "HS256", "typ": "JWT", "kid": kid});
                sign_hmac(&header, &alice_claims(), b"")
            }
            Self::SubSwapped => with_payload(&with.bob.ok_or(Need::Bob)?.token, &alice_claims()),
            Self::ExpPushedOut => with_payload(
                &with.alice.token,
                &with_exp(&alice_claims(), 365 * 24 * 3600),
            ),
            Self::NonBase64Url => with.alice.token.replacen('.', "!*$.", 1),
            Self::NonBase64UrlSignature => {
                let token = &with.alice.token;
                let middle = token
                    .rfind('.')
                    .map_or(token.len(), |dot| dot + (token.len() - dot) / 2);
                format!("{}!*${}", &token[..middle], &token[middle..])
            }
            Self::FiveSegments => format!("{}.AAAA.BBBB", with.alice.token),
            Self::Whitespace => {
                let middle = with.alice.token.len() / 2;
                format!(
                    "{} {}",
                    &with.alice.token[..middle],
                    &with.alice.token[middle..]
                )
            }
            Self::Huge => {
                let mut claims = alice_claims();
                claims["padding"] = json!("A".repeat(64 * 1024));
                sign_hmac(&hs256, &claims, &random_bytes())
            }
            Self::WeakSecret(secret) => sign_hmac(&hs256, &alice_claims(), secret.as_bytes()),
            Self::Hs384 | Self::Hs512 => {
                let algorithm = if *self == Self::Hs384 {
                    Algorithm::HS384
                } else {
                    Algorithm::HS512
                };
                let minter = with.minter.ok_or(Need::Secret)?;
                let claims = minter.claims(&with.alice.id, &with.alice.email);
                minter
                    .sign_hmac_as(algorithm, &claims)
                    .ok_or(Need::Secret)?
            }
            Self::Crit => {
                let extra = json!({"crit": ["x-todo-conformance"], "x-todo-conformance": true});
                minter()?.sign_raw(&extra, &fresh()?.to_string())
            }
            Self::ExpString => {
                let mut claims = fresh()?;
                claims["exp"] = json!((unix_now() + 600).to_string());
                minter()?.sign(&claims)
            }
            Self::NbfString => {
                let mut claims = fresh()?;
                claims["nbf"] = json!((unix_now() - 60).to_string());
                minter()?.sign(&claims)
            }
            Self::DuplicateSub => {
                // Serialised by hand: serde_json cannot write a duplicate key.
                let bob = with.bob.ok_or(Need::Bob)?;
                let claims = fresh()?.to_string();
                let sub = serde_json::to_string(&bob.id).unwrap_or_default();
                let payload = format!("{},\"sub\":{sub}}}", claims.trim_end_matches('}'));
                minter()?.sign_raw(&json!({}), &payload)
            }
            Self::Jku | Self::X5u => {
                let field = if *self == Self::Jku { "jku" } else { "x5u" };
                let header = json!({"alg": "EdDSA", "kid": ATTACKER_KID, field: with.key_url});
                sign_eddsa(&header, &alice_claims(), with.attacker)
            }
            Self::PublicKeyAsHmac | Self::RawPublicKeyAsHmac => {
                let key = public_key()?;
                let header = json!({"alg": "HS256", "typ": "JWT", "kid": key.kid});
                let secret = if *self == Self::PublicKeyAsHmac {
                    key.pem.as_bytes()
                } else {
                    &key.raw[..]
                };
                sign_hmac(&header, &alice_claims(), secret)
            }
            Self::PsychicEs256 => {
                let header = json!({"alg": "ES256", "typ": "JWT", "kid": public_key()?.kid});
                let signing_input = format!(
                    "{}.{}",
                    encode_segment(&header),
                    encode_segment(&alice_claims())
                );
                format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode([0u8; 64]))
            }
            Self::Expired10Minutes => minter()?.sign(&with_exp(&fresh()?, -600)),
            Self::NoExp => minter()?.sign(&without(&fresh()?, "exp")),
            Self::NbfAhead => {
                let mut claims = with_exp(&fresh()?, 7200);
                claims["nbf"] = json!(unix_now() + 3600);
                minter()?.sign(&claims)
            }
            Self::IatAhead => {
                let mut claims = with_exp(&fresh()?, 7200);
                claims["iat"] = json!(unix_now() + 3600);
                minter()?.sign(&claims)
            }
            Self::NoSub => minter()?.sign(&without(&without(&fresh()?, "sub"), "user_id")),
            Self::EmptySub => {
                let mut claims = fresh()?;
                claims["sub"] = json!("");
                claims["user_id"] = json!("");
                minter()?.sign(&claims)
            }
            Self::NumericSub => {
                let mut claims = fresh()?;
                claims["sub"] = json!(1);
                claims["user_id"] = json!(1);
                minter()?.sign(&claims)
            }
        })
    }
}

fn without(claims: &Value, name: &str) -> Value {
    let mut claims = claims.clone();
    if let Some(object) = claims.as_object_mut() {
        object.remove(name);
    }
    claims
}

/// 32 random bytes (from two v4 UUIDs: no extra RNG dependency).
pub fn random_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes
}

/// HS256 over any header, with any key, even an empty one.
fn sign_hmac(header: &Value, claims: &Value, key: &[u8]) -> String {
    Minter::hs256(key, &Claims::default()).sign_raw(header, &claims.to_string())
}

fn sign_eddsa(header: &Value, claims: &Value, key: &SigningKey) -> String {
    let signing_input = format!("{}.{}", encode_segment(header), encode_segment(claims));
    let signature = key.sign(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation, decode};

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
        let public_key = PublicKey::from_jwk(&public_jwk(&attacker)).unwrap();
        let with = Ingredients {
            alice: &alice,
            bob: Some(&bob),
            minter: Some(&minter),
            attacker: &attacker,
            key_url: "http://127.0.0.1:9/keys/x",
            public_key: Some(&public_key),
        };
        assert!(verifies(&alice.token), "the control must verify");
        for attack in Attack::catalogue() {
            let token = attack.token(&with).unwrap();
            // Validly signed on purpose: they test the target's claim and
            // header checks, not its signature check.
            if matches!(
                attack,
                Attack::Crit | Attack::DuplicateSub | Attack::IatAhead | Attack::EmptySub
            ) {
                continue;
            }
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
            public_key: None,
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
            public_key: None,
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
}
