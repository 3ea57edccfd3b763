//! The `{credentials}` of the contract scenarios (`contract::Credentials`):
//! what a request presents in its `Authorization` header, from nothing at
//! all to forgeries of Alice's token. Unlike the catalogue's attacks, the
//! forgeries are built from Alice's own claims only, never the seed design's.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::forge::with_exp;
use super::forge::{alg_none_with, signed_with_another_secret, with_payload, without_signature};
use super::jws::{payload, unix_now};
use super::mint::Minter;
use crate::contract::Credentials;
use crate::target::users::Account;

/// What `{credentials}` are built from.
pub struct Holdings<'a> {
    pub alice: &'a Account,
    /// Bob, when `Credentials::uses_bob`.
    pub bob: Option<&'a Account>,
    /// The key the target trusts, if the run has it.
    pub minter: Option<&'a Minter>,
    /// The claims of the expired token an earlier step minted, for its
    /// control: "a token that expired an hour ago" sets them, "the same
    /// token expiring in an hour" signs them again.
    pub expired: &'a mut Option<Value>,
}

/// What building `{credentials}` lacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lacking {
    Bob,
    /// The key the target trusts, to mint with.
    SigningKey,
    /// Claims to forge variants of: Alice's token is not a JWT with a JSON
    /// payload.
    AliceClaims,
    /// An expired token from an earlier step, to renew.
    ExpiredToken,
}

impl Credentials {
    /// Whether the credentials are built from Bob's token.
    pub fn uses_bob(self) -> bool {
        matches!(self, Self::BobsToken | Self::PayloadSetToAlice)
    }

    /// The `Authorization` header value presented (`None`: no header), or
    /// what is lacking to build it.
    pub fn authorization(self, with: &mut Holdings) -> Result<Option<String>, Lacking> {
        let alice = with.alice;
        let claims = || payload(&alice.token).ok_or(Lacking::AliceClaims);
        let bob = || with.bob.ok_or(Lacking::Bob);
        let minter = with.minter.ok_or(Lacking::SigningKey);
        let bearer = |token: String| Some(format!("Bearer {token}"));
        Ok(match self {
            Self::None => None,
            Self::Basic => Some(format!(
                "Basic {}",
                STANDARD.encode(format!("{}:password", alice.email))
            )),
            Self::EmptyBearer => Some("Bearer ".to_owned()),
            Self::NonJwtBearer => Some("Bearer this-is-not-a-jwt".to_owned()),
            Self::AlicesToken => bearer(alice.token.clone()),
            Self::BobsToken => bearer(bob()?.token.clone()),
            Self::OtherSecret => bearer(signed_with_another_secret(&claims()?)),
            Self::PayloadSetToAlice => bearer(with_payload(&bob()?.token, &claims()?)),
            Self::AlgNone => bearer(alg_none_with("none", &claims()?)),
            Self::NoSignature => bearer(without_signature(&alice.token)),
            Self::ExpiredAnHourAgo => {
                let minter = minter?;
                let claims = minter.claims(&alice.id, &alice.email);
                let mut expired = with_exp(&claims, -3600);
                expired["iat"] = json!(unix_now() - 7200);
                let token = minter.sign(&expired);
                *with.expired = Some(expired);
                bearer(token)
            }
            Self::SameExpiringInAnHour => {
                let minter = minter?;
                let expired = with.expired.as_ref().ok_or(Lacking::ExpiredToken)?;
                bearer(minter.sign(&with_exp(expired, 3600)))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::profile::Claims;
    use crate::tokens::mint::seed_claims;

    fn alice(token: String) -> Account {
        Account {
            name: "Alice",
            id: "alice".to_owned(),
            email: "a@example.test".to_owned(),
            token,
        }
    }

    fn claims_of(authorization: &str) -> Value {
        payload(authorization.strip_prefix("Bearer ").unwrap()).unwrap()
    }

    #[test]
    fn the_renewed_token_is_the_expired_one_an_hour_ahead() {
        let minter = Minter::hs256(b"credentials-unit-test-secret", &Claims::default());
        let alice = alice(minter.sign(&seed_claims("alice", "a@example.test")));
        let mut expired = None;
        let mut with = Holdings {
            alice: &alice,
            bob: None,
            minter: Some(&minter),
            expired: &mut expired,
        };
        let renew = Credentials::SameExpiringInAnHour;
        assert_eq!(renew.authorization(&mut with), Err(Lacking::ExpiredToken));
        let old = Credentials::ExpiredAnHourAgo.authorization(&mut with);
        let old = claims_of(&old.unwrap().unwrap());
        let new = claims_of(&renew.authorization(&mut with).unwrap().unwrap());
        let now = unix_now();
        assert!(old["exp"].as_u64().unwrap() < now && new["exp"].as_u64().unwrap() > now);
        assert_eq!((&old["iat"], &old["sub"]), (&new["iat"], &new["sub"]));
        assert_eq!(expired, Some(old));
    }

    #[test]
    fn each_says_what_it_lacks_first() {
        let alice = alice("not-a-jwt".to_owned());
        let mut expired = None;
        let mut with = Holdings {
            alice: &alice,
            bob: None,
            minter: None,
            expired: &mut expired,
        };
        let mut lacks = |credentials: Credentials| credentials.authorization(&mut with).err();
        assert_eq!(lacks(Credentials::OtherSecret), Some(Lacking::AliceClaims));
        assert_eq!(lacks(Credentials::AlgNone), Some(Lacking::AliceClaims));
        assert_eq!(lacks(Credentials::PayloadSetToAlice), Some(Lacking::Bob));
        assert_eq!(
            lacks(Credentials::ExpiredAnHourAgo),
            Some(Lacking::SigningKey)
        );
        assert_eq!(
            lacks(Credentials::SameExpiringInAnHour),
            Some(Lacking::SigningKey)
        );
        assert_eq!(lacks(Credentials::NoSignature), None);
        assert_eq!(
            Credentials::None.authorization(&mut with),
            Ok(None),
            "no header at all"
        );
    }
}
