//! Steps of the load scenario (`--load USERS --duration SECS`).

use cucumber::{then, when};

use crate::world::{ContractWorld, Stop as _};

#[when("many users work on their own tasks at once and probe each other's")]
async fn many_users_at_once(world: &mut ContractWorld) {
    world.run_load().await.or_stop(world);
}

#[then("no user saw or changed another user's task")]
fn no_leaks(world: &mut ContractWorld) {
    world.expect_no_leaks().or_stop(world);
}

#[then("no request got a server error")]
fn no_server_errors(world: &mut ContractWorld) {
    world.expect_no_server_errors().or_stop(world);
}

#[then("every owner's own request succeeded")]
fn owners_served(world: &mut ContractWorld) {
    world.expect_owners_served().or_stop(world);
}

#[then("the throughput and latency are reported")]
fn throughput_reported(world: &mut ContractWorld) {
    world.report_load().or_stop(world);
}
