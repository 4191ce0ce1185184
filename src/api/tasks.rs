//! Tasks of an event (staff only).

use super::AppError;
use crate::domain::forms::TaskForm;
use crate::domain::records::TasksView;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "event_tasks")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id)))]
pub async fn event_tasks(event_id: i64) -> Result<TasksView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::tasks::for_event(&pool, &actor, super::ssr::id(event_id)?).await?)
}

#[server(prefix = "/api", endpoint = "create_task")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id)))]
pub async fn create_task(event_id: i64, form: TaskForm) -> Result<i64, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let draft = form.parse()?;
    Ok(crate::store::tasks::create(&pool, &actor, super::ssr::id(event_id)?, &draft).await?)
}

#[server(prefix = "/api", endpoint = "set_task_status")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(task_id = task_id)))]
pub async fn set_task_status(task_id: i64, status: String) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let status = crate::domain::forms::task_status(&status)?;
    Ok(crate::store::tasks::set_status(&pool, &actor, super::ssr::id(task_id)?, status).await?)
}

#[server(prefix = "/api", endpoint = "assign_task")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(task_id = task_id)))]
pub async fn assign_task(task_id: i64, assignee_id: String) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let mut p = crate::domain::parse::Parser::new();
    let assignee = p.optional_id("assignee_id", &assignee_id);
    p.finish(|| ())?;
    Ok(crate::store::tasks::assign(&pool, &actor, super::ssr::id(task_id)?, assignee).await?)
}
