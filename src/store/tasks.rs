//! Tasks: venue-wide or per event, assigned to owners and staff. Staff only.

use super::access::{self, Need};
use super::{Actor, StoreError, StoreResult};
use crate::domain::forms::TaskDraft;
use crate::domain::records::{Task, TasksView};
use crate::domain::TaskStatus;
use sqlx::{Acquire, PgPool, Postgres};

pub(crate) const COLUMNS: &str =
    "t.id, t.title, t.event_id, e.title as event_title, t.assignee_id, u.name as assignee_name, t.due_date, t.status";

pub async fn for_event(pool: &PgPool, actor: &Actor, event_id: i64) -> StoreResult<TasksView> {
    let mut conn = pool.acquire().await?;
    access::event(&mut conn, actor, event_id, Need::Manage).await?;
    let tasks = sqlx::query_as(&format!(
        "select {COLUMNS}
           from tasks t left join events e on e.id = t.event_id left join users u on u.id = t.assignee_id
          where t.event_id = $1 and t.venue_id = $2
          order by t.status = 'done', t.due_date nulls last, t.id"
    ))
    .bind(event_id)
    .bind(actor.venue_id)
    .fetch_all(&mut *conn)
    .await?;
    let members = super::users::staff(&mut conn, actor).await?;
    Ok(TasksView { tasks, members })
}

/// The assignee must be an owner or staff member of the same venue.
async fn check_assignee(conn: &mut sqlx::PgConnection, actor: &Actor, assignee: Option<i64>) -> StoreResult<()> {
    if let Some(user_id) = assignee {
        let ok: bool = sqlx::query_scalar(
            "select exists (select 1 from memberships where user_id = $1 and venue_id = $2 and role in ('owner', 'staff'))",
        )
        .bind(user_id)
        .bind(actor.venue_id)
        .fetch_one(conn)
        .await?;
        if !ok {
            return Err(StoreError::field("assignee_id", "Choose a member of the venue's staff."));
        }
    }
    Ok(())
}

pub async fn create<'c>(
    db: impl Acquire<'c, Database = Postgres>,
    actor: &Actor,
    event_id: i64,
    draft: &TaskDraft,
) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    access::event(&mut tx, actor, event_id, Need::Manage).await?;
    check_assignee(&mut tx, actor, draft.assignee_id).await?;
    let id = sqlx::query_scalar(
        "insert into tasks (venue_id, event_id, title, assignee_id, due_date, created_by)
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(actor.venue_id)
    .bind(event_id)
    .bind(&draft.title)
    .bind(draft.assignee_id)
    .bind(draft.due_date)
    .bind(actor.user_id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Loads a task's event for the access check; a task of another venue is not found.
async fn task_event(conn: &mut sqlx::PgConnection, actor: &Actor, task_id: i64) -> StoreResult<Option<i64>> {
    let row: Option<(Option<i64>,)> = sqlx::query_as("select event_id from tasks where id = $1 and venue_id = $2")
        .bind(task_id)
        .bind(actor.venue_id)
        .fetch_optional(&mut *conn)
        .await?;
    let (event_id,) = row.ok_or(StoreError::NotFound)?;
    match event_id {
        Some(id) => access::event(conn, actor, id, Need::Manage).await?,
        None if !actor.is_staff() => return Err(StoreError::NotFound),
        None => {}
    }
    Ok(event_id)
}

pub async fn set_status(pool: &PgPool, actor: &Actor, task_id: i64, status: TaskStatus) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    task_event(&mut tx, actor, task_id).await?;
    sqlx::query(
        "update tasks set status = $2, completed_at = case when $2 = 'done' then coalesce(completed_at, now()) end
          where id = $1",
    )
    .bind(task_id)
    .bind(status.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn assign(pool: &PgPool, actor: &Actor, task_id: i64, assignee: Option<i64>) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    task_event(&mut tx, actor, task_id).await?;
    check_assignee(&mut tx, actor, assignee).await?;
    sqlx::query("update tasks set assignee_id = $2 where id = $1")
        .bind(task_id)
        .bind(assignee)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Pending tasks across the venue, soonest due first (the dashboard).
pub async fn pending(pool: &PgPool, actor: &Actor, limit: i64) -> StoreResult<Vec<Task>> {
    if !actor.is_staff() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS}
           from tasks t left join events e on e.id = t.event_id left join users u on u.id = t.assignee_id
          where t.venue_id = $1 and t.status <> 'done'
          order by t.due_date nulls last, t.id
          limit $2"
    ))
    .bind(actor.venue_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
