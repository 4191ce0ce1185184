//! Several instances on one database (server only): who is alive, who writes which live reply,
//! and the signals the instances send each other through Postgres (`LISTEN`/`NOTIFY`, nothing
//! to run besides the database).
//!
//! - Each process is an instance: a random id, a name (`CONCIERGE_INSTANCE`, else host:port), a
//!   row in `instances` it beats every [`BEAT`]. Every connection of its pool names it, so the
//!   replies it starts record it as their writer (`store::instances`).
//! - Every [`BEAT`] each instance also looks for dead ones (no beat for
//!   `store::instances::DEAD_AFTER_SECS`) and marks the replies they were writing interrupted,
//!   telling every watcher ([`LiveEvent::Done`], [`LiveEvent::End`]). Start-up marks only what a
//!   previous holder of its own name left.
//! - [`Signal`]s: a live reply's events from its writer (so a browser on any instance follows a
//!   reply written on another), Stop for a reply written elsewhere, and cache evictions
//!   (sessions, a venue's providers). Each carries its sender and a sequence number; a gap (a
//!   notification lost while the listener reconnected) is reported as [`Received::Lost`], and
//!   whoever keeps state from signals re-reads it from the store.
//!
//! Signals travel through Postgres by default, and through a NATS server when one is configured
//! ([`NatsLink`], `CONCIERGE_NATS_URL`): the same envelopes either way, with no notification
//! traffic on the database. Liveness and ownership stay in Postgres in both cases: the store is
//! the truth, the signals only make it quick.
//!
//! A process with no cluster ([`Cluster::solo`], tests and tools) sends and hears nothing.

mod bus;
mod nats;

pub use nats::NatsLink;

use crate::domain::chat::ChatItem;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

/// How often an instance beats and looks for dead ones.
pub const BEAT: Duration = Duration::from_secs(1);

/// What instances tell each other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Signal {
    /// An event of the reply being written in `thread`, from its writer.
    Live { thread: i64, event: LiveEvent },
    /// The person pressed Stop on another instance: the writer stops `thread`'s reply.
    Stop { thread: i64 },
    /// A session ended (logout, revocation): forget it (its token hash, hex).
    Session { hash: String },
    /// A venue's providers changed: read them again.
    Providers { venue: i64 },
}

/// One event of a live reply, as it travels between instances.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "e", rename_all = "snake_case")]
pub enum LiveEvent {
    /// Text of item `item` that starts at byte `at` of its content (so a watcher that has more
    /// or less than `at` bytes knows what to keep, and sees a gap).
    Delta {
        item: i64,
        at: usize,
        text: String,
    },
    Added {
        item: ChatItem,
    },
    Updated {
        item: ChatItem,
    },
    Done {
        item: ChatItem,
    },
    /// An item too large for a notification: read it from the store.
    Stored {
        item: i64,
        kind: StoredKind,
    },
    Error {
        message: String,
    },
    /// Nothing more will come for this reply.
    End,
}

/// Which event a [`LiveEvent::Stored`] stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoredKind {
    Added,
    Updated,
    Done,
}

/// What an instance hears.
#[derive(Clone, Debug, PartialEq)]
pub enum Received {
    /// A signal from instance `from` (this one's own included: each listener decides). Boxed:
    /// every listener gets its own copy of what is heard.
    Signal { from: i64, signal: Box<Signal> },
    /// Signals may have been lost (the listener reconnected, a sender's sequence has a gap, or
    /// this listener fell behind): whatever was kept from signals must be read again.
    Lost,
}

/// This process's place among the instances (see the module doc).
pub struct Cluster {
    /// This instance's id (0 for a process with no cluster).
    pub id: i64,
    /// This instance's name.
    pub name: String,
    out: Option<mpsc::UnboundedSender<bus::Queued>>,
    heard: broadcast::Sender<Received>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("registering this instance failed: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("listening to the other instances failed: {0}")]
    Listen(#[from] sqlx::Error),
    #[error("reaching the other instances through NATS failed: {0}")]
    Nats(String),
}

impl Cluster {
    /// A new instance id (before its pool is made: each connection names it).
    pub fn new_id() -> i64 {
        crate::security::tokens::random_id()
    }

    /// A process alone: it sends and hears nothing, and writes replies with no writer.
    pub fn solo() -> Self {
        let (heard, _) = broadcast::channel(1);
        Self { id: 0, name: String::new(), out: None, heard, tasks: Mutex::new(Vec::new()) }
    }

    /// Joins the instances on `pool`'s database as `id` (whose pool's connections say so, see
    /// `store::instances::connection_setting`) under `name`: registers (marking what the name's
    /// previous holder left unfinished), starts listening, sending, beating and sweeping. Signals
    /// go through `nats` when given, else through Postgres.
    pub async fn join(
        pool: PgPool,
        id: i64,
        name: &str,
        nats: Option<&NatsLink>,
    ) -> Result<std::sync::Arc<Self>, ClusterError> {
        let (heard, _) = broadcast::channel(16_384);
        let (out, queue) = mpsc::unbounded_channel();
        // Listening starts before registering, so nothing announced from then on is missed.
        let (hearing, sending) = match nats {
            None => {
                let listener = bus::listen(&pool).await?;
                (
                    tokio::spawn(bus::hear(listener, bus::Ears::new(heard.clone()))),
                    tokio::spawn(bus::send(pool.clone(), id, queue)),
                )
            }
            Some(link) => {
                let subject = match &link.subject {
                    Some(s) => s.clone(),
                    None => nats::subject_for(&crate::store::instances::database_name(&pool).await?),
                };
                let joined = nats::connect(&link.url, &subject, name).await?;
                tracing::info!(subject, "signals go through NATS");
                (
                    tokio::spawn(nats::hear(joined.client.clone(), joined.subscriber, joined.losses, heard.clone())),
                    tokio::spawn(nats::send(joined.client, subject, id, queue)),
                )
            }
        };
        let cluster = std::sync::Arc::new(Self {
            id,
            name: name.to_string(),
            out: Some(out),
            heard,
            tasks: Mutex::new(vec![hearing, sending]),
        });
        // Beats go on a connection of their own, so that a busy pool never makes a living
        // instance look dead.
        let beats = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(2))
            .connect_with((*pool.connect_options()).clone())
            .await?;
        let (left, twins) = crate::store::instances::register(&beats, id, name).await?;
        if !left.is_empty() {
            tracing::warn!(
                items = left.items.len(),
                name,
                "what this instance's last run left unfinished marked interrupted"
            );
        }
        if twins > 0 {
            tracing::warn!(
                name,
                twins,
                "another running instance has this name (CONCIERGE_INSTANCE): give each its own"
            );
        }
        cluster.announce_interrupted(left);
        let beating = tokio::spawn(beat(beats, std::sync::Arc::downgrade(&cluster)));
        cluster.lock_tasks().push(beating);
        tracing::info!(instance = id, name, "joined the instances on this database");
        Ok(cluster)
    }

    fn lock_tasks(&self) -> std::sync::MutexGuard<'_, Vec<JoinHandle<()>>> {
        self.tasks.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether other instances may be listening (false for a process alone).
    pub fn joined(&self) -> bool {
        self.out.is_some()
    }

    /// Sends `signal` to every instance (this one's listeners hear it too).
    pub fn publish(&self, signal: Signal) {
        if let Some(out) = &self.out {
            let _ = out.send((std::time::Instant::now(), signal));
        }
    }

    /// Calls `heard` with what this instance hears from now on (a listener that falls behind
    /// hears [`Received::Lost`]), in order, until `target` is dropped. Nothing for a process
    /// alone.
    pub fn follow<T: Send + Sync + 'static>(
        &self,
        target: &std::sync::Arc<T>,
        heard: impl Fn(&std::sync::Arc<T>, Received) + Send + 'static,
    ) {
        if !self.joined() {
            return;
        }
        let mut rx = self.heard.subscribe();
        let target = std::sync::Arc::downgrade(target);
        tokio::spawn(async move {
            loop {
                let received = match rx.recv().await {
                    Ok(r) => r,
                    Err(broadcast::error::RecvError::Lagged(_)) => Received::Lost,
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                let Some(target) = target.upgrade() else { return };
                heard(&target, received);
            }
        });
    }

    /// Stops beating, sending and listening at once, as if the process had died (its replies
    /// are then marked by the others). For tests of an instance's death, and shutdown.
    pub fn halt(&self) {
        for task in self.lock_tasks().drain(..) {
            task.abort();
        }
    }

    /// This instance stops cleanly (after its server drained): what it was still writing is
    /// marked interrupted at once and announced, and its row goes, so nobody waits for its beat
    /// to age.
    pub async fn leave(&self, pool: &PgPool) {
        if !self.joined() {
            return;
        }
        match crate::store::instances::leave(pool, self.id).await {
            Ok(marked) => self.announce_interrupted(marked),
            Err(e) => tracing::warn!(error = %e, "leaving the instances failed: the others will notice within seconds"),
        }
        // The sender task passes the news on in its next round trip; give it that long.
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.halt();
    }

    /// Tells every watcher that what a dead instance was writing ended (each item in its final
    /// state, then the end of each thread's turn, those it left between two items included).
    fn announce_interrupted(&self, marked: crate::store::instances::Marked) {
        let mut threads: std::collections::BTreeSet<i64> = marked.between.into_iter().collect();
        for (thread, item) in marked.items {
            threads.insert(thread);
            self.publish(Signal::Live { thread, event: LiveEvent::Done { item } });
        }
        for thread in threads {
            self.publish(Signal::Live { thread, event: LiveEvent::End });
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Every [`BEAT`]: this instance is alive (registering again if another gave it up and removed
/// it), and what dead ones were writing is marked and announced.
async fn beat(pool: PgPool, cluster: std::sync::Weak<Cluster>) {
    let mut tick = tokio::time::interval(BEAT);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(cluster) = cluster.upgrade() else { return };
        match crate::store::instances::beat(&pool, cluster.id).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(instance = cluster.id, "this instance was given up for dead: registering again");
                match crate::store::instances::register(&pool, cluster.id, &cluster.name).await {
                    Ok((left, _)) => cluster.announce_interrupted(left),
                    Err(e) => tracing::warn!(error = %e, "registering again failed"),
                }
            }
            Err(e) => tracing::warn!(error = %e, "heartbeat failed"),
        }
        match crate::store::instances::sweep_dead(&pool, cluster.id).await {
            Ok(marked) if marked.is_empty() => {}
            Ok(marked) => {
                tracing::warn!(
                    replies = marked.items.len(),
                    between = marked.between.len(),
                    "replies of a dead instance marked interrupted"
                );
                cluster.announce_interrupted(marked);
            }
            Err(e) => tracing::warn!(error = %e, "looking for dead instances failed"),
        }
    }
}
