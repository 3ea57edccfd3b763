//! A client-only build (`--no-default-features`) has no bundled reference
//! server: the plan asks for --base-url before a run starts, so none is
//! ever running, which the empty type says to the compiler.

use std::convert::Infallible;

use super::TargetError;

/// The bundled server that a client-only build never has.
pub enum RunningServer {}

impl RunningServer {
    pub fn url(&self) -> String {
        match *self {}
    }

    pub async fn shutdown(self) -> Result<(), Infallible> {
        match self {}
    }
}

/// The run without --base-url, refused as the plan refuses it.
pub async fn start_bundled(_secret: &str) -> Result<RunningServer, TargetError> {
    Err(TargetError::NoBundledServer)
}
