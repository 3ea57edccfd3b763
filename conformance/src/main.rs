//! `todo-conformance`: proves a Todo API keeps its security promises.
//!
//! Exit codes: 0 no finding fails the run (skipped, non-strict and accepted
//! findings are listed), 1 a scenario failed, an accepted finding stopped
//! happening or a created task was left behind, 2 the run could not happen.

// The standard printing macros, shadowed for every module declared below:
// whatever the suite prints goes through `report::safe`, so that no text
// from a target can act on the console or start a CI workflow command.
macro_rules! print {
    ($($arg:tt)*) => { $crate::report::safe::out(&format!($($arg)*)) };
}
macro_rules! println {
    () => { $crate::report::safe::out("\n") };
    ($($arg:tt)*) => { $crate::report::safe::out(&format!("{}\n", format_args!($($arg)*))) };
}
#[allow(
    unused_macros,
    reason = "shadowed before any use, so that the first eprint! is safe too"
)]
macro_rules! eprint {
    ($($arg:tt)*) => { $crate::report::safe::err(&format!($($arg)*)) };
}
macro_rules! eprintln {
    () => { $crate::report::safe::err("\n") };
    ($($arg:tt)*) => { $crate::report::safe::err(&format!("{}\n", format_args!($($arg)*))) };
}

mod contract;
mod report;
mod run;
mod steps;
mod target;
mod tokens;
mod world;

use std::process::ExitCode;

use run::cli::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    // A panic's message may quote a target's answer: through the sanitiser
    // too, like everything else the suite prints.
    std::panic::set_hook(Box::new(|panic| report::safe::err(&format!("{panic}\n"))));
    let cli = Cli::parse_noting_the_secret();
    match run::run(cli).await {
        Ok(code) => code,
        Err(error) => {
            // One line, whatever the target's words in it.
            eprintln!(
                "todo-conformance: {}",
                report::safe::line(&error.to_string())
            );
            ExitCode::from(2)
        }
    }
}
