//! Steps of the attack catalogue: algorithms, lifetime, claims, header
//! parsing and what refusals reveal.

use std::time::Duration;

use cucumber::{given, then, when};

use crate::contract::Route;
use crate::world::{ContractWorld, Owner, Stop as _};

#[when(expr = "someone calls {route} on Alice's task with the attack {string}")]
async fn attack(world: &mut ContractWorld, route: Route, name: String) {
    world.call_with_attack(route, &name).await.or_stop(world);
}

#[given(expr = "the target refuses the attack {string}")]
async fn refused_beforehand(world: &mut ContractWorld, name: String) {
    world.expect_refused_beforehand(&name).await.or_stop(world);
}

#[then("whether the target binds the kid to its key is reported")]
fn kid_binding(world: &mut ContractWorld) {
    world.report_kid_binding().or_stop(world);
}

#[then("the attack is refused")]
fn refused(world: &mut ContractWorld) {
    world.expect_refused().or_stop(world);
}

#[then("the answer shows no one's tasks and is no server error")]
fn serves_no_one(world: &mut ContractWorld) {
    world.expect_serves_no_one().or_stop(world);
}

#[then(expr = "the answer is {int} or {int}")]
fn either(world: &mut ContractWorld, one: u16, other: u16) {
    world.expect_status_among(&[one, other]).or_stop(world);
}

#[then(expr = "the answer came within {int} seconds")]
fn within(world: &mut ContractWorld, seconds: u64) {
    world
        .expect_within(Duration::from_secs(seconds))
        .or_stop(world);
}

#[then("whether the target fetched the attacker's key URL is reported")]
fn key_fetch(world: &mut ContractWorld) {
    world.report_key_fetch();
}

#[then("whether the attack was accepted is reported")]
fn acceptance(world: &mut ContractWorld) {
    world.report_acceptance().or_stop(world);
}

#[then("the target's leeway on exp is reported")]
async fn leeway(world: &mut ContractWorld) {
    world.report_leeway().await.or_stop(world);
}

#[then(expr = "the challenge says error=\"invalid_token\"")]
fn invalid_token(world: &mut ContractWorld) {
    world.expect_invalid_token_challenge().or_stop(world);
}

#[when("every attack in the catalogue is sent to Alice's task")]
async fn barrage(world: &mut ContractWorld) {
    world.send_catalogue().await.or_stop(world);
}

#[then("no attack got a server error or a success")]
fn barrage_refused(world: &mut ContractWorld) {
    world.expect_barrage_refused().or_stop(world);
}

#[then(expr = "every 401 says WWW-Authenticate: Bearer error=\"invalid_token\"")]
fn barrage_challenges(world: &mut ContractWorld) {
    world.expect_barrage_challenges().or_stop(world);
}

#[then("no answer reveals a stack trace, SQL, a file path or a library version")]
fn no_disclosure(world: &mut ContractWorld) {
    world.expect_no_disclosure().or_stop(world);
}

#[then("Alice's own token still works")]
async fn token_still_works(world: &mut ContractWorld) {
    world.expect_alice_token_works().await.or_stop(world);
}

#[when(expr = "Alice lists her tasks with the scheme written {string}")]
async fn with_scheme(world: &mut ContractWorld, scheme: String) {
    world.list_with_scheme(&scheme).await.or_stop(world);
}

#[when(
    regex = r"^someone lists Alice's tasks with two Authorization headers, (Alice|Bob)'s token first$"
)]
async fn two_headers(world: &mut ContractWorld, first: String) {
    let first = if first == "Bob" {
        Owner::Bob
    } else {
        Owner::Alice
    };
    world.list_with_two_headers(first).await.or_stop(world);
}

#[when(
    regex = r"^someone calls (\S+) on Alice's task with Bob's token and a forged token for Alice, (Bob's token|the forged token) first$"
)]
async fn bob_and_forged(world: &mut ContractWorld, route: Route, first: String) {
    world
        .call_with_bob_and_forged(route, first == "Bob's token")
        .await
        .or_stop(world);
}

#[then("which token the target acted on is reported")]
fn header_winner(world: &mut ContractWorld) {
    world.report_header_winner().or_stop(world);
}

#[then("the answer is no server error")]
fn no_server_error(world: &mut ContractWorld) {
    world.expect_no_server_error().or_stop(world);
}

#[when("someone lists Alice's tasks with her token only in the query string")]
async fn query_token(world: &mut ContractWorld) {
    world.list_with_token_in_query().await.or_stop(world);
}

#[when("someone lists Alice's tasks with her token only in a cookie")]
async fn cookie_token(world: &mut ContractWorld) {
    world
        .call_with_token_in_cookie(Route::List)
        .await
        .or_stop(world);
}

#[when("someone creates a task for Alice with her token only in a cookie, from another site")]
async fn cookie_write(world: &mut ContractWorld) {
    world
        .call_with_token_in_cookie(Route::Create)
        .await
        .or_stop(world);
}

#[then("which cookie the target took the token from is reported")]
fn cookie_read(world: &mut ContractWorld) {
    world.report_cookie_read().or_stop(world);
}

#[then("no write was accepted from a cookie alone")]
fn no_cookie_write(world: &mut ContractWorld) {
    world.expect_no_cookie_write().or_stop(world);
}
