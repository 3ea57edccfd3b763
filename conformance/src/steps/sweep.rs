//! Steps of the sweep (`@sweep`): every operation the target's OpenAPI
//! document declares.

use cucumber::{given, then, when};

use crate::contract::Credentials;
use crate::world::{ContractWorld, Crossing, Stop as _};

/// Alice's and Bob's data differ in kind as well as in ids, so that an
/// answer that carries neither (a count) still tells whose it is.
#[given("Alice has two tasks and Bob has one")]
async fn two_and_one(world: &mut ContractWorld) {
    world.give_unequal_tasks().await.or_stop(world);
}

#[when(expr = "someone sends every declared operation on Alice's data with {credentials}")]
async fn every_operation_with(world: &mut ContractWorld, credentials: Credentials) {
    world.sweep_with(credentials).await.or_stop(world);
}

#[when("someone reads every operation the document declares public, without a token")]
async fn every_public_read(world: &mut ContractWorld) {
    world.sweep_public_reads().await.or_stop(world);
}

#[when("Bob sends every declared operation on Alice's path with his token")]
async fn bob_on_alices_path(world: &mut ContractWorld) {
    world
        .sweep_as_bob(Crossing::AlicesPath)
        .await
        .or_stop(world);
}

#[when("Bob sends every declared operation on Alice's task under his own path")]
async fn bob_with_alices_task(world: &mut ContractWorld) {
    world
        .sweep_as_bob(Crossing::AlicesTaskUnderBobsPath)
        .await
        .or_stop(world);
}

#[when("Bob reads every declared operation before and after Alice creates a task")]
async fn bob_reads_around_alices_write(world: &mut ContractWorld) {
    world.sweep_differential().await.or_stop(world);
}

#[when("Alice sends every declared write with owner fields naming Bob")]
async fn alice_names_bob(world: &mut ContractWorld) {
    world.sweep_owner_fields().await.or_stop(world);
}

#[when("a foreign origin asks every declared operation")]
async fn foreign_origin(world: &mut ContractWorld) {
    world.sweep_cors().await.or_stop(world);
}

#[when("someone asks common undeclared paths without a token")]
async fn hidden_paths(world: &mut ContractWorld) {
    world.probe_hidden_routes().await.or_stop(world);
}

#[then("no operation broke the promise")]
fn swept_clean(world: &mut ContractWorld) {
    world.expect_sweep_clean().or_stop(world);
}
