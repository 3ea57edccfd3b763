//! Empty: cargo builds a package's build-dependencies only for its build
//! script, and the build-dependencies are this crate's point (Cargo.toml).

fn main() {}
