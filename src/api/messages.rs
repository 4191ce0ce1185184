//! Message threads of an event.

use super::AppError;
use crate::domain::records::{Message, ThreadSummary, ThreadView};
use leptos::prelude::*;

/// How many of a thread's latest messages a page shows.
pub const THREAD_PAGE: i64 = 200;

#[server(prefix = "/api", endpoint = "event_threads")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id)))]
pub async fn event_threads(event_id: i64) -> Result<Vec<ThreadSummary>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::messages::threads(&pool, &actor, super::ssr::id(event_id)?).await?)
}

#[server(prefix = "/api", endpoint = "open_thread")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn open_thread(thread_id: i64) -> Result<ThreadView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::messages::open(&pool, &actor, super::ssr::id(thread_id)?, THREAD_PAGE).await?)
}

#[server(prefix = "/api", endpoint = "send_message")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn send_message(thread_id: i64, body: String) -> Result<Message, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let thread_id = super::ssr::id(thread_id)?;
    let body = crate::domain::forms::message_body(&body)?;
    Ok(crate::store::messages::send(&pool, &actor, thread_id, &body).await?)
}
