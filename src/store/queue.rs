//! The queue as owners see it: figures per specialist and per automation over the last
//! [`WINDOW_DAYS`] days, and the venue's dead letters (jobs that used all their attempts), which
//! an owner sends again with [`retry`].
//!
//! A job carries no venue of its own: each kind reaches the venue through the record it works on
//! (an order, a run, a delivery, a notification, a document, an appointment), so the dead letters
//! are one branch per kind, each scoped by that record's venue. A kind with no branch here is not
//! shown to anyone (it still counts in `/metrics`).

use super::{jobs, owner, Actor, StoreError, StoreResult};
use crate::domain::queue::{AutomationStats, DeadLetter, SpecialistStats, WINDOW_DAYS};
use sqlx::PgPool;

/// A job id from a payload field, without failing the query on a payload of another shape.
fn payload_id(field: &str) -> String {
    format!("case when jsonb_typeof(j.payload->'{field}') = 'number' then (j.payload->>'{field}')::int8 end")
}

/// One select per job kind, each `(job_id, kind, what, link, error, attempts, queued_at)` of the
/// venue `$1`'s dead jobs of that kind.
fn dead_letters_sql() -> String {
    let dead = "j.done_at is null and j.attempts >= j.max_attempts";
    let error = "coalesce(nullif(j.last_error, ''), 'No error was recorded.')";
    format!(
        "select j.id as job_id, j.kind, o.specialist_name || coalesce(': ' || e.title, '') as what,
                '/studio/' || o.id as link, {error} as error, j.attempts, j.created_at as queued_at
           from jobs j join studio_orders o on o.job_id = j.id left join events e on e.id = o.event_id
          where j.kind = 'studio.order' and {dead} and o.venue_id = $1 and o.status = 'failed'
         union all
         select j.id, j.kind, a.name || coalesce(' · ' || nullif(r.fired_by, ''), ''),
                '/studio/automations', {error}, j.attempts, j.created_at
           from jobs j join automation_runs r on r.job_id = j.id join automations a on a.id = r.automation_id
          where j.kind = 'automation.run' and {dead} and r.venue_id = $1 and r.status = 'failed'
         union all
         select j.id, j.kind, d.event || ' to ' || w.url, '/settings/webhooks', {error}, j.attempts, j.created_at
           from jobs j join webhook_deliveries d on d.id = {delivery}
                join webhooks w on w.id = d.webhook_id
          where j.kind = 'webhook' and {dead} and d.venue_id = $1 and d.status = 'failed'
         union all
         select j.id, j.kind, 'Email to ' || u.name, null, {error}, j.attempts, j.created_at
           from jobs j join notifications n on n.id = {notification} join users u on u.id = n.user_id
          where j.kind = 'notification.email' and {dead} and n.venue_id = $1
         union all
         select j.id, j.kind, d.title, '/knowledge/' || d.id, {error}, j.attempts, j.created_at
           from jobs j join documents d on d.id = {document}
          where j.kind = 'knowledge.index' and {dead} and d.venue_id = $1 and d.audience <> 'thread'
         union all
         select j.id, j.kind, 'Reminder: ' || t.name || ' on ' || to_char(a.starts_at, 'YYYY-MM-DD'),
                '/calendar', {error}, j.attempts, j.created_at
           from jobs j join appointments a on a.id = {appointment} join appointment_types t on t.id = a.type_id
          where j.kind = 'appointment_reminder' and {dead} and a.venue_id = $1",
        delivery = payload_id("delivery_id"),
        notification = payload_id("notification_id"),
        document = payload_id("document_id"),
        appointment = payload_id("appointment_id"),
    )
}

/// The venue's dead letters (owners), the newest first.
pub async fn dead_letters(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<DeadLetter>> {
    owner(actor)?;
    Ok(sqlx::query_as(&format!(
        "select * from ({}) d order by queued_at desc, job_id desc limit 200",
        dead_letters_sql()
    ))
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?)
}

/// Sends one of the venue's dead letters again (owners): the job gets its attempts back and is
/// due now, and the record it works on is waiting again (an order or a run `queued`, a delivery
/// `pending`, a document `queued`; an automation's agent starts a new thread). `NotFound` when the job is not one of this venue's dead letters
/// (done, retried already, or another venue's).
pub async fn retry(pool: &PgPool, actor: &Actor, job_id: i64) -> StoreResult<String> {
    owner(actor)?;
    let mut tx = pool.begin().await?;
    let kind: String = sqlx::query_scalar(&format!("select kind from ({}) d where job_id = $2", dead_letters_sql()))
        .bind(actor.venue_id)
        .bind(job_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    // Lock the job first: a concurrent retry of the same one waits here and then finds it alive.
    let reset = sqlx::query(
        "update jobs set attempts = 0, run_at = now(), locked_until = null, last_error = null
          where id = $1 and done_at is null and attempts >= max_attempts",
    )
    .bind(job_id)
    .execute(&mut *tx)
    .await?;
    if reset.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    let record = match kind.as_str() {
        "studio.order" => Some(
            "update studio_orders set status = 'queued', step = 'Waiting to try again', partial = '', error = '',
                    attempts = 0, finished_at = null
              where job_id = $1 and status = 'failed'",
        ),
        "automation.run" => Some(
            // A fresh thread: the failed turn stays in the old one, which a retry would only read again.
            "update automation_runs set status = 'queued', error = '', finished_at = null, thread_id = null
              where job_id = $1 and status = 'failed'",
        ),
        "webhook" => Some(
            "update webhook_deliveries set status = 'pending', attempts = 0
              where id = (select (payload->>'delivery_id')::int8 from jobs where id = $1) and status = 'failed'",
        ),
        "knowledge.index" => Some(
            "update documents set status = 'queued', error = null
              where id = (select (payload->>'document_id')::int8 from jobs where id = $1) and status = 'failed'",
        ),
        _ => None,
    };
    if let Some(sql) = record {
        sqlx::query(sql).bind(job_id).execute(&mut *tx).await?;
    }
    jobs::notify(&mut tx, &kind).await?;
    tx.commit().await?;
    Ok(kind)
}

/// Each specialist's orders placed in the window (owners), the busiest first.
pub async fn specialists(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<SpecialistStats>> {
    owner(actor)?;
    Ok(sqlx::query_as(
        "select o.specialist, (array_agg(o.specialist_name order by o.created_at desc))[1] as name,
                count(*) as orders,
                count(*) filter (where o.status in ('ready', 'approved')) as delivered,
                count(*) filter (where o.status = 'failed') as failed,
                count(*) filter (where o.status = 'cancelled') as cancelled,
                percentile_cont(0.5) within group (order by extract(epoch from o.finished_at - o.started_at)::float8)
                    filter (where o.status in ('ready', 'approved') and o.started_at is not null
                                  and o.finished_at is not null) as median_secs,
                coalesce(sum(t.tokens), 0)::int8 as tokens, coalesce(sum(t.cost_cents), 0)::float8 as cost_cents,
                count(*) filter (where o.rating = 1) as rated_up,
                count(*) filter (where o.rating = -1) as rated_down
           from studio_orders o
           left join lateral (
                select sum(v.prompt_tokens + v.completion_tokens)::int8 as tokens,
                       sum(v.prompt_tokens::float8 * coalesce(p.prompt_cents_per_million, 0)
                           + v.completion_tokens::float8 * coalesce(p.completion_cents_per_million, 0)) / 1e6
                           as cost_cents
                  from studio_versions v
                  left join model_prices p on p.venue_id = o.venue_id and p.model = v.model
                 where v.order_id = o.id and v.source = 'generated') t on true
          where o.venue_id = $1 and o.created_at >= now() - make_interval(days => $2)
          group by o.specialist order by 3 desc, 2",
    )
    .bind(actor.venue_id)
    .bind(WINDOW_DAYS)
    .fetch_all(pool)
    .await?)
}

/// Each automation's runs fired in the window (owners), every automation listed.
pub async fn automations(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<AutomationStats>> {
    owner(actor)?;
    Ok(sqlx::query_as(
        "select a.id, a.name, a.paused, count(r.id) as runs,
                count(r.id) filter (where r.status = 'done') as done,
                count(r.id) filter (where r.status = 'waiting') as waiting,
                count(r.id) filter (where r.status = 'failed') as failed,
                percentile_cont(0.5) within group (order by extract(epoch from r.finished_at - r.started_at)::float8)
                    filter (where r.status in ('done', 'waiting') and r.started_at is not null
                                  and r.finished_at is not null) as median_secs,
                coalesce(sum(t.tokens), 0)::int8 as tokens, coalesce(sum(t.cost_cents), 0)::float8 as cost_cents
           from automations a
           left join automation_runs r on r.automation_id = a.id and r.created_at >= now() - make_interval(days => $2)
           left join lateral (
                select sum(u.tokens)::int8 as tokens, sum(u.cost_cents) as cost_cents
                  from (select x.model, x.prompt_tokens, x.completion_tokens, x.prompt_tokens + x.completion_tokens as tokens,
                               (x.prompt_tokens::float8 * coalesce(p.prompt_cents_per_million, 0)
                                + x.completion_tokens::float8 * coalesce(p.completion_cents_per_million, 0)) / 1e6
                                   as cost_cents
                          from (select model, prompt_tokens, completion_tokens from llm_usage
                                 where r.thread_id is not null and thread_id = r.thread_id
                                union all
                                select model, prompt_tokens, completion_tokens from studio_versions
                                 where r.order_id is not null and order_id = r.order_id and source = 'generated') x
                          left join model_prices p on p.venue_id = a.venue_id and p.model = x.model) u) t on true
          where a.venue_id = $1
          group by a.id order by 4 desc, a.name",
    )
    .bind(actor.venue_id)
    .bind(WINDOW_DAYS)
    .fetch_all(pool)
    .await?)
}
