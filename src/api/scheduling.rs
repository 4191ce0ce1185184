//! Scheduling: appointment types, free slots, booking, rescheduling, cancelling.

use super::AppError;
use crate::domain::scheduling::{
    AppointmentTypeView, AppointmentView, Availability, FeedView, NamedId, NotificationList, ResourceSettings,
    SchedulingSetup, TypeSettings, WeekView,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use crate::scheduling::booking::BookingError;

    impl From<BookingError> for AppError {
        fn from(e: BookingError) -> Self {
            match e {
                BookingError::Taken => AppError::Conflict(e.to_string()),
                BookingError::Unavailable(_) => AppError::BadRequest(e.to_string()),
                BookingError::Store(s) => s.into(),
            }
        }
    }
}

#[server(prefix = "/api", endpoint = "appointment_types")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn appointment_types() -> Result<Vec<AppointmentTypeView>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::scheduling::types(&pool, &actor).await?)
}

/// Free slots of a type between two of the venue's dates (`YYYY-MM-DD`).
#[server(prefix = "/api", endpoint = "available_slots")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(type_id = type_id)))]
pub async fn available_slots(type_id: i64, from: String, to: String) -> Result<Availability, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let type_id = super::ssr::id(type_id)?;
    let from = crate::domain::parse::date(&from).map_err(|m| AppError::invalid("from", &m))?;
    let to = crate::domain::parse::date(&to).map_err(|m| AppError::invalid("to", &m))?;
    let slots = crate::scheduling::booking::availability(&pool, &actor, type_id, from, to, Utc::now()).await?;
    let timezone = crate::store::scheduling::venue_tz(&pool, actor.venue_id).await?.name().to_string();
    Ok(Availability {
        timezone,
        slots: slots.into_iter().map(|s| crate::domain::scheduling::SlotView { start: s.start, end: s.end }).collect(),
    })
}

/// Books a slot. A retry with the same `idempotency_key` returns the first booking; a slot
/// taken meanwhile answers 409 "That time was just taken".
#[server(prefix = "/api", endpoint = "book_appointment")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(type_id = type_id, client_id = ?client_id)))]
pub async fn book_appointment(
    type_id: i64,
    starts_at: DateTime<Utc>,
    client_id: Option<i64>,
    idempotency_key: Option<String>,
    notes: String,
) -> Result<AppointmentView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let key = idempotency_key.filter(|k| !k.is_empty());
    if key.as_ref().is_some_and(|k| !(8..=100).contains(&k.len())) {
        return Err(AppError::invalid("idempotency_key", "Must be 8 to 100 characters."));
    }
    if notes.chars().count() > crate::domain::scheduling::MAX_REASON {
        return Err(AppError::invalid("notes", "Must be at most 1,000 characters."));
    }
    let booking = crate::scheduling::booking::Booking {
        type_id: super::ssr::id(type_id)?,
        starts_at,
        client_id,
        idempotency_key: key.as_deref(),
        notes: notes.trim(),
    };
    let a = crate::scheduling::booking::book(&pool, &pool, &actor, &booking, Utc::now()).await?;
    Ok(crate::store::scheduling::appointment(&pool, &actor, a.id).await?)
}

/// Upcoming appointments: the client's own, or the venue's for staff.
#[server(prefix = "/api", endpoint = "my_appointments")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn my_appointments() -> Result<Vec<AppointmentView>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::scheduling::appointments(&pool, &actor, Utc::now(), None).await?)
}

#[server(prefix = "/api", endpoint = "reschedule_appointment")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn reschedule_appointment(
    id: i64,
    starts_at: DateTime<Utc>,
    reason: String,
) -> Result<AppointmentView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if reason.chars().count() > crate::domain::scheduling::MAX_REASON {
        return Err(AppError::invalid("reason", "Must be at most 1,000 characters."));
    }
    let id = super::ssr::id(id)?;
    crate::scheduling::booking::reschedule(&pool, &pool, &actor, id, starts_at, &reason, Utc::now()).await?;
    Ok(crate::store::scheduling::appointment(&pool, &actor, id).await?)
}

#[server(prefix = "/api", endpoint = "cancel_appointment")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn cancel_appointment(id: i64, reason: String) -> Result<AppointmentView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if reason.chars().count() > crate::domain::scheduling::MAX_REASON {
        return Err(AppError::invalid("reason", "Must be at most 1,000 characters."));
    }
    let id = super::ssr::id(id)?;
    crate::scheduling::booking::cancel(&pool, &pool, &actor, id, &reason, Utc::now()).await?;
    Ok(crate::store::scheduling::appointment(&pool, &actor, id).await?)
}

/// Staff: appointments and events between two instants, optionally of one resource.
#[server(prefix = "/api", endpoint = "calendar_week")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(resource_id = ?resource_id)))]
pub async fn calendar_week(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    resource_id: Option<i64>,
) -> Result<WeekView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::scheduling::calendar::week(&pool, &actor, from, to, resource_id).await?)
}

/// Staff: how it went (`completed`, `no_show`), or back to `booked`.
#[server(prefix = "/api", endpoint = "set_appointment_status")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn set_appointment_status(id: i64, status: String) -> Result<AppointmentView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let id = super::ssr::id(id)?;
    crate::scheduling::booking::set_status(&pool, &actor, id, &status).await?;
    Ok(crate::store::scheduling::appointment(&pool, &actor, id).await?)
}

/// Staff: the clients they may book for.
#[server(prefix = "/api", endpoint = "booking_clients")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn booking_clients() -> Result<Vec<NamedId>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::scheduling::clients(&pool, &actor).await?)
}

/// Owner: types, resources and their hours.
#[server(prefix = "/api", endpoint = "scheduling_settings")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn scheduling_settings() -> Result<SchedulingSetup, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::scheduling_settings::settings(&pool, &actor).await?)
}

/// Owner: creates (`id` 0) or updates an appointment type; returns its id.
#[server(prefix = "/api", endpoint = "save_appointment_type", input = Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn save_appointment_type(t: TypeSettings) -> Result<i64, AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let id = crate::store::scheduling_settings::save_type(&state.pool, &actor, &t).await?;
    let detail = serde_json::json!({"appointment_type": t});
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::SchedulingChanged,
        format!("Appointment type {id}"),
        detail,
    )
    .await;
    Ok(id)
}

/// Owner: creates (`id` 0) or updates a resource with its weekly hours; returns its id.
#[server(prefix = "/api", endpoint = "save_resource", input = Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn save_resource(r: ResourceSettings) -> Result<i64, AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let id = crate::store::scheduling_settings::save_resource(&state.pool, &actor, &r).await?;
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::SchedulingChanged,
        format!("Resource {id}"),
        serde_json::json!({"resource": r}),
    )
    .await;
    Ok(id)
}

/// Owner: a closed day, extra hours or time off for one resource (`HH:MM` times; none when closed).
#[server(prefix = "/api", endpoint = "add_resource_override")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(resource_id = resource_id)))]
pub async fn add_resource_override(
    resource_id: i64,
    day: String,
    kind: String,
    start_time: String,
    end_time: String,
    note: String,
) -> Result<i64, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let day = crate::domain::parse::date(&day).map_err(|m| AppError::invalid("day", &m))?;
    let time = |field: &str, raw: &str| {
        chrono::NaiveTime::parse_from_str(raw.trim(), "%H:%M").map_err(|_| AppError::invalid(field, "Use HH:MM."))
    };
    let times =
        if kind == "closed" { None } else { Some((time("start_time", &start_time)?, time("end_time", &end_time)?)) };
    let resource_id = super::ssr::id(resource_id)?;
    Ok(crate::store::scheduling_settings::add_override(&pool, &actor, resource_id, day, &kind, times, &note).await?)
}

#[server(prefix = "/api", endpoint = "delete_resource_override")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn delete_resource_override(id: i64) -> Result<(), AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    crate::store::scheduling_settings::delete_override(&state.pool, &actor, super::ssr::id(id)?).await?;
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::Deleted,
        format!("Hours exception {id}"),
        serde_json::json!({"override_id": id}),
    )
    .await;
    Ok(())
}

/// The calendar feeds the member manages (their own; for staff, each resource's).
#[server(prefix = "/api", endpoint = "calendar_feeds")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn calendar_feeds() -> Result<Vec<FeedView>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::feeds::list(&pool, &actor).await?)
}

/// Makes a new private feed URL (the member's own, or a resource's), replacing the old one.
/// The URL is returned this once; only a hash of its secret is kept.
#[server(prefix = "/api", endpoint = "create_calendar_feed")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(resource_id = ?resource_id)))]
pub async fn create_calendar_feed(resource_id: Option<i64>) -> Result<String, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let target = crate::store::feeds::Target::from_param(resource_id).ok_or(AppError::NotFound)?;
    let token = crate::security::tokens::new_token();
    crate::store::feeds::create(&pool, &actor, target, &crate::security::tokens::token_hash(&token)).await?;
    Ok(format!("/calendar/feed/{token}.ics"))
}

/// Revokes a feed: its URL stops working at once.
#[server(prefix = "/api", endpoint = "revoke_calendar_feed")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(resource_id = ?resource_id)))]
pub async fn revoke_calendar_feed(resource_id: Option<i64>) -> Result<bool, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let target = crate::store::feeds::Target::from_param(resource_id).ok_or(AppError::NotFound)?;
    Ok(crate::store::feeds::revoke(&pool, &actor, target).await?)
}

#[server(prefix = "/api", endpoint = "notifications")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn notifications() -> Result<NotificationList, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::notifications::recent(&pool, &actor, 20).await?)
}

#[server(prefix = "/api", endpoint = "mark_notifications_read")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn mark_notifications_read() -> Result<u64, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::notifications::mark_read(&pool, &actor).await?)
}

/// Which kinds of note also come to the person by email (the kinds their role gets).
#[server(prefix = "/api", endpoint = "notification_prefs")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn notification_prefs() -> Result<Vec<crate::domain::scheduling::NotePref>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::notifications::prefs(&pool, &actor).await?)
}

/// Notes of `kind` also by email (`email`), or under the bell only.
#[server(prefix = "/api", endpoint = "set_notification_pref")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn set_notification_pref(kind: crate::domain::scheduling::NoteKind, email: bool) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::notifications::set_pref(&pool, &actor, kind, email).await?)
}
