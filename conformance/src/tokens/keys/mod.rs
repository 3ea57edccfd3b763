//! Keys of every algorithm Better Auth issues tokens with: EdDSA (Ed25519),
//! ES256 (P-256), ES512 (P-521), RS256 and PS256 (RSA 2048).
//!
//! - `private`: a private key of each family, generated or read from a
//!   private JWK, and how it signs (Better Auth's raw `r‖s` for ECDSA);
//! - `identity`: a private key with its `kid` and the `iss`/`aud` to
//!   claim, and the key files that hold one key or a set;
//! - `public`: a public key the target trusts, read from its JWKS;
//! - `encodings`: the forms a public key takes (PEM, OpenSSH, DER, JWK
//!   text, raw), which key-confusion attacks use as HMAC secrets;
//! - `jwk`: the base64url members of a JWK; `alg`, `error`: the
//!   algorithms, and why a key file cannot be used.

mod alg;
mod encodings;
mod error;
mod identity;
mod jwk;
mod private;
mod public;

pub use alg::Alg;
pub use encodings::Encoding;
pub use error::KeyError;
pub use identity::SigningIdentity;
pub use public::{Family, PublicKey};

#[cfg(test)]
mod tests;
