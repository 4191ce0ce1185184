//! Token usage: each model call's record, and a person's usage per day and model.

use crate::domain::chat::UsageRow;
use crate::store::{Actor, StoreResult};
use sqlx::PgPool;

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

/// Model tokens (prompt and reply) used today (UTC) by a person in a venue, and by the whole
/// venue: what the daily quotas count.
pub async fn tokens_today(pool: &PgPool, user_id: i64, venue_id: i64) -> StoreResult<(i64, i64)> {
    Ok(sqlx::query_as(
        "select coalesce(sum(prompt_tokens + completion_tokens) filter (where user_id = $1), 0)::bigint,
                coalesce(sum(prompt_tokens + completion_tokens), 0)::bigint
           from llm_usage
          where venue_id = $2 and created_at >= (now() at time zone 'UTC')::date at time zone 'UTC'",
    )
    .bind(user_id)
    .bind(venue_id)
    .fetch_one(pool)
    .await?)
}
