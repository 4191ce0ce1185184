//! Message threads between the venue, a client and vendors.
//! Who reads a thread follows from its kind: staff read all of their venue's; a client the
//! `client` threads of their own events; a vendor its own `vendor` threads on events it works.

use super::access::{self, bind_actor, Need};
use super::{Actor, StoreError, StoreResult};
use crate::domain::model::{Message, RecentMessage, ThreadSummary, ThreadView};
use sqlx::PgPool;

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

async fn thread(pool: &PgPool, actor: &Actor, thread_id: i64) -> StoreResult<ThreadSummary> {
    let sql = format!(
        "select t.id, t.kind, t.subject, v.name as vendor_name,
                (select count(*) from messages m where m.thread_id = t.id) as message_count,
                (select max(m.created_at) from messages m where m.thread_id = t.id) as last_message_at
           from message_threads t
           left join events e on e.id = t.event_id
           left join vendors v on v.id = t.vendor_id
          where t.id = $5 and {VISIBLE_THREAD}"
    );
    bind_actor(sqlx::query_as(&sql), actor).bind(thread_id).fetch_optional(pool).await?.ok_or(StoreError::NotFound)
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

pub async fn send(pool: &PgPool, actor: &Actor, thread_id: i64, body: &str) -> StoreResult<Message> {
    let thread = thread(pool, actor, thread_id).await?;
    let mut tx = pool.begin().await?;
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
