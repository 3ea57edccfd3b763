//! No code: see Cargo.toml. Depending on this crate makes cargo build the
//! workspace's shared dependencies with one set of features.
