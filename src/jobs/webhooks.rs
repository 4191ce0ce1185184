//! Sends one webhook delivery (a `webhook` job): the stored body, signed now, POSTed to the
//! endpoint through the outbound guard; the attempt is logged on the delivery.
//!
//! A 2xx answer delivers it. Anything else (another status, a timeout, a refused connection) is
//! logged and the job fails, so the queue tries it again after its back-off (1, 4, 9, 16 minutes:
//! five attempts over about half an hour); after the last, the delivery is `failed` and an owner
//! can replay it. A delivery whose endpoint was removed is dropped; one whose endpoint is paused,
//! or now points somewhere the guard refuses, fails at once.

use super::JobError;
use crate::domain::webhooks::{
    DeliveryStatus, HEADER_DELIVERY, HEADER_EVENT, HEADER_SIGNATURE, HEADER_TIMESTAMP, PING,
};
use crate::security::outbound::OutboundPolicy;
use crate::store::jobs::{self, Job};
use crate::store::webhooks::{self as store, Attempt};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The HTTP client of deliveries: the outbound guard vets every address it connects to, and it
/// follows no redirects (a redirect could lead anywhere; a receiver must answer at its URL).
#[derive(Clone)]
pub struct Sender {
    http: reqwest::Client,
    policy: Arc<OutboundPolicy>,
}

impl Sender {
    pub fn new(policy: OutboundPolicy) -> Self {
        let http = crate::security::outbound::client_builder(policy.clone())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .user_agent(concat!("concierge-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Self { http, policy: Arc::new(policy) }
    }
}

/// What became of a delivery job.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver answered 2xx (its status).
    Delivered(u16),
    /// The endpoint was removed: nothing to send.
    Gone,
    /// Not sent and not to be tried again (paused endpoint, address refused).
    Dropped,
}

/// Sends the delivery of `job`.
#[tracing::instrument(name = "webhook_delivery", skip_all, fields(job = job.id, delivery))]
pub async fn run(pool: &PgPool, sender: &Sender, job: &Job) -> Result<Outcome, JobError> {
    let delivery_id = job.payload.0.get("delivery_id").and_then(|v| v.as_i64()).unwrap_or_default();
    tracing::Span::current().record("delivery", delivery_id);
    let Some(out) = store::outgoing(pool, delivery_id).await? else {
        let mut tx = pool.begin().await.map_err(crate::store::StoreError::from)?;
        jobs::finish(&mut tx, job.id).await?;
        tx.commit().await.map_err(crate::store::StoreError::from)?;
        return Ok(Outcome::Gone);
    };
    let refused = if !out.active && out.event != PING {
        Some("The endpoint is paused.".to_string())
    } else {
        sender.policy.check_literal(&out.url).err().map(|e| e.to_string())
    };
    if let Some(reason) = refused {
        let attempt = Attempt { code: None, error: &reason, duration_ms: 0, status: DeliveryStatus::Failed };
        finish(pool, job, delivery_id, &attempt).await?;
        return Ok(Outcome::Dropped);
    }
    let body = serde_json::to_vec(&out.body.0).unwrap_or_default();
    let timestamp = chrono::Utc::now().timestamp();
    let signature = crate::security::signing::webhook_signature(&out.secret, timestamp, &body);
    let started = Instant::now();
    let sent = sender
        .http
        .post(&out.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(HEADER_EVENT, &out.event)
        .header(HEADER_DELIVERY, &out.event_id)
        .header(HEADER_TIMESTAMP, timestamp.to_string())
        .header(HEADER_SIGNATURE, signature)
        .body(body)
        .send()
        .await;
    let duration_ms = started.elapsed().as_millis() as u64;
    let (code, error) = match sent {
        Ok(res) if res.status().is_success() => {
            let code = res.status().as_u16();
            let attempt = Attempt { code: Some(code), error: "", duration_ms, status: DeliveryStatus::Delivered };
            finish(pool, job, delivery_id, &attempt).await?;
            return Ok(Outcome::Delivered(code));
        }
        Ok(res) => {
            let code = res.status().as_u16();
            let why = if res.status().is_redirection() {
                format!("The receiver answered {code}, a redirect; deliveries follow none.")
            } else {
                format!("The receiver answered {code}.")
            };
            (Some(code), why)
        }
        Err(e) => (None, describe(&e)),
    };
    let last = job.attempts >= job.max_attempts;
    let status = if last { DeliveryStatus::Failed } else { DeliveryStatus::Retrying };
    let attempt = Attempt { code, error: &error, duration_ms, status };
    let mut conn = pool.acquire().await.map_err(crate::store::StoreError::from)?;
    store::record(&mut conn, delivery_id, &attempt).await?;
    Err(JobError::Webhook(error))
}

/// Logs the attempt and marks the job done, together.
async fn finish(pool: &PgPool, job: &Job, delivery_id: i64, attempt: &Attempt<'_>) -> Result<(), JobError> {
    let mut tx = pool.begin().await.map_err(crate::store::StoreError::from)?;
    store::record(&mut tx, delivery_id, attempt).await?;
    jobs::finish(&mut tx, job.id).await?;
    tx.commit().await.map_err(crate::store::StoreError::from)?;
    Ok(())
}

/// Why a request got no answer, in words for the delivery log (never the whole error chain, which
/// may carry addresses the guard resolved).
fn describe(e: &reqwest::Error) -> String {
    if let Some(refused) = crate::security::outbound::refusal(e) {
        return refused.to_string();
    }
    if e.is_timeout() {
        format!("No answer within {} seconds.", TIMEOUT.as_secs())
    } else if e.is_connect() {
        "Could not connect to the receiver.".to_string()
    } else {
        "The request failed before an answer came.".to_string()
    }
}
