//! The studio's records: a venue's specialists (its edits of the built-in ones and its own),
//! orders and their versions. Staff order and review; owners edit specialists; a client reads
//! the approved deliverables shared on their own event. The job that produces a version reads
//! and writes its order by id ([`work`], [`progress`], [`deliver`], [`attempt_failed`]).
//!
//! Kept whole (a little over 600 lines): one aggregate. An order copies its specialist's name and
//! instructions when placed, and every write to it (review, versions, rating, the job's progress)
//! goes through the same lock on the order row ([`locked`]).

use super::access::{self, Need};
use super::{jobs, owner, staff, Actor, StoreError, StoreResult};
use crate::domain::scheduling::NoteKind;
use crate::domain::studio::{
    builtin, OrderStatus, OrderSummary, OrderView, Priority, SharedDeliverable, Specialist, SpecialistDraft,
    VersionSource, BUILTIN,
};
use sqlx::{PgConnection, PgPool};

/// The job kind that produces a version of an order.
pub const JOB: &str = "studio.order";

/// Attempts at producing one version before the order fails.
pub const MAX_ATTEMPTS: i32 = 3;

#[derive(sqlx::FromRow)]
struct SpecialistRow {
    slug: String,
    name: String,
    role: String,
    instructions: String,
    needs_event: bool,
}

/// The venue's specialists: the built-in ones (as the venue edited them), then its own by name.
pub async fn specialists(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<Specialist>> {
    staff(actor)?;
    let rows: Vec<SpecialistRow> = sqlx::query_as(
        "select slug, name, role, instructions, needs_event from specialists where venue_id = $1 order by name, id",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    let mut out: Vec<Specialist> = BUILTIN
        .iter()
        .map(|b| match rows.iter().find(|r| r.slug == b.slug) {
            Some(r) => Specialist { customised: true, ..specialist(r, true) },
            None => b.specialist(),
        })
        .collect();
    out.extend(rows.iter().filter(|r| builtin(&r.slug).is_none()).map(|r| specialist(r, false)));
    Ok(out)
}

fn specialist(r: &SpecialistRow, builtin: bool) -> Specialist {
    Specialist {
        slug: r.slug.clone(),
        name: r.name.clone(),
        role: r.role.clone(),
        instructions: r.instructions.clone(),
        needs_event: r.needs_event,
        builtin,
        customised: false,
    }
}

/// One of the venue's specialists by slug.
pub async fn specialist_by_slug(pool: &PgPool, actor: &Actor, slug: &str) -> StoreResult<Specialist> {
    specialists(pool, actor).await?.into_iter().find(|s| s.slug == slug).ok_or(StoreError::NotFound)
}

/// Saves a specialist (owners): a built-in's new text, an edit of the venue's own, or a new one.
/// A new specialist whose name makes the slug of another is refused.
pub async fn save_specialist(pool: &PgPool, actor: &Actor, d: &SpecialistDraft, new: bool) -> StoreResult<()> {
    owner(actor)?;
    if new && builtin(&d.slug).is_some() {
        return Err(StoreError::field("name", "A built-in specialist has this name; edit that one instead."));
    }
    let sql = if new {
        "insert into specialists (venue_id, slug, name, role, instructions, needs_event)
         values ($1, $2, $3, $4, $5, $6) on conflict (venue_id, slug) do nothing"
    } else if builtin(&d.slug).is_some() {
        // The venue's first edit of a built-in adds its row; later ones change it.
        "insert into specialists (venue_id, slug, name, role, instructions, needs_event)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (venue_id, slug) do update
           set name = excluded.name, role = excluded.role, instructions = excluded.instructions,
               needs_event = excluded.needs_event"
    } else {
        "update specialists set name = $3, role = $4, instructions = $5, needs_event = $6
          where venue_id = $1 and slug = $2"
    };
    let done = sqlx::query(sql)
        .bind(actor.venue_id)
        .bind(&d.slug)
        .bind(&d.name)
        .bind(&d.role)
        .bind(&d.instructions)
        .bind(d.needs_event)
        .execute(pool)
        .await?;
    match (done.rows_affected(), new) {
        (0, true) => Err(StoreError::field("name", "There is already a specialist with this name.")),
        (0, false) => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

/// Removes the venue's text of a specialist (owners): a built-in goes back to its default, the
/// venue's own is deleted (its orders keep their copy of its instructions).
pub async fn reset_specialist(pool: &PgPool, actor: &Actor, slug: &str) -> StoreResult<()> {
    owner(actor)?;
    let done = sqlx::query("delete from specialists where venue_id = $1 and slug = $2")
        .bind(actor.venue_id)
        .bind(slug)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn job_priority(p: Priority) -> jobs::Priority {
    match p {
        Priority::High => jobs::Priority::StudioHigh,
        Priority::Normal => jobs::Priority::StudioNormal,
        Priority::Low => jobs::Priority::StudioLow,
    }
}

/// Queues the job that produces the order's next version, and points the order at it.
async fn queue(conn: &mut PgConnection, order_id: i64, priority: Priority) -> StoreResult<()> {
    let payload = serde_json::json!({ "order_id": order_id });
    let job = jobs::enqueue_now(conn, JOB, &payload, job_priority(priority), MAX_ATTEMPTS).await?;
    sqlx::query("update studio_orders set job_id = $2 where id = $1").bind(order_id).bind(job).execute(conn).await?;
    Ok(())
}

/// Places an order (staff) and queues it. The event, when given, must be one the actor can run.
pub async fn place(
    pool: &PgPool,
    actor: &Actor,
    s: &Specialist,
    event_id: Option<i64>,
    brief: &str,
    priority: Priority,
) -> StoreResult<i64> {
    let mut tx = pool.begin().await?;
    let id = place_in(&mut tx, actor, s, event_id, brief, priority).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`place`], inside the caller's transaction (an automation's run places its order and ends in
/// one).
pub async fn place_in(
    tx: &mut PgConnection,
    actor: &Actor,
    s: &Specialist,
    event_id: Option<i64>,
    brief: &str,
    priority: Priority,
) -> StoreResult<i64> {
    staff(actor)?;
    match event_id {
        Some(id) => access::event(&mut *tx, actor, id, Need::Manage).await.map_err(|e| match e {
            StoreError::NotFound => StoreError::field("event_id", "There is no such event."),
            e => e,
        })?,
        None if s.needs_event => {
            return Err(StoreError::field("event_id", &format!("The {} works from an event: choose one.", s.name)))
        }
        None => {}
    }
    let id: i64 = sqlx::query_scalar(
        "insert into studio_orders (venue_id, specialist, specialist_name, instructions, ordered_by, event_id, brief, priority)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(actor.venue_id)
    .bind(&s.slug)
    .bind(&s.name)
    .bind(&s.instructions)
    .bind(actor.user_id)
    .bind(event_id)
    .bind(brief)
    .bind(priority.as_str())
    .fetch_one(&mut *tx)
    .await?;
    queue(&mut *tx, id, priority).await?;
    Ok(id)
}

const SUMMARY: &str = "o.id, o.specialist, o.specialist_name, o.event_id, e.title as event_title, o.brief, o.priority,
     o.status, u.name as ordered_by_name,
     (select count(*) from studio_versions v where v.order_id = o.id)::int4 as versions, o.shared, o.created_at";

const FROM: &str = "from studio_orders o left join events e on e.id = o.event_id join users u on u.id = o.ordered_by";

/// The venue's latest orders (staff), newest first.
pub async fn orders(pool: &PgPool, actor: &Actor, limit: i64) -> StoreResult<Vec<OrderSummary>> {
    staff(actor)?;
    Ok(sqlx::query_as(&format!(
        "select {SUMMARY} {FROM} where o.venue_id = $1 order by o.created_at desc, o.id desc limit $2"
    ))
    .bind(actor.venue_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    #[sqlx(flatten)]
    summary: OrderSummary,
    step: String,
    partial: String,
    feedback: String,
    error: String,
    attempts: i32,
    approved_version: Option<i32>,
    rating: Option<i16>,
    ordered_by: i64,
}

/// One of the venue's orders with its versions (staff). The order page reads it every second
/// while the order runs.
pub async fn order(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<OrderView> {
    staff(actor)?;
    let row: OrderRow = sqlx::query_as(&format!(
        "select {SUMMARY}, o.step, o.partial, o.feedback, o.error, o.attempts, o.approved_version,
                o.rating, o.ordered_by
           {FROM} where o.id = $1 and o.venue_id = $2"
    ))
    .bind(id)
    .bind(actor.venue_id)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)?;
    let versions = sqlx::query_as(
        "select v.number, v.body, v.source, v.feedback, u.name as author_name, v.model, v.prompt_tokens,
                v.completion_tokens, v.duration_ms, v.created_at
           from studio_versions v left join users u on u.id = v.author_id
          where v.order_id = $1 order by v.number desc",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(OrderView {
        order: row.summary,
        step: row.step,
        partial: row.partial,
        feedback: row.feedback,
        error: row.error,
        attempts: row.attempts,
        max_attempts: MAX_ATTEMPTS,
        approved_version: row.approved_version,
        can_rate: row.ordered_by == actor.user_id && !versions.is_empty(),
        rating: row.rating,
        versions,
    })
}

/// Locks one of the venue's orders (staff) and returns its status and priority.
async fn locked(conn: &mut PgConnection, actor: &Actor, id: i64) -> StoreResult<(OrderStatus, Priority)> {
    staff(actor)?;
    let row: Option<(String, String)> =
        sqlx::query_as("select status, priority from studio_orders where id = $1 and venue_id = $2 for update")
            .bind(id)
            .bind(actor.venue_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (status, priority) = row.ok_or(StoreError::NotFound)?;
    let parse = |s: &str| -> StoreResult<OrderStatus> { s.parse().map_err(|_| StoreError::NotFound) };
    Ok((parse(&status)?, priority.parse().map_err(|_| StoreError::NotFound)?))
}

/// Cancels an order that is queued or running: a queued one is never taken, a running one stops
/// at its next progress write.
pub async fn cancel(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    let (status, _) = locked(&mut tx, actor, id).await?;
    if !status.in_progress() {
        return Err(StoreError::Conflict(format!(
            "This order is {}; only one in progress can be cancelled.",
            status.label().to_lowercase()
        )));
    }
    sqlx::query(
        "update studio_orders set status = 'cancelled', step = '', partial = '', finished_at = now() where id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    // A job no worker holds is done now; a held one ends when its worker sees the cancel.
    sqlx::query(
        "update jobs set done_at = now(), last_error = 'cancelled'
          where id = (select job_id from studio_orders where id = $1) and done_at is null
            and (locked_until is null or locked_until <= now())",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Asks for a new version with `feedback` (or the same brief again when it is empty, e.g. after
/// a failure). An order in progress is refused.
pub async fn regenerate(pool: &PgPool, actor: &Actor, id: i64, feedback: &str) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    let (status, priority) = locked(&mut tx, actor, id).await?;
    if status.in_progress() {
        return Err(StoreError::Conflict("This order is still in progress.".into()));
    }
    sqlx::query(
        "update studio_orders set status = 'queued', feedback = $2, error = '', attempts = 0, step = '', partial = '',
                started_at = null, finished_at = null
          where id = $1",
    )
    .bind(id)
    .bind(feedback)
    .execute(&mut *tx)
    .await?;
    queue(&mut tx, id, priority).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a version written by hand; it is the one to review (an approval is withdrawn, and so is
/// the sharing of it).
pub async fn edit(pool: &PgPool, actor: &Actor, id: i64, body: &str) -> StoreResult<i32> {
    let mut tx = pool.begin().await?;
    let (status, _) = locked(&mut tx, actor, id).await?;
    if status.in_progress() {
        return Err(StoreError::Conflict("Wait until the order is done before editing it.".into()));
    }
    let number = add_version(&mut tx, id, body, VersionSource::Edited, "", Some(actor.user_id), None).await?;
    sqlx::query("update studio_orders set status = 'ready', approved_version = null, shared = false where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(number)
}

/// Approves one of the order's versions.
pub async fn approve(pool: &PgPool, actor: &Actor, id: i64, number: i32) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    let (status, _) = locked(&mut tx, actor, id).await?;
    if status.in_progress() || status == OrderStatus::Cancelled {
        return Err(StoreError::Conflict("Only a finished order can be approved.".into()));
    }
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from studio_versions where order_id = $1 and number = $2)")
            .bind(id)
            .bind(number)
            .fetch_one(&mut *tx)
            .await?;
    if !exists {
        return Err(StoreError::NotFound);
    }
    sqlx::query("update studio_orders set status = 'approved', approved_version = $2 where id = $1")
        .bind(id)
        .bind(number)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Shares the approved version with the event's client (or stops sharing it).
pub async fn share(pool: &PgPool, actor: &Actor, id: i64, shared: bool) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    locked(&mut tx, actor, id).await?;
    let (approved, event): (Option<i32>, Option<i64>) =
        sqlx::query_as("select approved_version, event_id from studio_orders where id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if shared && event.is_none() {
        return Err(StoreError::Conflict(
            "This deliverable is not for an event, so there is no client to share it with.".into(),
        ));
    }
    if shared && approved.is_none() {
        return Err(StoreError::Conflict("Approve a version before sharing it.".into()));
    }
    sqlx::query("update studio_orders set shared = $2 where id = $1").bind(id).bind(shared).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Rates a deliverable (`Some(1)` useful, `Some(-1)` not, `None` takes the rating back). Only the
/// person it was ordered for rates it, once it has a version; anyone else gets `Forbidden`.
pub async fn rate(pool: &PgPool, actor: &Actor, id: i64, rating: Option<i16>) -> StoreResult<()> {
    staff(actor)?;
    if rating.is_some_and(|r| r != 1 && r != -1) {
        return Err(StoreError::field("rating", "Rate it 1 (useful) or -1 (not useful)."));
    }
    let by: Option<i64> = sqlx::query_scalar(
        "select o.ordered_by from studio_orders o
          where o.id = $1 and o.venue_id = $2 and exists (select 1 from studio_versions v where v.order_id = o.id)",
    )
    .bind(id)
    .bind(actor.venue_id)
    .fetch_optional(pool)
    .await?;
    match by {
        None => return Err(StoreError::NotFound),
        Some(by) if by != actor.user_id => return Err(StoreError::Forbidden),
        Some(_) => {}
    }
    sqlx::query("update studio_orders set rating = $2 where id = $1").bind(id).bind(rating).execute(pool).await?;
    Ok(())
}

/// The body of a version to download (staff; the approved one, else the newest, when `number`
/// is not given), and the specialist's name.
pub async fn version_body(pool: &PgPool, actor: &Actor, id: i64, number: Option<i32>) -> StoreResult<(String, String)> {
    staff(actor)?;
    sqlx::query_as(
        "select o.specialist_name, v.body
           from studio_orders o join studio_versions v on v.order_id = o.id
          where o.id = $1 and o.venue_id = $2
            and v.number = coalesce($3, o.approved_version, (select max(number) from studio_versions where order_id = o.id))",
    )
    .bind(id)
    .bind(actor.venue_id)
    .bind(number)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)
}

/// The approved deliverables shared on an event, as anyone who may read its plan sees them (the
/// event's client, staff).
pub async fn shared(pool: &PgPool, actor: &Actor, event_id: i64) -> StoreResult<Vec<SharedDeliverable>> {
    let mut conn = pool.acquire().await?;
    access::event(&mut conn, actor, event_id, Need::Plan).await?;
    Ok(sqlx::query_as(
        "select o.id, o.specialist_name as title, v.body, o.updated_at
           from studio_orders o join studio_versions v on v.order_id = o.id and v.number = o.approved_version
          where o.event_id = $1 and o.venue_id = $2 and o.shared
          order by o.updated_at desc",
    )
    .bind(event_id)
    .bind(actor.venue_id)
    .fetch_all(&mut *conn)
    .await?)
}

async fn add_version(
    conn: &mut PgConnection,
    order_id: i64,
    body: &str,
    source: VersionSource,
    feedback: &str,
    author: Option<i64>,
    generated: Option<&Generated>,
) -> StoreResult<i32> {
    let (model, prompt, completion, ms) = generated
        .map(|g| (g.model.as_str(), g.prompt_tokens, g.completion_tokens, g.duration_ms))
        .unwrap_or(("", 0, 0, 0));
    Ok(sqlx::query_scalar(
        "insert into studio_versions (order_id, number, body, source, feedback, author_id, model, prompt_tokens,
                                      completion_tokens, duration_ms)
         values ($1, coalesce((select max(number) from studio_versions where order_id = $1), 0) + 1,
                 $2, $3, $4, $5, $6, $7, $8, $9)
         returning number",
    )
    .bind(order_id)
    .bind(body)
    .bind(source.as_str())
    .bind(feedback)
    .bind(author)
    .bind(model)
    .bind(prompt)
    .bind(completion)
    .bind(ms)
    .fetch_one(conn)
    .await?)
}

// ---- the job's side -------------------------------------------------------------------------

/// What the job needs to produce a version.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Work {
    pub id: i64,
    pub venue_id: i64,
    pub ordered_by: i64,
    pub specialist: String,
    pub specialist_name: String,
    pub instructions: String,
    pub event_id: Option<i64>,
    pub brief: String,
    pub feedback: String,
    /// The newest version's text, which feedback asks to change.
    pub previous: Option<String>,
}

/// Starts a run of order `id` for job `job_id`: `None` when the order is no longer waiting for
/// this job (cancelled, or queued again under a newer job).
pub async fn work(pool: &PgPool, id: i64, job_id: i64, attempt: i32) -> StoreResult<Option<Work>> {
    Ok(sqlx::query_as(
        "update studio_orders o set status = 'running', step = 'Starting', partial = '', attempts = $3,
                started_at = coalesce(o.started_at, now())
          where o.id = $1 and o.job_id = $2 and o.status in ('queued', 'running')
          returning o.id, o.venue_id, o.ordered_by, o.specialist, o.specialist_name, o.instructions, o.event_id,
                    o.brief, o.feedback,
                    (select v.body from studio_versions v where v.order_id = o.id order by v.number desc limit 1) as previous",
    )
    .bind(id)
    .bind(job_id)
    .bind(attempt)
    .fetch_optional(pool)
    .await?)
}

/// Writes what the run is doing and the text so far; false when the order was cancelled (or
/// taken by a newer job) meanwhile, and the run must stop.
pub async fn progress(pool: &PgPool, id: i64, job_id: i64, step: &str, partial: &str) -> StoreResult<bool> {
    let done = sqlx::query(
        "update studio_orders set step = $3, partial = $4 where id = $1 and job_id = $2 and status = 'running'",
    )
    .bind(id)
    .bind(job_id)
    .bind(step)
    .bind(partial)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What a generated version was made with.
#[derive(Clone, Debug, Default)]
pub struct Generated {
    pub model: String,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub duration_ms: i32,
}

/// Stores a run's version and marks the order ready, in the transaction that marks the job done;
/// returns the version's number, or `None` when the order was cancelled meanwhile.
pub async fn deliver(
    conn: &mut PgConnection,
    work: &Work,
    job_id: i64,
    body: &str,
    generated: &Generated,
) -> StoreResult<Option<i32>> {
    let still: Option<String> = sqlx::query_scalar(
        "select feedback from studio_orders where id = $1 and job_id = $2 and status = 'running' for update",
    )
    .bind(work.id)
    .bind(job_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(feedback) = still else { return Ok(None) };
    let number =
        add_version(conn, work.id, body, VersionSource::Generated, &feedback, Some(work.ordered_by), Some(generated))
            .await?;
    sqlx::query(
        "update studio_orders set status = 'ready', step = '', partial = '', error = '', feedback = '',
                approved_version = null, shared = false, finished_at = now()
          where id = $1",
    )
    .bind(work.id)
    .execute(&mut *conn)
    .await?;
    let note = format!("Your order from the {} is ready for review (version {number}).", work.specialist_name);
    super::notifications::add(
        conn,
        work.venue_id,
        work.ordered_by,
        NoteKind::Deliverables,
        &note,
        &format!("/studio/{}", work.id),
    )
    .await?;
    Ok(Some(number))
}

/// Records a failed run: the order waits for its next attempt, or, after the last, has failed
/// (and the person who ordered it is told).
pub async fn attempt_failed(pool: &PgPool, id: i64, job_id: i64, error: &str, last: bool) -> StoreResult<()> {
    let (status, step) = if last { ("failed", "") } else { ("queued", "Waiting to try again") };
    let mut tx = pool.begin().await?;
    let failed: Option<(i64, i64, String)> = sqlx::query_as(
        "update studio_orders set status = $3, step = $4, partial = '', error = $5,
                finished_at = case when $3 = 'failed' then now() end
          where id = $1 and job_id = $2 and status in ('queued', 'running')
          returning venue_id, ordered_by, specialist_name",
    )
    .bind(id)
    .bind(job_id)
    .bind(status)
    .bind(step)
    .bind(error.chars().take(500).collect::<String>())
    .fetch_optional(&mut *tx)
    .await?;
    if let (Some((venue, user, name)), true) = (failed, last) {
        let note = format!("Your order from the {name} failed after {MAX_ATTEMPTS} attempts.");
        super::notifications::add(&mut tx, venue, user, NoteKind::Deliverables, &note, &format!("/studio/{id}"))
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
