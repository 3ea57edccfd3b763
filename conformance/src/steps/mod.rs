//! Step definitions: thin wrappers over the World's verbs. They live in the
//! binary crate on purpose: cucumber collects steps at link time, and steps
//! in a library crate can silently vanish.

mod accounts;
mod attacks;
mod lifecycle;
mod load;
mod ownership;
mod requests;
mod sweep;
mod tasks;
