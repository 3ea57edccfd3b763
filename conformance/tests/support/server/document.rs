//! The OpenAPI 3.1 document the server serves at `/openapi.json` with
//! `Shape::document`: the contract's routes, with their bodies and
//! statuses as the profile inference reads them, and the routes of
//! `extras`, each declared as a real backend would (the shared list with
//! no security at all: the route people forget).

use serde_json::{Value, json};

/// The whole document.
pub(super) fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Todo API (test server)", "version": "1.0.0"},
        "paths": paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
            "parameters": {
                "UserId": path_param("user_id", json!({"type": "string"})),
                "TaskId": path_param("id", json!({"type": "string", "format": "uuid"})),
            },
            "schemas": schemas(),
        },
    })
}

fn path_param(name: &str, schema: Value) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": schema})
}

fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A JSON request body of schema `name`.
fn body(name: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema(name)}}})
}

/// A success answer of `status` with a JSON body of `answer`, and 401.
fn answers(status: u16, answer: &Value) -> Value {
    json!({
        status.to_string(): {
            "description": "Success.",
            "content": {"application/json": {"schema": answer}},
        },
        "401": {"description": "No valid bearer token."},
    })
}

/// An operation behind the bearer scheme.
fn secured(summary: &str, status: u16, answer: &Value) -> Value {
    json!({
        "summary": summary,
        "security": [{"bearerAuth": []}],
        "responses": answers(status, answer),
    })
}

/// `operation` with a request body of schema `name`.
fn taking(mut operation: Value, name: &str) -> Value {
    operation["requestBody"] = body(name);
    operation
}

fn tasks() -> Value {
    json!({"type": "array", "items": schema("Task")})
}

fn paths() -> Value {
    let user = json!([{"$ref": "#/components/parameters/UserId"}]);
    let task = json!([
        {"$ref": "#/components/parameters/UserId"},
        {"$ref": "#/components/parameters/TaskId"}
    ]);
    let user_of_id = json!([path_param("id", json!({"type": "string"}))]);
    let public = |summary: &str, status: u16, answer: Value| json!({"summary": summary, "security": [], "responses": answers(status, &answer)});
    json!({
        "/api/auth/register": {
            "post": taking(public("Sign up", 201, schema("AuthResponse")), "RegisterRequest")
        },
        "/api/auth/login": {
            "post": taking(public("Sign in", 200, schema("AuthResponse")), "LoginRequest")
        },
        "/api/auth/logout": {"post": secured("Log out", 200, &schema("Message"))},
        "/api/{user_id}/tasks": {
            "parameters": user,
            "get": secured("List the caller's tasks", 200, &tasks()),
            "post": taking(secured("Create a task", 201, &schema("Task")), "NewTask"),
        },
        "/api/{user_id}/tasks/{id}": {
            "parameters": task,
            "get": secured("Read a task", 200, &schema("Task")),
            "put": taking(secured("Update a task", 200, &schema("Task")), "TaskUpdate"),
            "delete": {
                "summary": "Delete a task",
                "security": [{"bearerAuth": []}],
                "responses": {"204": {"description": "Deleted."}, "401": {"description": "No valid bearer token."}},
            },
        },
        "/api/{user_id}/tasks/{id}/complete": {
            "parameters": task,
            "patch": secured("Toggle a task's completion", 200, &schema("Task")),
        },
        "/api/{user_id}/tasks/stats": {
            "parameters": user,
            "get": secured("Count the caller's tasks", 200, &schema("Stats")),
        },
        "/api/{user_id}/tasks/shared": {
            "parameters": user,
            // No security requirement: the route people forget to declare.
            "get": {"summary": "Tasks shared by a user", "responses": answers(200, &tasks())},
        },
        "/api/{user_id}/tasks/import": {
            "parameters": user,
            "post": taking(secured("Import a task", 201, &schema("Task")), "NewTask"),
        },
        "/api/me": {"get": secured("The caller's account", 200, &schema("Account"))},
        "/api/users/{id}": {
            "parameters": user_of_id,
            "get": secured("A user's account", 200, &schema("Account")),
            "put": taking(secured("Rename a user", 200, &schema("Account")), "Rename"),
        },
        "/health": {"get": public("Liveness", 200, json!({"type": "object"}))},
        // Public on purpose, and not in the suite's public set.
        "/": {"get": public("Hello", 200, schema("Message"))},
        // Declared secured, served without any check: were the sweep to
        // send it (a write to nothing it created), every task would go.
        "/api/admin/reset": {"post": secured("Delete every task", 200, &schema("Message"))},
    })
}

fn schemas() -> Value {
    let title = json!({"type": "string", "minLength": 1, "maxLength": 200});
    let description = json!({"type": ["string", "null"], "maxLength": 1000});
    json!({
        "Task": {
            "type": "object",
            "required": ["id", "user_id", "title", "description", "completed", "created_at", "updated_at"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "user_id": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": ["string", "null"]},
                "completed": {"type": "boolean"},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
            },
        },
        "NewTask": {
            "type": "object",
            "required": ["title"],
            "properties": {"title": title, "description": description},
        },
        "TaskUpdate": {
            "type": "object",
            "required": ["title"],
            "properties": {
                "title": title,
                "description": description,
                "completed": {"type": "boolean"},
            },
        },
        "RegisterRequest": {
            "type": "object",
            "required": ["email", "password"],
            "properties": {
                "email": {"type": "string", "format": "email", "maxLength": 254},
                "password": {"type": "string", "minLength": 8, "maxLength": 128},
                "name": {"type": ["string", "null"], "maxLength": 100},
            },
        },
        "LoginRequest": {
            "type": "object",
            "required": ["email", "password"],
            "properties": {"email": {"type": "string"}, "password": {"type": "string"}},
        },
        "AuthResponse": {
            "type": "object",
            "required": ["token", "user"],
            "properties": {"token": {"type": "string"}, "user": schema("Account")},
        },
        "Account": {
            "type": "object",
            "required": ["id", "email"],
            "properties": {
                "id": {"type": "string"},
                "email": {"type": ["string", "null"]},
                "name": {"type": ["string", "null"]},
            },
        },
        "Rename": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string", "minLength": 8, "maxLength": 60}},
        },
        "Stats": {
            "type": "object",
            "required": ["total", "completed"],
            "properties": {
                "total": {"type": "integer", "minimum": 0},
                "completed": {"type": "integer", "minimum": 0},
            },
        },
        "Message": {
            "type": "object",
            "required": ["detail"],
            "properties": {"detail": {"type": "string"}},
        },
    })
}
