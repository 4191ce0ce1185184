//! Automations and their runs. Owners create, change, pause and run them; staff read them and
//! their history. A firing is a row of `automation_runs`, unique per automation and what fired
//! it (`fire_key`), and a job (`automation.run`) queued in the same transaction, so a slot or a
//! business event runs an automation once, whichever worker or retry sees it first.
//!
//! Business events fire from inside the transaction of the change they report
//! ([`fire_business`], called where the change's webhook is emitted); schedules and "days before
//! each event" from the worker's sweep ([`due_schedules`], [`fire_approaching`]).

use super::{jobs, owner, staff, Actor, StoreError, StoreResult};
use crate::domain::automations::{
    fire_key, fired_by, Action, AutomationDraft, AutomationView, Rule, RunStatus, RunView, Trigger, MAX_AUTOMATIONS,
};
use crate::domain::chat::AgentKind;
use crate::domain::scheduling::NoteKind;
use chrono::{DateTime, NaiveTime, Utc};
use serde_json::{json, Value};
use sqlx::{PgConnection, PgPool};

/// The job kind that carries out a run.
pub const JOB: &str = "automation.run";
/// Attempts at a run before it fails.
pub const MAX_ATTEMPTS: i32 = 3;

/// A stored value no code writes (a bug or a hand edit): an error, never a panic.
fn corrupt(what: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Protocol(format!("unreadable {what}")))
}

/// An automation as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AutomationRow {
    pub id: i64,
    pub venue_id: i64,
    pub name: String,
    pub trigger: String,
    pub weekdays: i16,
    pub at_time: Option<NaiveTime>,
    pub days_before: Option<i32>,
    pub action: String,
    pub agent_kind: Option<String>,
    pub specialist: Option<String>,
    pub instructions: String,
    pub paused: bool,
    pub created_by: i64,
    pub next_run_at: Option<DateTime<Utc>>,
}

impl AutomationRow {
    pub fn rule(&self) -> StoreResult<Rule> {
        Ok(Rule {
            trigger: self.trigger.parse().map_err(|_| corrupt("automation trigger"))?,
            weekdays: self.weekdays.clamp(0, 127) as u8,
            at: self.at_time,
            days_before: self.days_before,
        })
    }

    pub fn action(&self) -> StoreResult<Action> {
        action_of(&self.action, self.agent_kind.as_deref(), self.specialist.as_deref())
    }
}

/// An action as stored: `agent` with its kind, or `specialist` with its slug.
fn action_of(action: &str, agent_kind: Option<&str>, specialist: Option<&str>) -> StoreResult<Action> {
    match (action, agent_kind, specialist) {
        ("agent", Some(kind), _) => {
            Ok(Action::Agent(kind.parse::<AgentKind>().map_err(|_| corrupt("automation agent"))?))
        }
        ("specialist", _, Some(slug)) => Ok(Action::Specialist(slug.to_string())),
        _ => Err(corrupt("automation action")),
    }
}

const COLUMNS: &str = "a.id, a.venue_id, a.name, a.trigger, a.weekdays, a.at_time, a.days_before, a.action,
     a.agent_kind, a.specialist, a.instructions, a.paused, a.created_by, a.next_run_at";

#[derive(sqlx::FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    a: AutomationRow,
    created_by_name: String,
    runs: i64,
    last_status: Option<String>,
    last_run_at: Option<DateTime<Utc>>,
}

/// The venue's automations (staff), oldest first. `label` names a specialist by its slug.
pub async fn list(pool: &PgPool, actor: &Actor, label: impl Fn(&str) -> String) -> StoreResult<Vec<AutomationView>> {
    staff(actor)?;
    let rows: Vec<ListRow> = sqlx::query_as(&format!(
        "select {COLUMNS}, u.name as created_by_name,
                (select count(*) from automation_runs r where r.automation_id = a.id) as runs,
                l.status as last_status, l.created_at as last_run_at
           from automations a join users u on u.id = a.created_by
           left join lateral (select status, created_at from automation_runs r where r.automation_id = a.id
                               order by created_at desc, id desc limit 1) l on true
          where a.venue_id = $1 order by a.id"
    ))
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let rule = r.a.rule()?;
            let action = r.a.action()?;
            let action_label = match &action {
                Action::Agent(kind) => kind.label().to_string(),
                Action::Specialist(slug) => label(slug),
            };
            Ok(AutomationView {
                id: r.a.id,
                name: r.a.name,
                when: rule.describe(),
                rule,
                action,
                action_label,
                instructions: r.a.instructions,
                paused: r.a.paused,
                next_run_at: r.a.next_run_at.filter(|_| !r.a.paused),
                next_run_label: None,
                created_by_name: r.created_by_name,
                runs: r.runs,
                last_status: r.last_status.and_then(|s| s.parse().ok()),
                last_run_at: r.last_run_at,
            })
        })
        .collect()
}

/// One of the venue's automations (staff).
pub async fn get(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<AutomationRow> {
    staff(actor)?;
    sqlx::query_as(&format!("select {COLUMNS} from automations a where a.id = $1 and a.venue_id = $2"))
        .bind(id)
        .bind(actor.venue_id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Creates (`id` `None`) or changes an automation (owners); returns its id. `next_run_at`: a
/// schedule's next slot. A changed automation acts as the owner who last saved it.
pub async fn save(
    pool: &PgPool,
    actor: &Actor,
    id: Option<i64>,
    d: &AutomationDraft,
    next_run_at: Option<DateTime<Utc>>,
) -> StoreResult<i64> {
    owner(actor)?;
    let (agent, specialist) = match &d.action {
        Action::Agent(kind) => (Some(kind.as_str()), None),
        Action::Specialist(slug) => (None, Some(slug.as_str())),
    };
    let mut tx = pool.begin().await?;
    let query = match id {
        None => {
            let count: i64 = sqlx::query_scalar("select count(*) from automations where venue_id = $1")
                .bind(actor.venue_id)
                .fetch_one(&mut *tx)
                .await?;
            if count >= MAX_AUTOMATIONS {
                return Err(StoreError::field("name", &format!("A venue keeps at most {MAX_AUTOMATIONS} automations.")));
            }
            sqlx::query_scalar::<_, i64>(
                "insert into automations (venue_id, name, trigger, weekdays, at_time, days_before, action, agent_kind,
                                          specialist, instructions, created_by, next_run_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id",
            )
        }
        Some(_) => sqlx::query_scalar::<_, i64>(
            "update automations set name = $2, trigger = $3, weekdays = $4, at_time = $5, days_before = $6, action = $7,
                    agent_kind = $8, specialist = $9, instructions = $10, created_by = $11, next_run_at = $12
              where id = $13 and venue_id = $1 returning id",
        ),
    }
    .bind(actor.venue_id)
    .bind(&d.name)
    .bind(d.rule.trigger.as_str())
    .bind(i16::from(d.rule.weekdays))
    .bind(d.rule.at)
    .bind(d.rule.days_before)
    .bind(d.action.kind())
    .bind(agent)
    .bind(specialist)
    .bind(&d.instructions)
    .bind(actor.user_id)
    .bind(next_run_at);
    let query = match id {
        Some(id) => query.bind(id),
        None => query,
    };
    let id = query.fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(id)
}

/// Deletes an automation and its history (owners).
pub async fn delete(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<()> {
    owner(actor)?;
    let done = sqlx::query("delete from automations where id = $1 and venue_id = $2")
        .bind(id)
        .bind(actor.venue_id)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Pauses or resumes an automation (owners). A schedule resumes at `next_run_at` (its next slot
/// from now: the slots it missed while paused are not made up).
pub async fn set_paused(
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    paused: bool,
    next_run_at: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    owner(actor)?;
    let done = sqlx::query("update automations set paused = $3, next_run_at = $4 where id = $1 and venue_id = $2")
        .bind(id)
        .bind(actor.venue_id)
        .bind(paused)
        .bind(next_run_at)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// What a staff member reads in place of a run's output when the run acted as an owner: an
/// owner's agent may have read what staff may not (settings, usage, the team).
pub const OUTPUT_WITHHELD: &str = "This run acted as an owner: only owners read its output.";

/// An automation's latest runs (staff), newest first. The run's chat is linked only for the
/// person it acted as; the output of a run that acted as an owner is for owners only.
pub async fn runs(pool: &PgPool, actor: &Actor, automation_id: i64, limit: i64) -> StoreResult<Vec<RunView>> {
    get(pool, actor, automation_id).await?;
    Ok(sqlx::query_as(
        "select r.id, r.fired_by, r.status, r.event_id, e.title as event_title,
                case when r.acts_as = $3 then r.thread_id end as thread_id, r.order_id,
                case when r.acts_as = $3 or $4 or m.role is distinct from 'owner' or r.output = '' then r.output
                     else $5 end as output,
                r.error, r.created_at, r.finished_at
           from automation_runs r left join events e on e.id = r.event_id
           left join memberships m on m.user_id = r.acts_as and m.venue_id = r.venue_id
          where r.automation_id = $1 order by r.created_at desc, r.id desc limit $2",
    )
    .bind(automation_id)
    .bind(limit)
    .bind(actor.user_id)
    .bind(actor.role == crate::domain::Role::Owner)
    .bind(OUTPUT_WITHHELD)
    .fetch_all(pool)
    .await?)
}

/// Fires automation `a` for `key` (once: a key it already fired for does nothing) and queues
/// its run; returns the run's id when it is new.
pub async fn fire(
    conn: &mut PgConnection,
    automation_id: i64,
    venue_id: i64,
    key: &str,
    fired_by: &str,
    subject: &Value,
    event_id: Option<i64>,
) -> StoreResult<Option<i64>> {
    let run: Option<i64> = sqlx::query_scalar(
        "insert into automation_runs (automation_id, venue_id, fire_key, fired_by, subject, event_id, acts_as)
         select $1, $2, $3, $4, $5, $6, created_by from automations where id = $1
         on conflict (automation_id, fire_key) do nothing returning id",
    )
    .bind(automation_id)
    .bind(venue_id)
    .bind(key)
    .bind(fired_by)
    .bind(sqlx::types::Json(subject))
    .bind(event_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(run) = run else { return Ok(None) };
    let job =
        jobs::enqueue_now(conn, JOB, &json!({ "run_id": run }), jobs::Priority::StudioNormal, MAX_ATTEMPTS).await?;
    sqlx::query("update automation_runs set job_id = $2 where id = $1").bind(run).bind(job).execute(&mut *conn).await?;
    tracing::info!(automation = automation_id, run, key, "automation fired");
    Ok(Some(run))
}

/// Fires the venue's active automations that listen for `trigger`, about `subject_id` (an
/// appointment, an inquiry's event, an approval, a document) whose webhook data is `data`.
/// Called inside the transaction of the change. Returns the runs queued.
pub async fn fire_business(
    conn: &mut PgConnection,
    venue_id: i64,
    trigger: Trigger,
    subject_id: i64,
    data: &Value,
) -> StoreResult<usize> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "select id from automations where venue_id = $1 and trigger = $2 and not paused order by id",
    )
    .bind(venue_id)
    .bind(trigger.as_str())
    .fetch_all(&mut *conn)
    .await?;
    // An approval decided in an automation run's own chat fires no automation (no loop of runs
    // proposing actions whose decisions start new runs).
    if trigger == Trigger::ApprovalDecided {
        let from_a_run: bool = sqlx::query_scalar(
            "select exists (select 1 from approvals a join automation_runs r on r.thread_id = a.thread_id where a.id = $1)",
        )
        .bind(subject_id)
        .fetch_one(&mut *conn)
        .await?;
        if from_a_run {
            return Ok(0);
        }
    }
    let key = fire_key(trigger, subject_id, data);
    let note = fired_by(trigger, data);
    let event = crate::domain::automations::event_of(trigger, data);
    let mut fired = 0;
    for id in ids {
        fired += usize::from(fire(conn, id, venue_id, &key, &note, data, event).await?.is_some());
    }
    Ok(fired)
}

/// A schedule due to fire, with its venue's time zone.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueSchedule {
    #[sqlx(flatten)]
    pub automation: AutomationRow,
    pub timezone: String,
}

/// The active schedules whose slot has come (`next_run_at <= now`), locked for the caller's
/// transaction (another worker skips them).
pub async fn due_schedules(conn: &mut PgConnection, now: DateTime<Utc>) -> StoreResult<Vec<DueSchedule>> {
    Ok(sqlx::query_as(&format!(
        "select {COLUMNS}, v.timezone from automations a join venues v on v.id = a.venue_id
          where a.trigger = 'schedule' and not a.paused and a.next_run_at <= $1
          order by a.next_run_at limit 100 for update of a skip locked"
    ))
    .bind(now)
    .fetch_all(conn)
    .await?)
}

/// Moves a schedule on to its next slot.
pub async fn set_next(conn: &mut PgConnection, id: i64, next: Option<DateTime<Utc>>) -> StoreResult<()> {
    sqlx::query("update automations set next_run_at = $2 where id = $1").bind(id).bind(next).execute(conn).await?;
    Ok(())
}

/// An event an "N days before each event" automation fires for.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Approaching {
    pub automation_id: i64,
    pub venue_id: i64,
    pub event_id: i64,
    pub title: String,
    pub event_date: chrono::NaiveDate,
    pub days_left: i32,
    /// The automation already ran for it.
    pub fired: bool,
}

/// What "N days before each event" automations have to fire for at `now`: each event not
/// cancelled or completed, from today (the venue's) to N days ahead, that the automation has not
/// fired for. `only`: one automation, paused or not, with the events it already fired for too (a
/// dry run, run now).
pub async fn approaching(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    only: Option<i64>,
) -> StoreResult<Vec<Approaching>> {
    Ok(sqlx::query_as(
        "select a.id as automation_id, a.venue_id, e.id as event_id, e.title, e.event_date,
                (e.event_date - ($1 at time zone v.timezone)::date)::int4 as days_left,
                exists (select 1 from automation_runs r
                         where r.automation_id = a.id and r.fire_key = 'event_approaching:' || e.id) as fired
           from automations a join venues v on v.id = a.venue_id
           join events e on e.venue_id = a.venue_id and e.status not in ('cancelled', 'completed')
          where a.trigger = 'event_approaching'
            and (($2::int8 is null and not a.paused) or a.id = $2)
            and e.event_date between ($1 at time zone v.timezone)::date
                                 and ($1 at time zone v.timezone)::date + a.days_before
            and ($2::int8 is not null
                 or not exists (select 1 from automation_runs r
                                 where r.automation_id = a.id and r.fire_key = 'event_approaching:' || e.id))
          order by e.event_date, e.id limit 200",
    )
    .bind(now)
    .bind(only)
    .fetch_all(conn)
    .await?)
}

/// Fires "N days before each event" automations for the events that have come within reach;
/// returns the runs queued.
pub async fn fire_approaching(pool: &PgPool, now: DateTime<Utc>) -> StoreResult<usize> {
    let mut tx = pool.begin().await?;
    let due = approaching(&mut tx, now, None).await?;
    let mut fired = 0;
    for d in &due {
        let note = match d.days_left {
            0 => format!("{} is today", d.title),
            1 => format!("{} is tomorrow", d.title),
            n => format!("{} is in {n} days ({})", d.title, d.event_date.format("%b %-d")),
        };
        let subject = json!({ "event": { "id": d.event_id, "title": d.title, "event_date": d.event_date } });
        let key = format!("event_approaching:{}", d.event_id);
        fired += usize::from(
            fire(&mut tx, d.automation_id, d.venue_id, &key, &note, &subject, Some(d.event_id)).await?.is_some(),
        );
    }
    tx.commit().await?;
    Ok(fired)
}

/// The latest subject a business trigger would have fired for, as its webhook data (a dry run,
/// run now): (subject id, data).
pub async fn latest_subject(pool: &PgPool, actor: &Actor, trigger: Trigger) -> StoreResult<Option<(i64, Value)>> {
    staff(actor)?;
    let sql = match trigger {
        Trigger::AppointmentBooked => "select max(id) from appointments where venue_id = $1",
        Trigger::InquiryCreated => "select max(id) from events where venue_id = $1 and status = 'inquiry'",
        Trigger::ApprovalDecided => "select max(id) from approvals where venue_id = $1 and status <> 'pending'",
        Trigger::DocumentIndexed => {
            "select max(id) from documents where venue_id = $1 and audience <> 'thread' and status = 'ready'"
        }
        Trigger::Schedule | Trigger::EventApproaching => return Ok(None),
    };
    let id: Option<i64> = sqlx::query_scalar(sql).bind(actor.venue_id).fetch_one(pool).await?;
    let Some(id) = id else { return Ok(None) };
    let mut conn = pool.acquire().await?;
    let data = super::webhooks::data_of(&mut conn, trigger, id).await?;
    Ok(data.map(|d| (id, d)))
}

/// What a run's job works from.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RunWork {
    pub run_id: i64,
    pub automation_id: i64,
    pub venue_id: i64,
    pub name: String,
    pub trigger: String,
    pub action: String,
    pub agent_kind: Option<String>,
    pub specialist: Option<String>,
    pub instructions: String,
    pub created_by: i64,
    pub fired_by: String,
    pub subject: sqlx::types::Json<Value>,
    pub event_id: Option<i64>,
    /// The thread an earlier attempt started (it is followed, not started again).
    pub thread_id: Option<i64>,
    pub timezone: String,
}

impl RunWork {
    pub fn action(&self) -> StoreResult<Action> {
        action_of(&self.action, self.agent_kind.as_deref(), self.specialist.as_deref())
    }
}

/// Takes run `run_id` for job `job_id`: marks it running and returns what it works from; `None`
/// when it is no longer this job's to run (finished, or its automation deleted).
pub async fn work(pool: &PgPool, run_id: i64, job_id: i64) -> StoreResult<Option<RunWork>> {
    Ok(sqlx::query_as(
        "with taken as (
            update automation_runs set status = 'running', started_at = coalesce(started_at, now()), error = ''
             where id = $1 and job_id = $2 and status in ('queued', 'running') returning *)
         select t.id as run_id, a.id as automation_id, a.venue_id, a.name, a.trigger, a.action, a.agent_kind,
                a.specialist, a.instructions, coalesce(t.acts_as, a.created_by) as created_by, t.fired_by, t.subject,
                t.event_id, t.thread_id, v.timezone
           from taken t join automations a on a.id = t.automation_id join venues v on v.id = a.venue_id",
    )
    .bind(run_id)
    .bind(job_id)
    .fetch_optional(pool)
    .await?)
}

/// Records the thread a run started (before its reply is followed), so a retry follows it
/// rather than starting a second one.
pub async fn set_thread(pool: &PgPool, run_id: i64, thread_id: i64) -> StoreResult<()> {
    sqlx::query("update automation_runs set thread_id = $2 where id = $1")
        .bind(run_id)
        .bind(thread_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunEnd {
    pub status: RunStatus,
    pub output: String,
    pub order_id: Option<i64>,
    /// Where the person who gets the note should look.
    pub link: String,
}

/// Ends run `w` with `end` and marks its job done, in the caller's transaction, and tells the
/// automation's person.
/// Returns whether the run was still this job's to end.
pub async fn finish(conn: &mut PgConnection, w: &RunWork, job_id: i64, end: &RunEnd) -> StoreResult<bool> {
    let output: String = end.output.chars().take(20_000).collect();
    let updated = sqlx::query(
        "update automation_runs set status = $3, output = $4, order_id = coalesce($5, order_id), error = '',
                finished_at = now()
          where id = $1 and job_id = $2 and status = 'running'",
    )
    .bind(w.run_id)
    .bind(job_id)
    .bind(end.status.as_str())
    .bind(&output)
    .bind(end.order_id)
    .execute(&mut *conn)
    .await?;
    let ended = updated.rows_affected() == 1;
    if ended {
        let note = match end.status {
            RunStatus::Waiting => format!("Automation “{}” proposed an action that waits for your approval.", w.name),
            _ => format!("Automation “{}” ran: {}", w.name, w.fired_by),
        };
        super::notifications::add(&mut *conn, w.venue_id, w.created_by, NoteKind::Automations, &note, &end.link)
            .await?;
    }
    jobs::finish(conn, job_id).await?;
    Ok(ended)
}

/// Records a failed attempt: the run waits for its next, or, after the last, has failed (and the
/// automation's person is told).
pub async fn attempt_failed(pool: &PgPool, run_id: i64, job_id: i64, error: &str, last: bool) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    let failed: Option<(i64, i64, String)> = sqlx::query_as(
        "update automation_runs r set status = case when $4 then 'failed' else 'queued' end, error = $3,
                finished_at = case when $4 then now() end
           from automations a
          where r.id = $1 and r.job_id = $2 and r.status in ('queued', 'running') and a.id = r.automation_id
          returning a.venue_id, a.created_by, a.name",
    )
    .bind(run_id)
    .bind(job_id)
    .bind(error.chars().take(500).collect::<String>())
    .bind(last)
    .fetch_optional(&mut *tx)
    .await?;
    if let (Some((venue, user, name)), true) = (failed, last) {
        let note = format!("Automation “{name}” failed: {error}");
        super::notifications::add(&mut tx, venue, user, NoteKind::Automations, &note, "/studio/automations").await?;
    }
    tx.commit().await?;
    Ok(())
}
