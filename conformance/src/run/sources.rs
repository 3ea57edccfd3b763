//! Where the run's tokens, users and public key come from, decided from the
//! flags, and which scenarios that leaves unable to run, with how to regain
//! them.

use std::time::Duration;

use crate::contract::{Capability, Skip};
use crate::run::cli::Cli;
use crate::target::profile::Profile;
use crate::target::users::UserSource;
use crate::tokens::issuer::remote::RemoteIssuer;
use crate::tokens::keys::Family;
use crate::tokens::{KeyError, Minter, PublicKey, SigningIdentity};

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(
        "no token source for {0}: pass --secret (or set BETTER_AUTH_SECRET), --signing-key FILE, --better-auth URL, or --users register"
    )]
    Nothing(String),
    #[error("--users mint needs a key to mint with: --secret or --signing-key")]
    MintWithoutKey,
    #[error("--given-users goes with --users given")]
    GivenUsersWithout,
    #[error("--users better-auth needs --better-auth URL")]
    BetterAuthWithoutUrl,
    #[error(
        "--signing-key needs the `iss` to claim: pass --token-issuer URL (what the target expects, usually Better Auth's base URL) or --better-auth URL"
    )]
    SigningKeyWithoutIssuer,
    #[error(transparent)]
    Key(#[from] KeyError),
}

pub struct Sources {
    pub minter: Option<Minter>,
    /// The key file's other private keys (a JWK Set's keys after the first).
    pub spare_keys: Vec<SigningIdentity>,
    pub users: UserSource,
    pub better_auth: Option<String>,
    /// Where the minting key came from, and so what to check when the
    /// target refuses what it signs.
    pub key: KeyOrigin,
    /// The control API of `todo-conformance issuer`, when the key file it
    /// wrote is the signing key: for the key-lifecycle scenarios.
    pub issuer: Option<RemoteIssuer>,
    /// `--jwks-wait`: how long they wait for the target to take up a change.
    pub jwks_wait: Duration,
}

/// Why the bundled server cannot run what a key, an issuer or a JWKS
/// would unlock against another target.
const BUNDLED: &str = "the bundled server checks HS256 alone; run the reference server in JWKS mode (BETTER_AUTH_URL) and give --base-url";

/// What a dry run without a key mints with: never sent anywhere.
const PLACEHOLDER_SECRET: &str = "<the target's secret>";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    /// The suite chose it, for the bundled server.
    Chosen,
    SecretFlag,
    /// BETTER_AUTH_SECRET, from the environment.
    SecretEnvironment,
    SigningKey,
    /// `--dry-run` with no key: nothing is sent, so a placeholder stands
    /// for the secret a run would need.
    Placeholder,
    None,
}

impl KeyOrigin {
    /// What to check when the target refuses tokens signed with this key.
    pub fn check(self) -> &'static str {
        match self {
            Self::Chosen | Self::Placeholder | Self::None => "",
            Self::SecretFlag => "check that --secret is the target's token secret",
            Self::SecretEnvironment => {
                "the secret is BETTER_AUTH_SECRET from this environment: check that it is the target's token secret, and if it is set there for something else, unset it"
            }
            Self::SigningKey => {
                "check that the target trusts --signing-key with that --token-issuer/--token-audience"
            }
        }
    }
}

impl Sources {
    /// For the bundled reference server, whose secret the suite chose.
    /// The flags for an external target need `--base-url` (clap says so),
    /// so users are minted or registered.
    pub fn bundled(cli: &Cli, secret: &str, profile: &Profile) -> Self {
        let users = if cli.users == Some(UserSource::Register) {
            UserSource::Register
        } else {
            UserSource::Mint
        };
        Self {
            minter: Some(Minter::hs256(secret.as_bytes(), &profile.claims)),
            spare_keys: Vec::new(),
            users,
            better_auth: None,
            key: KeyOrigin::Chosen,
            issuer: None,
            jwks_wait: Duration::from_secs(cli.jwks_wait),
        }
    }

    /// For `--base-url`. The rules clap cannot check are checked here: they
    /// depend on the profile, on an empty BETTER_AUTH_SECRET, or on which
    /// `--users` value goes with which flag.
    pub fn external(cli: &Cli, profile: &Profile) -> Result<Self, SourceError> {
        let given = cli.secret.as_deref().filter(|secret| !secret.is_empty());
        let placeholder = cli.dry_run
            && given.is_none()
            && cli.signing_key.is_none()
            && cli.better_auth.is_none()
            && cli.users.is_none_or(|users| users == UserSource::Mint);
        let secret = given.or(placeholder.then_some(PLACEHOLDER_SECRET));
        let better_auth = cli
            .better_auth
            .as_ref()
            .map(|url| url.trim_end_matches('/').to_owned());
        // A private key is the more specific choice: it wins over a secret.
        let mut spare_keys = Vec::new();
        let minter = match (&cli.signing_key, secret) {
            (Some(path), _) => {
                spare_keys = key_file(path, cli, profile, better_auth.as_deref())?;
                Some(Minter::BetterAuth(Box::new(spare_keys.remove(0))))
            }
            (None, Some(secret)) => Some(Minter::hs256(secret.as_bytes(), &profile.claims)),
            (None, None) => None,
        };
        let users = match (cli.users, &better_auth, &minter) {
            (Some(UserSource::Mint), _, None) => return Err(SourceError::MintWithoutKey),
            (Some(users), _, _) if users != UserSource::Given && cli.given_users.is_some() => {
                return Err(SourceError::GivenUsersWithout);
            }
            (Some(UserSource::BetterAuth), None, _) => {
                return Err(SourceError::BetterAuthWithoutUrl);
            }
            (Some(users), _, _) => users,
            (None, _, _) if cli.given_users.is_some() => UserSource::Given,
            (None, Some(_), _) => UserSource::BetterAuth,
            (None, None, Some(_)) => UserSource::Mint,
            (None, None, None) => {
                return Err(SourceError::Nothing(
                    cli.base_url.clone().unwrap_or_default(),
                ));
            }
        };
        let key = match (&cli.signing_key, secret) {
            (Some(_), _) => KeyOrigin::SigningKey,
            (None, Some(_)) if placeholder => KeyOrigin::Placeholder,
            (None, Some(_)) if cli.secret_from_environment => KeyOrigin::SecretEnvironment,
            (None, Some(_)) => KeyOrigin::SecretFlag,
            (None, None) => KeyOrigin::None,
        };
        Ok(Self {
            minter,
            spare_keys,
            users,
            better_auth,
            key,
            issuer: cli
                .signing_key
                .as_deref()
                .and_then(RemoteIssuer::from_key_file),
            jwks_wait: Duration::from_secs(cli.jwks_wait),
        })
    }

    /// The target's trusted public keys, when the sources alone tell them:
    /// the key file's (the minter's and its spare keys), or none at all.
    /// `None` with --better-auth, whose JWKS is read at run time.
    pub fn known_keys(&self) -> Option<Vec<PublicKey>> {
        if self.better_auth.is_some() {
            return None;
        }
        let minter = self.minter.as_ref().and_then(Minter::public_key);
        Some(
            minter
                .into_iter()
                .chain(self.spare_keys.iter().map(SigningIdentity::public_key))
                .collect(),
        )
    }

    /// What the scenarios need and these sources cannot give, and why: all
    /// of it the user can give, but to the bundled server.
    pub fn unavailable(&self) -> Vec<(Capability, Skip)> {
        let mut unavailable = Vec::new();
        let mut lacks = |capability, need: &str, how: &str| {
            unavailable.push((capability, self.unlockable(need, how)));
        };
        if self.minter.is_none() {
            lacks(
                Capability::SigningKey,
                "needs a key the target trusts to mint tokens",
                "pass --secret, or --signing-key with a private JWK the target trusts, or point the target at `todo-conformance issuer`",
            );
        }
        if let Some(minter) = &self.minter {
            if minter.issuer().is_none() {
                lacks(
                    Capability::ExpectedIssuer,
                    "needs the `iss` the target expects, and its tokens claim none",
                    "set `issuer` in the profile's [claims] (or pass --signing-key with --token-issuer)",
                );
            }
            if minter.audience().is_none() {
                lacks(
                    Capability::ExpectedAudience,
                    "needs the `aud` the target expects, and its tokens claim none",
                    "set `audience` in the profile's [claims] (or pass --signing-key with --token-audience)",
                );
            }
        }
        if !matches!(self.minter, Some(Minter::Hs256(..))) {
            lacks(
                Capability::Secret,
                "needs the target's HS256 secret",
                "pass --secret",
            );
        }
        if self.issuer.is_none() {
            lacks(
                Capability::IssuerControl,
                "needs an issuer the suite can drive",
                "run `todo-conformance issuer`, point the target at it, and pass the key file it wrote as --signing-key",
            );
        }
        // Known before the run unless they come from --better-auth's JWKS
        // (`prepare::trusted_keys` adds those): --list says which key types
        // are missing too.
        if let Some(keys) = self.known_keys() {
            unavailable.extend(self.key_gaps(&keys));
        }
        unavailable
    }

    /// What a scenario needs, and how the user gives it to a run against
    /// their own target; the bundled server cannot take it: it verifies
    /// HS256 tokens with the secret the suite chose, with no public key,
    /// issuer or audience.
    fn unlockable(&self, need: &str, how: &str) -> Skip {
        if self.key == KeyOrigin::Chosen {
            Skip::unsupported(format!("{need}: {BUNDLED}"))
        } else {
            Skip::unlockable(format!("{need}: {how}"))
        }
    }

    /// The key-dependent capabilities `keys` (the target's trusted public
    /// keys) cannot give, with the reason. Knowing none of them, the user
    /// can unlock every key attack; knowing the key file's, they can add a
    /// key of a missing type to it; knowing the target's JWKS, an attack on
    /// a key type it does not hold cannot run against it.
    pub fn key_gaps(&self, keys: &[PublicKey]) -> Vec<(Capability, Skip)> {
        let missing = Family::ALL
            .into_iter()
            .filter(|family| !keys.iter().any(|key| key.family() == *family))
            .map(|family| (Capability::key_of(family), family.name()))
            .chain(
                (!keys.iter().any(PublicKey::is_p256))
                    .then_some((Capability::P256Key, "ES256 (P-256)")),
            );
        let described: Vec<String> = keys.iter().map(PublicKey::describe).collect();
        let described = described.join(", ");
        let mut gaps: Vec<(Capability, Skip)> = missing
            .map(|(capability, name)| {
                let skip = if keys.is_empty() {
                    self.unlockable(
                        "needs the target's public keys, and the suite knows none",
                        "pass --better-auth URL for its JWKS, or --signing-key",
                    )
                } else if self.better_auth.is_some() {
                    Skip::unsupported(format!(
                        "needs a trusted {name} public key, and the target's JWKS holds {described}"
                    ))
                } else {
                    Skip::unlockable(format!(
                        "needs a trusted {name} public key, and the key file holds {described}: add a key of that type the target trusts to it (`todo-conformance issuer --alg`), or pass --better-auth URL"
                    ))
                };
                (capability, skip)
            })
            .collect();
        if self.spare_keys.is_empty() {
            gaps.push((
                Capability::TwoKeys,
                self.unlockable(
                    "needs two trusted keys whose private halves the suite holds",
                        "run `todo-conformance issuer` with two --alg and pass its key file to --signing-key",
                ),
            ));
        }
        gaps
    }

    /// The load scenario needs many fresh users; given users are two.
    pub fn load_unavailable(&self) -> Option<(Capability, Skip)> {
        (self.users == UserSource::Given).then(|| {
            (
                Capability::Load,
                Skip::unlockable(
                    "the load scenario needs many fresh users, and --users given has two: run it with made-up users",
                ),
            )
        })
    }
}

/// The keys of the `--signing-key` file at `path` (never empty), claiming
/// the `iss` and `aud` the flags, the profile or Better Auth's URL name.
fn key_file(
    path: &std::path::Path,
    cli: &Cli,
    profile: &Profile,
    better_auth: Option<&str>,
) -> Result<Vec<SigningIdentity>, SourceError> {
    let issuer = cli
        .token_issuer
        .clone()
        .or_else(|| profile.claims.issuer.clone())
        .or_else(|| better_auth.map(str::to_owned))
        .ok_or(SourceError::SigningKeyWithoutIssuer)?;
    let audience = cli
        .token_audience
        .clone()
        .or_else(|| profile.claims.audience.clone())
        .unwrap_or_else(|| issuer.clone());
    Ok(SigningIdentity::read(path, &issuer, &audience)?)
}
