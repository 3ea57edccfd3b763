//! The bounds the configuration is checked against, shared by the parts of
//! `config` that read a variable bounded by one of them.

use std::time::Duration;

/// HS256 keys shorter than this are guessable offline from a single token.
pub const MIN_SECRET_BYTES: usize = 32;
/// Longer lifetimes make a stolen token good for too long.
pub const MAX_TOKEN_TTL: Duration = Duration::from_secs(365 * 24 * 60 * 60);
/// A leeway beyond this is no longer clock skew.
pub const MAX_LEEWAY: Duration = Duration::from_secs(60 * 60);
/// The bound of the database connect, request and header read timeouts:
/// beyond ten minutes a timeout no longer protects anything.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(600);
