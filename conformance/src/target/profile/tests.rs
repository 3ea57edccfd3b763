//! The profile's own tests: parsing, checks, shapes and paths.

use super::*;
use crate::contract::Route;
use serde_json::json;

fn wrapped() -> Profile {
    Profile::parse(
        r#"
        name = "wrapped"
        [list]
        pointer = "/tasks"
        [fields.completion]
        field = "status"
        done = "done"
        open = "open"
        [statuses]
        delete = [200, 204]
        "#,
        "test",
    )
    .expect("valid")
}

#[test]
fn the_seed_profile_is_the_contract() {
    let seed = Profile::seed();
    assert_eq!(seed.name, "seed");
    assert_eq!(seed.tasks_path("alice"), "/api/alice/tasks");
    assert_eq!(
        seed.route(Route::Toggle, "alice", "7"),
        (
            reqwest::Method::PATCH,
            "/api/alice/tasks/7/complete".to_owned()
        )
    );
    assert_eq!(seed.success(Route::Delete), [204]);
    let task = json!({"id": 1, "title": "t", "description": null, "completed": false});
    assert_eq!(seed.task(&task), task);
    assert_eq!(seed.body(&task), task);
}

#[test]
fn an_enum_completion_reads_and_writes_as_a_boolean() {
    let profile = wrapped();
    let raw = json!({"id": "a", "title": "t", "status": "done"});
    assert_eq!(
        profile.task(&raw),
        json!({"id": "a", "title": "t", "completed": true})
    );
    assert_eq!(
        profile.body(&json!({"title": "t", "completed": false, "user_id": "b"})),
        json!({"title": "t", "status": "open", "user_id": "b"})
    );
    // An unknown value stays visible instead of passing as false.
    assert_eq!(
        profile.task(&json!({"status": "archived"}))["completed"],
        "archived"
    );
}

#[test]
fn lists_are_found_wrapped_or_not() {
    let seed = Profile::seed();
    let wrapped = json!({"tasks": [{"id": 1}], "total": 12, "skip": 0, "limit": 1});
    let list = seed.tasks_in(&wrapped).expect("auto-detected");
    assert_eq!(list.tasks.len(), 1);
    assert!(
        seed.tasks_in(&json!([]))
            .is_ok_and(|list| list.tasks.is_empty())
    );
    let ambiguous = seed.tasks_in(&json!({"a": [], "b": []}));
    assert!(ambiguous.is_err_and(|error| error.contains("/a, /b")));
    assert!(wrapped_list_needs_its_pointer());
}

fn wrapped_list_needs_its_pointer() -> bool {
    wrapped().tasks_in(&json!([])).is_err()
}

#[test]
fn bad_profiles_are_refused_with_the_reason() {
    let cases = [
        ("name = \"x\"\nunknown = 1", "unknown field"),
        (
            "name = \"x\"\n[routes]\ntasks = \"api/tasks\"",
            "must start with '/'",
        ),
        (
            "name = \"x\"\n[routes]\ntasks = \"/api/{user}/tasks\"",
            "{user_id}",
        ),
        ("name = \"x\"\n[statuses]\ndelete = [404]", "2xx"),
        (
            "name = \"x\"\n[routes]\ntoggle_method = \"GET\"",
            "expected one of `PUT`, `PATCH`, `POST`",
        ),
        (
            "name = \"x\"\n[fields.completion]\nfield = \"s\"\ndone = \"d\"",
            "both",
        ),
    ];
    for (text, reason) in cases {
        let error = Profile::parse(text, "t").expect_err(text).to_string();
        assert!(error.contains(reason), "{text}: {error}");
    }
}

#[test]
fn a_next_page_is_asked_for_over_the_profiles_query() {
    let paginated =
        Profile::parse("name = \"p\"\n[list]\nquery = \"limit=100&sort=id\"", "t").expect("valid");
    let next = [("skip", "100"), ("limit", "100")].map(|(n, v)| (n.to_owned(), v.to_owned()));
    assert_eq!(
        paginated.list_page_path("a", &next),
        "/api/a/tasks?sort=id&skip=100&limit=100"
    );
    assert_eq!(Profile::seed().list_page_path("a", &[]), "/api/a/tasks");
}

#[test]
fn user_ids_cannot_change_the_path() {
    assert_eq!(
        Profile::seed().tasks_path("a/../b"),
        "/api/a%2F..%2Fb/tasks"
    );
    let from_token =
        Profile::parse("name = \"t\"\n[routes]\ntasks = \"/api/tasks\"", "t").expect("valid");
    assert!(!from_token.user_in_path());
    assert_eq!(from_token.tasks_path("alice"), "/api/tasks");
}

#[test]
fn a_printed_profile_loads_back_the_same() {
    let path = std::env::temp_dir().join(format!("profile-{}.toml", uuid::Uuid::new_v4()));
    for profile in [Profile::seed(), wrapped()] {
        let mut profile = profile;
        profile.list.query = Some("limit=100".to_owned());
        profile.claims.issuer = Some("https://issuer.example".to_owned());
        profile
            .claims
            .extra
            .insert("role".to_owned(), json!("user"));
        std::fs::write(&path, profile.to_toml().expect("serialises")).expect("written");
        let loaded = Profile::load(path.to_str().expect("utf-8"));
        assert_eq!(loaded.expect("loads"), profile);
    }
    let _ = std::fs::remove_file(&path);
}
