//! Steps of object-level authorization in depth.

use cucumber::{given, then, when};

use crate::world::{ContractWorld, Stop as _};

#[given("Bob is signed in")]
async fn bob_is_signed_in(world: &mut ContractWorld) {
    world.bob().await.map(drop).or_stop(world);
}

#[when("Alice creates a task that names Bob as its user_id")]
async fn create_naming_bob(world: &mut ContractWorld) {
    world.alice_creates_naming_bob().await.or_stop(world);
}

#[when("Alice updates her task with a body that names Bob as its user_id")]
async fn update_naming_bob(world: &mut ContractWorld) {
    world.alice_updates_naming_bob().await.or_stop(world);
}

#[then("the task belongs to Alice and Bob cannot see it")]
async fn stays_alices(world: &mut ContractWorld) {
    world.expect_task_stays_alices().await.or_stop(world);
}

#[when("Alice asks for the neighbours of her task id")]
async fn neighbours(world: &mut ContractWorld) {
    world.probe_neighbours().await.or_stop(world);
}

#[then("every neighbour is 404")]
fn neighbours_not_found(world: &mut ContractWorld) {
    world.expect_probes_not_found().or_stop(world);
}
