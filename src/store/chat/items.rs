//! Writing items: one item by id, a new item at the tip, a tool call's outcome, a streaming
//! reply's text so far and its end, and the orphans a restart leaves.

use crate::domain::chat::{ChatItem, ItemKind, ItemStatus};
use crate::store::{Actor, StoreError, StoreResult};
use sqlx::{PgConnection, PgPool};

use super::ITEM_COLS;

/// One item by id (no access check: callers have checked the thread).
pub async fn item(conn: &mut PgConnection, id: i64) -> StoreResult<ChatItem> {
    sqlx::query_as(&format!("select {ITEM_COLS} from chat_items i where i.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)
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

/// Stores the next item of a turn this instance is writing. Among instances, only while the turn
/// is still this one's: its mark between two items is on the thread, or the item before is
/// one this instance is still writing (the second tool call of a step). Otherwise another
/// instance gave this one up for dead and ended the turn: `Conflict`, and the writer stops.
pub async fn add_item(pool: &PgPool, new: &NewItem<'_>) -> StoreResult<ChatItem> {
    let mut tx = pool.begin().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "insert into chat_items (thread_id, parent_id, kind, status, content, data, model)
         select $1, $2, $3, $4, $5, $6, $7
          where concierge_instance() is null
             or exists (select 1 from chat_threads where id = $1 and turn_writer = concierge_instance())
             or exists (select 1 from chat_items p where p.id = $2 and p.writer = concierge_instance()
                         and p.status in ('streaming', 'running'))
         returning id",
    )
    .bind(new.thread_id)
    .bind(new.parent_id)
    .bind(new.kind.as_str())
    .bind(new.status.as_str())
    .bind(new.content)
    .bind(new.data)
    .bind(new.model)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id else {
        return Err(StoreError::Conflict(format!("the turn in thread {} was ended elsewhere", new.thread_id)));
    };
    // A live item (the next reply of a turn, a tool call) shows the turn itself: the thread's
    // mark between two items goes (see `finish`).
    sqlx::query(
        "update chat_threads set leaf_item_id = $2, item_count = item_count + 1, last_activity_at = now(),
                turn_writer = case when $3 then null else turn_writer end,
                turn_marked_at = case when $3 then null else turn_marked_at end
          where id = $1",
    )
    .bind(new.thread_id)
    .bind(id)
    .bind(matches!(new.status, ItemStatus::Streaming | ItemStatus::Running))
    .execute(&mut *tx)
    .await?;
    let item = item(&mut tx, id).await?;
    tx.commit().await?;
    Ok(item)
}

/// Sets a tool call's status, text and data, while it runs or waits for approval. `more`: the
/// turn goes on after it (its next reply is about to start), so the thread is marked as between
/// two items of a turn, in the same statement (see [`finish`]). `Conflict` when the call had
/// already ended: another instance marked it failed (this one was given up for dead).
pub async fn update_tool_item<'e>(
    db: impl sqlx::PgExecutor<'e>,
    item_id: i64,
    status: ItemStatus,
    content: &str,
    error: Option<&str>,
    data: &serde_json::Value,
    more: bool,
) -> StoreResult<ChatItem> {
    // The item first, then the thread (the order the sweep locks them in), and the mark only
    // if the item was written.
    sqlx::query_as(&format!(
        "with done as (
             update chat_items i set status = $2, content = $3, error = $4, data = $5
              where i.id = $1 and i.kind = 'tool_call' and i.status in ('running', 'awaiting_approval')
             returning {ITEM_COLS}, i.thread_id as turn_thread
         ), mark as (
             update chat_threads c set turn_writer = concierge_instance(), turn_marked_at = now()
              where $6 and concierge_instance() is not null and c.id = (select turn_thread from done)
         )
         select * from done"
    ))
    .bind(item_id)
    .bind(status.as_str())
    .bind(content)
    .bind(error)
    .bind(data)
    .bind(more)
    .fetch_optional(db)
    .await?
    .ok_or_else(|| StoreError::Conflict(format!("tool call {item_id} is not running (ended elsewhere, or unknown)")))
}

/// Writes the text streamed so far (batched by the caller): appends what came after the first
/// `flushed` bytes, which the item already holds, so a long reply is not rewritten whole at every
/// flush. If the stored text is not `flushed` bytes long (a write whose answer was lost), the
/// whole text replaces it instead. `false` when the item is no longer streaming: someone else
/// ended it (this instance was given up for dead and its reply marked interrupted), and the
/// writer stops.
pub async fn flush(pool: &PgPool, item_id: i64, content: &str, flushed: usize) -> StoreResult<bool> {
    let new = content.get(flushed..).unwrap_or(content);
    let appended = sqlx::query(
        "update chat_items set content = content || $2
          where id = $1 and status = 'streaming' and octet_length(content) = $3",
    )
    .bind(item_id)
    .bind(new)
    .bind(flushed as i64)
    .execute(pool)
    .await?
    .rows_affected();
    if appended == 1 {
        return Ok(true);
    }
    let replaced = sqlx::query("update chat_items set content = $2 where id = $1 and status = 'streaming'")
        .bind(item_id)
        .bind(content)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(replaced == 1)
}

/// The end of a reply: final text, status, error, usage.
pub struct Finish<'a> {
    pub item_id: i64,
    pub status: ItemStatus,
    pub content: &'a str,
    pub error: Option<&'a str>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    /// What the item keeps besides its text (a reply's citations); `None` keeps what it had.
    pub data: Option<&'a serde_json::Value>,
    /// The turn goes on after this reply (it asked for tools, whose items come next).
    pub more: bool,
}

/// Stores a reply's end, if it is still streaming. A reply someone else ended meanwhile (this
/// instance was given up for dead, and its reply marked interrupted for the person to retry) is
/// left as it is: `Conflict`. Writing the same end again (a retry whose first answer was lost)
/// returns the item.
///
/// In the same statement, the thread is marked as between two items of a turn when `more` (the
/// tool calls' items come next; `add_item` clears the mark), and any mark is cleared when the
/// turn ends here: another instance reading the store never sees a turn with tools as over
/// before it is (`concierge_thread_busy`, `instances::live_reply`).
pub async fn finish(pool: &PgPool, f: &Finish<'_>) -> StoreResult<ChatItem> {
    // The item first, then the thread (the order the sweep locks them in), and the thread only
    // if the item was written.
    let written: Option<ChatItem> = sqlx::query_as(&format!(
        "with done as (
             update chat_items i set content = $2, status = $3, error = $4, prompt_tokens = $5, completion_tokens = $6,
                    data = coalesce($7, i.data)
              where i.id = $1 and i.status = 'streaming'
             returning {ITEM_COLS}, i.thread_id as turn_thread
         ), mark as (
             update chat_threads c
                set turn_writer = case when $8 then concierge_instance() end,
                    turn_marked_at = case when $8 then now() end
              where c.id = (select turn_thread from done)
                and concierge_instance() is not null
                and ($8 or c.turn_writer = concierge_instance())
         )
         select * from done"
    ))
    .bind(f.item_id)
    .bind(f.content)
    .bind(f.status.as_str())
    .bind(f.error)
    .bind(f.prompt_tokens)
    .bind(f.completion_tokens)
    .bind(f.data.map(sqlx::types::Json))
    .bind(f.more)
    .fetch_optional(pool)
    .await?;
    if let Some(item) = written {
        return Ok(item);
    }
    let mut conn = pool.acquire().await?;
    let stored = item(&mut conn, f.item_id).await?;
    if stored.status == f.status && stored.content == f.content {
        Ok(stored)
    } else {
        Err(StoreError::Conflict(format!("reply {} was already ended ({})", f.item_id, stored.status.as_str())))
    }
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

/// Rates a finished reply in one of the actor's own threads (`rating`: 1, -1, or `None` to clear,
/// which also clears the comment). Anyone else's reply, a message, or a reply still being written
/// is `NotFound`.
pub async fn rate_reply(
    pool: &PgPool,
    actor: &Actor,
    item_id: i64,
    rating: Option<i16>,
    comment: &str,
) -> StoreResult<ChatItem> {
    let mut tx = pool.begin().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "update chat_items i
            set rating = $2,
                rating_comment = case when $2::smallint is null then '' else $3 end,
                rated_at = case when $2::smallint is null then null else now() end
           from chat_threads t
          where i.id = $1 and i.thread_id = t.id and t.owner_id = $4 and t.venue_id = $5
            and i.kind = 'assistant' and i.status not in ('streaming', 'running')
         returning i.id",
    )
    .bind(item_id)
    .bind(rating)
    .bind(comment)
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or(StoreError::NotFound)?;
    let item = item(&mut tx, id).await?;
    tx.commit().await?;
    Ok(item)
}
