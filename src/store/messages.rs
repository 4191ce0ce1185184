//! Message threads between the venue, a client and vendors, their full-text search, and the
//! event thread an agent writes to. Who reads a thread follows from its kind: staff read all of
//! their venue's; a client the `client` threads of their own events; a vendor its own `vendor`
//! threads on events it works.

use super::access::{self, bind_actor, Need};
use super::{Actor, StoreError, StoreResult};
use crate::domain::records::{Message, RecentMessage, ThreadSummary, ThreadView};
use serde::Serialize;
use sqlx::{Acquire, PgExecutor, PgPool, Postgres};

/// SQL predicate over `message_threads t left join events e` rows; binds as in [`bind_actor`].
pub(crate) const VISIBLE_THREAD: &str = "(t.venue_id = $1 and ($2 in ('owner', 'staff') \
    or ($2 = 'client' and t.kind = 'client' and e.client_id = $3) \
    or ($2 = 'vendor' and t.kind = 'vendor' and t.vendor_id = $4 \
        and exists (select 1 from event_vendors ev where ev.event_id = e.id and ev.vendor_id = $4))))";

pub async fn threads(pool: &PgPool, actor: &Actor, event_id: i64) -> StoreResult<Vec<ThreadSummary>> {
    let mut conn = pool.acquire().await?;
    access::event(&mut conn, actor, event_id, Need::Read).await?;
    let sql = format!(
        "select t.id, t.kind, t.subject, v.name as vendor_name,
                (select count(*) from messages m where m.thread_id = t.id) as message_count,
                (select max(m.created_at) from messages m where m.thread_id = t.id) as last_message_at
           from message_threads t
           left join events e on e.id = t.event_id
           left join vendors v on v.id = t.vendor_id
          where t.event_id = $5 and {VISIBLE_THREAD}
          order by last_message_at desc nulls last, t.id"
    );
    Ok(bind_actor(sqlx::query_as(&sql), actor).bind(event_id).fetch_all(&mut *conn).await?)
}

async fn thread(db: impl PgExecutor<'_>, actor: &Actor, thread_id: i64) -> StoreResult<ThreadSummary> {
    let sql = format!(
        "select t.id, t.kind, t.subject, v.name as vendor_name,
                (select count(*) from messages m where m.thread_id = t.id) as message_count,
                (select max(m.created_at) from messages m where m.thread_id = t.id) as last_message_at
           from message_threads t
           left join events e on e.id = t.event_id
           left join vendors v on v.id = t.vendor_id
          where t.id = $5 and {VISIBLE_THREAD}"
    );
    bind_actor(sqlx::query_as(&sql), actor).bind(thread_id).fetch_optional(db).await?.ok_or(StoreError::NotFound)
}

/// A thread and its latest `limit` messages, oldest first.
pub async fn open(pool: &PgPool, actor: &Actor, thread_id: i64, limit: i64) -> StoreResult<ThreadView> {
    let thread = thread(pool, actor, thread_id).await?;
    let messages: Vec<Message> = sqlx::query_as(
        "select * from (
            select m.id, m.thread_id, coalesce(u.name, 'Former member') as author_name,
                   coalesce(m.author_id = $2, false) as mine, m.body, m.created_at
              from messages m left join users u on u.id = m.author_id
             where m.thread_id = $1
             order by m.created_at desc, m.id desc
             limit $3
         ) latest order by created_at, id",
    )
    .bind(thread_id)
    .bind(actor.user_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(ThreadView { thread, messages })
}

pub async fn send<'c>(
    db: impl Acquire<'c, Database = Postgres>,
    actor: &Actor,
    thread_id: i64,
    body: &str,
) -> StoreResult<Message> {
    let mut tx = db.begin().await?;
    let thread = thread(&mut *tx, actor, thread_id).await?;
    let message = sqlx::query_as(
        "insert into messages (thread_id, author_id, body) values ($1, $2, $3)
         returning id, thread_id, $4::text as author_name, true as mine, body, created_at",
    )
    .bind(thread.id)
    .bind(actor.user_id)
    .bind(body)
    .bind(&actor.name)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("update message_threads set updated_at = now() where id = $1")
        .bind(thread.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(message)
}

/// The latest messages across every thread the actor can read (the dashboard).
pub async fn recent(pool: &PgPool, actor: &Actor, limit: i64) -> StoreResult<Vec<RecentMessage>> {
    let sql = format!(
        "select m.id, t.event_id, e.title as event_title, t.subject, coalesce(u.name, 'Former member') as author_name,
                m.body, m.created_at
           from messages m
           join message_threads t on t.id = m.thread_id
           left join events e on e.id = t.event_id
           left join users u on u.id = m.author_id
          where {VISIBLE_THREAD}
          order by m.created_at desc, m.id desc
          limit $5"
    );
    Ok(bind_actor(sqlx::query_as(&sql), actor).bind(limit).fetch_all(pool).await?)
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
        VISIBLE_THREAD = VISIBLE_THREAD
    );
    Ok(bind_actor(sqlx::query_as(&sql), actor).bind(query).bind(limit).fetch_all(pool).await?)
}

/// The event's message thread with its client (or with one vendor), created when missing
/// (staff only). Returns the thread id and who it reaches.
pub async fn event_thread<'c>(
    db: impl Acquire<'c, Database = Postgres>,
    actor: &Actor,
    event_id: i64,
    vendor_id: Option<i64>,
) -> StoreResult<(i64, String)> {
    let mut tx = db.begin().await?;
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
