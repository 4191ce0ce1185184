//! Appointment reminders, sent by the job queue (`store::jobs`).
//!
//! Booking or rescheduling enqueues one job per appointment time (`reminder:<id>:<sequence>`),
//! due the type's `reminder_minutes` before the start. When it runs, in one transaction: the
//! appointment is still booked at that time → a notification for the client and a row in
//! `appointment_reminders` (whose key refuses a second one) → the job is marked done. A job for
//! a time that has since moved or been cancelled finishes without sending anything.

use crate::domain::scheduling::NoteKind;
use crate::store::{jobs, notifications, StoreError};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};

pub const KIND: &str = "appointment_reminder";

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    appointment_id: i64,
    sequence: i32,
}

/// Queues the reminder for an appointment's current time (inside the booking's transaction).
/// Nothing is queued when the type sends none, or when the reminder time has already passed
/// (the booking is itself the reminder then).
pub async fn schedule(
    conn: &mut PgConnection,
    appointment_id: i64,
    sequence: i32,
    starts_at: DateTime<Utc>,
    reminder_minutes: i32,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if reminder_minutes <= 0 {
        return Ok(());
    }
    let run_at = starts_at - Duration::minutes(reminder_minutes.into());
    if run_at <= now {
        return Ok(());
    }
    let payload = serde_json::to_value(Payload { appointment_id, sequence }).unwrap_or_default();
    let key = format!("reminder:{appointment_id}:{sequence}");
    jobs::enqueue(conn, KIND, &payload, run_at, Some(&key), jobs::Priority::Background).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Due {
    venue_id: i64,
    status: String,
    sequence: i32,
    starts_at: DateTime<Utc>,
    type_name: String,
    timezone: String,
    client_user: Option<i64>,
}

/// What one job did.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// The appointment moved, was cancelled, already started, or its client has no account.
    Obsolete,
}

/// Sends one reminder and marks its job done, in one transaction.
#[tracing::instrument(name = "job", skip_all, err(level = "warn"), fields(job_id = job.id, kind = %job.kind))]
pub async fn run(pool: &PgPool, job: &jobs::Job, now: DateTime<Utc>) -> Result<Delivery, StoreError> {
    let p: Payload = serde_json::from_value(job.payload.0.clone())
        .map_err(|e| StoreError::Conflict(format!("bad reminder payload: {e}")))?;
    let mut tx = pool.begin().await?;
    let due: Option<Due> = sqlx::query_as(
        "select a.venue_id, a.status, a.sequence, a.starts_at, t.name as type_name, v.timezone, c.user_id as client_user
           from appointments a
           join appointment_types t on t.id = a.type_id
           join venues v on v.id = a.venue_id
           left join clients c on c.id = a.client_id
          where a.id = $1
          for update of a",
    )
    .bind(p.appointment_id)
    .fetch_optional(&mut *tx)
    .await?;
    let mut outcome = Delivery::Obsolete;
    if let Some(d) = due.filter(|d| d.status == "booked" && d.sequence == p.sequence && d.starts_at > now) {
        if let Some(user_id) = d.client_user {
            let first: bool = sqlx::query_scalar(
                "insert into appointment_reminders (appointment_id, sequence) values ($1, $2)
                 on conflict do nothing returning true",
            )
            .bind(p.appointment_id)
            .bind(p.sequence)
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or(false);
            if first {
                let body = message(&d.type_name, d.starts_at, &d.timezone);
                let id = notifications::add(&mut tx, d.venue_id, user_id, NoteKind::Reminders, &body, "/book").await?;
                sqlx::query(
                    "update appointment_reminders set notification_id = $3 where appointment_id = $1 and sequence = $2",
                )
                .bind(p.appointment_id)
                .bind(p.sequence)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                outcome = Delivery::Sent;
            }
        }
    }
    jobs::finish(&mut tx, job.id).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// "Reminder: your Menu tasting is on Tuesday 1 December at 2:00 PM (America/New_York)."
fn message(type_name: &str, starts_at: DateTime<Utc>, timezone: &str) -> String {
    let when = match timezone.parse::<Tz>() {
        Ok(tz) => format!("{} ({timezone})", starts_at.with_timezone(&tz).format("%A %-d %B at %-I:%M %p")),
        Err(_) => format!("{} UTC", starts_at.format("%A %-d %B at %H:%M")),
    };
    format!("Reminder: your {type_name} is on {when}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_in_the_venue_zone() {
        let t = DateTime::parse_from_rfc3339("2026-12-01T19:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(
            message("Menu tasting", t, "America/New_York"),
            "Reminder: your Menu tasting is on Tuesday 1 December at 2:00 PM (America/New_York)."
        );
    }
}
