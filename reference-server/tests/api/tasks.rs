//! Task CRUD on the caller's own tasks: the happy paths, partial updates,
//! validation and size limits, and task ids that name nothing.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Api;
use crate::{task_count, task_routes};

const NIL_UUID: &str = "00000000-0000-0000-0000-000000000000";

#[tokio::test]
async fn full_crud() {
    let api = Api::new();
    let user = api.register().await;
    let token = Some(user.token.as_str());
    assert_eq!(
        api.call(Method::GET, &user.tasks(), token, None)
            .await
            .expect(200)
            .json(),
        json!([])
    );

    let created = api
        .call(
            Method::POST,
            &user.tasks(),
            token,
            Some(json!({"title": "  Buy milk  ", "description": "2 litres"})),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(created["title"], "Buy milk");
    assert_eq!(created["description"], "2 litres");
    assert_eq!(created["completed"], false);
    assert_eq!(created["user_id"], user.id);
    let id = created["id"].as_str().unwrap().to_owned();

    let read = api
        .call(Method::GET, &user.task(&id), token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(read, created);

    let updated = api
        .call(
            Method::PUT,
            &user.task(&id),
            token,
            Some(json!({"title": "Buy oat milk", "description": "1 litre", "completed": true})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(
        (
            &updated["title"],
            &updated["description"],
            &updated["completed"]
        ),
        (&json!("Buy oat milk"), &json!("1 litre"), &json!(true))
    );
    let reread = api
        .call(Method::GET, &user.task(&id), token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(reread, updated);
    assert!(timestamp(&reread["updated_at"]) > timestamp(&created["updated_at"]));
    assert_eq!(reread["created_at"], created["created_at"]);

    let toggle = format!("{}/complete", user.task(&id));
    let toggled = api
        .call(Method::PATCH, &toggle, token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(toggled["completed"], false);
    let toggled = api
        .call(Method::PATCH, &toggle, token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(toggled["completed"], true);
    let reread = api
        .call(Method::GET, &user.task(&id), token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(reread["completed"], true);

    let deleted = api.call(Method::DELETE, &user.task(&id), token, None).await;
    deleted.expect(204);
    assert!(deleted.body.is_empty());
    api.call(Method::GET, &user.task(&id), token, None)
        .await
        .expect(404);
    api.call(Method::DELETE, &user.task(&id), token, None)
        .await
        .expect(404);
    api.call(Method::PATCH, &toggle, token, None)
        .await
        .expect(404);
    assert_eq!(task_count(&api, &user).await, 0);
}

#[tokio::test]
async fn the_list_is_oldest_first_and_only_the_callers() {
    let api = Api::new();
    let user = api.register().await;
    let other = api.register().await;
    api.create_task(&other, "someone else's").await;
    for title in ["first", "second", "third"] {
        api.create_task(&user, title).await;
    }
    let list = api
        .call(Method::GET, &user.tasks(), Some(&user.token), None)
        .await
        .expect(200)
        .json();
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["first", "second", "third"]);
}

#[tokio::test]
async fn put_keeps_absent_fields_and_clears_a_null_description() {
    let api = Api::new();
    let user = api.register().await;
    let token = Some(user.token.as_str());
    let created = api
        .call(
            Method::POST,
            &user.tasks(),
            token,
            Some(json!({"title": "t", "description": "d"})),
        )
        .await
        .expect(201)
        .json();
    let path = user.task(created["id"].as_str().unwrap());
    api.call(Method::PATCH, &format!("{path}/complete"), token, None)
        .await
        .expect(200);

    let kept = api
        .call(Method::PUT, &path, token, Some(json!({"title": "renamed"})))
        .await
        .expect(200)
        .json();
    assert_eq!(
        (&kept["description"], &kept["completed"]),
        (&json!("d"), &json!(true))
    );

    let cleared = api
        .call(
            Method::PUT,
            &path,
            token,
            Some(json!({"title": "renamed", "description": null})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(cleared["description"], Value::Null);
}

#[tokio::test]
async fn invalid_task_bodies_get_422_and_store_nothing() {
    let api = Api::new();
    let user = api.register().await;
    let token = Some(user.token.as_str());
    let invalid = [
        json!({"title": ""}),
        json!({"title": "   "}),
        json!({"title": "x".repeat(201)}),
        json!({"title": "ok", "description": "d".repeat(1001)}),
        json!({"title": "nul \u{0} inside"}),
        json!({"title": 42}),
        json!({"title": "ok", "description": 7}),
        json!({"description": "no title"}),
        json!("just a string"),
    ];
    for body in invalid.iter().cloned() {
        api.call(Method::POST, &user.tasks(), token, Some(body))
            .await
            .expect(422);
    }
    let garbage = api
        .request(Method::POST, &user.tasks())
        .bearer_auth(&user.token)
        .header("content-type", "application/json")
        .body("{\"title\": \"unterminated");
    api.send(garbage).await.expect(422);
    let no_content_type = api
        .request(Method::POST, &user.tasks())
        .bearer_auth(&user.token)
        .body(r#"{"title":"x"}"#);
    api.send(no_content_type).await.expect(422);
    assert_eq!(task_count(&api, &user).await, 0);

    // The same rules on update, and the stored task is left alone.
    let task = api.create_task(&user, "original").await;
    let path = user.task(task["id"].as_str().unwrap());
    for body in invalid {
        api.call(Method::PUT, &path, token, Some(body))
            .await
            .expect(422);
    }
    api.call(
        Method::PUT,
        &path,
        token,
        Some(json!({"title": "ok", "completed": "yes"})),
    )
    .await
    .expect(422);
    let reread = api
        .call(Method::GET, &path, token, None)
        .await
        .expect(200)
        .json();
    assert_eq!(reread, task);
}

#[tokio::test]
async fn title_and_description_limits_are_inclusive() {
    let api = Api::new();
    let user = api.register().await;
    let body = json!({"title": "é".repeat(200), "description": "d".repeat(1000)});
    let task = api
        .call(Method::POST, &user.tasks(), Some(&user.token), Some(body))
        .await
        .expect(201)
        .json();
    assert_eq!(task["title"].as_str().unwrap().chars().count(), 200);
}

#[tokio::test]
async fn bodies_over_64_kib_get_413() {
    let api = Api::new();
    let user = api.register().await;
    let body = json!({"title": "big", "description": "d".repeat(70 * 1024)});
    api.call(
        Method::POST,
        &user.tasks(),
        Some(&user.token),
        Some(body.clone()),
    )
    .await
    .expect(413);
    api.call(Method::POST, "/api/auth/register", None, Some(body))
        .await
        .expect(413);
    assert_eq!(task_count(&api, &user).await, 0);
}

#[tokio::test]
async fn malformed_and_unknown_task_ids_get_404() {
    let api = Api::new();
    let user = api.register().await;
    for id in ["123", "not-a-uuid", "%00", "'%20OR%201=1--", NIL_UUID] {
        for (method, path, body) in task_routes(&user, id).into_iter().skip(2) {
            let reply = api
                .call(method.clone(), &path, Some(&user.token), body)
                .await;
            assert_eq!(reply.status, 404, "{method} {path}: {}", reply.text());
        }
    }
}

fn timestamp(value: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a string timestamp"))
        .expect("RFC 3339")
}
