//! The vocabulary of the feature files: the `{route}`, `{credentials}`,
//! `{completion}` and `{input}` parameters of the step expressions.

use std::str::FromStr;

use reqwest::Method;
use serde_json::{Value, json};

use crate::tokens::keys::Family;

/// A contract route, as the scenarios name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, cucumber::Parameter, serde::Serialize)]
#[param(name = "route", regex = "list|create|get|update|delete|toggle|logout")]
#[serde(rename_all = "lowercase")]
pub enum Route {
    List,
    Create,
    Get,
    Update,
    Delete,
    Toggle,
    Logout,
}

impl FromStr for Route {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        [
            Self::List,
            Self::Create,
            Self::Get,
            Self::Update,
            Self::Delete,
            Self::Toggle,
            Self::Logout,
        ]
        .into_iter()
        .find(|route| route.name() == text)
        .ok_or_else(|| format!("unknown route {text:?}"))
    }
}

impl Route {
    /// The name the scenarios use.
    pub fn name(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Create => "create",
            Self::Get => "get",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::Toggle => "toggle",
            Self::Logout => "logout",
        }
    }
}

/// The methods a profile may give the update and toggle routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum WriteMethod {
    Put,
    Patch,
    Post,
}

impl WriteMethod {
    pub fn method(self) -> Method {
        match self {
            Self::Put => Method::PUT,
            Self::Patch => Method::PATCH,
            Self::Post => Method::POST,
        }
    }
}

/// A task or user id as text: targets write ids as strings or numbers.
/// Anything else is no id.
pub fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(id) => Some(id.clone()),
        Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

/// The id of a task in the contract's shape (see `Profile::task`), as
/// text; empty when it has none.
pub fn id_of(task: &Value) -> String {
    task.get("id").and_then(id_text).unwrap_or_default()
}

/// What a request presents as its credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "credentials",
    regex = "no Authorization header|Basic credentials|an empty Bearer|a non-JWT Bearer|Alice's token|Bob's token|a token signed with another secret|Bob's token with its payload set to Alice|an alg none token|a token without its signature|a token that expired an hour ago|the same token expiring in an hour"
)]
pub enum Credentials {
    None,
    Basic,
    EmptyBearer,
    NonJwtBearer,
    AlicesToken,
    BobsToken,
    OtherSecret,
    PayloadSetToAlice,
    AlgNone,
    NoSignature,
    ExpiredAnHourAgo,
    SameExpiringInAnHour,
}

impl FromStr for Credentials {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Ok(match text {
            "no Authorization header" => Self::None,
            "Basic credentials" => Self::Basic,
            "an empty Bearer" => Self::EmptyBearer,
            "a non-JWT Bearer" => Self::NonJwtBearer,
            "Alice's token" => Self::AlicesToken,
            "Bob's token" => Self::BobsToken,
            "a token signed with another secret" => Self::OtherSecret,
            "Bob's token with its payload set to Alice" => Self::PayloadSetToAlice,
            "an alg none token" => Self::AlgNone,
            "a token without its signature" => Self::NoSignature,
            "a token that expired an hour ago" => Self::ExpiredAnHourAgo,
            "the same token expiring in an hour" => Self::SameExpiringInAnHour,
            other => return Err(format!("unknown credentials {other:?}")),
        })
    }
}

/// `completed` or `not completed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "completion", regex = "completed|not completed")]
pub struct Completion(pub bool);

impl FromStr for Completion {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "completed" => Ok(Self(true)),
            "not completed" => Ok(Self(false)),
            other => Err(format!("unknown completion {other:?}")),
        }
    }
}

/// A task body the contract refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "input",
    regex = "an empty title|a 201-character title|a 1001-character description"
)]
pub enum InvalidInput {
    EmptyTitle,
    LongTitle,
    LongDescription,
}

impl FromStr for InvalidInput {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Ok(match text {
            "an empty title" => Self::EmptyTitle,
            "a 201-character title" => Self::LongTitle,
            "a 1001-character description" => Self::LongDescription,
            other => return Err(format!("unknown input {other:?}")),
        })
    }
}

impl InvalidInput {
    pub fn body(self) -> Value {
        match self {
            Self::EmptyTitle => json!({"title": ""}),
            Self::LongTitle => json!({"title": "t".repeat(201)}),
            Self::LongDescription => json!({"title": "ok", "description": "d".repeat(1001)}),
        }
    }
}

/// Whether the user can make a skipped scenario run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SkipKind {
    /// The run lacks what the user can give it (a key, `--better-auth`, an
    /// issuer the suite drives): the reason says how.
    Unlockable,
    /// The target lacks what the check needs (a logout route, JWTs of its
    /// own), or the suite cannot judge it there yet: no flag helps.
    Unsupported,
}

/// Why a scenario cannot run here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub reason: String,
    pub kind: SkipKind,
}

impl Skip {
    pub fn unlockable(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            kind: SkipKind::Unlockable,
        }
    }

    pub fn unsupported(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            kind: SkipKind::Unsupported,
        }
    }
}

/// What a scenario needs of the run, as the feature files tag it
/// (`@needs-secret`, `@load`, ...): a run that lacks it skips the scenario,
/// with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// A key the target trusts, to mint valid tokens.
    SigningKey,
    /// The target's HS256 secret.
    Secret,
    /// A trusted Ed25519 public key, for the key-confusion attacks.
    Ed25519Key,
    /// A trusted EC public key (P-256, P-384 or P-521).
    EcKey,
    /// A trusted RSA public key.
    RsaKey,
    /// A trusted ES256 (P-256) public key.
    P256Key,
    /// Two trusted keys whose private halves the suite holds.
    TwoKeys,
    /// The `iss` the target expects, which the minter claims.
    ExpectedIssuer,
    /// The `aud` the target expects, which the minter claims.
    ExpectedAudience,
    /// A logout route.
    Logout,
    /// Register and login routes.
    AccountRoutes,
    /// Routes that name the user in the path.
    UserInPath,
    /// Many fresh users at once, for the load scenario.
    Load,
    /// Sign-up and login routes whose login issues a JWT, whose claims the
    /// suite reads.
    IssuedJwt,
    /// The target's OpenAPI document, for the sweep of its operations.
    OpenApi,
    /// `todo-conformance issuer`'s control API, to change the JWKS the
    /// target trusts while it runs (the key-lifecycle scenarios).
    IssuerControl,
}

impl Capability {
    /// The capability of a trusted key of `family`, for the key-confusion
    /// scenarios.
    pub fn key_of(family: Family) -> Self {
        match family {
            Family::Ed25519 => Self::Ed25519Key,
            Family::Ec => Self::EcKey,
            Family::Rsa => Self::RsaKey,
        }
    }

    /// The feature files' tag, without `@`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::SigningKey => "needs-signing-key",
            Self::Secret => "needs-secret",
            Self::Ed25519Key => "needs-ed25519-key",
            Self::EcKey => "needs-ec-key",
            Self::RsaKey => "needs-rsa-key",
            Self::P256Key => "needs-p256-key",
            Self::TwoKeys => "needs-two-keys",
            Self::ExpectedIssuer => "needs-expected-issuer",
            Self::ExpectedAudience => "needs-expected-audience",
            Self::Logout => "needs-logout",
            Self::AccountRoutes => "needs-account-routes",
            Self::UserInPath => "user-in-path",
            Self::Load => "load",
            Self::IssuedJwt => "needs-issued-jwt",
            Self::OpenApi => "needs-openapi",
            Self::IssuerControl => "needs-issuer-control",
        }
    }
}
