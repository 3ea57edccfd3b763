//! Task queries. Every one is scoped by the owner in its WHERE clause.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::input::{TaskFields, ValidUpdate};

#[derive(Debug, Serialize)]
pub struct Task {
    pub id: Uuid,
    pub user_id: String,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn list(pool: &PgPool, user_id: &str) -> Result<Vec<Task>, sqlx::Error> {
    sqlx::query_as!(
        Task,
        "SELECT id, user_id, title, description, completed, created_at, updated_at
         FROM tasks WHERE user_id = $1 ORDER BY created_at, id",
        user_id,
    )
    .fetch_all(pool)
    .await
}

pub async fn create(pool: &PgPool, user_id: &str, fields: TaskFields) -> Result<Task, sqlx::Error> {
    sqlx::query_as!(
        Task,
        "INSERT INTO tasks (user_id, title, description) VALUES ($1, $2, $3)
         RETURNING id, user_id, title, description, completed, created_at, updated_at",
        user_id,
        fields.title,
        fields.description,
    )
    .fetch_one(pool)
    .await
}

pub async fn get(pool: &PgPool, user_id: &str, id: Uuid) -> Result<Option<Task>, sqlx::Error> {
    sqlx::query_as!(
        Task,
        "SELECT id, user_id, title, description, completed, created_at, updated_at
         FROM tasks WHERE id = $1 AND user_id = $2",
        id,
        user_id,
    )
    .fetch_optional(pool)
    .await
}

pub async fn update(
    pool: &PgPool,
    user_id: &str,
    id: Uuid,
    update: ValidUpdate,
) -> Result<Option<Task>, sqlx::Error> {
    let (set_description, description) = match update.description {
        Some(description) => (true, description),
        None => (false, None),
    };
    sqlx::query_as!(
        Task,
        "UPDATE tasks SET
             title = $3,
             description = CASE WHEN $4 THEN $5 ELSE description END,
             completed = COALESCE($6, completed),
             updated_at = clock_timestamp()
         WHERE id = $1 AND user_id = $2
         RETURNING id, user_id, title, description, completed, created_at, updated_at",
        id,
        user_id,
        update.title,
        set_description,
        description,
        update.completed,
    )
    .fetch_optional(pool)
    .await
}

pub async fn toggle(pool: &PgPool, user_id: &str, id: Uuid) -> Result<Option<Task>, sqlx::Error> {
    sqlx::query_as!(
        Task,
        "UPDATE tasks SET completed = NOT completed, updated_at = clock_timestamp()
         WHERE id = $1 AND user_id = $2
         RETURNING id, user_id, title, description, completed, created_at, updated_at",
        id,
        user_id,
    )
    .fetch_optional(pool)
    .await
}

/// Whether a task was deleted.
pub async fn delete(pool: &PgPool, user_id: &str, id: Uuid) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "DELETE FROM tasks WHERE id = $1 AND user_id = $2",
        id,
        user_id
    )
    .execute(pool)
    .await?;
    Ok(result.rows_affected() > 0)
}
