//! The chat engine (server only): sends a turn, runs the model in a server task that does not
//! depend on any browser connection, writes the reply to the store as it streams, and fans its
//! events out to whoever is watching the thread. It is the one door for a turn: the server
//! functions and the SSE route ask it to start a thread, send, stop or replay, and never write a
//! thread's items themselves.
//!
//! Why a server task and an SSE route (and not a streaming server function): the reply must go
//! on when the tab closes, and a reloaded page must pick it up where it is. So generation
//! belongs to the thread, not to a request. The browser sends with an ordinary server function
//! (which stores the message and starts the task), then watches `GET /api/chat/{id}/events`,
//! an axum SSE route that first replays the thread's items after the last one the page has
//! (the one being written with its text so far), then follows the live deltas until `done`.
//!
//! Nothing is lost between the replay and the live part: a live reply keeps its text and its
//! broadcast channel under one lock, so a subscriber gets a snapshot and exactly the deltas
//! after it. A subscriber that falls behind the channel gets a fresh snapshot
//! (`thread.item.updated`) instead of a gap.
//!
//! The tour, one file per part:
//!
//! - `hub.rs`: the engine ([`Hub`]) and its registry of live replies, one per thread.
//! - `live.rs`: one live reply: its text so far and the fan-out of its events (to watchers
//!   here, and to the other instances).
//! - `mirror.rs`: a reply another instance writes, followed here from its signals.
//! - `threads.rs`: what the API asks of a thread: start it, send, open, switch version, stop,
//!   delete.
//! - `models.rs`: which model a turn uses, and the venue's providers (cached).
//! - `turn.rs`: a turn's task and its tool loop: stream the model, run its tool calls, stream
//!   again, save the text every [`Hub::flush_every`].
//! - `tools.rs`: one step's tool calls: stored, run together, or proposed for approval.
//! - `files.rs`: the files attached to messages, as a turn hands them to the model.
//! - `route.rs`: on the small embedded model, requests the person's documents answer go straight
//!   to the document search.
//! - `external.rs`: turns asked for through the API, and following one to its answer.
//! - `direct.rs`: tool calls asked for without a model (MCP clients), actions waiting in a thread.
//! - `approvals.rs`: a person's decision on a proposed action, and the turn's continuation.
//! - `title.rs`: naming a thread after its first exchange.
//! - `replay.rs`: what a watcher gets: the stored items after the page's last, then the live
//!   events.

mod acts;
mod approvals;
mod direct;
mod ending;
mod external;
mod files;
mod hub;
mod live;
/// Replies another instance writes, followed here.
mod mirror;
mod models;
mod prompt;
/// The messaging tool a request to pass something on means (`route` prefers it).
mod recipient;
/// The tool a change to a listed service or element means (`route` prefers it).
mod record;
mod replay;
pub mod replies;
/// Routing for the small embedded model: requests the documents answer go to the document search.
pub mod route;
mod threads;
mod title;
mod tools;
mod turn;

pub use crate::store::chat::Turn;
pub use direct::{key_tools, DirectOutcome, ThroughKey};
pub use external::{Awaiting, ExternalTurn, Piece, RawCompletion, TurnFollower};
pub use hub::Hub;
pub use replay::Replay;

use crate::store::StoreError;

/// Model calls in one turn at most (each may call tools): a model that keeps calling tools is
/// stopped with an error instead of looping.
pub const MAX_STEPS: usize = 6;

/// The most text one reply keeps, whatever a provider sends (a provider may ignore `max_tokens`
/// or stream forever): past it the reply stops, with what it had and a note that it was cut.
pub const MAX_REPLY_BYTES: usize = 256 * 1024;

/// Bytes of text per requested token before our own limit stops a reply: a token is about 4
/// characters of English, so a provider that keeps going past 4× its `max_tokens` is not
/// honouring it.
pub const BYTES_PER_TOKEN_LIMIT: usize = 16;

/// Tool calls one model step may make; more are not run (the model is told).
pub const MAX_CALLS_PER_STEP: usize = 16;

/// Stores one model call's token usage, and counts it for `/metrics`
/// (`concierge_llm_tokens_total{model, kind}`).
async fn record_usage(pool: &sqlx::PgPool, record: &crate::store::chat::UsageRecord<'_>) -> Result<(), StoreError> {
    let model = record.model.to_string();
    metrics::counter!("concierge_llm_tokens_total", "model" => model.clone(), "kind" => "prompt")
        .increment(record.prompt_tokens.max(0) as u64);
    metrics::counter!("concierge_llm_tokens_total", "model" => model, "kind" => "completion")
        .increment(record.completion_tokens.max(0) as u64);
    crate::store::chat::record_usage(pool, record).await
}

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no model is configured: run `make setup` for the embedded model, or set a hosted provider")]
    NoModel,
    #[error("model {0:?} is not available")]
    UnknownModel(String),
}
