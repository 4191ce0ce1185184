//! The background worker (server only): claims due jobs from the Postgres queue
//! (`store::jobs`) and runs each by its kind: appointment reminders, document indexing; and,
//! hourly, deletes chat uploads that were never sent.
//! It wakes every few seconds, and at once when a job is queued in this process
//! ([`crate::knowledge::Knowledge::wake`]); jobs queued by another process wait for the tick.

use crate::domain::knowledge::DocStatus;
use crate::knowledge::{self, Knowledge};
use crate::scheduling::reminders;
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
}

/// Runs every job due at `now` until none is left; returns how many ran. A failure is recorded
/// on the job (tried again after a back-off) and logged.
pub async fn run_due(pool: &PgPool, k: &Knowledge, now: DateTime<Utc>) -> Result<usize, JobError> {
    let mut ran = 0;
    while let Some(job) = jobs::claim(pool, now, Duration::minutes(LEASE_MINUTES)).await? {
        ran += 1;
        if let Err(e) = run_one(pool, k, &job, now).await {
            tracing::warn!(job = job.id, kind = job.kind, attempt = job.attempts, error = %e, "job failed");
            jobs::fail(pool, &job, &e.to_string(), now).await?;
            if job.kind == knowledge::INDEX_JOB {
                index_failed(pool, &job, &e).await;
            }
        }
    }
    Ok(ran)
}

async fn run_one(pool: &PgPool, k: &Knowledge, job: &Job, now: DateTime<Utc>) -> Result<(), JobError> {
    match job.kind.as_str() {
        reminders::KIND => {
            let outcome = reminders::run(pool, job, now).await?;
            tracing::info!(job = job.id, ?outcome, "reminder job");
        }
        knowledge::INDEX_JOB => {
            let outcome = knowledge::index::run(pool, k, job).await?;
            tracing::info!(job = job.id, ?outcome, "indexing job");
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

/// The worker: runs due jobs every `every` and whenever woken, for as long as the server runs.
/// Jobs left by a stopped server are picked up on the next start.
pub fn spawn_worker(pool: PgPool, k: Arc<Knowledge>, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut swept: Option<DateTime<Utc>> = None;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = k.wake.notified() => {}
            }
            let now = Utc::now();
            if let Err(e) = run_due(&pool, &k, now).await {
                tracing::warn!(error = %e, "job worker");
            }
            // Hourly: chat uploads never sent with a message (every instance may; a delete is
            // idempotent).
            if swept.is_none_or(|at| now - at > Duration::hours(1)) {
                swept = Some(now);
                match knowledge::sweep_unsent(&pool, &k, now).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(deleted = n, "unsent chat attachments swept"),
                    Err(e) => tracing::warn!(error = %e, "sweeping unsent attachments"),
                }
            }
        }
    })
}
