//! Guest lists: staff and the event's own client edit them.

use super::AppError;
use crate::domain::forms::GuestForm;
use crate::domain::records::Guest;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_guests")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id)))]
pub async fn list_guests(event_id: i64) -> Result<Vec<Guest>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::guests::list(&pool, &actor, super::ssr::id(event_id)?).await?)
}

#[server(prefix = "/api", endpoint = "add_guest")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id)))]
pub async fn add_guest(event_id: i64, form: GuestForm) -> Result<Guest, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let draft = form.parse()?;
    Ok(crate::store::guests::add(&pool, &actor, super::ssr::id(event_id)?, &draft).await?)
}

#[server(prefix = "/api", endpoint = "update_guest")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id, guest_id = guest_id)))]
pub async fn update_guest(event_id: i64, guest_id: i64, form: GuestForm) -> Result<Guest, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let draft = form.parse()?;
    Ok(crate::store::guests::update(&pool, &actor, super::ssr::id(event_id)?, super::ssr::id(guest_id)?, &draft)
        .await?)
}

#[server(prefix = "/api", endpoint = "set_rsvp")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id, guest_id = guest_id)))]
pub async fn set_rsvp(event_id: i64, guest_id: i64, rsvp: String) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let rsvp = crate::domain::forms::rsvp(&rsvp)?;
    Ok(crate::store::guests::set_rsvp(&pool, &actor, super::ssr::id(event_id)?, super::ssr::id(guest_id)?, rsvp)
        .await?)
}

#[server(prefix = "/api", endpoint = "remove_guest")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id, guest_id = guest_id)))]
pub async fn remove_guest(event_id: i64, guest_id: i64) -> Result<(), AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    crate::store::guests::remove(&state.pool, &actor, super::ssr::id(event_id)?, super::ssr::id(guest_id)?).await?;
    let detail = serde_json::json!({"event_id": event_id, "guest_id": guest_id});
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::Deleted,
        format!("Guest {guest_id} of event {event_id}"),
        detail,
    )
    .await;
    Ok(())
}

/// Most bytes of pasted or uploaded guest-list text.
pub const MAX_IMPORT_BYTES: usize = 2_000_000;

/// Imports a pasted or uploaded guest list: each row is checked as the guest form checks it; the
/// valid ones are added in one transaction; the report lists the rows refused.
#[server(prefix = "/api", endpoint = "import_guests", input = leptos::server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id)))]
pub async fn import_guests(
    event_id: i64,
    text: String,
    mapping: Vec<Option<crate::domain::guest_import::Target>>,
    has_header: bool,
) -> Result<crate::domain::guest_import::ImportReport, AppError> {
    use crate::domain::guest_import::{check, split, ImportError, ImportReport};
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let event_id = super::ssr::id(event_id)?;
    if text.len() > MAX_IMPORT_BYTES {
        return Err(AppError::invalid("text", "At most 2 MB of text at a time."));
    }
    let rows = check(&text, &mapping, has_header).map_err(|e| match e {
        ImportError::NoName => AppError::invalid("mapping", &e.to_string()),
        other => AppError::invalid("text", &other.to_string()),
    })?;
    let (guests, rejected) = split(rows);
    let import_id = if guests.is_empty() {
        // Still checks access, so a refused list reveals nothing about someone else's event.
        crate::store::guests::list(&pool, &actor, event_id).await?;
        None
    } else {
        Some(crate::store::guests::import(&pool, &actor, event_id, &guests, rejected.len()).await?)
    };
    Ok(ImportReport { import_id, imported: guests.len(), rejected })
}

/// Removes every guest an import added.
#[server(prefix = "/api", endpoint = "undo_guest_import")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id, import_id = import_id)))]
pub async fn undo_guest_import(event_id: i64, import_id: i64) -> Result<u64, AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let removed =
        crate::store::guests::undo_import(&state.pool, &actor, super::ssr::id(event_id)?, super::ssr::id(import_id)?)
            .await?;
    let detail = serde_json::json!({"event_id": event_id, "import_id": import_id, "guests_removed": removed});
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::Deleted,
        format!("Guest import {import_id} of event {event_id}"),
        detail,
    )
    .await;
    Ok(removed)
}
