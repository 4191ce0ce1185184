//! The staff calendar: the store's appointments and events between two instants, with each
//! event's date and wall-clock times turned into instants in the venue's zone (a time in a
//! spring-forward gap moves to the gap's end), since events are kept as local dates and times.

use super::availability::instant_or_after;
use crate::domain::scheduling::{CalendarEvent, WeekView};
use crate::store::scheduling::{self as db, CalendarEventRecord};
use crate::store::{Actor, StoreResult};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;

/// The staff calendar between two instants (at most 42 days): appointments of every status, and
/// the venue's events, optionally only those of one resource (a room also shows the events in
/// its space).
pub async fn week(
    pool: &PgPool,
    actor: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    resource: Option<i64>,
) -> StoreResult<WeekView> {
    let r = db::calendar(pool, actor, from, to, resource).await?;
    let tz = r.tz;
    let events = r.events.into_iter().filter_map(|e| event(tz, e, from, to)).collect();
    Ok(WeekView { timezone: tz.name().to_string(), resources: r.resources, appointments: r.appointments, events })
}

/// An event as instants, if it overlaps `[from, to)`: without a start time it lasts the whole
/// day; without an end, four hours; an end at or before the start is the next day's.
fn event(tz: Tz, e: CalendarEventRecord, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<CalendarEvent> {
    let at = |d: NaiveDate, t: NaiveTime| instant_or_after(tz, d, t);
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
}
