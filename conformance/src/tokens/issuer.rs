//! `todo-conformance issuer`: the suite as the token issuer. It serves a
//! JWKS of fresh keys (one per `--alg`, Ed25519 by default) on loopback, at
//! Better Auth's path, and writes the private keys for `--signing-key`, so
//! the suite can mint any valid, expired or forged token for a target that
//! trusts it. Its control API (`control`) lets the key-lifecycle scenarios
//! change the key set while it serves; `remote` is the suite's side of it.

pub mod control;
pub mod remote;

use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use serde_json::json;

use crate::tokens::SigningIdentity;
use crate::tokens::key_server::{KeyServer, Publication};
use crate::tokens::keys::Alg;

/// The flags of `todo-conformance issuer`.
#[derive(Debug, clap::Args)]
pub struct IssuerArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// An algorithm to publish a fresh key for; repeat it for several keys
    /// in one JWKS, as Better Auth's `keyPairConfigs` (the first mints).
    #[arg(
        long = "alg",
        value_name = "ALG",
        default_value = "EdDSA",
        ignore_case = true
    )]
    pub algs: Vec<Alg>,

    /// Where to write the private keys, as a JWK Set (created with mode 0600).
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

pub async fn serve(args: &IssuerArgs) -> anyhow::Result<()> {
    // The keys claim no issuer: the key file holds keys only, and the suite
    // is told the issuer with --token-issuer.
    let keys: Vec<SigningIdentity> = args
        .algs
        .iter()
        .map(|alg| SigningIdentity::generate(*alg, "", ""))
        .collect();
    let public: Vec<_> = keys.iter().map(SigningIdentity::public_jwk).collect();
    let publication = Publication::new(&json!({ "keys": public }), Some(args.max_age));
    let server = KeyServer::publish(Arc::clone(&publication), args.port)
        .await
        .with_context(|| format!("could not listen on 127.0.0.1:{}", args.port))?;
    let base = server.base_url().to_owned();
    let access = control::start(publication)
        .await
        .context("could not start the control API on loopback")?;
    let private: Vec<_> = keys.iter().map(SigningIdentity::private_jwk).collect();
    let key_file = json!({ "keys": private, control::KEY_FILE_MEMBER: access });
    write_private(&args.key_out, &key_file)?;

    let published: Vec<String> = keys
        .iter()
        .map(|key| format!("{} ({})", key.kid, key.alg))
        .collect();
    println!("JWKS:        {base}/api/auth/jwks");
    println!("keys:        {}", published.join(", "));
    println!(
        "max-age:     {} s (Cache-Control of the JWKS)",
        args.max_age
    );
    // The token stays in the key file: never printed.
    println!("control API: {} (its token is in the key file)", access.url);
    println!(
        "private keys: {} (test-only; keep them out of production)",
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

/// Writes `key_file` to `path`, readable by its owner only.
fn write_private(path: &std::path::Path, key_file: &serde_json::Value) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("could not write the private keys to {}", path.display()))?;
    // An existing file keeps its mode on open: make sure it is private.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    writeln!(file, "{key_file:#}")?;
    Ok(())
}
