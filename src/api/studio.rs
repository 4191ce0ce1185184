//! The studio (staff): order deliverables from specialists, follow them, review, regenerate with
//! feedback, edit, approve, share with the event's client. Owners edit the specialists. A client
//! reads what was shared on their event ([`shared_deliverables`]).

use super::AppError;
use crate::domain::studio::{OrderInput, OrderSummary, OrderView, SharedDeliverable, SpecialistInput, StudioView};
use leptos::prelude::*;

/// How many orders the studio lists.
#[cfg(feature = "ssr")]
const LISTED: i64 = 50;

/// The specialists, and the events an order can be for.
#[server(prefix = "/api", endpoint = "studio")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn studio() -> Result<StudioView, AppError> {
    use crate::store::events::{self, StatusFilter};
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let specialists = crate::store::studio::specialists(&pool, &actor).await?;
    let today = events::today(&pool, &actor).await?;
    let from = today - chrono::Duration::days(60);
    let to = today + chrono::Duration::days(730);
    let events = events::list(&pool, &actor, from, to, StatusFilter::NotCancelled, 200)
        .await?
        .into_iter()
        .map(|e| (e.id, format!("{} · {}", e.title, e.event_date.format("%b %-d, %Y"))))
        .collect();
    Ok(StudioView { specialists, events, can_edit: actor.role == crate::domain::Role::Owner })
}

/// The venue's latest orders, newest first.
#[server(prefix = "/api", endpoint = "studio_orders")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn studio_orders() -> Result<Vec<OrderSummary>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::studio::orders(&pool, &actor, LISTED).await?)
}

/// Places an order; returns its id. It is produced in the background.
#[server(prefix = "/api", endpoint = "order_deliverable")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn order_deliverable(input: OrderInput) -> Result<i64, AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    if !actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    let brief = crate::domain::studio::parse_brief("brief", &input.brief, false)?;
    let specialist = match crate::store::studio::specialist_by_slug(&state.pool, &actor, &input.specialist).await {
        Err(crate::store::StoreError::NotFound) => return Err(AppError::invalid("specialist", "Choose a specialist.")),
        other => other?,
    };
    let event = match input.event_id {
        Some(id) => Some(super::ssr::id(id).map_err(|_| AppError::invalid("event_id", "There is no such event."))?),
        None => None,
    };
    let id = crate::store::studio::place(&state.pool, &actor, &specialist, event, &brief, input.priority).await?;
    state.knowledge.wake.notify_one();
    tracing::info!(order = id, specialist = specialist.slug, "studio order placed");
    Ok(id)
}

/// One order: its progress while it runs, its versions.
#[server(prefix = "/api", endpoint = "studio_order")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn studio_order(id: i64) -> Result<OrderView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::studio::order(&pool, &actor, super::ssr::id(id)?).await?)
}

/// Cancels an order still queued or running.
#[server(prefix = "/api", endpoint = "cancel_order")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn cancel_order(id: i64) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::studio::cancel(&pool, &actor, super::ssr::id(id)?).await?)
}

/// Asks for a new version; `feedback` says what should change (empty: the brief again, as after
/// a failure).
#[server(prefix = "/api", endpoint = "regenerate_order")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn regenerate_order(id: i64, feedback: String) -> Result<(), AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let feedback = crate::domain::studio::parse_brief("feedback", &feedback, false)?;
    crate::store::studio::regenerate(&state.pool, &actor, super::ssr::id(id)?, &feedback).await?;
    state.knowledge.wake.notify_one();
    Ok(())
}

/// Saves a version written by hand; returns its number.
#[server(prefix = "/api", endpoint = "edit_deliverable")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn edit_deliverable(id: i64, body: String) -> Result<i32, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::invalid("body", "The deliverable cannot be empty."));
    }
    if body.len() > crate::domain::studio::MAX_BODY {
        return Err(AppError::invalid("body", "The deliverable is too long (at most 100,000 characters)."));
    }
    Ok(crate::store::studio::edit(&pool, &actor, super::ssr::id(id)?, body).await?)
}

/// Approves version `number`.
#[server(prefix = "/api", endpoint = "approve_deliverable")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn approve_deliverable(id: i64, number: i32) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::studio::approve(&pool, &actor, super::ssr::id(id)?, number).await?)
}

/// Shares the approved version with the event's client, or stops sharing it.
#[server(prefix = "/api", endpoint = "share_deliverable")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn share_deliverable(id: i64, shared: bool) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::studio::share(&pool, &actor, super::ssr::id(id)?, shared).await?)
}

/// Rates a deliverable for the person it was ordered for: 1 useful, -1 not useful, 0 takes the
/// rating back.
#[server(prefix = "/api", endpoint = "rate_deliverable")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn rate_deliverable(id: i64, rating: i16) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let rating = match rating {
        0 => None,
        1 | -1 => Some(rating),
        _ => return Err(AppError::invalid("rating", "Rate it 1 (useful), -1 (not useful) or 0 (no rating).")),
    };
    Ok(crate::store::studio::rate(&pool, &actor, super::ssr::id(id)?, rating).await?)
}

/// The queue (owners): each specialist's and automation's figures over the last 30 days, and
/// the jobs that used all their attempts.
#[server(prefix = "/api", endpoint = "studio_queue")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn studio_queue() -> Result<crate::domain::queue::QueueView, AppError> {
    use crate::store::queue;
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::domain::queue::QueueView {
        specialists: queue::specialists(&pool, &actor).await?,
        automations: queue::automations(&pool, &actor).await?,
        dead: queue::dead_letters(&pool, &actor).await?,
    })
}

/// Sends a dead letter again (owners): the job gets its attempts back and runs now.
#[server(prefix = "/api", endpoint = "retry_job")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(job = job_id)))]
pub async fn retry_job(job_id: i64) -> Result<(), AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let kind = crate::store::queue::retry(&state.pool, &actor, super::ssr::id(job_id)?).await?;
    state.knowledge.wake.notify_one();
    tracing::info!(job = job_id, kind, "dead letter retried");
    Ok(())
}

/// Saves a specialist (owners): `input.slug` names the one edited, empty for a new one.
#[server(prefix = "/api", endpoint = "save_specialist")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn save_specialist(input: SpecialistInput) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let new = input.slug.trim().is_empty();
    let draft = crate::domain::studio::parse_specialist(&input)?;
    Ok(crate::store::studio::save_specialist(&pool, &actor, &draft, new).await?)
}

/// A built-in specialist back to its default text, or the venue's own removed (owners).
#[server(prefix = "/api", endpoint = "reset_specialist")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn reset_specialist(slug: String) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::studio::reset_specialist(&pool, &actor, &slug).await?)
}

/// The approved deliverables the venue shared on an event (its client, and staff).
#[server(prefix = "/api", endpoint = "shared_deliverables")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id)))]
pub async fn shared_deliverables(event_id: i64) -> Result<Vec<SharedDeliverable>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::studio::shared(&pool, &actor, super::ssr::id(event_id)?).await?)
}
