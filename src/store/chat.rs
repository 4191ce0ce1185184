//! Chat threads and their items. A thread is private to the user who owns it: every query
//! filters on the acting user and venue, and a thread of someone else answers `NotFound`.
//!
//! Items form a tree (see the migration); the active branch is the path from the thread's
//! `leaf_item_id` up to the root. Along any such path ids increase (a child is always created
//! after its parent), which the paging and resume queries rely on.

use super::{Actor, StoreError, StoreResult};
use crate::domain::chat::{AgentKind, ChatItem, ChatThread, ItemKind, ItemPage, ItemStatus, SearchHit, Sent, UsageRow};
use crate::llm::catalog::HostedConfig;
use crate::server::config::Secret;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

const THREAD_COLS: &str =
    "t.id, t.event_id, t.title, t.model, t.agent_kind, t.pinned, t.archived, t.item_count, t.last_activity_at";

/// Columns of [`ChatItem`] over `chat_items i`, with the item's place among its siblings.
const ITEM_COLS: &str = "i.id, i.parent_id, i.kind, i.status, i.content, i.error, i.model, i.prompt_tokens, \
    i.completion_tokens, i.created_at, i.data, \
    (select count(*) from chat_items s where s.thread_id = i.thread_id \
        and (s.parent_id = i.parent_id or (s.parent_id is null and i.parent_id is null)) and s.id <= i.id) as branch_index, \
    (select count(*) from chat_items s where s.thread_id = i.thread_id \
        and (s.parent_id = i.parent_id or (s.parent_id is null and i.parent_id is null))) as branch_count";

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
        let need = if kind == AgentKind::VenueEvent { super::access::Need::Manage } else { super::access::Need::Plan };
        super::access::event(&mut tx, actor, id, need).await?;
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

async fn leaf(conn: &mut PgConnection, thread_id: i64) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("select leaf_item_id from chat_threads where id = $1")
        .bind(thread_id)
        .fetch_one(conn)
        .await?)
}

/// Up to `limit` items of the active branch ending at `from` (inclusive), oldest first.
async fn chain(conn: &mut PgConnection, thread_id: i64, from: i64, limit: i64) -> StoreResult<ItemPage> {
    let items: Vec<ChatItem> = sqlx::query_as(&format!(
        "with recursive chain(id, parent_id, n) as (
             select id, parent_id, 1 from chat_items where id = $1 and thread_id = $2
             union all
             select c.id, c.parent_id, chain.n + 1 from chain join chat_items c on c.id = chain.parent_id
              where chain.n < $3
         )
         select {ITEM_COLS} from chain join chat_items i on i.id = chain.id order by i.id"
    ))
    .bind(from)
    .bind(thread_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    let has_more = items.first().is_some_and(|i| i.parent_id.is_some());
    Ok(ItemPage { items, has_more })
}

/// The latest page of the active branch.
pub async fn latest_page(
    pool: &PgPool,
    actor: &Actor,
    thread_id: i64,
    limit: i64,
) -> StoreResult<(ChatThread, ItemPage)> {
    let mut conn = pool.acquire().await?;
    let thread = thread(&mut *conn, actor, thread_id).await?;
    let page = match leaf(&mut conn, thread_id).await? {
        Some(leaf) => chain(&mut conn, thread_id, leaf, limit).await?,
        None => ItemPage { items: Vec::new(), has_more: false },
    };
    Ok((thread, page))
}

/// The page of the active branch just before item `before` (which must be on it).
pub async fn older_page(
    pool: &PgPool,
    actor: &Actor,
    thread_id: i64,
    before: i64,
    limit: i64,
) -> StoreResult<ItemPage> {
    let mut conn = pool.acquire().await?;
    thread(&mut *conn, actor, thread_id).await?;
    let parent: Option<Option<i64>> =
        sqlx::query_scalar("select parent_id from chat_items where id = $1 and thread_id = $2")
            .bind(before)
            .bind(thread_id)
            .fetch_optional(&mut *conn)
            .await?;
    match parent {
        None => Err(StoreError::NotFound),
        Some(None) => Ok(ItemPage { items: Vec::new(), has_more: false }),
        Some(Some(p)) => chain(&mut conn, thread_id, p, limit).await,
    }
}

/// Items of the active branch newer than `after` (for resuming a stream), oldest first.
/// The thread must already be checked to belong to the actor.
pub async fn items_after(pool: &PgPool, thread_id: i64, after: i64, limit: i64) -> StoreResult<Vec<ChatItem>> {
    let mut conn = pool.acquire().await?;
    let Some(leaf) = leaf(&mut conn, thread_id).await? else { return Ok(Vec::new()) };
    let items: Vec<ChatItem> = sqlx::query_as(&format!(
        "with recursive chain(id, parent_id, n) as (
             select id, parent_id, 1 from chat_items where id = $1 and thread_id = $2 and id > $3
             union all
             select c.id, c.parent_id, chain.n + 1 from chain join chat_items c on c.id = chain.parent_id
              where c.id > $3 and chain.n < $4
         )
         select {ITEM_COLS} from chain join chat_items i on i.id = chain.id order by i.id"
    ))
    .bind(leaf)
    .bind(thread_id)
    .bind(after)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    Ok(items)
}

/// Locks the actor's own thread for a change of its items (the row lock serialises sends to one
/// thread) and checks that no reply is being written in it. Returns the thread's tip.
async fn lock_idle(
    conn: &mut PgConnection,
    actor: &Actor,
    thread_id: i64,
    busy_message: &str,
) -> StoreResult<Option<i64>> {
    let owned: Option<Option<i64>> = sqlx::query_scalar(
        "select leaf_item_id from chat_threads where id = $1 and owner_id = $2 and venue_id = $3 for update",
    )
    .bind(thread_id)
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(leaf) = owned else { return Err(StoreError::NotFound) };
    let busy: bool = sqlx::query_scalar(
        "select exists (select 1 from chat_items where thread_id = $1 and status in ('streaming', 'running'))",
    )
    .bind(thread_id)
    .fetch_one(&mut *conn)
    .await?;
    if busy {
        return Err(StoreError::Conflict(busy_message.into()));
    }
    Ok(leaf)
}

/// What a send does.
#[derive(Clone, Debug)]
pub enum Turn {
    /// A new message after the current tip.
    Message(String),
    /// Replace an earlier user message (a new branch from its parent).
    Edit { item_id: i64, text: String },
    /// A new reply to the tip's user message.
    Regenerate,
}

/// Stores the user's message (if any) and an empty `streaming` reply, moves the tip to the
/// reply, and returns both. Refused while another reply is being written in the thread.
pub async fn begin_turn(pool: &PgPool, actor: &Actor, thread_id: i64, turn: &Turn, model: &str) -> StoreResult<Sent> {
    let mut tx = pool.begin().await?;
    let leaf =
        lock_idle(&mut tx, actor, thread_id, "A reply is still being written. Stop it or wait for it to finish.")
            .await?;

    let (user_text, user_parent, reply_parent) = match turn {
        Turn::Message(text) => (Some(text.clone()), leaf, None),
        Turn::Edit { item_id, text } => {
            let row: Option<(Option<i64>, String)> =
                sqlx::query_as("select parent_id, kind from chat_items where id = $1 and thread_id = $2")
                    .bind(item_id)
                    .bind(thread_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            match row {
                Some((parent, kind)) if kind == "user" => (Some(text.clone()), parent, None),
                Some(_) => return Err(StoreError::Conflict("Only your own messages can be edited.".into())),
                None => return Err(StoreError::NotFound),
            }
        }
        Turn::Regenerate => {
            let Some(leaf) = leaf else {
                return Err(StoreError::Conflict("There is no reply to regenerate yet.".into()));
            };
            // The tip is a reply (or an error after one): answer its user message again.
            let user_item: Option<i64> = sqlx::query_scalar(
                "with recursive up(id, parent_id, kind) as (
                     select id, parent_id, kind from chat_items where id = $1
                     union all
                     select c.id, c.parent_id, c.kind from up join chat_items c on c.id = up.parent_id where up.kind <> 'user'
                 ) select id from up where kind = 'user' limit 1",
            )
            .bind(leaf)
            .fetch_optional(&mut *tx)
            .await?;
            match user_item {
                Some(u) => (None, None, Some(u)),
                None => return Err(StoreError::Conflict("There is no message to answer.".into())),
            }
        }
    };

    let user_item: Option<i64> = match &user_text {
        Some(text) => Some(
            sqlx::query_scalar(
                "insert into chat_items (thread_id, parent_id, kind, status, content) values ($1, $2, 'user', 'done', $3) returning id",
            )
            .bind(thread_id)
            .bind(user_parent)
            .bind(text)
            .fetch_one(&mut *tx)
            .await?,
        ),
        None => None,
    };
    let parent = user_item.or(reply_parent);
    let reply_id: i64 = sqlx::query_scalar(
        "insert into chat_items (thread_id, parent_id, kind, status, model) values ($1, $2, 'assistant', 'streaming', $3) returning id",
    )
    .bind(thread_id)
    .bind(parent)
    .bind(model)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "update chat_threads set leaf_item_id = $2, item_count = item_count + $3, last_activity_at = now(), model = $4
          where id = $1",
    )
    .bind(thread_id)
    .bind(reply_id)
    .bind(if user_item.is_some() { 2 } else { 1 })
    .bind(model)
    .execute(&mut *tx)
    .await?;
    let user_item = match user_item {
        Some(id) => Some(item(&mut tx, id).await?),
        None => None,
    };
    let reply = item(&mut tx, reply_id).await?;
    tx.commit().await?;
    Ok(Sent { thread_id, user_item, reply })
}

/// One item by id (no access check: callers have checked the thread).
pub async fn item(conn: &mut PgConnection, id: i64) -> StoreResult<ChatItem> {
    sqlx::query_as(&format!("select {ITEM_COLS} from chat_items i where i.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// One item of the conversation sent to the model.
#[derive(Clone, Debug)]
pub struct HistoryItem {
    pub kind: ItemKind,
    pub status: ItemStatus,
    pub content: String,
    pub error: Option<String>,
    pub data: Option<serde_json::Value>,
}

/// The conversation a reply answers: the active branch up to (not including) `reply_id`,
/// oldest first, at most `limit` items.
pub async fn history(pool: &PgPool, reply_id: i64, limit: i64) -> StoreResult<Vec<HistoryItem>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        kind: String,
        status: String,
        content: String,
        error: Option<String>,
        data: Option<serde_json::Value>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "with recursive chain(id, parent_id, n) as (
             select c.id, c.parent_id, 1 from chat_items r join chat_items c on c.id = r.parent_id where r.id = $1
             union all
             select c.id, c.parent_id, chain.n + 1 from chain join chat_items c on c.id = chain.parent_id where chain.n < $2
         )
         select i.kind, i.status, i.content, i.error, i.data from chain join chat_items i on i.id = chain.id order by i.id",
    )
    .bind(reply_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(HistoryItem {
                kind: r.kind.parse().ok()?,
                status: r.status.parse().ok()?,
                content: r.content,
                error: r.error,
                data: r.data,
            })
        })
        .collect())
}

/// A new item at the tip of the thread's active branch (a tool call, or the next reply of a
/// turn with tools). The tip moves to it.
pub struct NewItem<'a> {
    pub thread_id: i64,
    pub parent_id: i64,
    pub kind: ItemKind,
    pub status: ItemStatus,
    pub content: &'a str,
    pub data: Option<&'a serde_json::Value>,
    pub model: Option<&'a str>,
}

pub async fn add_item(pool: &PgPool, new: &NewItem<'_>) -> StoreResult<ChatItem> {
    let mut tx = pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into chat_items (thread_id, parent_id, kind, status, content, data, model)
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(new.thread_id)
    .bind(new.parent_id)
    .bind(new.kind.as_str())
    .bind(new.status.as_str())
    .bind(new.content)
    .bind(new.data)
    .bind(new.model)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "update chat_threads set leaf_item_id = $2, item_count = item_count + 1, last_activity_at = now() where id = $1",
    )
    .bind(new.thread_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let item = item(&mut tx, id).await?;
    tx.commit().await?;
    Ok(item)
}

/// Sets a tool call's status, text and data.
pub async fn update_tool_item<'e>(
    db: impl sqlx::PgExecutor<'e>,
    item_id: i64,
    status: ItemStatus,
    content: &str,
    error: Option<&str>,
    data: &serde_json::Value,
) -> StoreResult<ChatItem> {
    sqlx::query_as(&format!(
        "update chat_items i set status = $2, content = $3, error = $4, data = $5
          where i.id = $1 and i.kind = 'tool_call' returning {ITEM_COLS}"
    ))
    .bind(item_id)
    .bind(status.as_str())
    .bind(content)
    .bind(error)
    .bind(data)
    .fetch_optional(db)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Starts the next reply of a turn that waited for an approval: a `streaming` assistant item
/// after the thread's tip (which must be `after`). `None` when the thread moved on meanwhile
/// (another message, another version) or is busy.
pub async fn begin_continuation(
    pool: &PgPool,
    owner: &Actor,
    thread_id: i64,
    after: i64,
    model: &str,
) -> StoreResult<Option<ChatItem>> {
    let mut tx = pool.begin().await?;
    let leaf = match lock_idle(&mut tx, owner, thread_id, "busy").await {
        Ok(leaf) => leaf,
        Err(StoreError::Conflict(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    if leaf != Some(after) {
        return Ok(None);
    }
    let id: i64 = sqlx::query_scalar(
        "insert into chat_items (thread_id, parent_id, kind, status, model) values ($1, $2, 'assistant', 'streaming', $3) returning id",
    )
    .bind(thread_id)
    .bind(after)
    .bind(model)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "update chat_threads set leaf_item_id = $2, item_count = item_count + 1, last_activity_at = now() where id = $1",
    )
    .bind(thread_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let reply = item(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Some(reply))
}

/// Whether a tool call of the step ending at `leaf` (the tool calls just above it) still waits
/// for approval; `None` when `leaf` is not a tool call (the conversation moved on).
pub async fn step_waiting(pool: &PgPool, leaf: i64) -> StoreResult<Option<bool>> {
    Ok(sqlx::query_scalar(
        "with recursive up(id, parent_id, kind, status, n) as (
             select id, parent_id, kind, status, 1 from chat_items where id = $1
             union all
             select c.id, c.parent_id, c.kind, c.status, up.n + 1 from up join chat_items c on c.id = up.parent_id
              where up.kind = 'tool_call' and up.n < 100
         )
         select case when (select kind from chat_items where id = $1) = 'tool_call'
                     then exists (select 1 from up where kind = 'tool_call' and status = 'awaiting_approval') end",
    )
    .bind(leaf)
    .fetch_one(pool)
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

/// Writes the text streamed so far (batched by the caller).
pub async fn flush(pool: &PgPool, item_id: i64, content: &str) -> StoreResult<()> {
    sqlx::query("update chat_items set content = $2 where id = $1 and status = 'streaming'")
        .bind(item_id)
        .bind(content)
        .execute(pool)
        .await?;
    Ok(())
}

/// The end of a reply: final text, status, error, usage.
pub struct Finish<'a> {
    pub item_id: i64,
    pub status: ItemStatus,
    pub content: &'a str,
    pub error: Option<&'a str>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
}

pub async fn finish(pool: &PgPool, f: &Finish<'_>) -> StoreResult<ChatItem> {
    sqlx::query_as(&format!(
        "update chat_items i set content = $2, status = $3, error = $4, prompt_tokens = $5, completion_tokens = $6
          where i.id = $1 returning {ITEM_COLS}"
    ))
    .bind(f.item_id)
    .bind(f.content)
    .bind(f.status.as_str())
    .bind(f.error)
    .bind(f.prompt_tokens)
    .bind(f.completion_tokens)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Replies the server was writing when it stopped: marked `interrupted` (they can be retried).
/// Tool calls that were running then are marked `failed` (an approved action that did not finish
/// can be asked for again).
pub async fn interrupt_orphans(pool: &PgPool) -> StoreResult<u64> {
    let replies = sqlx::query(
        "update chat_items set status = 'interrupted', error = 'The server restarted while this reply was being written.'
          where status = 'streaming'",
    )
    .execute(pool)
    .await?
    .rows_affected();
    let tools = sqlx::query(
        "update chat_items set status = 'failed', error = 'The server restarted while this tool was running.'
          where status = 'running'",
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(replies + tools)
}

pub struct UsageRecord<'a> {
    pub venue_id: i64,
    pub user_id: i64,
    pub thread_id: Option<i64>,
    pub item_id: Option<i64>,
    pub purpose: &'static str,
    pub model: &'a str,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
}

pub async fn record_usage(pool: &PgPool, u: &UsageRecord<'_>) -> StoreResult<()> {
    sqlx::query(
        "insert into llm_usage (venue_id, user_id, thread_id, item_id, purpose, model, prompt_tokens, completion_tokens)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(u.venue_id)
    .bind(u.user_id)
    .bind(u.thread_id)
    .bind(u.item_id)
    .bind(u.purpose)
    .bind(u.model)
    .bind(u.prompt_tokens)
    .bind(u.completion_tokens)
    .execute(pool)
    .await?;
    Ok(())
}

/// The actor's usage per day and model over the last `days` days, newest first.
pub async fn usage(pool: &PgPool, actor: &Actor, days: i32) -> StoreResult<Vec<UsageRow>> {
    Ok(sqlx::query_as(
        "select (created_at at time zone 'UTC')::date as day, model,
                count(*) filter (where purpose = 'reply') as replies,
                sum(prompt_tokens)::bigint as prompt_tokens, sum(completion_tokens)::bigint as completion_tokens
           from llm_usage
          where user_id = $1 and venue_id = $2 and created_at > now() - make_interval(days => $3)
          group by 1, 2 order by 1 desc, 2",
    )
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .bind(days)
    .fetch_all(pool)
    .await?)
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

pub async fn delete_thread(pool: &PgPool, actor: &Actor, thread_id: i64) -> StoreResult<()> {
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
    sqlx::query("delete from chat_threads where id = $1").bind(thread_id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Shows another version of `item_id`: its sibling `delta` places away (an edit or a
/// regeneration made it). The tip becomes that sibling's newest descendant.
pub async fn switch_branch(pool: &PgPool, actor: &Actor, thread_id: i64, item_id: i64, delta: i64) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    lock_idle(&mut tx, actor, thread_id, "Wait for the reply to finish before switching versions.").await?;
    let item_id: i64 = sqlx::query_scalar(
        "with me as (select parent_id from chat_items where id = $1 and thread_id = $2),
              sibs as (
                select i.id, row_number() over (order by i.id) as rn from chat_items i, me
                 where i.thread_id = $2 and (i.parent_id = me.parent_id or (i.parent_id is null and me.parent_id is null))
              )
         select id from sibs where rn = (select rn from sibs where id = $1) + $3",
    )
    .bind(item_id)
    .bind(thread_id)
    .bind(delta)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let tip: Option<i64> = sqlx::query_scalar(
        "with recursive down(id, n) as (
             select id, 1 from chat_items where id = $1 and thread_id = $2
             union all
             select (select max(c.id) from chat_items c where c.thread_id = $2 and c.parent_id = down.id), down.n + 1
               from down where down.id is not null and down.n < 100000
         ) select id from down where id is not null order by n desc limit 1",
    )
    .bind(item_id)
    .bind(thread_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(tip) = tip else { return Err(StoreError::NotFound) };
    sqlx::query("update chat_threads set leaf_item_id = $2 where id = $1")
        .bind(thread_id)
        .bind(tip)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Full-text search over the actor's own threads: titles and every item's text. Words match
/// as prefixes ("tast" finds "tasting"). At most 20 threads, most recent first.
pub async fn search(pool: &PgPool, actor: &Actor, query: &str) -> StoreResult<Vec<SearchHit>> {
    let Some(tsquery) = prefix_tsquery(query) else { return Ok(Vec::new()) };
    Ok(sqlx::query_as(
        "select t.id as thread_id, t.title,
                coalesce(ts_headline('english', m.content, q,
                    'MaxWords=20, MinWords=8, MaxFragments=1, StartSel=«, StopSel=», HighlightAll=false'), '') as snippet,
                t.last_activity_at
           from chat_threads t
          cross join to_tsquery('english', $3) q
           left join lateral (
                select i.content from chat_items i
                 where i.thread_id = t.id and i.search @@ q
                 order by ts_rank(i.search, q) desc, i.id desc limit 1
           ) m on true
          where t.owner_id = $1 and t.venue_id = $2
            and (to_tsvector('english', t.title) @@ q or m.content is not null)
          order by t.last_activity_at desc, t.id desc
          limit 20",
    )
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .bind(tsquery)
    .fetch_all(pool)
    .await?)
}

/// `menu tast` → `menu:* & tast:*`; only letters and digits survive (no tsquery syntax from users).
fn prefix_tsquery(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(10)
        .map(|w| format!("{}:*", w.to_lowercase()))
        .collect();
    (!words.is_empty()).then(|| words.join(" & "))
}

/// Hosted providers the venue's owner configured (keys included: server only).
pub async fn venue_providers(pool: &PgPool, venue_id: i64) -> StoreResult<Vec<(i64, HostedConfig)>> {
    let rows: Vec<(i64, String, String, String, String, Vec<String>)> = sqlx::query_as(
        "select id, name, kind, base_url, api_key, models from llm_providers where venue_id = $1 order by name",
    )
    .bind(venue_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, kind, base_url, key, models)| {
            (id, HostedConfig { name, kind, base_url, api_key: (!key.is_empty()).then(|| Secret::new(key)), models })
        })
        .collect())
}

pub async fn add_provider(pool: &PgPool, actor: &Actor, p: &HostedConfig) -> StoreResult<i64> {
    if actor.role != crate::domain::Role::Owner {
        return Err(StoreError::Forbidden);
    }
    let res = sqlx::query_scalar(
        "insert into llm_providers (venue_id, name, kind, base_url, api_key, models) values ($1, $2, $3, $4, $5, $6)
         returning id",
    )
    .bind(actor.venue_id)
    .bind(&p.name)
    .bind(&p.kind)
    .bind(&p.base_url)
    .bind(p.api_key.as_ref().map(|k| k.expose().to_string()).unwrap_or_default())
    .bind(&p.models)
    .fetch_one(pool)
    .await;
    match res {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(StoreError::field("name", "A provider with this name exists already."))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_provider(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<()> {
    if actor.role != crate::domain::Role::Owner {
        return Err(StoreError::Forbidden);
    }
    let n = sqlx::query("delete from llm_providers where id = $1 and venue_id = $2")
        .bind(id)
        .bind(actor.venue_id)
        .execute(pool)
        .await?
        .rows_affected();
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
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

    #[test]
    fn search_queries_are_sanitised() {
        assert_eq!(prefix_tsquery("Menu tast!").as_deref(), Some("menu:* & tast:*"));
        assert_eq!(prefix_tsquery("a & b | !c:*").as_deref(), Some("a:* & b:* & c:*"));
        assert_eq!(prefix_tsquery("  &|! "), None);
    }
}
