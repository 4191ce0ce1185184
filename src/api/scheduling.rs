//! Scheduling: appointment types, free slots, booking, rescheduling, cancelling.

use super::AppError;
use crate::domain::scheduling::{AppointmentTypeView, AppointmentView, Availability};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use crate::store::scheduling::BookingError;

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
pub async fn appointment_types() -> Result<Vec<AppointmentTypeView>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::scheduling::types(&pool, &actor).await?)
}

/// Free slots of a type between two of the venue's dates (`YYYY-MM-DD`).
#[server(prefix = "/api", endpoint = "available_slots")]
pub async fn available_slots(type_id: i64, from: String, to: String) -> Result<Availability, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let type_id = super::ssr::id(type_id)?;
    let from = crate::domain::parse::date(&from).map_err(|m| AppError::invalid("from", &m))?;
    let to = crate::domain::parse::date(&to).map_err(|m| AppError::invalid("to", &m))?;
    let slots = crate::store::scheduling::availability(&pool, &actor, type_id, from, to, Utc::now()).await?;
    let timezone = crate::store::scheduling::venue_tz(&pool, actor.venue_id).await?.name().to_string();
    Ok(Availability {
        timezone,
        slots: slots.into_iter().map(|s| crate::domain::scheduling::SlotView { start: s.start, end: s.end }).collect(),
    })
}

/// Books a slot. A retry with the same `idempotency_key` returns the first booking; a slot
/// taken meanwhile answers 409 "That time was just taken".
#[server(prefix = "/api", endpoint = "book_appointment")]
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
    let booking = crate::store::scheduling::Booking {
        type_id: super::ssr::id(type_id)?,
        starts_at,
        client_id,
        idempotency_key: key.as_deref(),
        notes: notes.trim(),
    };
    let a = crate::store::scheduling::book(&pool, &actor, &booking, Utc::now()).await?;
    Ok(crate::store::scheduling::appointment(&pool, &actor, a.id).await?)
}

/// Upcoming appointments: the client's own, or the venue's for staff.
#[server(prefix = "/api", endpoint = "my_appointments")]
pub async fn my_appointments() -> Result<Vec<AppointmentView>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::scheduling::appointments(&pool, &actor, Utc::now(), None).await?)
}

#[server(prefix = "/api", endpoint = "reschedule_appointment")]
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
    crate::store::scheduling::reschedule(&pool, &actor, id, starts_at, &reason, Utc::now()).await?;
    Ok(crate::store::scheduling::appointment(&pool, &actor, id).await?)
}

#[server(prefix = "/api", endpoint = "cancel_appointment")]
pub async fn cancel_appointment(id: i64, reason: String) -> Result<AppointmentView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if reason.chars().count() > crate::domain::scheduling::MAX_REASON {
        return Err(AppError::invalid("reason", "Must be at most 1,000 characters."));
    }
    let id = super::ssr::id(id)?;
    crate::store::scheduling::cancel(&pool, &actor, id, &reason, Utc::now()).await?;
    Ok(crate::store::scheduling::appointment(&pool, &actor, id).await?)
}
