//! `todo-conformance issuer`: the suite as the token issuer. It serves a
//! JWKS of a fresh Ed25519 key on loopback, at Better Auth's path, and writes
//! the private key for `--signing-key`, so the suite can mint any valid,
//! expired or forged token for a target that trusts it. Its control API
//! (`control`) lets the key-lifecycle scenarios change the key set while it
//! serves; `remote` is the suite's side of it.

pub mod control;
pub mod remote;

use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use serde_json::json;

use crate::tokens::SigningIdentity;
use crate::tokens::forge::random_bytes;
use crate::tokens::key_server::{KeyServer, Publication};

/// The flags of `todo-conformance issuer`.
#[derive(Debug, clap::Args)]
pub struct IssuerArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Where to write the private JWK (created with mode 0600).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "todo-conformance-issuer.jwk.json"
    )]
    pub key_out: PathBuf,

    /// The `Cache-Control: max-age` the JWKS is served with, in seconds
    /// (Better Auth 1.7.25 sends none): how long a target may trust a key
    /// after the issuer dropped it.
    #[arg(long, default_value_t = 5, value_name = "SECS", value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub max_age: u64,
}

/// A fresh signing key for `issuer`: the one place that chooses its type.
pub fn fresh_identity(issuer: &str, audience: &str) -> SigningIdentity {
    SigningIdentity {
        key: ed25519_dalek::SigningKey::from_bytes(&random_bytes()),
        kid: format!("todo-conformance-{}", uuid::Uuid::new_v4().simple()),
        issuer: issuer.to_owned(),
        audience: audience.to_owned(),
    }
}

pub async fn serve(args: &IssuerArgs) -> anyhow::Result<()> {
    // The issuer is the URL it serves on, known only once it listens.
    let mut identity = fresh_identity("", "");
    let publication = Publication::new(
        &json!({"keys": [identity.public_jwk()]}),
        Some(args.max_age),
    );
    let server = KeyServer::publish(Arc::clone(&publication), args.port)
        .await
        .with_context(|| format!("could not listen on 127.0.0.1:{}", args.port))?;
    let base = server.base_url().to_owned();
    identity.issuer.clone_from(&base);
    identity.audience.clone_from(&base);
    let access = control::start(publication)
        .await
        .context("could not start the control API on loopback")?;
    let mut key_file = identity.private_jwk();
    key_file[control::KEY_FILE_MEMBER] = json!(access);

    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&args.key_out)
        .with_context(|| {
            format!(
                "could not write the private key to {}",
                args.key_out.display()
            )
        })?;
    // An existing file keeps its mode on open: make sure it is private.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    writeln!(file, "{key_file:#}")?;

    println!("JWKS:        {base}/api/auth/jwks");
    println!(
        "max-age:     {} s (Cache-Control of the JWKS)",
        args.max_age
    );
    // The token stays in the key file: never printed.
    println!("control API: {} (its token is in the key file)", access.url);
    println!(
        "private key: {} (test-only; keep it out of production)",
        args.key_out.display()
    );
    println!();
    println!("Point the target at this issuer, e.g. for the reference server:");
    println!("  BETTER_AUTH_URL={base} cargo run -p todo-reference-server");
    println!("then run the suite with:");
    println!(
        "  todo-conformance --base-url <target> --signing-key {} --token-issuer {base}",
        args.key_out.display()
    );
    println!("Serving until Ctrl-C.");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
