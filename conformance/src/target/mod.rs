//! The implementation under test and how the suite talks to it: the HTTP
//! client, the profile of its routes and fields, its users, their tasks
//! with the ledger of those the suite created, and the checks made before
//! any scenario runs.

pub mod accounts;
pub mod http;
pub mod ledger;
pub mod openapi;
pub mod preflight;
pub mod profile;
pub mod routes;
pub mod tasks;
pub mod users;
