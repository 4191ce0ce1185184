//! The instances of a scaled-out deployment (several processes on one database): their
//! registration and heartbeats, the replies a dead one leaves, and who writes a live reply.
//!
//! Every connection of an instance's pool says which instance it works for
//! (`concierge.instance`, see [`connection_setting`]); an item inserted as `streaming` or
//! `running` records it as its `writer` (the column's default), so ownership needs no argument
//! threaded through every insert.

use super::StoreResult;
use crate::domain::chat::ChatItem;
use sqlx::PgPool;

/// An instance whose last beat is older than this is dead.
pub const DEAD_AFTER_SECS: i64 = 5;

/// After Postgres itself (re)starts, nobody is declared dead for this long: every instance lost
/// its connections at once and needs a moment to beat again.
pub const DB_RESTART_GRACE_SECS: i64 = 10;

/// The statement each connection of instance `id`'s pool runs when it opens.
pub fn connection_setting(id: i64) -> String {
    format!("set concierge.instance = '{id}'")
}

/// Registers instance `id` under `name`. Replies a previous holder of the name was writing are
/// its own leftovers (a restart): when its beat has stopped, they are marked interrupted now, and
/// returned; so are replies that name no writer (left by a version before instances, or by a
/// process with no cluster). Also returns how many other instances with the name still beat (a
/// second process started under the same name by mistake: left alone).
pub async fn register(pool: &PgPool, id: i64, name: &str) -> StoreResult<(Marked, usize)> {
    let others: Vec<(i64, bool)> = sqlx::query_as(
        "select id, beat_at < now() - make_interval(secs => $3) from instances where name = $1 and id <> $2",
    )
    .bind(name)
    .bind(id)
    .bind(DEAD_AFTER_SECS as f64)
    .fetch_all(pool)
    .await?;
    let previous: Vec<i64> = others.iter().filter(|(_, stale)| *stale).map(|(id, _)| *id).collect();
    sqlx::query(
        "insert into instances (id, name) values ($1, $2)
         on conflict (id) do update set name = excluded.name, beat_at = now()",
    )
    .bind(id)
    .bind(name)
    .execute(pool)
    .await?;
    let mut marked = interrupt_writers(pool, &previous).await?;
    marked.extend(interrupt_unowned(pool).await?);
    sqlx::query("delete from instances where id = any($1)").bind(&previous).execute(pool).await?;
    Ok((marked, others.len() - previous.len()))
}

/// Instance `id` is alive. `false` when its row is gone (another instance gave it up for dead
/// and cleaned it away): the caller registers again.
pub async fn beat(pool: &PgPool, id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("update instances set beat_at = now() where id = $1").bind(id).execute(pool).await?.rows_affected()
        == 1)
}

/// Instance `id` stops cleanly: the replies it was writing are marked interrupted and its row
/// goes.
pub async fn leave(pool: &PgPool, id: i64) -> StoreResult<Marked> {
    let marked = interrupt_writers(pool, &[id]).await?;
    sqlx::query("delete from instances where id = $1").bind(id).execute(pool).await?;
    Ok(marked)
}

/// Marks what dead instances (other than `me`) were writing: their streaming replies
/// `interrupted` (retryable), their running tool calls `failed`. Returns each item marked, with
/// its thread. Nobody is dead in the first [`DB_RESTART_GRACE_SECS`] after Postgres started.
/// Rows of instances dead for a day are removed.
pub async fn sweep_dead(pool: &PgPool, me: i64) -> StoreResult<Marked> {
    let dead: Vec<i64> = sqlx::query_scalar(
        "select id from instances
          where beat_at < now() - make_interval(secs => $1)
            and pg_postmaster_start_time() < now() - make_interval(secs => $2)
            and id <> $3",
    )
    .bind(DEAD_AFTER_SECS as f64)
    .bind(DB_RESTART_GRACE_SECS as f64)
    .bind(me)
    .fetch_all(pool)
    .await?;
    // Items whose writer has no row at all (removed, or never registered) are dead too, once
    // they have had time to register.
    let orphans: Vec<i64> = sqlx::query_scalar(
        "select distinct i.writer from chat_items i
          where i.status in ('streaming', 'running') and i.writer is not null
            and not exists (select 1 from instances n where n.id = i.writer)
            and i.writer <> $2
            and i.created_at < now() - make_interval(secs => $1)",
    )
    .bind(DEAD_AFTER_SECS as f64)
    .bind(me)
    .fetch_all(pool)
    .await?;
    let writers: Vec<i64> = dead.into_iter().chain(orphans).collect();
    let marked = interrupt_writers(pool, &writers).await?;
    sqlx::query("delete from instances where beat_at < now() - interval '1 day'").execute(pool).await?;
    Ok(marked)
}

/// Marks the live items of `writers` (see [`sweep_dead`]); returns them, with their threads.
/// Their marks between two items of a turn go too (those threads' turns are over: the caller
/// announces their end as it does the marked items' threads).
async fn interrupt_writers(pool: &PgPool, writers: &[i64]) -> StoreResult<Marked> {
    if writers.is_empty() {
        return Ok(Marked::default());
    }
    let mut tx = pool.begin().await?;
    let mut ids: Vec<(i64, i64)> = sqlx::query_as(
        "update chat_items set status = 'failed', error = 'The server running this tool stopped before it finished.'
          where status = 'running' and writer = any($1) returning id, thread_id",
    )
    .bind(writers)
    .fetch_all(&mut *tx)
    .await?;
    ids.extend(
        sqlx::query_as::<_, (i64, i64)>(
            "update chat_items set status = 'interrupted', error = 'The server writing this reply stopped. Retry it.'
              where status = 'streaming' and writer = any($1) returning id, thread_id",
        )
        .bind(writers)
        .fetch_all(&mut *tx)
        .await?,
    );
    // The items first, then the threads: the order a writer's own end locks them in.
    let between: Vec<i64> = sqlx::query_scalar(
        "update chat_threads set turn_writer = null, turn_marked_at = null where turn_writer = any($1) returning id",
    )
    .bind(writers)
    .fetch_all(&mut *tx)
    .await?;
    let mut marked = read_and_commit(tx, ids).await?;
    marked.between = between;
    Ok(marked)
}

/// Marks live items with no writer, as [`interrupt_writers`] does.
async fn interrupt_unowned(pool: &PgPool) -> StoreResult<Marked> {
    let mut tx = pool.begin().await?;
    let mut ids: Vec<(i64, i64)> = sqlx::query_as(
        "update chat_items set status = 'failed', error = 'The server restarted while this tool was running.'
          where status = 'running' and writer is null returning id, thread_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    ids.extend(
        sqlx::query_as::<_, (i64, i64)>(
            "update chat_items set status = 'interrupted', error = 'The server restarted while this reply was being written.'
              where status = 'streaming' and writer is null returning id, thread_id",
        )
        .fetch_all(&mut *tx)
        .await?,
    );
    read_and_commit(tx, ids).await
}

/// What marking a dead instance's work found: each item marked, with its thread, and the
/// threads whose turn it left between two items.
#[derive(Debug, Default)]
pub struct Marked {
    pub items: Vec<(i64, ChatItem)>,
    pub between: Vec<i64>,
}

impl Marked {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.between.is_empty()
    }

    fn extend(&mut self, other: Marked) {
        self.items.extend(other.items);
        self.between.extend(other.between);
    }
}

/// The items just marked (`(id, thread)`), read back in the marking transaction, which then
/// commits.
async fn read_and_commit(mut tx: sqlx::Transaction<'_, sqlx::Postgres>, ids: Vec<(i64, i64)>) -> StoreResult<Marked> {
    let mut items = Vec::with_capacity(ids.len());
    for (id, thread_id) in ids {
        items.push((thread_id, super::chat::item(&mut tx, id).await?));
    }
    tx.commit().await?;
    Ok(Marked { items, between: Vec::new() })
}

/// The item being written in a thread as stored, if any (the reply streaming, or the tool call
/// running between two replies of a turn), with its writer and whether that writer is alive
/// (beat within [`DEAD_AFTER_SECS`]). Between two items of a turn (the thread's mark, see
/// `chat::finish`), the thread's newest item, with the turn's writer. No access check: callers
/// have checked the thread.
pub async fn live_reply(pool: &PgPool, thread_id: i64) -> StoreResult<Option<(ChatItem, Option<i64>, bool)>> {
    let mut conn = pool.acquire().await?;
    let row: Option<(i64, Option<i64>, bool)> = sqlx::query_as(
        "select id, writer, alive from (
             (select 0 as o, i.id, i.writer,
                     exists (select 1 from instances n where n.id = i.writer
                              and n.beat_at >= now() - make_interval(secs => $2)) as alive
                from chat_items i
               where i.thread_id = $1 and i.status in ('streaming', 'running')
               order by i.id desc limit 1)
             union all
             select 1, (select max(id) from chat_items where thread_id = $1), w, true
               from concierge_turn_writer($1, $2, $3) as w where w is not null
         ) live
         order by o limit 1",
    )
    .bind(thread_id)
    .bind(DEAD_AFTER_SECS as f64)
    .bind(TURN_MARK_SECS as f64)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, writer, alive)) = row else { return Ok(None) };
    let item = super::chat::item(&mut conn, id).await?;
    Ok(Some((item, writer, alive)))
}

/// How long a thread's mark between two items of a turn counts at most (the gaps it covers are
/// milliseconds; see `concierge_turn_writer` in the migrations).
pub const TURN_MARK_SECS: i64 = 10;

/// The turn in `thread_id` ended with no reply to finish (it waits for an approval, or was
/// stopped while tools ran): its mark between two items goes, if this instance set it.
pub async fn end_turn(pool: &PgPool, thread_id: i64) -> StoreResult<()> {
    sqlx::query(
        "update chat_threads set turn_writer = null, turn_marked_at = null
          where id = $1 and turn_writer = concierge_instance()",
    )
    .bind(thread_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// One item by id as stored now (a watcher catching up with another instance's reply).
pub async fn item(pool: &PgPool, id: i64) -> StoreResult<ChatItem> {
    let mut conn = pool.acquire().await?;
    super::chat::item(&mut conn, id).await
}

/// The database's name (the instances of one database share a NATS subject named after it).
pub async fn database_name(pool: &PgPool) -> StoreResult<String> {
    Ok(sqlx::query_scalar("select current_database()::text").fetch_one(pool).await?)
}

/// The Postgres channel the instances talk on, and its payload limit (Postgres refuses more
/// than 8000 bytes; a little is left for safety).
pub const CHANNEL: &str = "concierge_cluster";
pub const MAX_PAYLOAD: usize = 7_900;

/// Sends `payloads` on [`CHANNEL`] in one statement, in order (a function scan of an array
/// yields it in order, and a transaction's notifications arrive in the order they were sent).
pub async fn notify(pool: &PgPool, payloads: &[String]) -> StoreResult<()> {
    sqlx::query("select pg_notify($1, p) from unnest($2::text[]) as p")
        .bind(CHANNEL)
        .bind(payloads)
        .execute(pool)
        .await?;
    Ok(())
}
