//! Why a key file cannot be used.

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("could not read the signing key {path}: {reason}")]
    Read { path: String, reason: String },
    #[error(
        "the signing key is not a private JWK the suite can sign with (OKP Ed25519, EC P-256 or P-521, or RSA, with its private members and a kid): {0}"
    )]
    Unsupported(String),
}
