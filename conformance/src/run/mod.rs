//! One run of the suite: the command line made into a plan, the session
//! that prepares the target and finishes with cleanup and reports, and the
//! scenarios in between.

pub mod cli;
pub mod dry_run;
pub mod features;
pub mod scenarios;
pub mod sources;
