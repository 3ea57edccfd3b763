//! Steps about who calls which route with which credentials, and what the
//! answer must be. Used by the missing, forged, expired and cross-user
//! token features.

use cucumber::{given, then, when};

use crate::contract::{Credentials, Route};
use crate::world::{ContractWorld, Owner, Stop as _};

#[given("Alice has a task")]
async fn alice_has_a_task(world: &mut ContractWorld) {
    world.give_task(Owner::Alice).await.or_stop(world);
}

#[given("Bob has a task")]
async fn bob_has_a_task(world: &mut ContractWorld) {
    world.give_task(Owner::Bob).await.or_stop(world);
}

#[given("Alice is signed in")]
async fn alice_is_signed_in(world: &mut ContractWorld) {
    world.alice().await.map(drop).or_stop(world);
}

#[given("Alice holds a token that expired an hour ago")]
async fn alice_holds_an_expired_token(world: &mut ContractWorld) {
    world.hold_expired_token().await.or_stop(world);
}

#[when(expr = "someone calls {route} on Alice's task with {credentials}")]
async fn someone_calls(world: &mut ContractWorld, route: Route, credentials: Credentials) {
    world
        .call(route, Owner::Alice, credentials)
        .await
        .or_stop(world);
}

#[when(expr = "Bob calls {route} on Alice's task under his own path")]
async fn bob_calls_under_his_path(world: &mut ContractWorld, route: Route) {
    world
        .call(route, Owner::Bob, Credentials::BobsToken)
        .await
        .or_stop(world);
}

#[when(expr = "Bob calls {route} on his own tasks")]
async fn bob_calls_his_own(world: &mut ContractWorld, route: Route) {
    world
        .call(route, Owner::Bob, Credentials::BobsToken)
        .await
        .or_stop(world);
}

#[then(expr = "the answer is {int}")]
async fn the_answer_is(world: &mut ContractWorld, status: u16) {
    world.expect_status_probed(status).await.or_stop(world);
}

#[then(expr = "the {route} succeeds")]
fn the_route_succeeds(world: &mut ContractWorld, route: Route) {
    world.expect_success(route).or_stop(world);
}

#[then("the answer is a client error")]
fn the_answer_is_a_client_error(world: &mut ContractWorld) {
    world.expect_client_error().or_stop(world);
}

#[then("the answer is 401 with a Bearer challenge")]
fn the_answer_is_a_challenge(world: &mut ContractWorld) {
    world.expect_bearer_challenge().map(drop).or_stop(world);
}

#[then("the answer carries no task data")]
fn no_task_data(world: &mut ContractWorld) {
    world.expect_no_task_data().or_stop(world);
}

#[then("the answer does not mention Alice's task")]
fn does_not_mention(world: &mut ContractWorld) {
    world.expect_no_task_data().or_stop(world);
}

#[then("the renewed token lists Alice's task")]
fn renewed_token_works(world: &mut ContractWorld) {
    world.expect_renewed_token_works().or_stop(world);
}

#[then("the answer lists Alice's task")]
fn lists_alices_task(world: &mut ContractWorld) {
    world.expect_mentions_alice_task().or_stop(world);
}

#[then("Alice's tasks are as they were")]
async fn alices_tasks_unchanged(world: &mut ContractWorld) {
    world.expect_alice_unchanged().await.or_stop(world);
}

#[then(expr = "the answer is the same as Bob's {route} of a task that does not exist")]
async fn same_as_missing(world: &mut ContractWorld, route: Route) {
    world.expect_same_as_missing(route).await.or_stop(world);
}
