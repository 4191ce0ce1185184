//! Reading the active branch: the page a thread opens on, older pages, the items a stream
//! resumes after, the conversation a reply answers, and whether a step still waits on approvals.

use crate::domain::chat::{ChatItem, ChatThread, ItemKind, ItemPage, ItemStatus};
use crate::store::{Actor, StoreError, StoreResult};
use sqlx::{PgConnection, PgPool};

use super::{thread, ITEM_COLS};

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
