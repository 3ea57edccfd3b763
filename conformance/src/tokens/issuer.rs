//! `todo-conformance issuer`: the suite as the token issuer. It serves a
//! JWKS of a fresh Ed25519 key on loopback, at Better Auth's path, and writes
//! the private key for `--signing-key`, so the suite can mint any valid,
//! expired or forged token for a target that trusts it.

use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::PathBuf;

use anyhow::Context as _;
use serde_json::json;

use crate::tokens::SigningIdentity;
use crate::tokens::forge::random_bytes;
use crate::tokens::key_server::KeyServer;

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
}

pub async fn serve(args: &IssuerArgs) -> anyhow::Result<()> {
    let key = ed25519_dalek::SigningKey::from_bytes(&random_bytes());
    let kid = format!("todo-conformance-{}", uuid::Uuid::new_v4().simple());
    // The issuer is the URL it serves on, known only once it listens.
    let mut identity = SigningIdentity {
        key,
        kid,
        issuer: String::new(),
        audience: String::new(),
    };
    let server = KeyServer::start(&json!({"keys": [identity.public_jwk()]}), args.port)
        .await
        .with_context(|| format!("could not listen on 127.0.0.1:{}", args.port))?;
    let base = server.base_url().to_owned();
    identity.issuer.clone_from(&base);
    identity.audience.clone_from(&base);

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
    writeln!(file, "{:#}", identity.private_jwk())?;

    println!("JWKS:        {base}/api/auth/jwks");
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
