//! `todo-conformance`: the scenarios arrive with the conformance-suite issue.
//! Until then this binary says so instead of pretending to pass.

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!(
        "todo-conformance: the scenarios are not implemented yet; \
         run the reference server with `cargo run -p todo-reference-server`"
    );
    ExitCode::from(2)
}
