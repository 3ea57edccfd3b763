//! Tokens the suite makes: valid ones, when it knows the target's secret or
//! holds a key it trusts (`mint`), and forgeries, which need no secret at
//! all (`forge`). `catalogue` names the attacks built from them, and
//! `credentials` the `{credentials}` the contract scenarios present.

pub mod catalogue;
pub mod credentials;
pub mod forge;
pub mod issuer;
pub mod key_server;
pub mod keys;
pub mod mint;
#[cfg(test)]
mod testing;

pub mod jws;

pub use forge::with_exp;
pub use jws::payload;
pub use keys::{KeyError, PublicKey, SigningIdentity};
pub use mint::Minter;
