//! The dashboard: what is coming up, what is pending, what was said.

use super::access::{bind_actor, VISIBLE_EVENT};
use super::{events, messages, tasks, Actor, StoreResult};
use crate::domain::records::{Dashboard, DashboardCounts};
use chrono::{Duration, NaiveDate};
use sqlx::PgPool;

/// How far ahead the dashboard looks.
pub const HORIZON_DAYS: i64 = 14;

/// The dashboard as of today in the venue's time zone (an evening event in New York is still
/// "today" after midnight UTC).
pub async fn load(pool: &PgPool, actor: &Actor) -> StoreResult<Dashboard> {
    let today = super::events::today(pool, actor).await?;
    let until = today + Duration::days(HORIZON_DAYS);
    // Clients and vendors have few events: show all of their upcoming ones, not just two weeks.
    let list_until = if actor.is_staff() { until } else { today + Duration::days(3650) };
    let (upcoming, tasks, messages, counts) = tokio::try_join!(
        events::list(pool, actor, today, list_until, events::StatusFilter::NotCancelled, 50),
        tasks::pending(pool, actor, 8),
        messages::recent(pool, actor, 6),
        counts(pool, actor, today, until),
    )?;
    Ok(Dashboard { today, counts, upcoming, tasks, messages })
}

async fn counts(pool: &PgPool, actor: &Actor, today: NaiveDate, until: NaiveDate) -> StoreResult<DashboardCounts> {
    let sql = format!(
        "with upcoming as (
            select e.id from events e
             where {VISIBLE_EVENT} and e.event_date between $5 and $6 and e.status <> 'cancelled'
         )
         select
            (select count(*) from upcoming) as upcoming_events,
            (select coalesce(sum(g.party_size), 0)::bigint from guests g where g.event_id in (select id from upcoming) and g.rsvp = 'yes') as guests_expected,
            (select count(*) from tasks t where $2 in ('owner', 'staff') and t.venue_id = $1 and t.status <> 'done') as pending_tasks,
            (select count(*) from tasks t where $2 in ('owner', 'staff') and t.venue_id = $1 and t.status <> 'done' and t.due_date < $5) as overdue_tasks,
            (select count(*) from element_change_requests r join events e on e.id = r.event_id
              where r.status = 'pending' and {VISIBLE_EVENT})
            -- what clients asked their agent for, waiting in the venue's approval queue
            + (select count(*) from approvals a join events e on e.id = a.event_id
                where a.approver = 'venue' and a.status = 'pending' and {VISIBLE_EVENT}) as open_requests"
    );
    Ok(bind_actor(sqlx::query_as(&sql), actor).bind(today).bind(until).fetch_one(pool).await?)
}
