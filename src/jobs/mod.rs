//! The background worker (server only): claims due jobs from the Postgres queue
//! (`store::jobs`) and runs each by its kind: appointment reminders, document indexing, webhook
//! deliveries, studio orders, automations' runs, notes by email; fires the automations whose time came; and,
//! hourly, deletes chat uploads that were never sent.
//! It wakes every few seconds, at once when a job is queued in this process
//! ([`crate::knowledge::Knowledge::wake`]), and when any process queues one (`store::jobs::enqueue`
//! notifies the `concierge_jobs` channel, which the worker listens to).

/// Notes by email.
pub mod email;
/// Webhook deliveries: signed, sent, logged.
pub mod webhooks;

use crate::domain::knowledge::DocStatus;
use crate::knowledge::{self, Knowledge};
use crate::scheduling::reminders;
use crate::security::outbound::OutboundPolicy;
use crate::store::jobs::{self, Job};
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use std::sync::Arc;

/// How long a claimed job is held before another worker may take it over.
const LEASE_MINUTES: i64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("no handler for job kind {0:?}")]
    UnknownKind(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Knowledge(#[from] knowledge::KnowledgeError),
    /// A webhook's receiver did not take a delivery (tried again later).
    #[error("{0}")]
    Webhook(String),
    #[error(transparent)]
    Studio(#[from] crate::studio::StudioError),
    /// A studio order came to a worker that has no models (a runner built without them).
    #[error("this worker cannot produce deliverables (no models)")]
    NoModels,
    #[error(transparent)]
    Automation(#[from] crate::studio::automations::AutomationError),
    /// An automation's run came to a worker that has no chat engine.
    #[error("this worker cannot run automations (no agents)")]
    NoAgents,
    /// A note to email came to a worker that has no mailer.
    #[error("this worker cannot send mail")]
    NoMail,
}

/// What jobs run with: the knowledge base (indexing), the client that sends webhooks, the
/// venues' models (the studio's deliverables) and the chat engine's agents (automations' runs).
#[derive(Clone)]
pub struct Runner {
    pub knowledge: Arc<Knowledge>,
    pub webhooks: webhooks::Sender,
    pub models: Option<Arc<dyn crate::studio::Models>>,
    pub agents: Option<Arc<dyn crate::studio::automations::Agents>>,
    /// The server's mail, and its public address (for the links in notes sent by email).
    pub mail: Option<(Arc<dyn email::Mail>, String)>,
}

impl Runner {
    /// `outbound`: the operator's private hosts webhooks may reach (`CONCIERGE_OUTBOUND_ALLOW`).
    pub fn new(knowledge: Arc<Knowledge>, outbound: OutboundPolicy) -> Self {
        Self { knowledge, webhooks: webhooks::Sender::new(outbound), models: None, agents: None, mail: None }
    }

    /// The runner, producing the studio's deliverables with `models`.
    pub fn with_models(mut self, models: Arc<dyn crate::studio::Models>) -> Self {
        self.models = Some(models);
        self
    }

    /// The runner, emailing notes through `mail` with links to `public_url`.
    pub fn with_mail(mut self, mail: Arc<dyn email::Mail>, public_url: &str) -> Self {
        self.mail = Some((mail, public_url.to_string()));
        self
    }

    /// The runner, running automations' agent turns with `agents`.
    pub fn with_agents(mut self, agents: Arc<dyn crate::studio::automations::Agents>) -> Self {
        self.agents = Some(agents);
        self
    }
}

/// How long a failed job waits before its next attempt: a studio order, which a person is
/// waiting for, 10 s then 20 s; an automation's run 30 s then 60 s; other jobs 1, 4, 9… minutes.
fn backoff(job: &Job) -> Duration {
    match job.kind.as_str() {
        crate::store::studio::JOB => crate::studio::backoff(job.attempts),
        crate::store::automations::JOB => crate::studio::automations::backoff(job.attempts),
        _ => Duration::minutes(i64::from(job.attempts).pow(2)),
    }
}

/// Runs every job due at `now` until none is left; returns how many ran. A failure is recorded
/// on the job (tried again after a back-off) and logged. The clock moves on from `now` as the
/// jobs take time, so that a job queued while a long one ran (a chat's attachment behind a batch
/// of documents) is claimed in this round, not the next.
pub async fn run_due(pool: &PgPool, r: &Runner, now: DateTime<Utc>) -> Result<usize, JobError> {
    run_due_in(pool, r, now, Lane::All).await
}

/// The kinds that can take minutes (a specialist writing, an agent's turn): they have a worker
/// loop of their own, so that reminders, indexing, emails and webhooks never wait behind them.
pub const LONG_KINDS: &[&str] = &[crate::store::studio::JOB, crate::store::automations::JOB];

/// Which jobs a worker loop runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    All,
    /// [`LONG_KINDS`] only.
    Long,
    /// Everything else.
    Short,
}

impl Lane {
    fn kinds(self) -> jobs::Kinds<'static> {
        match self {
            Lane::All => jobs::Kinds::All,
            Lane::Long => jobs::Kinds::Only(LONG_KINDS),
            Lane::Short => jobs::Kinds::Except(LONG_KINDS),
        }
    }
}

/// [`run_due`] for the jobs of one lane.
pub async fn run_due_in(pool: &PgPool, r: &Runner, now: DateTime<Utc>, lane: Lane) -> Result<usize, JobError> {
    let mut ran = 0;
    let started = std::time::Instant::now();
    loop {
        let now = now + Duration::from_std(started.elapsed()).unwrap_or_default();
        let Some(job) = jobs::claim_of(pool, now, Duration::minutes(LEASE_MINUTES), lane.kinds()).await? else { break };
        ran += 1;
        if let Err(e) = run_one(pool, r, &job, now).await {
            tracing::warn!(job = job.id, kind = job.kind, attempt = job.attempts, error = %e, "job failed");
            let permanent = matches!(&e, JobError::Automation(a) if a.is_permanent());
            if permanent {
                jobs::give_up(pool, &job, &e.to_string()).await?;
            } else {
                jobs::fail(pool, &job, &e.to_string(), now, backoff(&job)).await?;
            }
            if job.kind == knowledge::INDEX_JOB {
                index_failed(pool, &job, &e).await;
            }
            if let JobError::Studio(studio) = &e {
                crate::studio::failed(pool, &job, studio).await;
            } else if job.kind == crate::store::studio::JOB {
                crate::studio::failed(pool, &job, &crate::studio::StudioError::Model(e.to_string())).await;
            }
            if let JobError::Automation(a) = &e {
                crate::studio::automations::failed(pool, &job, a, permanent).await;
            } else if job.kind == crate::store::automations::JOB {
                let other = crate::studio::automations::AutomationError::Agent(e.to_string());
                crate::studio::automations::failed(pool, &job, &other, false).await;
            }
        }
    }
    Ok(ran)
}

async fn run_one(pool: &PgPool, r: &Runner, job: &Job, now: DateTime<Utc>) -> Result<(), JobError> {
    match job.kind.as_str() {
        reminders::KIND => {
            let outcome = reminders::run(pool, job, now).await?;
            tracing::info!(job = job.id, ?outcome, "reminder job");
        }
        knowledge::INDEX_JOB => {
            let outcome = knowledge::index::run(pool, &r.knowledge, job).await?;
            tracing::info!(job = job.id, ?outcome, "indexing job");
        }
        crate::store::studio::JOB => {
            let models = r.models.as_deref().ok_or(JobError::NoModels)?;
            let outcome = crate::studio::run(pool, models, job).await?;
            tracing::info!(job = job.id, ?outcome, "studio job");
        }
        crate::store::automations::JOB => {
            let agents = r.agents.as_deref().ok_or(JobError::NoAgents)?;
            let outcome = crate::studio::automations::run(pool, agents, job).await?;
            tracing::info!(job = job.id, ?outcome, "automation job");
        }
        crate::store::notifications::EMAIL_JOB => {
            let (mail, url) = r.mail.as_ref().ok_or(JobError::NoMail)?;
            let outcome = email::run(pool, mail.as_ref(), url, job).await?;
            tracing::info!(job = job.id, ?outcome, "notification email job");
        }
        crate::store::webhooks::JOB => {
            let outcome = webhooks::run(pool, &r.webhooks, job).await?;
            tracing::info!(job = job.id, ?outcome, "webhook job");
        }
        other => return Err(JobError::UnknownKind(other.to_string())),
    }
    Ok(())
}

/// An indexing job that failed on the server's side (not the file's): the document says it will
/// be tried again, or, after the last attempt, that it failed (a person can press Retry).
async fn index_failed(pool: &PgPool, job: &Job, e: &JobError) {
    let (Some(id), Some(version)) = (
        job.payload.0.get("document_id").and_then(|v| v.as_i64()),
        job.payload.0.get("version").and_then(|v| v.as_i64()),
    ) else {
        return;
    };
    let last = job.attempts >= job.max_attempts;
    let (status, note) = if last {
        (DocStatus::Failed, format!("Indexing failed: {e}"))
    } else {
        (DocStatus::Queued, format!("Indexing failed and will be tried again: {e}"))
    };
    if let Err(e) = crate::store::knowledge::set_status(pool, id, version as i32, status, Some(&note)).await {
        tracing::warn!(error = %e, document = id, "document status not updated");
    }
}

/// The channel `store::jobs::enqueue` notifies.
const CHANNEL: &str = "concierge_jobs";

/// The worker: two loops, one for the [`LONG_KINDS`] and one for the rest, each running its due
/// jobs every `every`, whenever woken in this process, and whenever any process queues a job, for
/// as long as the server runs. Jobs left by a stopped server are picked up on the next start.
pub fn spawn_worker(pool: PgPool, r: Arc<Runner>, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    let long = tokio::spawn(worker_loop(pool.clone(), r.clone(), every, Lane::Long));
    tokio::spawn(async move {
        worker_loop(pool, r, every, Lane::Short).await;
        long.abort();
    })
}

async fn worker_loop(pool: PgPool, r: Arc<Runner>, every: std::time::Duration, lane: Lane) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut listener = listen(&pool).await;
    let mut swept: Option<DateTime<Utc>> = None;
    loop {
        let mut lost = false;
        tokio::select! {
            _ = tick.tick() => {}
            // A wake reaches one loop; a queued job also notifies both (through Postgres).
            _ = r.knowledge.wake.notified() => {}
            woke = next_notification(&mut listener) => lost = !woke,
        }
        // The connection broke: listen again (failing that, the tick still runs every job).
        if lost {
            listener = listen(&pool).await;
        }
        let now = Utc::now();
        if lane == Lane::Short {
            // Automations whose time came (schedules, days before an event) queue their runs.
            if let Err(e) = crate::studio::automations::sweep(&pool, now).await {
                tracing::warn!(error = %e, "automations sweep");
            }
        }
        if let Err(e) = run_due_in(&pool, &r, now, lane).await {
            tracing::warn!(error = %e, ?lane, "job worker");
        }
        // Hourly: chat uploads never sent with a message (every instance may; a delete is
        // idempotent).
        if lane == Lane::Short && swept.is_none_or(|at| now - at > Duration::hours(1)) {
            swept = Some(now);
            match knowledge::sweep_unsent(&pool, &r.knowledge, now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "unsent chat attachments swept"),
                Err(e) => tracing::warn!(error = %e, "sweeping unsent attachments"),
            }
        }
    }
}

async fn listen(pool: &PgPool) -> Option<sqlx::postgres::PgListener> {
    let attempt = async {
        let mut l = sqlx::postgres::PgListener::connect_with(pool).await?;
        l.listen(CHANNEL).await?;
        Ok::<_, sqlx::Error>(l)
    };
    match attempt.await {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::warn!(error = %e, "job worker: not listening for jobs queued elsewhere; polling only");
            None
        }
    }
}

/// Waits for a notification; false when the listener failed. Without a listener it never returns.
async fn next_notification(listener: &mut Option<sqlx::postgres::PgListener>) -> bool {
    match listener {
        Some(l) => match l.recv().await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(error = %e, "job worker: listening for jobs failed");
                false
            }
        },
        None => std::future::pending().await,
    }
}
