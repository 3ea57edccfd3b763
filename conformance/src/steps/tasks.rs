//! Steps about an owner's own tasks: the CRUD and stateless features.

use cucumber::{given, then, when};
use serde_json::json;

use crate::contract::{Completion, InvalidInput, Route};
use crate::world::{ContractWorld, Stop as _};

#[given("Alice has a token the target never issued")]
async fn minted_token(world: &mut ContractWorld) {
    world.give_alice_a_minted_token().await.or_stop(world);
}

#[when(expr = "Alice creates a task titled {string} described as {string}")]
async fn create(world: &mut ContractWorld, title: String, description: String) {
    world
        .alice_creates(json!({"title": title, "description": description}))
        .await
        .or_stop(world);
}

#[when(expr = "Alice creates a task with {input}")]
async fn create_invalid(world: &mut ContractWorld, input: InvalidInput) {
    world.alice_creates(input.body()).await.or_stop(world);
}

#[when("Alice gets that task")]
async fn get(world: &mut ContractWorld) {
    world
        .alice_on_subject(Route::Get, None)
        .await
        .or_stop(world);
}

#[when(expr = "Alice updates that task to title {string}, description {string}, {completion}")]
async fn update(
    world: &mut ContractWorld,
    title: String,
    description: String,
    completion: Completion,
) {
    let body = json!({"title": title, "description": description, "completed": completion.0});
    world
        .alice_on_subject(Route::Update, Some(body))
        .await
        .or_stop(world);
}

#[when("Alice toggles that task")]
async fn toggle(world: &mut ContractWorld) {
    world
        .alice_on_subject(Route::Toggle, None)
        .await
        .or_stop(world);
}

#[when("Alice deletes that task")]
async fn delete(world: &mut ContractWorld) {
    world
        .alice_on_subject(Route::Delete, None)
        .await
        .or_stop(world);
}

#[when("Alice logs out")]
async fn logout(world: &mut ContractWorld) {
    world.alice_logs_out().await.or_stop(world);
}

#[then(expr = "the answer is the task titled {string} described as {string}, {completion}")]
fn answer_is_task(
    world: &mut ContractWorld,
    title: String,
    description: String,
    completion: Completion,
) {
    world
        .expect_task(&title, &description, completion.0)
        .or_stop(world);
}

#[then("the answer is that task")]
fn answer_is_that_task(world: &mut ContractWorld) {
    world.expect_subject().or_stop(world);
}

#[then(expr = "a fresh read of that task shows title {string}, description {string}, {completion}")]
async fn fresh_read_fields(
    world: &mut ContractWorld,
    title: String,
    description: String,
    completion: Completion,
) {
    world
        .read_subject_again(|world| world.expect_task(&title, &description, completion.0))
        .await
        .or_stop(world);
}

#[then(expr = "a fresh read of that task shows it {completion}")]
async fn fresh_read_completion(world: &mut ContractWorld, completion: Completion) {
    world
        .read_subject_again(|world| world.expect_completion(completion.0))
        .await
        .or_stop(world);
}

#[then("a fresh read of that task gives 404")]
async fn fresh_read_404(world: &mut ContractWorld) {
    world.read_gone_subject().await.or_stop(world);
}

#[then("Alice's list contains that task")]
async fn list_contains(world: &mut ContractWorld) {
    world.expect_list_has_subject(true).await.or_stop(world);
}

#[then("Alice's list does not contain that task")]
async fn list_lacks(world: &mut ContractWorld) {
    world.expect_list_has_subject(false).await.or_stop(world);
}

#[then("the input is refused with 422")]
fn invalid_refused(world: &mut ContractWorld) {
    world.expect_invalid_refused().or_stop(world);
}

#[then("Alice has no tasks")]
async fn no_tasks(world: &mut ContractWorld) {
    world.expect_alice_has_no_tasks().await.or_stop(world);
}

#[then("Alice's token is reported as still valid or revoked")]
async fn token_after_logout(world: &mut ContractWorld) {
    world.report_token_after_logout().await.or_stop(world);
}
