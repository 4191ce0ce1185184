//! Threads: creating, reading, listing (the sidebar's pages), changing and deleting them, the
//! agent panels' scoped thread, and the title a finished first exchange gives.

use crate::domain::chat::{AgentKind, ChatThread};
use crate::store::access;
use crate::store::{Actor, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::THREAD_COLS;

/// Where the sidebar's next page starts: the last row's sort key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub pinned: bool,
    pub last_activity_at: DateTime<Utc>,
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}.{}", u8::from(self.pinned), self.last_activity_at.timestamp_micros(), self.id)
    }

    pub fn decode(s: &str) -> Option<Self> {
        let mut parts = s.split('.');
        let pinned = match parts.next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        let micros: i64 = parts.next()?.parse().ok()?;
        let id: i64 = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        Some(Self { pinned, last_activity_at: DateTime::from_timestamp_micros(micros)?, id })
    }
}

/// A new thread. An event agent's thread is about an event the actor can plan (checked here).
pub async fn create_thread(
    pool: &PgPool,
    actor: &Actor,
    model: &str,
    kind: AgentKind,
    event_id: Option<i64>,
) -> StoreResult<ChatThread> {
    let mut tx = pool.begin().await?;
    if let Some(id) = event_id {
        let need = if kind == AgentKind::VenueEvent { access::Need::Manage } else { access::Need::Plan };
        access::event(&mut tx, actor, id, need).await?;
    }
    let thread = sqlx::query_as(&format!(
        "insert into chat_threads as t (venue_id, owner_id, model, agent_kind, event_id) values ($1, $2, $3, $4, $5)
         returning {THREAD_COLS}"
    ))
    .bind(actor.venue_id)
    .bind(actor.user_id)
    .bind(model)
    .bind(kind.as_str())
    .bind(event_id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(thread)
}

/// The actor's own thread, or `NotFound`.
pub async fn thread<'e>(db: impl sqlx::PgExecutor<'e>, actor: &Actor, id: i64) -> StoreResult<ChatThread> {
    sqlx::query_as(&format!(
        "select {THREAD_COLS} from chat_threads t where t.id = $1 and t.owner_id = $2 and t.venue_id = $3"
    ))
    .bind(id)
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .fetch_optional(db)
    .await?
    .ok_or(StoreError::NotFound)
}

/// One page of the sidebar: pinned first, then by last activity, newest first.
pub async fn list_threads(
    pool: &PgPool,
    actor: &Actor,
    archived: bool,
    after: Option<&Cursor>,
    limit: i64,
) -> StoreResult<(Vec<ChatThread>, Option<Cursor>)> {
    let far = Cursor {
        pinned: true,
        last_activity_at: DateTime::from_timestamp(253_402_300_799, 0).unwrap_or_default(), // 9999-12-31
        id: i64::MAX,
    };
    let c = after.unwrap_or(&far);
    let rows: Vec<ChatThread> = sqlx::query_as(&format!(
        "select {THREAD_COLS} from chat_threads t
          where t.owner_id = $1 and t.venue_id = $2 and t.archived = $3
            and (t.pinned, t.last_activity_at, t.id) < ($4, $5, $6)
          order by t.pinned desc, t.last_activity_at desc, t.id desc
          limit $7"
    ))
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .bind(archived)
    .bind(c.pinned)
    .bind(c.last_activity_at)
    .bind(c.id)
    .bind(limit + 1)
    .fetch_all(pool)
    .await?;
    let mut rows = rows;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|t| Cursor { pinned: t.pinned, last_activity_at: t.last_activity_at, id: t.id })
    } else {
        None
    };
    Ok((rows, next))
}

/// The thread where the actions an API key's MCP client asks for wait for approval: the member's
/// latest assistant thread marked with the key, else a new one named `title`.
pub async fn key_thread(
    pool: &PgPool,
    actor: &Actor,
    key_id: i64,
    model: &str,
    title: &str,
) -> StoreResult<ChatThread> {
    let found = sqlx::query_as(&format!(
        "select {THREAD_COLS} from chat_threads t
          where t.owner_id = $1 and t.venue_id = $2 and t.api_key_id = $3 and t.agent_kind = 'assistant'
            and t.event_id is null and not t.archived
          order by t.id desc limit 1"
    ))
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .bind(key_id)
    .fetch_optional(pool)
    .await?;
    if let Some(thread) = found {
        return Ok(thread);
    }
    let title: String = title.chars().take(crate::domain::chat::MAX_TITLE).collect();
    Ok(sqlx::query_as(&format!(
        "insert into chat_threads as t (venue_id, owner_id, model, agent_kind, api_key_id, title, title_source)
         values ($1, $2, $3, 'assistant', $4, $5, 'user') returning {THREAD_COLS}"
    ))
    .bind(actor.venue_id)
    .bind(actor.user_id)
    .bind(model)
    .bind(key_id)
    .bind(title)
    .fetch_one(pool)
    .await?)
}

/// Marks a thread as written through an API key.
pub async fn mark_key(pool: &PgPool, actor: &Actor, thread_id: i64, key_id: i64) -> StoreResult<()> {
    sqlx::query("update chat_threads set api_key_id = $3 where id = $1 and owner_id = $2 and api_key_id is null")
        .bind(thread_id)
        .bind(actor.user_id)
        .bind(key_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The actor's latest thread with an agent over a scope (dashboard panels reopen it).
pub async fn latest_scoped(
    pool: &PgPool,
    actor: &Actor,
    kind: AgentKind,
    event_id: Option<i64>,
) -> StoreResult<Option<ChatThread>> {
    Ok(sqlx::query_as(&format!(
        "select {THREAD_COLS} from chat_threads t
          where t.owner_id = $1 and t.venue_id = $2 and t.agent_kind = $3 and t.event_id is not distinct from $4
            and not t.archived
          order by t.last_activity_at desc, t.id desc limit 1"
    ))
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .bind(kind.as_str())
    .bind(event_id)
    .fetch_optional(pool)
    .await?)
}

/// A thread's scope, for work done after the request that started it (no access check).
#[derive(Debug, sqlx::FromRow)]
pub struct Scope {
    pub owner_id: i64,
    pub venue_id: i64,
    #[sqlx(try_from = "String")]
    pub agent_kind: AgentKind,
    pub event_id: Option<i64>,
    pub model: String,
    pub leaf_item_id: Option<i64>,
}

pub async fn scope(pool: &PgPool, thread_id: i64) -> StoreResult<Scope> {
    sqlx::query_as(
        "select owner_id, venue_id, agent_kind, event_id, model, leaf_item_id from chat_threads where id = $1",
    )
    .bind(thread_id)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)
}

/// The thread's changeable settings, one at a time.
pub enum Change<'a> {
    Title(&'a str),
    Pinned(bool),
    Archived(bool),
    Model(&'a str),
}

pub async fn change(pool: &PgPool, actor: &Actor, thread_id: i64, change: Change<'_>) -> StoreResult<ChatThread> {
    let (set, value): (&str, String) = match change {
        Change::Title(t) => ("title = $4, title_source = 'user'", t.to_string()),
        Change::Pinned(p) => ("pinned = $4::text::boolean", p.to_string()),
        Change::Archived(a) => ("archived = $4::text::boolean", a.to_string()),
        Change::Model(m) => ("model = $4", m.to_string()),
    };
    sqlx::query_as(&format!(
        "update chat_threads t set {set} where t.id = $1 and t.owner_id = $2 and t.venue_id = $3 returning {THREAD_COLS}"
    ))
    .bind(thread_id)
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .bind(value)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Deletes the actor's thread with its items and attachments. Returns the attachments' originals
/// (object-store keys), which the caller deletes.
pub async fn delete_thread(pool: &PgPool, actor: &Actor, thread_id: i64) -> StoreResult<Vec<String>> {
    let mut tx = pool.begin().await?;
    // The leaf reference would otherwise be checked against items being deleted.
    let n =
        sqlx::query("update chat_threads set leaf_item_id = null where id = $1 and owner_id = $2 and venue_id = $3")
            .bind(thread_id)
            .bind(actor.user_id)
            .bind(actor.venue_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    // Its attachments' rows go with it (cascade); their originals are the caller's to delete.
    let originals = crate::store::knowledge::thread_originals(&mut tx, thread_id).await?;
    sqlx::query("delete from chat_threads where id = $1").bind(thread_id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(originals)
}

/// Sets the title unless the person already chose one. Returns whether it changed.
pub async fn set_generated_title(pool: &PgPool, thread_id: i64, title: &str, source: &str) -> StoreResult<bool> {
    Ok(sqlx::query("update chat_threads set title = $2, title_source = $3 where id = $1 and title_source in ('default', 'fallback')")
        .bind(thread_id)
        .bind(title)
        .bind(source)
        .execute(pool)
        .await?
        .rows_affected()
        > 0)
}

/// Whether the thread still has its default title (a title is then worth generating).
pub async fn needs_title(pool: &PgPool, thread_id: i64) -> StoreResult<bool> {
    Ok(sqlx::query_scalar::<_, bool>("select title_source = 'default' from chat_threads where id = $1")
        .bind(thread_id)
        .fetch_optional(pool)
        .await?
        .unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let c = Cursor {
            pinned: true,
            last_activity_at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap(),
            id: 42,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        for junk in ["", "1", "2.5.5", "1.x.5", "1.5.5.5", "0.-99999999999999999999.1"] {
            assert_eq!(Cursor::decode(junk), None, "{junk}");
        }
    }
}
