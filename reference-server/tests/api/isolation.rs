//! Cross-user access: another user's tasks can be neither seen nor touched,
//! and answer exactly like missing ones.

use reqwest::Method;
use serde_json::json;

use crate::common::Api;
use crate::{task_count, task_routes};

#[tokio::test]
async fn another_users_tasks_are_invisible_and_untouchable() {
    let api = Api::new();
    let alice = api.register().await;
    let bob = api.register().await;
    let task = api.create_task(&alice, "alice's secret").await;
    let id = task["id"].as_str().unwrap();

    let bobs_list = api
        .call(Method::GET, &bob.tasks(), Some(&bob.token), None)
        .await;
    bobs_list.expect(200);
    assert!(!bobs_list.text().contains(id));

    // Bob's token on Alice's path: 404 everywhere, exactly like a missing task.
    for (method, path, body) in task_routes(&alice, id) {
        let reply = api
            .call(method.clone(), &path, Some(&bob.token), body)
            .await;
        assert_eq!(reply.status, 404, "{method} {path}: {}", reply.text());
        assert_eq!(reply.json(), json!({"detail": "not found"}));
    }
    // Alice's task id under Bob's own path: 404 as well.
    for (method, path, body) in task_routes(&bob, id).into_iter().skip(2) {
        let reply = api
            .call(method.clone(), &path, Some(&bob.token), body)
            .await;
        assert_eq!(reply.status, 404, "{method} {path}: {}", reply.text());
    }
    // Nothing was lost or changed, and Bob created nothing.
    let reread = api
        .call(Method::GET, &alice.task(id), Some(&alice.token), None)
        .await
        .expect(200)
        .json();
    assert_eq!(reread, task);
    assert_eq!(task_count(&api, &alice).await, 1);
    assert_eq!(task_count(&api, &bob).await, 0);
}

#[tokio::test]
async fn a_wrong_path_user_is_404_even_before_the_body_is_read() {
    let api = Api::new();
    let alice = api.register().await;
    let bob = api.register().await;
    let garbage = api
        .request(Method::POST, &alice.tasks())
        .bearer_auth(&bob.token)
        .header("content-type", "application/json")
        .body("{not json");
    api.send(garbage).await.expect(404);
}
