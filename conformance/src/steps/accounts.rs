//! Steps of the account endpoints.

use cucumber::{given, then, when};

use crate::world::{ContractWorld, Outcome};

#[given("Alice has an account")]
async fn has_account(world: &mut ContractWorld) -> Outcome {
    world.register_alice_account().await
}

#[when("someone logs in as Alice with a wrong password, and as an unknown email")]
async fn failed_logins(world: &mut ContractWorld) -> Outcome {
    world.login_wrong_and_unknown().await
}

#[then("both answers have the same status and body")]
async fn same_answers(world: &mut ContractWorld) -> Outcome {
    world.expect_same_login_answers()
}

#[when("someone registers Alice's email again")]
async fn register_again(world: &mut ContractWorld) -> Outcome {
    world.register_alice_again().await
}

#[when(expr = "someone registers with the password {string}")]
async fn register_weak(world: &mut ContractWorld, password: String) -> Outcome {
    let email = format!("weak-{}@conformance.example", uuid::Uuid::new_v4().simple());
    world.register(&email, &password).await;
    Ok(())
}
