//! Scheduling data: appointment types, resources, their hours, and bookings. Free slots are
//! computed by `crate::scheduling::availability` from what is loaded here; a booking is checked
//! against them and then stored, and the database's exclusion constraint refuses a second
//! booking of the same time however the two arrive.

use super::{Actor, StoreError, StoreResult};
use crate::domain::scheduling::{CalendarAppointment, CalendarEvent, NamedId, ResourceOption, WeekView};
use crate::domain::Role;
use crate::scheduling::availability::{self as av, Override, Resource, Slot, Span, WeeklyHours};
use crate::scheduling::reminders;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use sqlx::PgPool;

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

impl AppointmentType {
    pub fn request(&self) -> av::Request {
        av::Request {
            duration: Duration::minutes(self.duration_minutes.into()),
            buffer_before: Duration::minutes(self.buffer_before_minutes.into()),
            buffer_after: Duration::minutes(self.buffer_after_minutes.into()),
            min_notice: Duration::minutes(self.min_notice_minutes.into()),
            step: Duration::minutes(15),
        }
    }
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

/// The resources a type needs, with their hours and overrides in `[from, to]`, and (with
/// `with_busy`) what is booked around it.
async fn resources(
    pool: &PgPool,
    type_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    with_busy: bool,
) -> StoreResult<Vec<(i64, Resource)>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "select r.id from appointment_type_resources tr join resources r on r.id = tr.resource_id
          where tr.type_id = $1 and r.active order by r.id",
    )
    .bind(type_id)
    .fetch_all(pool)
    .await?;
    let hours: Vec<(i64, i16, NaiveTime, NaiveTime)> = sqlx::query_as(
        "select resource_id, weekday, start_time, end_time from resource_hours where resource_id = any($1)",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    #[derive(sqlx::FromRow)]
    struct OverrideRow {
        resource_id: i64,
        day: NaiveDate,
        kind: String,
        start_time: Option<NaiveTime>,
        end_time: Option<NaiveTime>,
    }
    let overrides: Vec<OverrideRow> = sqlx::query_as(
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
        .map(|&id| {
            let r = Resource {
                hours: hours
                    .iter()
                    .filter(|h| h.0 == id)
                    .map(|h| WeeklyHours { weekday: weekday(h.1), start: h.2, end: h.3 })
                    .collect(),
                overrides: overrides
                    .iter()
                    .filter(|o| o.resource_id == id)
                    .filter_map(|o| match (o.kind.as_str(), o.start_time, o.end_time) {
                        ("closed", _, _) => Some(Override::Closed(o.day)),
                        ("extra", Some(start), Some(end)) => Some(Override::Extra { date: o.day, start, end }),
                        ("off", Some(start), Some(end)) => Some(Override::Off { date: o.day, start, end }),
                        _ => None,
                    })
                    .collect(),
                busy: busy.iter().filter(|b| b.0 == id).map(|b| Span::new(b.1, b.2)).collect(),
            };
            (id, r)
        })
        .collect())
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
    let t = appointment_type(pool, actor, type_id).await?;
    let tz = venue_tz(pool, actor.venue_id).await?;
    let res: Vec<Resource> = resources(pool, type_id, from, to, true).await?.into_iter().map(|(_, r)| r).collect();
    Ok(av::free_slots(tz, &res, &t.request(), from, to, now))
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
    let request = t.request();
    if starts_at < now + request.min_notice {
        return Err(BookingError::Unavailable("it is too soon to book it"));
    }
    let tz = venue_tz(pool, actor.venue_id).await?;
    let day = starts_at.with_timezone(&tz).date_naive();
    let (ids, open): (Vec<i64>, Vec<Resource>) = resources(pool, t.id, day, day, false).await?.into_iter().unzip();
    if !av::free_slots(tz, &open, &request, day, day, now).iter().any(|s| s.start == starts_at) {
        return Err(BookingError::Unavailable("it is outside the hours of the people and rooms it needs"));
    }
    let slot = Slot { start: starts_at, end: starts_at + request.duration };
    Ok((ids, slot, slot.block(&request)))
}

/// A write of a resource's block: refused by the constraint `no_double_booking` (SQLSTATE 23P01,
/// exclusion_violation) when another booking holds an overlapping span.
fn taken(e: sqlx::Error) -> BookingError {
    match e {
        sqlx::Error::Database(d) if d.code().as_deref() == Some("23P01") => BookingError::Taken,
        e => e.into(),
    }
}

/// The appointment a request with this idempotency key made already, if any.
async fn by_key(pool: &PgPool, actor: &Actor, key: &str) -> StoreResult<Option<Appointment>> {
    Ok(sqlx::query_as(&format!(
        "select {APPOINTMENT_COLS} from appointments where venue_id = $1 and idempotency_key = $2 and booked_by = $3"
    ))
    .bind(actor.venue_id)
    .bind(key)
    .bind(actor.user_id)
    .fetch_optional(pool)
    .await?)
}

/// Books a slot. The start must be one of the type's free slots now; the database then refuses
/// an overlap that slipped in meanwhile (`Taken`). Retrying with the same idempotency key
/// returns the first appointment.
pub async fn book(
    pool: &PgPool,
    actor: &Actor,
    b: &Booking<'_>,
    now: DateTime<Utc>,
) -> Result<Appointment, BookingError> {
    if let Some(key) = b.idempotency_key {
        if let Some(existing) = by_key(pool, actor, key).await? {
            return Ok(existing);
        }
    }
    let client_id = match actor.role {
        Role::Client => Some(actor.client_id.ok_or(StoreError::Forbidden)?),
        Role::Owner | Role::Staff => {
            let id = b.client_id.ok_or_else(|| StoreError::field("client_id", "Choose the client."))?;
            let ok: bool = sqlx::query_scalar("select exists (select 1 from clients where id = $1 and venue_id = $2)")
                .bind(id)
                .bind(actor.venue_id)
                .fetch_one(pool)
                .await?;
            if !ok {
                return Err(StoreError::NotFound.into());
            }
            Some(id)
        }
        Role::Vendor => return Err(StoreError::Forbidden.into()),
    };
    let t = appointment_type(pool, actor, b.type_id).await?;
    let (resource_ids, slot, block) = place(pool, actor, &t, b.starts_at, now).await?;
    let mut tx = pool.begin().await?;
    let inserted: Result<Appointment, sqlx::Error> = sqlx::query_as(&format!(
        "insert into appointments (venue_id, type_id, client_id, booked_by, starts_at, ends_at, idempotency_key, notes)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning {APPOINTMENT_COLS}"
    ))
    .bind(actor.venue_id)
    .bind(b.type_id)
    .bind(client_id)
    .bind(actor.user_id)
    .bind(slot.start)
    .bind(slot.end)
    .bind(b.idempotency_key)
    .bind(b.notes)
    .fetch_one(&mut *tx)
    .await;
    let appointment = match inserted {
        Ok(a) => a,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            // The same request, retried while the first was being stored.
            drop(tx);
            let key = b.idempotency_key.unwrap_or_default();
            return by_key(pool, actor, key).await?.ok_or(BookingError::Taken);
        }
        Err(e) => return Err(e.into()),
    };
    for resource_id in &resource_ids {
        let held = sqlx::query(
            "insert into appointment_resources (appointment_id, resource_id, block) values ($1, $2, tstzrange($3, $4))",
        )
        .bind(appointment.id)
        .bind(resource_id)
        .bind(block.start)
        .bind(block.end)
        .execute(&mut *tx)
        .await;
        held.map_err(taken)?;
    }
    reminders::schedule(&mut tx, appointment.id, appointment.sequence, slot.start, t.reminder_minutes, now).await?;
    tx.commit().await?;
    Ok(appointment)
}

/// An appointment the actor may change: a client their own, staff any of the venue's. Locked.
async fn lock_appointment(conn: &mut sqlx::PgConnection, actor: &Actor, id: i64) -> StoreResult<Appointment> {
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

/// Adds a line to an appointment's history: who did `kind` to it (as it was in `a`), when, why.
async fn record_change(
    conn: &mut sqlx::PgConnection,
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

/// Moves an appointment to another free start. Its `sequence` goes up by one; the old and new
/// times are kept in its history.
pub async fn reschedule(
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    starts_at: DateTime<Utc>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Appointment, BookingError> {
    let mut tx = pool.begin().await?;
    let a = lock_appointment(&mut tx, actor, id).await?;
    let t = appointment_type(pool, actor, a.type_id).await?;
    change_allowed(actor, &t, &a, now)?;
    let (_, slot, block) = place(pool, actor, &t, starts_at, now).await?;
    sqlx::query("update appointment_resources set block = tstzrange($2, $3) where appointment_id = $1")
        .bind(a.id)
        .bind(block.start)
        .bind(block.end)
        .execute(&mut *tx)
        .await
        .map_err(taken)?;
    let updated: Appointment = sqlx::query_as(&format!(
        "update appointments set starts_at = $2, ends_at = $3, sequence = sequence + 1 where id = $1
         returning {APPOINTMENT_COLS}"
    ))
    .bind(a.id)
    .bind(slot.start)
    .bind(slot.end)
    .fetch_one(&mut *tx)
    .await?;
    record_change(&mut tx, actor, &a, "rescheduled", Some(slot.start), reason).await?;
    reminders::schedule(&mut tx, updated.id, updated.sequence, updated.starts_at, t.reminder_minutes, now).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Cancels an appointment, keeping the reason; its time is free again.
pub async fn cancel(
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Appointment, BookingError> {
    let mut tx = pool.begin().await?;
    let a = lock_appointment(&mut tx, actor, id).await?;
    let t = appointment_type(pool, actor, a.type_id).await?;
    change_allowed(actor, &t, &a, now)?;
    let reason: String = reason.trim().chars().take(1000).collect();
    let updated: Appointment = sqlx::query_as(&format!(
        "update appointments set status = 'cancelled', cancellation_reason = $2, sequence = sequence + 1 where id = $1
         returning {APPOINTMENT_COLS}"
    ))
    .bind(a.id)
    .bind(&reason)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("update appointment_resources set active = false where appointment_id = $1")
        .bind(a.id)
        .execute(&mut *tx)
        .await?;
    record_change(&mut tx, actor, &a, "cancelled", None, &reason).await?;
    tx.commit().await?;
    Ok(updated)
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

/// The staff calendar between two instants (at most 42 days): appointments of every status, and
/// the venue's events, optionally only those of one resource (a room also shows the events in
/// its space).
pub async fn calendar(
    pool: &PgPool,
    actor: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    resource: Option<i64>,
) -> StoreResult<WeekView> {
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
    #[derive(sqlx::FromRow)]
    struct EventRow {
        id: i64,
        title: String,
        status: String,
        event_date: NaiveDate,
        start_time: Option<NaiveTime>,
        end_time: Option<NaiveTime>,
    }
    let rows: Vec<EventRow> = sqlx::query_as(
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
    let at = |d: NaiveDate, t: NaiveTime| av::instant_or_after(tz, d, t);
    let events = rows
        .into_iter()
        .filter_map(|e| {
            let all_day = e.start_time.is_none();
            let start = at(e.event_date, e.start_time.unwrap_or(NaiveTime::MIN))?;
            let end = match (e.start_time, e.end_time) {
                (Some(s), Some(t)) if t > s => at(e.event_date, t)?,
                (Some(_), Some(t)) => at(e.event_date + Duration::days(1), t)?,
                (Some(_), None) => start + Duration::hours(4),
                (None, _) => at(e.event_date + Duration::days(1), NaiveTime::MIN)?,
            };
            (start < to && end > from).then_some(CalendarEvent {
                id: e.id,
                title: e.title,
                status: e.status,
                starts_at: start,
                ends_at: end,
                all_day,
            })
        })
        .collect();
    Ok(WeekView { timezone: tz.name().to_string(), resources, appointments, events })
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
    let a = lock_appointment(&mut tx, actor, id).await?;
    if a.status == "cancelled" {
        return Err(StoreError::Conflict("This appointment is cancelled; book a new one instead.".into()).into());
    }
    let updated: Appointment =
        sqlx::query_as(&format!("update appointments set status = $2 where id = $1 returning {APPOINTMENT_COLS}"))
            .bind(a.id)
            .bind(status)
            .fetch_one(&mut *tx)
            .await?;
    record_change(&mut tx, actor, &a, "status", None, &format!("{} → {status}", a.status)).await?;
    tx.commit().await?;
    Ok(updated)
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
