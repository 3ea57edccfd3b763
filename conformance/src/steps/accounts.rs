//! Steps of the account endpoints.

use cucumber::{given, then, when};

use crate::world::{ContractWorld, Stop as _};

#[given("Alice has an account")]
async fn has_account(world: &mut ContractWorld) {
    world.register_alice_account().await.or_stop(world);
}

#[when("someone logs in as Alice with a wrong password, and as an unknown email")]
async fn failed_logins(world: &mut ContractWorld) {
    world.login_wrong_and_unknown().await.or_stop(world);
}

#[then("both answers have the same status and body")]
fn same_answers(world: &mut ContractWorld) {
    world.expect_same_login_answers().or_stop(world);
}

#[when("someone registers Alice's email again")]
async fn register_again(world: &mut ContractWorld) {
    world.register_alice_again().await.or_stop(world);
}

#[when(expr = "someone registers with the password {string}")]
async fn register_weak(world: &mut ContractWorld, password: String) {
    let email = format!("weak-{}@conformance.example", uuid::Uuid::new_v4().simple());
    world.register(&email, &password).await;
}

#[then("neither login gets a token or a session")]
fn no_login_granted(world: &mut ContractWorld) {
    world.expect_no_login_granted().or_stop(world);
}

#[then("the duplicate is refused, and Alice's account stays hers")]
async fn duplicate_refused(world: &mut ContractWorld) {
    world.expect_duplicate_refused().await.or_stop(world);
}

#[then("the tokens the target issued her expire, and a lifetime over 30 days is reported")]
fn issued_tokens_expire(world: &mut ContractWorld) {
    world.expect_issued_tokens_expire().or_stop(world);
}

#[then("the tokens the target issued her are not signed with a well-known weak secret")]
fn issued_tokens_not_weak(world: &mut ContractWorld) {
    world.expect_issued_not_weak().or_stop(world);
}
