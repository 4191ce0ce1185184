//! Changes of a thread's tip under its row lock, refused while a reply is being written: a turn
//! (message, edit, regeneration), the continuation after approvals, a switch of versions.

use crate::domain::chat::{ChatItem, ItemKind, ItemStatus, Sent};
use crate::store::{Actor, StoreError, StoreResult};
use sqlx::{PgConnection, PgPool};

use super::item;

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
    let busy: bool = sqlx::query_scalar("select concierge_thread_busy($1, $2, $3)")
        .bind(thread_id)
        .bind(crate::store::instances::DEAD_AFTER_SECS as f64)
        .bind(crate::store::instances::TURN_MARK_SECS as f64)
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

/// Stores the user's message (if any, with the files it carries: the person's uploads
/// `attachments`, bound to the thread here) and an empty `streaming` reply, moves the tip to the
/// reply, and returns both. Refused while another reply is being written in the thread. An edit
/// keeps the files of the message it replaces.
pub async fn begin_turn(
    pool: &PgPool,
    actor: &Actor,
    thread_id: i64,
    turn: &Turn,
    model: &str,
    attachments: &[i64],
) -> StoreResult<Sent> {
    if let (Turn::Message(text), true) = (turn, attachments.is_empty()) {
        if let Some(sent) = send_message(pool, actor, thread_id, text, model).await? {
            return Ok(sent);
        }
    }
    let mut tx = pool.begin().await?;
    let leaf = lock_idle(&mut tx, actor, thread_id, super::BUSY).await?;

    let (user_text, user_parent, reply_parent, mut user_data) = match turn {
        Turn::Message(text) => (Some(text.clone()), leaf, None, None),
        Turn::Edit { item_id, text } => {
            let row: Option<(Option<i64>, String, Option<serde_json::Value>)> =
                sqlx::query_as("select parent_id, kind, data from chat_items where id = $1 and thread_id = $2")
                    .bind(item_id)
                    .bind(thread_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            match row {
                Some((parent, kind, data)) if kind == "user" => (Some(text.clone()), parent, None, data),
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
                Some(u) => (None, None, Some(u), None),
                None => return Err(StoreError::Conflict("There is no message to answer.".into())),
            }
        }
    };

    if user_text.is_some() && !attachments.is_empty() {
        let files = crate::store::knowledge::attach(&mut tx, actor, thread_id, attachments).await?;
        let data = crate::domain::knowledge::MessageFiles { attachments: files };
        user_data = Some(serde_json::to_value(data).map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))?);
    }
    let user_item: Option<i64> = match &user_text {
        Some(text) => Some(
            sqlx::query_scalar(
                "insert into chat_items (thread_id, parent_id, kind, status, content, data)
                 values ($1, $2, 'user', 'done', $3, $4) returning id",
            )
            .bind(thread_id)
            .bind(user_parent)
            .bind(text)
            .bind(&user_data)
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

/// What one statement of [`send_message`] answers.
#[derive(sqlx::FromRow)]
struct SendRow {
    found: bool,
    /// The thread as locked is the one the statement's snapshot saw (no change raced it).
    fresh: bool,
    busy: bool,
    user_id: Option<i64>,
    user_parent: Option<i64>,
    user_at: Option<chrono::DateTime<chrono::Utc>>,
    reply_id: Option<i64>,
    reply_at: Option<chrono::DateTime<chrono::Utc>>,
    siblings: i64,
}

/// The everyday send (a new message with no files) in one statement, one round trip to the
/// database: the thread is locked and checked idle, the message and the empty `streaming` reply
/// are inserted and the tip moved, or nothing is written. The idle check reads the statement's
/// snapshot, so the statement writes only when the thread row it locked is the version that
/// snapshot saw (every change of a thread's items moves its tip, a new row version); otherwise
/// it writes nothing and answers `None`, and the caller takes the locked path. Two sends that
/// still race cannot both write a reply: the second breaks `chat_items_one_streaming` and is
/// refused as busy.
async fn send_message(
    pool: &PgPool,
    actor: &Actor,
    thread_id: i64,
    text: &str,
    model: &str,
) -> StoreResult<Option<Sent>> {
    let row: SendRow = sqlx::query_as(
        "with seen as (
             select xmin::text as v from chat_threads where id = $1
         ), t as (
             select id, leaf_item_id, xmin::text as v from chat_threads
              where id = $1 and owner_id = $2 and venue_id = $3 for update
         ), fresh as (
             select coalesce((select v from t) = (select v from seen), false) as ok
         ), busy as (
             select concierge_thread_busy($1, $6, $7) as b
         ), u as (
             insert into chat_items (thread_id, parent_id, kind, status, content)
             select t.id, t.leaf_item_id, 'user', 'done', $4 from t, busy, fresh where not busy.b and fresh.ok
             returning id, parent_id, created_at
         ), r as (
             insert into chat_items (thread_id, parent_id, kind, status, model)
             select $1, u.id, 'assistant', 'streaming', $5 from u
             returning id, created_at
         ), up as (
             update chat_threads c
                set leaf_item_id = r.id, item_count = c.item_count + 2, last_activity_at = now(), model = $5
               from r where c.id = $1
             returning c.id
         )
         select exists (select 1 from t) as found, (select ok from fresh) as fresh, (select b from busy) as busy,
                u.id as user_id, u.parent_id as user_parent, u.created_at as user_at,
                r.id as reply_id, r.created_at as reply_at,
                (select count(*) from chat_items s
                  where s.thread_id = $1 and s.parent_id is not distinct from u.parent_id) + 1 as siblings
           from (select 1) one left join u on true left join r on true left join up on true",
    )
    .bind(thread_id)
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .bind(text)
    .bind(model)
    .bind(crate::store::instances::DEAD_AFTER_SECS as f64)
    .bind(crate::store::instances::TURN_MARK_SECS as f64)
    .fetch_one(pool)
    .await
    .map_err(crate::store::on_constraint)?;
    if !row.found {
        return Err(StoreError::NotFound);
    }
    if !row.fresh {
        return Ok(None);
    }
    let (Some(user_id), Some(user_at), Some(reply_id), Some(reply_at)) =
        (row.user_id, row.user_at, row.reply_id, row.reply_at)
    else {
        debug_assert!(row.busy);
        return Err(StoreError::Conflict(super::BUSY.into()));
    };
    // The items as `item` would read them: the message is the newest of its siblings, the
    // reply the only child of the message.
    let user = ChatItem {
        created_at: user_at,
        branch_index: row.siblings,
        branch_count: row.siblings,
        ..ChatItem::fresh(user_id, row.user_parent, ItemKind::User, ItemStatus::Done, text)
    };
    let reply = ChatItem {
        created_at: reply_at,
        model: Some(model.to_string()),
        ..ChatItem::fresh(reply_id, Some(user_id), ItemKind::Assistant, ItemStatus::Streaming, "")
    };
    Ok(Some(Sent { thread_id, user_item: Some(user), reply }))
}

/// Writes an earlier conversation into a new, empty thread of the actor's, each message after
/// the last (`user`: the person's, else the assistant's), so that a turn sent after it has it as
/// history (a stateless request through the API brings its conversation with it). Refused on a
/// thread that has items.
pub async fn seed_history(
    pool: &PgPool,
    actor: &Actor,
    thread_id: i64,
    messages: &[(bool, String)],
) -> StoreResult<()> {
    if messages.is_empty() {
        return Ok(());
    }
    let mut tx = pool.begin().await?;
    if lock_idle(&mut tx, actor, thread_id, "busy").await?.is_some() {
        return Err(StoreError::Conflict("This chat already has messages.".into()));
    }
    let mut parent: Option<i64> = None;
    for (user, text) in messages {
        let id: i64 = sqlx::query_scalar(
            "insert into chat_items (thread_id, parent_id, kind, status, content) values ($1, $2, $3, 'done', $4) returning id",
        )
        .bind(thread_id)
        .bind(parent)
        .bind(if *user { "user" } else { "assistant" })
        .bind(text)
        .fetch_one(&mut *tx)
        .await?;
        parent = Some(id);
    }
    sqlx::query("update chat_threads set leaf_item_id = $2, item_count = item_count + $3 where id = $1")
        .bind(thread_id)
        .bind(parent)
        .bind(messages.len() as i32)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Writes a tool call asked for directly (an MCP client's), after the thread's tip: the request
/// as the person's message (`asked`), then the call (`data`, running). Refused while a reply is
/// being written in the thread. Returns both items.
pub async fn begin_direct_call(
    pool: &PgPool,
    actor: &Actor,
    thread_id: i64,
    asked: &str,
    data: &serde_json::Value,
) -> StoreResult<(ChatItem, ChatItem)> {
    let mut tx = pool.begin().await?;
    let leaf = lock_idle(
        &mut tx,
        actor,
        thread_id,
        "An earlier action's reply is still being written here. Try again in a moment.",
    )
    .await?;
    let user: i64 = sqlx::query_scalar(
        "insert into chat_items (thread_id, parent_id, kind, status, content) values ($1, $2, 'user', 'done', $3) returning id",
    )
    .bind(thread_id)
    .bind(leaf)
    .bind(asked)
    .fetch_one(&mut *tx)
    .await?;
    let call: i64 = sqlx::query_scalar(
        "insert into chat_items (thread_id, parent_id, kind, status, data) values ($1, $2, 'tool_call', 'running', $3) returning id",
    )
    .bind(thread_id)
    .bind(user)
    .bind(data)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "update chat_threads set leaf_item_id = $2, item_count = item_count + 2, last_activity_at = now() where id = $1",
    )
    .bind(thread_id)
    .bind(call)
    .execute(&mut *tx)
    .await?;
    let (user, call) = (item(&mut tx, user).await?, item(&mut tx, call).await?);
    tx.commit().await?;
    Ok((user, call))
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
