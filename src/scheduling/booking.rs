//! The booking rules: free slots of a type, booking, rescheduling, cancelling and marking how an
//! appointment went. Each checks what may be done (the slot is one of `availability::free_slots`,
//! the actor is within the type's notice), then writes through the store in one transaction with
//! the reminder it needs. Double booking is made impossible by the database: the store's writes of
//! resource blocks are refused by an exclusion constraint, read here as "That time was just
//! taken", and changes lock the appointment (`for update`) first.

use super::availability::{self as av, Override, Resource, Slot, Span, WeeklyHours};
use super::reminders;
use crate::domain::webhooks::WebhookEvent;
use crate::domain::Role;
use crate::store::scheduling::{self as db, Appointment, AppointmentType, NewAppointment, ResourceRecord};
use crate::store::{webhooks, Actor, StoreError, StoreResult};
use chrono::{DateTime, Duration, NaiveDate, Utc, Weekday};
use sqlx::{Acquire, PgPool, Postgres};

/// What booking a type asks of availability: its duration, buffers and notice, on a 15-minute grid.
pub fn request(t: &AppointmentType) -> av::Request {
    av::Request {
        duration: Duration::minutes(t.duration_minutes.into()),
        buffer_before: Duration::minutes(t.buffer_before_minutes.into()),
        buffer_after: Duration::minutes(t.buffer_after_minutes.into()),
        min_notice: Duration::minutes(t.min_notice_minutes.into()),
        step: Duration::minutes(15),
    }
}

/// An ISO weekday as stored (1 = Monday … 7 = Sunday).
fn weekday(iso: i16) -> Weekday {
    match iso {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

/// A stored resource as availability sees it; an override of unknown kind, or without the times
/// its kind needs, is left out.
fn resource(r: ResourceRecord) -> Resource {
    Resource {
        hours: r
            .hours
            .iter()
            .map(|h| WeeklyHours { weekday: weekday(h.weekday), start: h.start_time, end: h.end_time })
            .collect(),
        overrides: r
            .overrides
            .iter()
            .filter_map(|o| match (o.kind.as_str(), o.start_time, o.end_time) {
                ("closed", _, _) => Some(Override::Closed(o.day)),
                ("extra", Some(start), Some(end)) => Some(Override::Extra { date: o.day, start, end }),
                ("off", Some(start), Some(end)) => Some(Override::Off { date: o.day, start, end }),
                _ => None,
            })
            .collect(),
        busy: r.busy.iter().map(|&(start, end)| Span::new(start, end)).collect(),
    }
}

/// The resources a type needs (ids and as availability sees them), their overrides in
/// `[from, to]`, and (with `with_busy`) what is booked around it.
async fn resources(
    pool: &PgPool,
    type_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    with_busy: bool,
) -> StoreResult<Vec<(i64, Resource)>> {
    Ok(db::type_resources(pool, type_id, from, to, with_busy).await?.into_iter().map(|r| (r.id, resource(r))).collect())
}

/// Free slots of a type over the venue's local dates `[from, to]` (at most 92 days).
pub async fn availability(
    pool: &PgPool,
    actor: &Actor,
    type_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Slot>> {
    if to < from || (to - from).num_days() > 92 {
        return Err(StoreError::field("to", "Ask for 1 to 93 days at a time."));
    }
    let t = db::appointment_type(pool, actor, type_id).await?;
    let tz = db::venue_tz(pool, actor.venue_id).await?;
    let res: Vec<Resource> = resources(pool, type_id, from, to, true).await?.into_iter().map(|(_, r)| r).collect();
    Ok(av::free_slots(tz, &res, &request(&t), from, to, now))
}

/// A booking as asked for.
pub struct Booking<'a> {
    pub type_id: i64,
    pub starts_at: DateTime<Utc>,
    /// Staff book for a client; a client books for themselves (this is then ignored).
    pub client_id: Option<i64>,
    pub idempotency_key: Option<&'a str>,
    pub notes: &'a str,
}

/// Why a booking was refused (beyond the usual store errors).
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    #[error("That time was just taken. Pick another one.")]
    Taken,
    #[error("That time is not available: {0}")]
    Unavailable(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BookingError {
    fn from(e: sqlx::Error) -> Self {
        BookingError::Store(e.into())
    }
}

/// Where a booking of `t` at `starts_at` goes: the resources it holds, the appointment and the
/// span it blocks. Checks the notice and the resources' hours; bookings aside, since an overlap
/// is the database's to refuse (so that a race and a plain conflict answer the same).
async fn place(
    pool: &PgPool,
    actor: &Actor,
    t: &AppointmentType,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(Vec<i64>, Slot, Span), BookingError> {
    let request = request(t);
    if starts_at < now + request.min_notice {
        return Err(BookingError::Unavailable("it is too soon to book it"));
    }
    let tz = db::venue_tz(pool, actor.venue_id).await?;
    let day = starts_at.with_timezone(&tz).date_naive();
    let (ids, open): (Vec<i64>, Vec<Resource>) = resources(pool, t.id, day, day, false).await?.into_iter().unzip();
    if !av::free_slots(tz, &open, &request, day, day, now).iter().any(|s| s.start == starts_at) {
        return Err(BookingError::Unavailable("it is outside the hours of the people and rooms it needs"));
    }
    let slot = Slot { start: starts_at, end: starts_at + request.duration };
    Ok((ids, slot, slot.block(&request)))
}

/// A write of a resource's block: refused by the constraint `no_double_booking` (SQLSTATE 23P01,
/// exclusion_violation) when another booking holds an overlapping span. Two bookings that write
/// overlapping blocks at the same moment can each wait for the other's (an exclusion constraint
/// checks after it inserts); Postgres then aborts one with 40P01 (deadlock_detected). Its only
/// cause here is that race, so it answers the same as the plain conflict.
fn taken(e: StoreError) -> BookingError {
    match e {
        StoreError::Db(sqlx::Error::Database(d)) if matches!(d.code().as_deref(), Some("23P01" | "40P01")) => {
            BookingError::Taken
        }
        e => e.into(),
    }
}

/// Books a slot. The start must be one of the type's free slots now; the database then refuses
/// an overlap that slipped in meanwhile (`Taken`). Retrying with the same idempotency key
/// returns the first appointment. Reads go through `pool`, the booking's writes through `write`
/// (the pool, or an approved action's transaction: see `agent::ToolCx::writer`).
pub async fn book<'c>(
    pool: &PgPool,
    write: impl Acquire<'c, Database = Postgres>,
    actor: &Actor,
    b: &Booking<'_>,
    now: DateTime<Utc>,
) -> Result<Appointment, BookingError> {
    if let Some(key) = b.idempotency_key {
        if let Some(existing) = db::appointment_by_key(pool, actor, key).await? {
            return Ok(existing);
        }
    }
    let client_id = match actor.role {
        Role::Client => Some(actor.client_id.ok_or(StoreError::Forbidden)?),
        Role::Owner | Role::Staff => {
            let id = b.client_id.ok_or_else(|| StoreError::field("client_id", "Choose the client."))?;
            if !db::client_exists(pool, actor.venue_id, id).await? {
                return Err(StoreError::NotFound.into());
            }
            Some(id)
        }
        Role::Vendor => return Err(StoreError::Forbidden.into()),
    };
    let t = db::appointment_type(pool, actor, b.type_id).await?;
    let (resource_ids, slot, block) = place(pool, actor, &t, b.starts_at, now).await?;
    let mut tx = write.begin().await?;
    let new = NewAppointment {
        type_id: b.type_id,
        client_id,
        starts_at: slot.start,
        ends_at: slot.end,
        idempotency_key: b.idempotency_key,
        notes: b.notes,
    };
    let appointment = match db::insert_appointment(&mut tx, actor, &new).await {
        Ok(a) => a,
        Err(StoreError::Db(sqlx::Error::Database(e))) if e.is_unique_violation() => {
            // The same request, retried while the first was being stored.
            tx.rollback().await?;
            let key = b.idempotency_key.unwrap_or_default();
            return db::appointment_by_key(pool, actor, key).await?.ok_or(BookingError::Taken);
        }
        Err(e) => return Err(e.into()),
    };
    for &resource_id in &resource_ids {
        db::hold_resource(&mut tx, appointment.id, resource_id, block.start, block.end).await.map_err(taken)?;
    }
    reminders::schedule(&mut tx, appointment.id, appointment.sequence, slot.start, t.reminder_minutes, now).await?;
    webhooks::appointment_changed(&mut tx, actor.venue_id, WebhookEvent::AppointmentBooked, appointment.id, None, now)
        .await?;
    tx.commit().await?;
    Ok(appointment)
}

/// Clients change or cancel only with the type's notice; staff may always.
fn change_allowed(actor: &Actor, t: &AppointmentType, a: &Appointment, now: DateTime<Utc>) -> Result<(), BookingError> {
    if a.status != "booked" {
        return Err(StoreError::Conflict(format!("This appointment is {} already.", a.status.replace('_', " "))).into());
    }
    if !actor.is_staff() && a.starts_at - Duration::minutes(t.min_change_notice_minutes.into()) < now {
        return Err(BookingError::Unavailable("it is too late to change it; please contact the venue"));
    }
    Ok(())
}

/// Moves an appointment to another free start. Its `sequence` goes up by one; the old and new
/// times are kept in its history.
pub async fn reschedule<'c>(
    pool: &PgPool,
    write: impl Acquire<'c, Database = Postgres>,
    actor: &Actor,
    id: i64,
    starts_at: DateTime<Utc>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Appointment, BookingError> {
    let mut tx = write.begin().await?;
    let a = db::lock_appointment(&mut tx, actor, id).await?;
    let t = db::appointment_type(pool, actor, a.type_id).await?;
    change_allowed(actor, &t, &a, now)?;
    let (_, slot, block) = place(pool, actor, &t, starts_at, now).await?;
    db::move_blocks(&mut tx, a.id, block.start, block.end).await.map_err(taken)?;
    let updated = db::move_appointment(&mut tx, a.id, slot.start, slot.end).await?;
    db::record_change(&mut tx, actor, &a, "rescheduled", Some(slot.start), reason).await?;
    reminders::schedule(&mut tx, updated.id, updated.sequence, updated.starts_at, t.reminder_minutes, now).await?;
    let event = WebhookEvent::AppointmentRescheduled;
    webhooks::appointment_changed(&mut tx, actor.venue_id, event, updated.id, Some(reason.trim()), now).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Cancels an appointment, keeping the reason; its time is free again.
pub async fn cancel<'c>(
    pool: &PgPool,
    write: impl Acquire<'c, Database = Postgres>,
    actor: &Actor,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Appointment, BookingError> {
    let mut tx = write.begin().await?;
    let a = db::lock_appointment(&mut tx, actor, id).await?;
    let t = db::appointment_type(pool, actor, a.type_id).await?;
    change_allowed(actor, &t, &a, now)?;
    let reason: String = reason.trim().chars().take(1000).collect();
    let updated = db::mark_cancelled(&mut tx, a.id, &reason).await?;
    db::release_blocks(&mut tx, a.id).await?;
    db::record_change(&mut tx, actor, &a, "cancelled", None, &reason).await?;
    let event = WebhookEvent::AppointmentCancelled;
    webhooks::appointment_changed(&mut tx, actor.venue_id, event, updated.id, Some(&reason), now).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Staff mark how an appointment went: `completed` or `no_show` (or back to `booked`).
pub async fn set_status(pool: &PgPool, actor: &Actor, id: i64, status: &str) -> Result<Appointment, BookingError> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden.into());
    }
    if !["booked", "completed", "no_show"].contains(&status) {
        return Err(StoreError::field("status", "Pick booked, completed or no-show.").into());
    }
    let mut tx = pool.begin().await?;
    let a = db::lock_appointment(&mut tx, actor, id).await?;
    if a.status == "cancelled" {
        return Err(StoreError::Conflict("This appointment is cancelled; book a new one instead.".into()).into());
    }
    let updated = db::update_status(&mut tx, a.id, status).await?;
    db::record_change(&mut tx, actor, &a, "status", None, &format!("{} → {status}", a.status)).await?;
    tx.commit().await?;
    Ok(updated)
}
