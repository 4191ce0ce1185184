//! A reply's end, written so that it can outlive the turn: stored with its usage, and retried in
//! the background while the database does not answer.

use crate::domain::chat::{ChatItem, ItemStatus};
use crate::llm::Usage;
use crate::store::chat::{self as store, Finish, UsageRecord};
use serde_json::Value;
use std::time::Duration;

/// How a reply ended, owned, so that its write can outlive the turn (see [`keep_ending`]).
pub(super) struct Ending {
    pub(super) item_id: i64,
    pub(super) status: ItemStatus,
    pub(super) content: String,
    pub(super) error: Option<String>,
    pub(super) usage: Usage,
    pub(super) data: Option<Value>,
    pub(super) venue_id: i64,
    pub(super) user_id: i64,
    pub(super) thread_id: i64,
    pub(super) model: String,
    /// The turn goes on after this reply (its tool calls come next).
    pub(super) more: bool,
}

impl Ending {
    /// Writes the reply's end, then its usage (a usage row that fails is logged, not retried:
    /// the reply matters more than the count). Safe to repeat.
    pub(super) async fn write(&self, pool: &sqlx::PgPool) -> Result<ChatItem, crate::store::StoreError> {
        let finish = Finish {
            item_id: self.item_id,
            status: self.status,
            content: &self.content,
            error: self.error.as_deref(),
            prompt_tokens: Some(self.usage.prompt_tokens as i32),
            completion_tokens: Some(self.usage.completion_tokens as i32),
            data: self.data.as_ref(),
            more: self.more,
        };
        let item = store::finish(pool, &finish).await?;
        let record = UsageRecord {
            venue_id: self.venue_id,
            user_id: self.user_id,
            thread_id: Some(self.thread_id),
            item_id: Some(self.item_id),
            purpose: "reply",
            model: &self.model,
            prompt_tokens: self.usage.prompt_tokens as i32,
            completion_tokens: self.usage.completion_tokens as i32,
        };
        if let Err(e) = super::record_usage(pool, &record).await {
            tracing::error!(error = %e, "usage not recorded");
        }
        Ok(item)
    }
}

/// How long a reply's end is retried in the background before the restart's clean-up
/// (`store::chat::interrupt_orphans`) is left to deal with it.
const ENDING_PATIENCE: Duration = Duration::from_secs(3600);

/// Retries a reply's end until the database takes it: every 0.5 s at first, then at most every
/// 5 s, so the thread takes messages again within seconds of the database coming back.
pub(super) async fn keep_ending(pool: sqlx::PgPool, mut ending: Ending) {
    // The turn went on meanwhile (or ended): a late write must not mark the thread as between
    // two items of it.
    ending.more = false;
    let started = std::time::Instant::now();
    let mut pause = Duration::from_millis(500);
    while started.elapsed() < ENDING_PATIENCE {
        tokio::time::sleep(pause).await;
        match ending.write(&pool).await {
            Ok(_) => {
                tracing::info!(
                    item = ending.item_id,
                    waited_ms = started.elapsed().as_millis() as u64,
                    "reply saved after retrying"
                );
                return;
            }
            Err(crate::store::StoreError::Conflict(why)) => {
                tracing::warn!(item = ending.item_id, why, "the reply was ended elsewhere meanwhile: left as stored");
                return;
            }
            Err(e) => tracing::warn!(error = %e, item = ending.item_id, "saving a reply failed again; retrying"),
        }
        pause = (pause * 2).min(Duration::from_secs(5));
    }
    tracing::error!(item = ending.item_id, "reply not saved; the restart marks it interrupted");
}
