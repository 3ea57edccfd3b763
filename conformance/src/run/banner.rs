//! The lines printed before the scenarios run: what is tested, with which
//! tokens, users and keys, and how strictly.

use crate::run::api::Settled;
use crate::run::sources::Sources;
use crate::target::profile::Profile;
use crate::target::users::{GivenUsers, UserSource};
use crate::tokens::PublicKey;

/// What the run found out while preparing, for the banner.
pub struct Banner<'a> {
    pub base_url: &'a str,
    /// The bundled server's database, when the target is that server.
    pub bundled: Option<&'a str>,
    pub profile: &'a Profile,
    /// The OpenAPI document and how the profile came about.
    pub api: &'a Settled,
    pub sources: &'a Sources,
    pub given: Option<&'a GivenUsers>,
    pub trusted_keys: &'a [PublicKey],
    pub strict: bool,
}

impl Banner<'_> {
    /// To stderr: stdout is the scenarios'.
    pub fn print(&self) {
        let bundled = self
            .bundled
            .map(|database| format!(" (bundled reference server, on {database})"))
            .unwrap_or_default();
        eprintln!("target:  {}{bundled}", self.base_url);
        eprintln!("openapi: {}", self.api.document_line());
        eprintln!("profile: {}", self.api.profile_line());
        eprintln!("tokens:  {}", self.tokens());
        eprintln!("users:   {}", self.users());
        eprintln!("keys:    {}", self.keys());
        eprintln!(
            "strict:  {}",
            if self.strict {
                "deviations and @should checks fail the run"
            } else {
                "deviations and @should checks are reported as non-strict"
            }
        );
    }

    fn tokens(&self) -> String {
        match &self.sources.minter {
            Some(minter) => minter.describe(),
            None => {
                "the target's own (forgeries need no key); no key to mint valid tokens".to_owned()
            }
        }
    }

    fn users(&self) -> String {
        match self.sources.users {
            UserSource::Mint => "made up, with minted tokens, fresh for every scenario".to_owned(),
            UserSource::Register => format!(
                "registered on the target's {}, fresh for every scenario",
                self.profile.routes.register
            ),
            UserSource::BetterAuth => format!(
                "signed up on Better Auth at {}, fresh for every scenario",
                self.sources.better_auth.as_deref().unwrap_or_default()
            ),
            UserSource::Given => self.given.map_or_else(String::new, |given| {
                format!(
                    "given: Alice {} and Bob {}, shared, so scenarios run one at a time",
                    given.alice.id, given.bob.id
                )
            }),
        }
    }

    fn keys(&self) -> String {
        if self.trusted_keys.is_empty() {
            return "no public key of the target (key-confusion attacks skipped)".to_owned();
        }
        let keys: Vec<String> = self.trusted_keys.iter().map(PublicKey::describe).collect();
        let mut families: Vec<&str> = self
            .trusted_keys
            .iter()
            .map(|key| key.family().name())
            .collect();
        families.dedup();
        format!(
            "the target's public keys {} (key-confusion attacks run for {})",
            keys.join(", "),
            families.join(", ")
        )
    }
}
