//! A client-only build (`--no-default-features`) has no bundled reference
//! server: the plan asks for --base-url before a run starts, so none is
//! ever running, which the empty type says to the compiler. Futures that
//! are ready at once, for the callers that await the real server's.

use std::convert::Infallible;
use std::future::{Ready, ready};

use super::error::TargetError;

/// The bundled server that a client-only build never has.
pub enum RunningServer {}

impl RunningServer {
    pub fn url(&self) -> String {
        match *self {}
    }

    pub fn database(&self) -> &str {
        match *self {}
    }

    pub fn shutdown(self) -> Ready<Result<(), Infallible>> {
        match self {}
    }
}

/// The run without --base-url, refused as the plan refuses it.
pub fn start_bundled(_secret: &str) -> Ready<Result<RunningServer, TargetError>> {
    ready(Err(TargetError::NoBundledServer))
}
