//! Events: lists and the workspace overview.

use super::access::{self, bind_actor, Need, VISIBLE_EVENT};
use super::{Actor, StoreError, StoreResult};
use crate::domain::forms::EventDraft;
use crate::domain::records::{EventDetail, EventOverview, EventSummary, EventVendor, Space};
use chrono::NaiveDate;
use sqlx::{Acquire, PgPool, Postgres};

/// Budgets and the client's contact details are for staff and the client; vendors get blanks.
/// (`$2` is the actor's role, as bound by `bind_actor`.)
pub(crate) const SUMMARY_COLUMNS: &str = "e.id, e.title, e.event_date, e.start_time, e.status, s.name as space_name, \
     c.name as client_name, e.guest_count, case when $2 = 'vendor' then 0 else e.budget_cents end as budget_cents";

/// Which events a list takes by status.
#[derive(Clone, Copy, Debug)]
pub enum StatusFilter<'a> {
    /// Every event but cancelled ones (the dashboard).
    NotCancelled,
    /// Every event, or only those of one status (the agents' tools).
    Only(Option<&'a str>),
}

/// Events the actor can see, dated within `[from, to]`, soonest first.
pub async fn list(
    pool: &PgPool,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
    status: StatusFilter<'_>,
    limit: i64,
) -> StoreResult<Vec<EventSummary>> {
    let (skip_cancelled, only) = match status {
        StatusFilter::NotCancelled => (true, None),
        StatusFilter::Only(s) => (false, s),
    };
    let sql = format!(
        "select {SUMMARY_COLUMNS}
           from events e
           join clients c on c.id = e.client_id
           left join spaces s on s.id = e.space_id
          where {VISIBLE_EVENT} and e.event_date between $5 and $6
            and not ($7 and e.status = 'cancelled') and ($8::text is null or e.status = $8)
          order by e.event_date, e.start_time nulls last, e.id
          limit $9"
    );
    Ok(bind_actor(sqlx::query_as(&sql), actor)
        .bind(from)
        .bind(to)
        .bind(skip_cancelled)
        .bind(only)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

pub async fn detail(pool: &PgPool, actor: &Actor, event_id: i64) -> StoreResult<EventDetail> {
    let sql = format!(
        "select e.id, e.title, e.event_date, e.start_time, e.end_time, e.status, e.space_id, s.name as space_name,
                e.client_id, c.name as client_name,
                case when $2 = 'vendor' then '' else c.email end as client_email,
                case when $2 = 'vendor' then '' else c.phone end as client_phone,
                e.guest_count, case when $2 = 'vendor' then 0 else e.budget_cents end as budget_cents,
                case when $2 in ('owner', 'staff') then e.notes else '' end as notes, e.updated_at
           from events e
           join clients c on c.id = e.client_id
           left join spaces s on s.id = e.space_id
          where e.id = $5 and {VISIBLE_EVENT}"
    );
    bind_actor(sqlx::query_as(&sql), actor).bind(event_id).fetch_optional(pool).await?.ok_or(StoreError::NotFound)
}

pub async fn overview(pool: &PgPool, actor: &Actor, event_id: i64) -> StoreResult<EventOverview> {
    let event = detail(pool, actor, event_id).await?;
    let spaces = spaces(pool, actor).await?;
    // Guest numbers are part of the plan: vendors get the expected count only.
    let (attending, invited): (i64, i64) = if actor.role == crate::domain::Role::Vendor {
        (0, 0)
    } else {
        sqlx::query_as(
        "select coalesce(sum(party_size) filter (where rsvp = 'yes'), 0)::bigint, coalesce(sum(party_size), 0)::bigint
           from guests where event_id = $1",
    )
    .bind(event_id)
    .fetch_one(pool)
    .await?
    };
    Ok(EventOverview {
        event,
        spaces,
        guests_attending: attending,
        guests_invited: invited,
        can_manage: actor.is_staff(),
        sees_plan: actor.role != crate::domain::Role::Vendor,
    })
}

pub async fn spaces(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<Space>> {
    Ok(sqlx::query_as("select id, name, capacity from spaces where venue_id = $1 order by name")
        .bind(actor.venue_id)
        .fetch_all(pool)
        .await?)
}

/// Edits the overview (staff only). The space must belong to the actor's venue.
pub async fn update<'c>(
    db: impl Acquire<'c, Database = Postgres>,
    actor: &Actor,
    event_id: i64,
    draft: &EventDraft,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    access::event(&mut tx, actor, event_id, Need::Manage).await?;
    if let Some(space_id) = draft.space_id {
        let ok: bool = sqlx::query_scalar("select exists (select 1 from spaces where id = $1 and venue_id = $2)")
            .bind(space_id)
            .bind(actor.venue_id)
            .fetch_one(&mut *tx)
            .await?;
        if !ok {
            return Err(StoreError::field("space_id", "Choose one of the venue's spaces."));
        }
    }
    sqlx::query(
        "update events
            set title = $2, event_date = $3, space_id = $4, guest_count = $5, budget_cents = $6, status = $7, notes = $8
          where id = $1",
    )
    .bind(event_id)
    .bind(&draft.title)
    .bind(draft.event_date)
    .bind(draft.space_id)
    .bind(draft.guest_count)
    .bind(draft.budget_cents)
    .bind(draft.status.as_str())
    .bind(&draft.notes)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Vendors on the event. Staff and the client see all; a vendor sees its own assignment.
pub async fn vendors(pool: &PgPool, actor: &Actor, event_id: i64) -> StoreResult<Vec<EventVendor>> {
    let mut conn = pool.acquire().await?;
    access::event(&mut conn, actor, event_id, Need::Read).await?;
    Ok(sqlx::query_as(
        "select v.id as vendor_id, v.name, v.category, v.email, v.phone, ev.service, ev.status, ev.arrival
           from event_vendors ev join vendors v on v.id = ev.vendor_id
          where ev.event_id = $1 and ($2 = -1 or v.id = $2)
          order by v.name",
    )
    .bind(event_id)
    .bind(if actor.role == crate::domain::Role::Vendor { actor.vendor_id.unwrap_or(0) } else { -1 })
    .fetch_all(&mut *conn)
    .await?)
}

/// Records an inquiry (staff): the client found by email in this venue, or a new one, and a new
/// event in `inquiry` named after them and the kind of event. Returns the event's id.
pub async fn create_inquiry(pool: &PgPool, actor: &Actor, d: &crate::domain::forms::InquiryDraft) -> StoreResult<i64> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden);
    }
    let mut tx = pool.begin().await?;
    if let Some(space) = d.space_id {
        let ok: bool = sqlx::query_scalar("select exists (select 1 from spaces where id = $1 and venue_id = $2)")
            .bind(space)
            .bind(actor.venue_id)
            .fetch_one(&mut *tx)
            .await?;
        if !ok {
            return Err(StoreError::field("space_id", "Choose one of the listed options."));
        }
    }
    let existing: Option<i64> = if d.email.is_empty() {
        None
    } else {
        sqlx::query_scalar("select id from clients where venue_id = $1 and lower(email) = $2 order by id limit 1")
            .bind(actor.venue_id)
            .bind(&d.email)
            .fetch_optional(&mut *tx)
            .await?
    };
    let client_id: i64 = match existing {
        Some(id) => id,
        None => {
            sqlx::query_scalar(
                "insert into clients (venue_id, name, email, phone) values ($1, $2, $3, $4) returning id",
            )
            .bind(actor.venue_id)
            .bind(&d.name)
            .bind(&d.email)
            .bind(&d.phone)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    let title: String = format!("{} — {}", d.name, d.event_type).chars().take(160).collect();
    let id: i64 = sqlx::query_scalar(
        "insert into events (venue_id, client_id, space_id, title, event_date, guest_count, budget_cents, status, notes)
         values ($1, $2, $3, $4, $5, $6, $7, 'inquiry', $8) returning id",
    )
    .bind(actor.venue_id)
    .bind(client_id)
    .bind(d.space_id)
    .bind(&title)
    .bind(d.event_date)
    .bind(d.guest_count)
    .bind(d.budget_cents)
    .bind(&d.notes)
    .fetch_one(&mut *tx)
    .await?;
    super::webhooks::inquiry_created(&mut tx, actor.venue_id, id, chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(id)
}

/// Today in the venue's time zone.
pub async fn today(pool: &PgPool, actor: &Actor) -> StoreResult<NaiveDate> {
    Ok(sqlx::query_scalar("select (now() at time zone timezone)::date from venues where id = $1")
        .bind(actor.venue_id)
        .fetch_one(pool)
        .await?)
}

/// Open tasks and elements by status of one event (staff): for summaries.
pub async fn event_counts(pool: &PgPool, actor: &Actor, event_id: i64) -> StoreResult<(i64, Vec<(String, i64)>)> {
    let mut conn = pool.acquire().await?;
    access::event(&mut conn, actor, event_id, Need::Plan).await?;
    let open_tasks: i64 = if actor.is_staff() {
        sqlx::query_scalar("select count(*) from tasks where event_id = $1 and status <> 'done'")
            .bind(event_id)
            .fetch_one(&mut *conn)
            .await?
    } else {
        0
    };
    let by_status: Vec<(String, i64)> =
        sqlx::query_as("select status, count(*) from elements where event_id = $1 group by status order by status")
            .bind(event_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok((open_tasks, by_status))
}
