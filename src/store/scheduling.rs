//! Scheduling data, SQL only: appointment types, the resources a type needs with their hours,
//! overrides and booked blocks, appointments and their history, as plain records. The booking
//! rules (free slots, notice, reminders, what a refused write means) are `crate::scheduling`'s,
//! which calls these inside its own transactions; the database's exclusion constraint refuses a
//! second booking of the same time however the two arrive.

use super::{Actor, StoreError, StoreResult};
use crate::domain::scheduling::{CalendarAppointment, NamedId, ResourceOption};
use crate::domain::Role;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use sqlx::{PgConnection, PgPool};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AppointmentType {
    pub id: i64,
    pub name: String,
    pub duration_minutes: i32,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub min_notice_minutes: i32,
    pub min_change_notice_minutes: i32,
    pub price_cents: i64,
    pub clients_may_book: bool,
    pub reminder_minutes: i32,
}

/// A type the actor may book: staff any active one, clients those open to them.
pub async fn appointment_type(pool: &PgPool, actor: &Actor, type_id: i64) -> StoreResult<AppointmentType> {
    let t: AppointmentType = sqlx::query_as(
        "select id, name, duration_minutes, buffer_before_minutes, buffer_after_minutes, min_notice_minutes,
                min_change_notice_minutes, price_cents, clients_may_book, reminder_minutes
           from appointment_types where id = $1 and venue_id = $2 and active",
    )
    .bind(type_id)
    .bind(actor.venue_id)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)?;
    let allowed = actor.is_staff() || (actor.role == Role::Client && t.clients_may_book);
    if allowed {
        Ok(t)
    } else {
        Err(StoreError::NotFound)
    }
}

/// The venue's time zone.
pub async fn venue_tz(pool: &PgPool, venue_id: i64) -> StoreResult<Tz> {
    let name: String =
        sqlx::query_scalar("select timezone from venues where id = $1").bind(venue_id).fetch_one(pool).await?;
    name.parse().map_err(|_| StoreError::Conflict(format!("The venue's time zone {name:?} is unknown.")))
}

/// A resource's weekly hours as stored: ISO weekday (1 = Monday), wall-clock times in the venue's
/// zone (an end of 00:00 is midnight).
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct HoursRecord {
    pub resource_id: i64,
    pub weekday: i16,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
}

/// A change to one date's hours as stored: `kind` is `closed`, `extra` or `off` (the last two
/// with times).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OverrideRecord {
    pub resource_id: i64,
    pub day: NaiveDate,
    pub kind: String,
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
}

/// One resource a type needs, as stored: its weekly hours, its overrides in the dates asked for
/// and (when asked) the blocks booked on it around them, buffers included, as `[start, end)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceRecord {
    pub id: i64,
    pub hours: Vec<HoursRecord>,
    pub overrides: Vec<OverrideRecord>,
    pub busy: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// The active resources type `type_id` needs (by id), with their hours, their overrides in
/// `[from, to]`, and (with `with_busy`) what is booked around those dates. The caller has checked
/// the type with [`appointment_type`].
pub async fn type_resources(
    pool: &PgPool,
    type_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    with_busy: bool,
) -> StoreResult<Vec<ResourceRecord>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "select r.id from appointment_type_resources tr join resources r on r.id = tr.resource_id
          where tr.type_id = $1 and r.active order by r.id",
    )
    .bind(type_id)
    .fetch_all(pool)
    .await?;
    let hours: Vec<HoursRecord> = sqlx::query_as(
        "select resource_id, weekday, start_time, end_time from resource_hours where resource_id = any($1)",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let overrides: Vec<OverrideRecord> = sqlx::query_as(
        "select resource_id, day, kind, start_time, end_time from resource_overrides
          where resource_id = any($1) and day between $2 and $3",
    )
    .bind(&ids)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    // Two days of margin each side: buffers and time zones reach across midnight.
    let busy: Vec<(i64, DateTime<Utc>, DateTime<Utc>)> = if with_busy {
        sqlx::query_as(
            "select resource_id, lower(block), upper(block) from appointment_resources
              where resource_id = any($1) and active
                and block && tstzrange(($2::date - 2)::timestamptz, ($3::date + 3)::timestamptz)",
        )
        .bind(&ids)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await?
    } else {
        Vec::new()
    };
    Ok(ids
        .iter()
        .map(|&id| ResourceRecord {
            id,
            hours: hours.iter().filter(|h| h.resource_id == id).copied().collect(),
            overrides: overrides.iter().filter(|o| o.resource_id == id).cloned().collect(),
            busy: busy.iter().filter(|b| b.0 == id).map(|b| (b.1, b.2)).collect(),
        })
        .collect())
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Appointment {
    pub id: i64,
    pub type_id: i64,
    pub client_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: String,
    pub sequence: i32,
}

const APPOINTMENT_COLS: &str = "id, type_id, client_id, starts_at, ends_at, status, sequence";

/// An `AppointmentView`'s columns, over [`VIEW_FROM`]; people before rooms in `resources`.
const VIEW_COLUMNS: &str = "a.id, a.type_id, t.name as type_name, c.name as client_name, a.starts_at, a.ends_at,
    a.status, a.sequence,
    coalesce(array(select r.name from appointment_resources ar join resources r on r.id = ar.resource_id
                    where ar.appointment_id = a.id order by r.kind desc, r.name), '{}') as resources";
const VIEW_FROM: &str = "from appointments a
    join appointment_types t on t.id = a.type_id
    left join clients c on c.id = a.client_id";

/// Whether `client_id` is one of the venue's clients.
pub async fn client_exists(pool: &PgPool, venue_id: i64, client_id: i64) -> StoreResult<bool> {
    Ok(sqlx::query_scalar("select exists (select 1 from clients where id = $1 and venue_id = $2)")
        .bind(client_id)
        .bind(venue_id)
        .fetch_one(pool)
        .await?)
}

/// The appointment a request of the actor's with this idempotency key made already, if any.
pub async fn appointment_by_key(pool: &PgPool, actor: &Actor, key: &str) -> StoreResult<Option<Appointment>> {
    Ok(sqlx::query_as(&format!(
        "select {APPOINTMENT_COLS} from appointments where venue_id = $1 and idempotency_key = $2 and booked_by = $3"
    ))
    .bind(actor.venue_id)
    .bind(key)
    .bind(actor.user_id)
    .fetch_optional(pool)
    .await?)
}

/// A new appointment's row, booked by the actor.
pub struct NewAppointment<'a> {
    pub type_id: i64,
    pub client_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub idempotency_key: Option<&'a str>,
    pub notes: &'a str,
}

/// Inserts an appointment (without its resources). A second one with the same idempotency key
/// is refused by a unique index (a `StoreError::Db` unique violation).
pub async fn insert_appointment(
    conn: &mut PgConnection,
    actor: &Actor,
    n: &NewAppointment<'_>,
) -> StoreResult<Appointment> {
    Ok(sqlx::query_as(&format!(
        "insert into appointments (venue_id, type_id, client_id, booked_by, starts_at, ends_at, idempotency_key, notes)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning {APPOINTMENT_COLS}"
    ))
    .bind(actor.venue_id)
    .bind(n.type_id)
    .bind(n.client_id)
    .bind(actor.user_id)
    .bind(n.starts_at)
    .bind(n.ends_at)
    .bind(n.idempotency_key)
    .bind(n.notes)
    .fetch_one(conn)
    .await?)
}

/// Holds a resource for an appointment over the block `[start, end)`. Refused by the constraint
/// `no_double_booking` (a `StoreError::Db` with SQLSTATE 23P01, exclusion_violation) when another
/// booking holds an overlapping block.
pub async fn hold_resource(
    conn: &mut PgConnection,
    appointment_id: i64,
    resource_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "insert into appointment_resources (appointment_id, resource_id, block) values ($1, $2, tstzrange($3, $4))",
    )
    .bind(appointment_id)
    .bind(resource_id)
    .bind(start)
    .bind(end)
    .execute(conn)
    .await?;
    Ok(())
}

/// An appointment the actor may change: a client their own, staff any of the venue's. Locked
/// (`for update`) until the transaction of `conn` ends.
pub async fn lock_appointment(conn: &mut PgConnection, actor: &Actor, id: i64) -> StoreResult<Appointment> {
    let a: Appointment = sqlx::query_as(&format!(
        "select {APPOINTMENT_COLS} from appointments where id = $1 and venue_id = $2 for update"
    ))
    .bind(id)
    .bind(actor.venue_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let mine = match actor.role {
        Role::Owner | Role::Staff => true,
        Role::Client => actor.client_id.is_some() && a.client_id == actor.client_id,
        Role::Vendor => false,
    };
    if mine {
        Ok(a)
    } else {
        Err(StoreError::NotFound)
    }
}

/// Adds a line to an appointment's history: who did `kind` to it (as it was in `a`), when, why.
pub async fn record_change(
    conn: &mut PgConnection,
    actor: &Actor,
    a: &Appointment,
    kind: &str,
    new_starts_at: Option<DateTime<Utc>>,
    reason: &str,
) -> StoreResult<()> {
    sqlx::query(
        "insert into appointment_changes (appointment_id, changed_by, kind, old_starts_at, new_starts_at, reason)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(a.id)
    .bind(actor.user_id)
    .bind(kind)
    .bind(a.starts_at)
    .bind(new_starts_at)
    .bind(reason.chars().take(1000).collect::<String>())
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves every resource block of an appointment to `[start, end)`. Refused like
/// [`hold_resource`] (23P01) when that overlaps another booking.
pub async fn move_blocks(
    conn: &mut PgConnection,
    appointment_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query("update appointment_resources set block = tstzrange($2, $3) where appointment_id = $1")
        .bind(appointment_id)
        .bind(start)
        .bind(end)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets an appointment's times, its `sequence` one up.
pub async fn move_appointment(
    conn: &mut PgConnection,
    id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> StoreResult<Appointment> {
    Ok(sqlx::query_as(&format!(
        "update appointments set starts_at = $2, ends_at = $3, sequence = sequence + 1 where id = $1
         returning {APPOINTMENT_COLS}"
    ))
    .bind(id)
    .bind(starts_at)
    .bind(ends_at)
    .fetch_one(conn)
    .await?)
}

/// Marks an appointment cancelled with its reason, its `sequence` one up.
pub async fn mark_cancelled(conn: &mut PgConnection, id: i64, reason: &str) -> StoreResult<Appointment> {
    Ok(sqlx::query_as(&format!(
        "update appointments set status = 'cancelled', cancellation_reason = $2, sequence = sequence + 1 where id = $1
         returning {APPOINTMENT_COLS}"
    ))
    .bind(id)
    .bind(reason)
    .fetch_one(conn)
    .await?)
}

/// Frees an appointment's resource blocks (kept, inactive).
pub async fn release_blocks(conn: &mut PgConnection, appointment_id: i64) -> StoreResult<()> {
    sqlx::query("update appointment_resources set active = false where appointment_id = $1")
        .bind(appointment_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets an appointment's status.
pub async fn update_status(conn: &mut PgConnection, id: i64, status: &str) -> StoreResult<Appointment> {
    Ok(sqlx::query_as(&format!("update appointments set status = $2 where id = $1 returning {APPOINTMENT_COLS}"))
        .bind(id)
        .bind(status)
        .fetch_one(conn)
        .await?)
}

/// The types the actor may book (staff all active ones; clients those open to them).
pub async fn types(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<crate::domain::scheduling::AppointmentTypeView>> {
    Ok(sqlx::query_as(
        "select id, name, description, duration_minutes, price_cents, clients_may_book
           from appointment_types
          where venue_id = $1 and active and ($2 or clients_may_book) and $3 <> 'vendor'
          order by name",
    )
    .bind(actor.venue_id)
    .bind(actor.is_staff())
    .bind(actor.role.as_str())
    .fetch_all(pool)
    .await?)
}

/// Appointments from `since` on (or just appointment `only`): a client's own, or every one of
/// the venue's for staff.
pub async fn appointments(
    pool: &PgPool,
    actor: &Actor,
    since: DateTime<Utc>,
    only: Option<i64>,
) -> StoreResult<Vec<crate::domain::scheduling::AppointmentView>> {
    if actor.role == Role::Vendor {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(&format!(
        "select {VIEW_COLUMNS} {VIEW_FROM}
          where a.venue_id = $1 and a.ends_at >= $2 and ($3 or a.client_id = $4) and ($5::bigint is null or a.id = $5)
          order by a.starts_at, a.id
          limit 500"
    ))
    .bind(actor.venue_id)
    .bind(since)
    .bind(actor.is_staff())
    .bind(actor.client_id.unwrap_or(-1))
    .bind(only)
    .fetch_all(pool)
    .await?)
}

/// One appointment as the pages show it: a client's own, any of the venue's for staff.
pub async fn appointment(
    pool: &PgPool,
    actor: &Actor,
    id: i64,
) -> StoreResult<crate::domain::scheduling::AppointmentView> {
    appointments(pool, actor, DateTime::<Utc>::UNIX_EPOCH, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)
}

/// An event as the staff calendar loads it: its date and wall-clock times in the venue's zone
/// (no start time: all day).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CalendarEventRecord {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub event_date: NaiveDate,
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
}

/// What the staff calendar shows between two instants, as stored: the venue's zone, its active
/// resources, the appointments and the events (whose times are still wall-clock ones).
#[derive(Clone, Debug)]
pub struct CalendarRecords {
    pub tz: Tz,
    pub resources: Vec<ResourceOption>,
    pub appointments: Vec<CalendarAppointment>,
    /// The events on the venue's local dates the range touches, a day of margin each side.
    pub events: Vec<CalendarEventRecord>,
}

/// The staff calendar between two instants (at most 42 days): appointments of every status, and
/// the venue's events, optionally only those of one resource (a room also shows the events in
/// its space).
pub async fn calendar(
    pool: &PgPool,
    actor: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    resource: Option<i64>,
) -> StoreResult<CalendarRecords> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden);
    }
    if to <= from || to - from > Duration::days(42) {
        return Err(StoreError::field("to", "Ask for up to 42 days at a time."));
    }
    let tz = venue_tz(pool, actor.venue_id).await?;
    let resources: Vec<ResourceOption> =
        sqlx::query_as("select id, name, kind from resources where venue_id = $1 and active order by kind desc, name")
            .bind(actor.venue_id)
            .fetch_all(pool)
            .await?;
    if resource.is_some_and(|r| !resources.iter().any(|o| o.id == r)) {
        return Err(StoreError::NotFound);
    }
    let appointments: Vec<CalendarAppointment> = sqlx::query_as(&format!(
        "select {VIEW_COLUMNS}, a.notes,
                coalesce(array(select ar.resource_id from appointment_resources ar where ar.appointment_id = a.id
                                order by ar.resource_id), '{{}}') as resource_ids
           {VIEW_FROM}
          where a.venue_id = $1 and a.starts_at < $3 and a.ends_at > $2
            and ($4::bigint is null or exists (select 1 from appointment_resources ar
                                                where ar.appointment_id = a.id and ar.resource_id = $4))
          order by a.starts_at, a.id
          limit 2000"
    ))
    .bind(actor.venue_id)
    .bind(from)
    .bind(to)
    .bind(resource)
    .fetch_all(pool)
    .await?;
    let events: Vec<CalendarEventRecord> = sqlx::query_as(
        "select e.id, e.title, e.status, e.event_date, e.start_time, e.end_time
           from events e
          where e.venue_id = $1 and e.event_date between $2 and $3
            and ($4::bigint is null or e.space_id = (select space_id from resources where id = $4))
          order by e.event_date, e.start_time nulls first, e.id",
    )
    .bind(actor.venue_id)
    .bind(from.with_timezone(&tz).date_naive() - Duration::days(1))
    .bind(to.with_timezone(&tz).date_naive() + Duration::days(1))
    .bind(resource)
    .fetch_all(pool)
    .await?;
    Ok(CalendarRecords { tz, resources, appointments, events })
}

/// The venue's clients, for staff booking on someone's behalf.
pub async fn clients(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<NamedId>> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden);
    }
    Ok(sqlx::query_as("select id, name from clients where venue_id = $1 order by name limit 1000")
        .bind(actor.venue_id)
        .fetch_all(pool)
        .await?)
}
