//! `todo-conformance issuer` as a subprocess: the token issuer of the
//! JWKS-mode runs. The test crates cannot import the suite's code (it has
//! no lib target), so they start the built binary and read where it serves.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use uuid::Uuid;

use super::run::SUITE;

/// The JWKS's `Cache-Control: max-age`: short, so that the removal
/// scenario's wait (`JWKS_WAIT`) stays short too.
pub const MAX_AGE: &str = "2";
/// `--jwks-wait` of the JWKS-mode runs: past the max-age, with room.
pub const JWKS_WAIT: &str = "8";

/// A running issuer, stopped (and its key file removed) when dropped.
pub struct Issuer {
    child: Child,
    /// Its base URL: the `iss` and `aud` of its tokens.
    pub base: String,
    /// The private key, with the control API, for `--signing-key`.
    pub key_file: PathBuf,
}

impl Issuer {
    pub fn start() -> Self {
        let key_file = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("issuer-{}.jwk.json", Uuid::new_v4().simple()));
        let mut child = Command::new(SUITE)
            .arg("issuer")
            .arg("--key-out")
            .arg(&key_file)
            .args(["--max-age", MAX_AGE])
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start `todo-conformance issuer`");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                let url = line.strip_prefix("JWKS:")?.trim();
                url.strip_suffix("/api/auth/jwks").map(str::to_owned)
            })
            .expect("the issuer prints its `JWKS:` line");
        // Keep reading, so that a full pipe never blocks it.
        std::thread::spawn(move || lines.for_each(drop));
        Self {
            child,
            base,
            key_file,
        }
    }

    /// The suite's flags for tokens of this issuer.
    pub fn suite_args(&self) -> Vec<String> {
        vec![
            "--signing-key".to_owned(),
            self.key_file.display().to_string(),
            "--token-issuer".to_owned(),
            self.base.clone(),
            "--jwks-wait".to_owned(),
            JWKS_WAIT.to_owned(),
        ]
    }
}

impl Drop for Issuer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.key_file);
    }
}
