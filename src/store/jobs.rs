//! The background job queue, in Postgres.
//!
//! A job is claimed with `for update skip locked` under a lease (`locked_until`), so two
//! workers never hold the same job, and a worker that dies leaves it to be claimed again once the
//! lease runs out: delivery is at-least-once. The handler does its work in a transaction that
//! also marks the job done ([`finish`]), so the effect and the mark commit together or not at all.

use super::StoreResult;
use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: sqlx::types::Json<serde_json::Value>,
    pub attempts: i32,
    pub max_attempts: i32,
}

/// How soon a due job is claimed among the others due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    /// Background work: reminders, a batch of venue documents.
    Background = 0,
    /// Someone is waiting for it (a file attached in a chat, whose reply waits for its index).
    Waited = 10,
    /// A deliverable ordered in the studio, by the priority its orderer chose: above background
    /// work, below a chat's attachment.
    StudioLow = 2,
    StudioNormal = 4,
    StudioHigh = 6,
}

/// Adds a job; with a `dedupe_key` already queued, keeps the first one. Of the jobs due, the
/// higher priority is claimed first. Returns whether it was new. A new job notifies the
/// `concierge_jobs` channel, so that idle workers wake for it.
pub async fn enqueue(
    conn: &mut PgConnection,
    kind: &str,
    payload: &serde_json::Value,
    run_at: DateTime<Utc>,
    dedupe_key: Option<&str>,
    priority: Priority,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "insert into jobs (kind, payload, run_at, dedupe_key, priority) values ($1, $2, $3, $4, $5)
         on conflict (dedupe_key) do nothing",
    )
    .bind(kind)
    .bind(sqlx::types::Json(payload))
    .bind(run_at)
    .bind(dedupe_key)
    .bind(priority as i16)
    .execute(&mut *conn)
    .await?;
    let new = done.rows_affected() == 1;
    if new {
        notify(conn, kind).await?;
    }
    Ok(new)
}

/// Adds a job due now that is tried at most `max_attempts` times; returns its id.
pub async fn enqueue_now(
    conn: &mut PgConnection,
    kind: &str,
    payload: &serde_json::Value,
    priority: Priority,
    max_attempts: i32,
) -> StoreResult<i64> {
    let id = sqlx::query_scalar(
        "insert into jobs (kind, payload, priority, max_attempts) values ($1, $2, $3, $4) returning id",
    )
    .bind(kind)
    .bind(sqlx::types::Json(payload))
    .bind(priority as i16)
    .bind(max_attempts)
    .fetch_one(&mut *conn)
    .await?;
    notify(conn, kind).await?;
    Ok(id)
}

/// Wakes the workers of every process (sent when the transaction commits).
pub async fn notify(conn: &mut PgConnection, kind: &str) -> StoreResult<()> {
    sqlx::query("select pg_notify('concierge_jobs', $1)").bind(kind).execute(conn).await?;
    Ok(())
}

/// Which kinds of job a claim may take.
#[derive(Clone, Copy, Debug)]
pub enum Kinds<'a> {
    All,
    Only(&'a [&'a str]),
    Except(&'a [&'a str]),
}

/// Claims one job due at `now` that no live lease holds, for `lease`: the highest priority first,
/// then the longest due.
pub async fn claim(pool: &PgPool, now: DateTime<Utc>, lease: Duration) -> StoreResult<Option<Job>> {
    claim_of(pool, now, lease, Kinds::All).await
}

/// [`claim`] among the kinds `kinds` allows.
pub async fn claim_of(
    pool: &PgPool,
    now: DateTime<Utc>,
    lease: Duration,
    kinds: Kinds<'_>,
) -> StoreResult<Option<Job>> {
    let (list, only): (&[&str], Option<bool>) = match kinds {
        Kinds::All => (&[], None),
        Kinds::Only(k) => (k, Some(true)),
        Kinds::Except(k) => (k, Some(false)),
    };
    Ok(sqlx::query_as(
        "update jobs set locked_until = $1 + $2, attempts = attempts + 1
          where id = (select id from jobs
                       where done_at is null and run_at <= $1 and attempts < max_attempts
                         and (locked_until is null or locked_until <= $1)
                         and ($4::bool is null or (kind = any($3)) = $4)
                       order by priority desc, run_at, id
                       limit 1
                       for update skip locked)
         returning id, kind, payload, attempts, max_attempts",
    )
    .bind(now)
    .bind(lease)
    .bind(list)
    .bind(only)
    .fetch_optional(pool)
    .await?)
}

/// Marks a claimed job done, inside the transaction that did its work.
pub async fn finish(conn: &mut PgConnection, job_id: i64) -> StoreResult<()> {
    sqlx::query("update jobs set done_at = now(), locked_until = null, last_error = null where id = $1")
        .bind(job_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records a failed attempt: tried again after `backoff` until `max_attempts`, after which the
/// job stays, with its error, for people to look at.
pub async fn fail(pool: &PgPool, job: &Job, error: &str, now: DateTime<Utc>, backoff: Duration) -> StoreResult<()> {
    sqlx::query("update jobs set locked_until = $2, last_error = $3 where id = $1")
        .bind(job.id)
        .bind(now + backoff)
        .bind(error.chars().take(2000).collect::<String>())
        .execute(pool)
        .await?;
    Ok(())
}

/// Records a failure that another attempt cannot mend: no more attempts, the job stays with its
/// error.
pub async fn give_up(pool: &PgPool, job: &Job, error: &str) -> StoreResult<()> {
    sqlx::query("update jobs set attempts = max_attempts, locked_until = null, last_error = $2 where id = $1")
        .bind(job.id)
        .bind(error.chars().take(2000).collect::<String>())
        .execute(pool)
        .await?;
    Ok(())
}

/// Jobs not done yet, by kind (for the health of the queue, and tests).
pub async fn pending(pool: &PgPool, kind: &str) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("select count(*) from jobs where kind = $1 and done_at is null")
        .bind(kind)
        .fetch_one(pool)
        .await?)
}

/// The queue by kind, as the metrics show it: jobs due and waiting for a worker, how long the
/// oldest of them has waited, and jobs that used all their attempts (kept for people to look at).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueStats {
    pub kind: String,
    pub due: i64,
    pub oldest_wait_secs: f64,
    pub dead: i64,
}

pub async fn stats(pool: &PgPool) -> StoreResult<Vec<QueueStats>> {
    Ok(sqlx::query_as(
        "select kind,
                count(*) filter (where attempts < max_attempts and run_at <= now()) as due,
                coalesce(extract(epoch from now() - min(run_at)
                    filter (where attempts < max_attempts and run_at <= now())), 0)::float8 as oldest_wait_secs,
                count(*) filter (where attempts >= max_attempts) as dead
         from jobs where done_at is null group by kind order by kind",
    )
    .fetch_all(pool)
    .await?)
}
