//! Steps of object-level authorization in depth.

use cucumber::{given, then, when};

use crate::world::{ContractWorld, Outcome};

#[given("Bob is signed in")]
async fn bob_is_signed_in(world: &mut ContractWorld) -> Outcome {
    world.bob().await.map(drop)
}

#[when("Alice creates a task that names Bob as its user_id")]
async fn create_naming_bob(world: &mut ContractWorld) -> Outcome {
    world.alice_creates_naming_bob().await
}

#[when("Alice updates her task with a body that names Bob as its user_id")]
async fn update_naming_bob(world: &mut ContractWorld) -> Outcome {
    world.alice_updates_naming_bob().await
}

#[then("the task belongs to Alice and Bob cannot see it")]
async fn stays_alices(world: &mut ContractWorld) -> Outcome {
    world.expect_task_stays_alices().await
}

#[when("Alice asks for the neighbours of her task id")]
async fn neighbours(world: &mut ContractWorld) -> Outcome {
    world.probe_neighbours().await
}

#[then("every neighbour is 404")]
async fn neighbours_not_found(world: &mut ContractWorld) -> Outcome {
    world.expect_probes_not_found()
}
