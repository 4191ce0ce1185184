//! Venue-wide lookups the agents use: services, spaces, vendors, clients, message search, and
//! the element changes a client asks for. Every query is scoped to the actor's venue and role.

use super::access::{self, bind_actor, Need};
use super::{Actor, StoreError, StoreResult};
use crate::domain::model::Element;
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::PgPool;

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub category: String,
    /// `flat`, `per_guest` or `per_hour`.
    pub unit: String,
    pub price_cents: i64,
}

/// What the venue sells (every member may see the price list).
pub async fn services(pool: &PgPool, actor: &Actor, category: Option<&str>) -> StoreResult<Vec<Service>> {
    Ok(sqlx::query_as(
        "select id, name, category, unit, price_cents from services
          where venue_id = $1 and ($2::text is null or category = $2)
          order by category, name",
    )
    .bind(actor.venue_id)
    .bind(category)
    .fetch_all(pool)
    .await?)
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct VendorRow {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub email: String,
    pub phone: String,
    /// Upcoming events it is assigned to.
    pub upcoming_events: i64,
}

/// The venue's vendors (staff only).
pub async fn vendors(pool: &PgPool, actor: &Actor, category: Option<&str>) -> StoreResult<Vec<VendorRow>> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden);
    }
    Ok(sqlx::query_as(
        "select v.id, v.name, v.category, v.email, v.phone,
                (select count(*) from event_vendors ev join events e on e.id = ev.event_id
                  where ev.vendor_id = v.id and e.event_date >= current_date and e.status <> 'cancelled') as upcoming_events
           from vendors v
          where v.venue_id = $1 and ($2::text is null or v.category = $2)
          order by v.category, v.name",
    )
    .bind(actor.venue_id)
    .bind(category)
    .fetch_all(pool)
    .await?)
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ClientRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub events: Vec<String>,
}

/// Clients whose name or email contains `query` (staff only), at most 20.
pub async fn search_clients(pool: &PgPool, actor: &Actor, query: &str) -> StoreResult<Vec<ClientRow>> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden);
    }
    let pattern = format!("%{}%", like_escape(query));
    Ok(sqlx::query_as(
        "select c.id, c.name, c.email, c.phone,
                coalesce(array(select e.title || ' (' || e.event_date || ', ' || e.status || ', event ' || e.id || ')'
                                 from events e where e.client_id = c.id order by e.event_date), '{}') as events
           from clients c
          where c.venue_id = $1 and (c.name ilike $2 escape '\\' or c.email ilike $2 escape '\\')
          order by c.name limit 20",
    )
    .bind(actor.venue_id)
    .bind(pattern)
    .fetch_all(pool)
    .await?)
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct MessageHit {
    pub message_id: i64,
    pub event_id: Option<i64>,
    pub event_title: Option<String>,
    pub subject: String,
    pub author: String,
    pub sent_at: chrono::DateTime<chrono::Utc>,
    pub snippet: String,
}

/// Full-text search over the messages the actor may read, best matches first (at most `limit`).
/// The query is parsed by `websearch_to_tsquery`, which accepts any text.
pub async fn search_messages(pool: &PgPool, actor: &Actor, query: &str, limit: i64) -> StoreResult<Vec<MessageHit>> {
    let sql = format!(
        "select m.id as message_id, t.event_id, e.title as event_title, t.subject,
                coalesce(u.name, 'Former member') as author, m.created_at as sent_at,
                ts_headline('english', m.body, q, 'MaxWords=25, MinWords=10, MaxFragments=1, StartSel=**, StopSel=**') as snippet
           from messages m
           join message_threads t on t.id = m.thread_id
           left join events e on e.id = t.event_id
           left join users u on u.id = m.author_id
          cross join websearch_to_tsquery('english', $5) q
          where {VISIBLE_THREAD} and to_tsvector('english', m.body || ' ' || t.subject) @@ q
          order by ts_rank(to_tsvector('english', m.body || ' ' || t.subject), q) desc, m.created_at desc
          limit $6",
        VISIBLE_THREAD = super::messages::VISIBLE_THREAD
    );
    Ok(bind_actor(sqlx::query_as(&sql), actor).bind(query).bind(limit).fetch_all(pool).await?)
}

/// One element of an event the actor may read the plan of.
pub async fn element(pool: &PgPool, actor: &Actor, event_id: i64, element_id: i64) -> StoreResult<Element> {
    let mut conn = pool.acquire().await?;
    access::event(&mut conn, actor, event_id, Need::Plan).await?;
    sqlx::query_as(
        "select el.id, el.category, el.name, el.description, el.quantity, el.price_cents, el.status, v.name as vendor_name
           from elements el left join vendors v on v.id = el.vendor_id
          where el.event_id = $1 and el.id = $2",
    )
    .bind(event_id)
    .bind(element_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// One of the venue's services.
pub async fn service(pool: &PgPool, actor: &Actor, service_id: i64) -> StoreResult<Service> {
    sqlx::query_as("select id, name, category, unit, price_cents from services where id = $1 and venue_id = $2")
        .bind(service_id)
        .bind(actor.venue_id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The element category a service becomes.
pub fn element_category(service_category: &str) -> &'static str {
    match service_category {
        "catering" => "menu",
        "beverage" => "beverage",
        "decor" => "decor",
        "music" => "music",
        _ => "other",
    }
}

/// A change to an event's elements, as a client asks for it.
#[derive(Clone, Debug)]
pub enum ElementChange {
    Add { service_id: i64, quantity: i32 },
    Remove { element_id: i64 },
    Quantity { element_id: i64, quantity: i32 },
}

/// Applies a change the venue approved (staff only), and records it as an accepted change
/// request of `requested_by`. Returns the element as it is now.
pub async fn apply_element_change(
    pool: &PgPool,
    actor: &Actor,
    event_id: i64,
    change: &ElementChange,
    requested_by: i64,
    description: &str,
) -> StoreResult<Element> {
    let mut tx = pool.begin().await?;
    access::event(&mut tx, actor, event_id, Need::Manage).await?;
    let element_id: i64 = match change {
        ElementChange::Add { service_id, quantity } => {
            let s: Service = sqlx::query_as(
                "select id, name, category, unit, price_cents from services where id = $1 and venue_id = $2",
            )
            .bind(service_id)
            .bind(actor.venue_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            sqlx::query_scalar(
                "insert into elements (event_id, category, name, quantity, price_cents, status)
                 values ($1, $2, $3, $4, $5, 'approved') returning id",
            )
            .bind(event_id)
            .bind(element_category(&s.category))
            .bind(&s.name)
            .bind(quantity)
            .bind(s.price_cents)
            .fetch_one(&mut *tx)
            .await?
        }
        ElementChange::Remove { element_id } => {
            sqlx::query_scalar("update elements set status = 'declined' where id = $1 and event_id = $2 returning id")
                .bind(element_id)
                .bind(event_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?
        }
        ElementChange::Quantity { element_id, quantity } => sqlx::query_scalar(
            "update elements set quantity = $3, status = case when status = 'declined' then 'approved' else status end
              where id = $1 and event_id = $2 returning id",
        )
        .bind(element_id)
        .bind(event_id)
        .bind(quantity)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?,
    };
    sqlx::query(
        "insert into element_change_requests (event_id, element_id, requested_by, description, status, resolved_by, resolved_at)
         values ($1, $2, $3, $4, 'accepted', $5, now())",
    )
    .bind(event_id)
    .bind(element_id)
    .bind(requested_by)
    .bind(description.chars().take(2000).collect::<String>())
    .bind(actor.user_id)
    .execute(&mut *tx)
    .await?;
    let element = sqlx::query_as(
        "select el.id, el.category, el.name, el.description, el.quantity, el.price_cents, el.status, v.name as vendor_name
           from elements el left join vendors v on v.id = el.vendor_id where el.id = $1",
    )
    .bind(element_id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(element)
}

/// The event's message thread with its client (or with one vendor), created when missing
/// (staff only). Returns the thread id and who it reaches.
pub async fn event_thread(
    pool: &PgPool,
    actor: &Actor,
    event_id: i64,
    vendor_id: Option<i64>,
) -> StoreResult<(i64, String)> {
    let mut tx = pool.begin().await?;
    access::event(&mut tx, actor, event_id, Need::Manage).await?;
    let (to, subject): (String, String) = match vendor_id {
        None => {
            sqlx::query_as("select c.name, e.title from events e join clients c on c.id = e.client_id where e.id = $1")
                .bind(event_id)
                .fetch_one(&mut *tx)
                .await?
        }
        Some(v) => sqlx::query_as(
            "select vd.name, e.title from event_vendors ev join vendors vd on vd.id = ev.vendor_id
               join events e on e.id = ev.event_id where ev.event_id = $1 and ev.vendor_id = $2",
        )
        .bind(event_id)
        .bind(v)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::Conflict("This vendor is not working on this event.".into()))?,
    };
    let kind = if vendor_id.is_some() { "vendor" } else { "client" };
    let existing: Option<i64> = sqlx::query_scalar(
        "select id from message_threads where event_id = $1 and kind = $2 and vendor_id is not distinct from $3
          order by updated_at desc limit 1",
    )
    .bind(event_id)
    .bind(kind)
    .bind(vendor_id)
    .fetch_optional(&mut *tx)
    .await?;
    let id = match existing {
        Some(id) => id,
        None => {
            sqlx::query_scalar(
                "insert into message_threads (venue_id, event_id, kind, vendor_id, subject) values ($1, $2, $3, $4, $5) returning id",
            )
            .bind(actor.venue_id)
            .bind(event_id)
            .bind(kind)
            .bind(vendor_id)
            .bind(subject.chars().take(200).collect::<String>())
            .fetch_one(&mut *tx)
            .await?
        }
    };
    tx.commit().await?;
    Ok((id, to))
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

/// A member of the venue's staff by email or name (for assigning tasks).
pub async fn staff_member(pool: &PgPool, actor: &Actor, who: &str) -> StoreResult<Option<(i64, String)>> {
    let pattern = format!("%{}%", like_escape(who.trim()));
    Ok(sqlx::query_as(
        "select u.id, u.name from memberships m join users u on u.id = m.user_id
          where m.venue_id = $1 and m.role in ('owner', 'staff')
            and (lower(u.email) = lower($2) or u.name ilike $3 escape '\\')
          order by lower(u.email) = lower($2) desc, u.name limit 1",
    )
    .bind(actor.venue_id)
    .bind(who.trim())
    .bind(pattern)
    .fetch_optional(pool)
    .await?)
}
