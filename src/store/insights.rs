//! The owners' insights: sums over the venue's own rows for the last `days` days. Owners only;
//! anyone else is `Forbidden`. Every query is scoped to the actor's venue.

use super::{Actor, StoreError, StoreResult};
use crate::domain::insights::{
    ApprovalStats, Insights, ModelPrice, RatingComment, ReplyStats, SchedulingStats, ToolStat, UsageGroup,
};
use crate::domain::Role;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// How usage is grouped: the label's expression over `llm_usage u` (with the venue `v`, the
/// thread `t` and the member `m` joined). Fixed strings, never input.
#[derive(Clone, Copy)]
enum By {
    Day,
    Model,
    Agent,
    Member,
}

impl By {
    fn label(self) -> &'static str {
        match self {
            By::Day => "to_char((u.created_at at time zone v.timezone)::date, 'YYYY-MM-DD')",
            By::Model => "u.model",
            By::Agent => "coalesce(t.agent_kind, 'other')",
            By::Member => "coalesce(m.name, 'Former member')",
        }
    }
}

fn owner(actor: &Actor) -> StoreResult<()> {
    if actor.role == Role::Owner {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

/// Everything but the charts (drawn by the caller from these numbers). `days` is one of
/// [`crate::domain::insights::PERIODS`] (checked by the caller).
pub async fn insights(pool: &PgPool, actor: &Actor, days: i32) -> StoreResult<Insights> {
    owner(actor)?;
    let (since, today): (DateTime<Utc>, chrono::NaiveDate) = sqlx::query_as(
        "select now() - make_interval(days => $2), (now() at time zone v.timezone)::date from venues v where v.id = $1",
    )
    .bind(actor.venue_id)
    .bind(days)
    .fetch_one(pool)
    .await?;
    let usage = |by: By| usage(pool, actor.venue_id, since, by);
    let (by_day, by_model, by_agent, by_member) =
        (usage(By::Day).await?, usage(By::Model).await?, usage(By::Agent).await?, usage(By::Member).await?);
    let tools: Vec<ToolStat> = sqlx::query_as(
        "select coalesce(i.data->>'tool', '?') as tool, count(*) as calls,
                count(*) filter (where i.status = 'done') as done,
                count(*) filter (where i.status = 'failed') as failed,
                count(*) filter (where i.status = 'rejected') as rejected,
                count(*) filter (where i.status in ('awaiting_approval', 'running')) as waiting
           from chat_items i join chat_threads t on t.id = i.thread_id
          where t.venue_id = $1 and i.kind = 'tool_call' and i.created_at >= $2
          group by 1 order by 2 desc, 1",
    )
    .bind(actor.venue_id)
    .bind(since)
    .fetch_all(pool)
    .await?;
    let approvals: ApprovalStats = sqlx::query_as(
        "select count(*) filter (where status = 'approved') as approved,
                count(*) filter (where status = 'rejected') as rejected,
                count(*) filter (where status = 'failed') as failed,
                count(*) filter (where status = 'pending') as pending,
                (percentile_cont(0.5) within group (order by extract(epoch from decided_at - created_at))
                    filter (where decided_at is not null) / 60.0)::float8 as median_minutes
           from approvals where venue_id = $1 and created_at >= $2",
    )
    .bind(actor.venue_id)
    .bind(since)
    .fetch_one(pool)
    .await?;
    let replies: ReplyStats = sqlx::query_as(
        "select count(*) as replies,
                count(*) filter (where i.status = 'stopped') as stopped,
                count(*) filter (where i.status = 'failed') as failed,
                count(*) filter (where i.status = 'interrupted') as interrupted,
                count(*) filter (where i.rating = 1) as thumbs_up,
                count(*) filter (where i.rating = -1) as thumbs_down
           from chat_items i join chat_threads t on t.id = i.thread_id
          where t.venue_id = $1 and i.kind = 'assistant' and i.created_at >= $2",
    )
    .bind(actor.venue_id)
    .bind(since)
    .fetch_one(pool)
    .await?;
    let comments: Vec<RatingComment> = sqlx::query_as(
        "select i.rated_at as at, i.rating, i.rating_comment as comment, coalesce(m.name, 'Former member') as member
           from chat_items i join chat_threads t on t.id = i.thread_id left join users m on m.id = t.owner_id
          where t.venue_id = $1 and i.rating is not null and i.rating_comment <> '' and i.rated_at >= $2
          order by i.rated_at desc limit 20",
    )
    .bind(actor.venue_id)
    .bind(since)
    .fetch_all(pool)
    .await?;
    let mut scheduling: SchedulingStats = sqlx::query_as(
        "select count(*) as booked,
                count(*) filter (where status = 'cancelled') as cancelled,
                count(*) filter (where status = 'no_show') as no_show,
                count(*) filter (where status = 'completed') as completed
           from appointments where venue_id = $1 and created_at >= $2",
    )
    .bind(actor.venue_id)
    .bind(since)
    .fetch_one(pool)
    .await?;
    let hours: Vec<(i32, i64)> = sqlx::query_as(
        "select extract(hour from a.starts_at at time zone v.timezone)::int4, count(*)
           from appointments a join venues v on v.id = a.venue_id
          where a.venue_id = $1 and a.starts_at >= $2 and a.status <> 'cancelled'
          group by 1",
    )
    .bind(actor.venue_id)
    .bind(since)
    .fetch_all(pool)
    .await?;
    scheduling.by_hour = vec![0; 24];
    for (h, n) in hours {
        if let Some(slot) = scheduling.by_hour.get_mut(h as usize) {
            *slot = n;
        }
    }
    let prices = prices(pool, actor).await?;
    Ok(Insights {
        days,
        from: (since.date_naive()),
        to: today,
        by_day,
        by_model,
        by_agent,
        by_member,
        tools,
        approvals,
        replies,
        comments,
        scheduling,
        prices,
        charts: Default::default(),
    })
}

async fn usage(pool: &PgPool, venue_id: i64, since: DateTime<Utc>, by: By) -> StoreResult<Vec<UsageGroup>> {
    let order = match by {
        By::Day => "1",
        _ => "5 desc, sum(u.prompt_tokens) + sum(u.completion_tokens) desc, 1",
    };
    Ok(sqlx::query_as(&format!(
        "select {label} as label, count(*) as calls,
                coalesce(sum(u.prompt_tokens), 0)::int8 as prompt_tokens,
                coalesce(sum(u.completion_tokens), 0)::int8 as completion_tokens,
                coalesce(sum(u.prompt_tokens::float8 * coalesce(p.prompt_cents_per_million, 0)
                    + u.completion_tokens::float8 * coalesce(p.completion_cents_per_million, 0)) / 1e6, 0)::float8
                    as cost_cents
           from llm_usage u
           join venues v on v.id = u.venue_id
           left join model_prices p on p.venue_id = u.venue_id and p.model = u.model
           left join chat_threads t on t.id = u.thread_id
           left join users m on m.id = u.user_id
          where u.venue_id = $1 and u.created_at >= $2
          group by 1 order by {order}",
        label = by.label()
    ))
    .bind(venue_id)
    .bind(since)
    .fetch_all(pool)
    .await?)
}

/// The price table: every model the venue has used or priced, priced ones first.
pub async fn prices(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<ModelPrice>> {
    owner(actor)?;
    Ok(sqlx::query_as(
        "select model, coalesce(max(prompt), 0)::int8 as prompt_cents_per_million,
                coalesce(max(completion), 0)::int8 as completion_cents_per_million
           from (select model, prompt_cents_per_million as prompt, completion_cents_per_million as completion
                   from model_prices where venue_id = $1
                 union all
                 select distinct model, null::int8, null::int8 from llm_usage where venue_id = $1) m
          group by model order by model",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?)
}

/// Sets what a model costs the venue (cents per million tokens).
pub async fn set_price(pool: &PgPool, actor: &Actor, price: &ModelPrice) -> StoreResult<()> {
    owner(actor)?;
    sqlx::query(
        "insert into model_prices (venue_id, model, prompt_cents_per_million, completion_cents_per_million)
         values ($1, $2, $3, $4)
         on conflict (venue_id, model) do update
            set prompt_cents_per_million = excluded.prompt_cents_per_million,
                completion_cents_per_million = excluded.completion_cents_per_million, updated_at = now()",
    )
    .bind(actor.venue_id)
    .bind(&price.model)
    .bind(price.prompt_cents_per_million)
    .bind(price.completion_cents_per_million)
    .execute(pool)
    .await?;
    Ok(())
}
