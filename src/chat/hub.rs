//! The engine ([`Hub`]): the model registry, the store, and the live replies, at most one per
//! thread, kept a little after they end for late watchers.

use super::live::Live;
use super::turn::ReplyTask;
use crate::llm::catalog::HostedConfig;
use crate::llm::Llm;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a finished reply stays in memory for late watchers.
const GRACE: Duration = Duration::from_secs(30);

/// The engine: the model registry, the live replies, and the store.
pub struct Hub {
    pub(super) pool: PgPool,
    pub(super) llm: Arc<Llm>,
    live: Mutex<HashMap<i64, Arc<Live>>>,
    /// Each venue's own providers, read at most every `CATALOG_TTL` (changes evict at once).
    pub(super) venue_providers: Mutex<HashMap<i64, (std::time::Instant, Vec<HostedConfig>)>>,
    /// How often streamed text is written to the store (and then shown: see `turn.rs`).
    pub flush_every: Duration,
    /// The knowledge base, for the document-search tool.
    pub(super) knowledge: Arc<crate::knowledge::Knowledge>,
    /// The outside tools' client (the venue's MCP servers).
    pub(super) outside: Arc<crate::agent::remote::Outside>,
    /// The other instances on the database (`cluster`): replies written here are announced to
    /// them; replies written there are followed here (`mirror.rs`).
    pub(super) cluster: Arc<crate::cluster::Cluster>,
    /// Threads whose reply another instance writes, being mirrored here: signals heard while the
    /// mirror is read from the store wait here (`mirror.rs`).
    pub(super) pending: Mutex<HashMap<i64, super::mirror::Held>>,
}

impl Hub {
    /// The engine on `pool` (for a joined cluster, the instance's own pool), alone or among
    /// other instances (`cluster`; [`Hub::follow_cluster`] starts following them).
    pub fn new(
        pool: PgPool,
        llm: Arc<Llm>,
        knowledge: Arc<crate::knowledge::Knowledge>,
        cluster: Arc<crate::cluster::Cluster>,
    ) -> Self {
        let outside = Arc::new(crate::agent::remote::Outside::new(llm.outbound().clone()));
        Self {
            pool,
            llm,
            knowledge,
            outside,
            cluster,
            pending: Mutex::new(HashMap::new()),
            live: Mutex::new(HashMap::new()),
            venue_providers: Mutex::new(HashMap::new()),
            flush_every: Duration::from_millis(100),
        }
    }

    /// The outside tools' client (listing a server's tools on the settings page).
    pub fn outside(&self) -> &crate::agent::remote::Outside {
        &self.outside
    }

    /// Whether a reply is being written in the thread right now.
    pub(super) fn writing(&self, thread_id: i64) -> bool {
        self.live(thread_id).is_some_and(|l| l.writing())
    }

    /// How many replies this process is writing right now (the metrics' live replies).
    pub fn live_count(&self) -> usize {
        self.lives().values().filter(|l| !l.remote && l.writing()).count()
    }

    /// How many replies `user_id`'s turns are writing right now in this process (the cap on a
    /// person's live replies: `state::limits`).
    pub fn live_replies(&self, user_id: i64) -> usize {
        self.lives().values().filter(|l| !l.remote && l.owner == user_id && l.writing()).count()
    }

    /// Drops what is kept in memory for a thread (it was deleted).
    pub(super) fn forget(&self, thread_id: i64) {
        self.lives().remove(&thread_id);
    }

    pub(super) fn lives(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Live>>> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn live(&self, thread_id: i64) -> Option<Arc<Live>> {
        self.lives().get(&thread_id).cloned()
    }

    /// Asks the reply being written in the thread to stop. Returns whether one was running.
    /// A reply another instance writes is asked to stop there ([`Hub::stop`] has checked that
    /// the person may).
    pub(super) fn stop_writing(&self, thread_id: i64) -> bool {
        match self.live(thread_id).filter(|l| l.writing()) {
            Some(live) if live.remote => {
                self.cluster.publish(crate::cluster::Signal::Stop { thread: thread_id });
                true
            }
            Some(live) => {
                live.stop.notify_one();
                true
            }
            None => false,
        }
    }

    /// Registers the turn's live reply (replacing the thread's last) and writes it in a task of
    /// its own.
    pub(super) fn start(self: &Arc<Self>, job: ReplyTask) {
        let live = Arc::new(Live::new(job.reply.clone(), job.actor.user_id, &self.cluster, job.thread_id));
        self.lives().insert(job.thread_id, live.clone());
        let hub = self.clone();
        // The turn's span: model requests and tool calls made while writing the reply are its children.
        let span = tracing::info_span!(
            "turn",
            thread_id = job.thread_id,
            reply_id = job.reply.id,
            user_id = job.actor.user_id,
            venue_id = job.actor.venue_id,
            agent = %job.agent.as_str(),
            model = %job.model.info.id,
        );
        tokio::spawn(tracing::Instrument::instrument(async move { hub.generate(job, live).await }, span));
    }

    /// Keeps a finished reply for late watchers for [`GRACE`], then drops it (unless a later
    /// turn of the thread replaced it meanwhile).
    pub(super) async fn retire(&self, thread_id: i64, live: &Arc<Live>) {
        tokio::time::sleep(GRACE).await;
        let mut lives = self.lives();
        if lives.get(&thread_id).is_some_and(|l| Arc::ptr_eq(l, live)) {
            lives.remove(&thread_id);
        }
    }
}
