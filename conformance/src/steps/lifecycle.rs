//! Steps of the key-lifecycle scenarios (`todo-conformance issuer`).

use cucumber::{given, then, when};

use crate::tokens::key_server::Mode;
use crate::world::{ContractWorld, Stop as _};

#[given("Alice's token is accepted")]
async fn alice_accepted(world: &mut ContractWorld) {
    world.expect_alice_accepted().await.or_stop(world);
}

#[given("the issuer publishes a new key beside its own")]
#[when("the issuer publishes a new key beside its own")]
async fn new_key(world: &mut ContractWorld) {
    world.publish_new_key().await.or_stop(world);
}

#[then("a token signed with the new key is accepted within the wait")]
async fn new_key_accepted(world: &mut ContractWorld) {
    world.expect_new_key_accepted().await.or_stop(world);
}

#[given("the target accepts tokens signed with the new key")]
async fn new_key_taken_up(world: &mut ContractWorld) {
    world.expect_new_key_taken_up().await.or_stop(world);
}

#[when("the issuer drops the new key from its JWKS")]
async fn drop_new_key(world: &mut ContractWorld) {
    world.drop_new_key().await.or_stop(world);
}

#[then("a token signed with the dropped key is refused within the wait")]
async fn dropped_key_refused(world: &mut ContractWorld) {
    world.expect_dropped_key_refused().await.or_stop(world);
}

#[when("someone sends many tokens under kids the issuer never published")]
async fn flood(world: &mut ContractWorld) {
    world.flood_unknown_kids().await.or_stop(world);
}

#[then("every one of them is refused")]
fn flood_refused(world: &mut ContractWorld) {
    world.expect_flood_refused().or_stop(world);
}

#[then("the target fetched the JWKS for at most half of them")]
fn bounded_fetches(world: &mut ContractWorld) {
    world.expect_bounded_fetches().or_stop(world);
}

#[when("the issuer's JWKS answers 500")]
async fn jwks_fails(world: &mut ContractWorld) {
    world.jwks_down(Mode::Failing).await.or_stop(world);
}

#[when("the issuer's JWKS stops answering")]
async fn jwks_hangs(world: &mut ContractWorld) {
    world.jwks_down(Mode::Hanging).await.or_stop(world);
}

#[then("Alice's token is still accepted")]
async fn alice_still_accepted(world: &mut ContractWorld) {
    world.expect_alice_accepted_in_outage().await.or_stop(world);
}

#[then("tokens under unknown kids get 401 or 503")]
async fn unknown_kid_refused(world: &mut ContractWorld) {
    world
        .expect_unknown_kid_refused_in_outage()
        .await
        .or_stop(world);
}
