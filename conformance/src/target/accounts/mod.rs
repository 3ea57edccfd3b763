//! The target's accounts: which sign-up and login routes it has, and what
//! the tokens it issues are made of.

pub mod issued;
pub mod trust;
