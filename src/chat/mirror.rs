//! Replies another instance writes, followed here: a watcher on this instance of a thread whose
//! reply is written elsewhere gets a mirror of it ([`Live::mirror`]), made from the store and
//! kept up to date by the writer's signals (`cluster`), so the replay (`replay.rs`) serves it
//! exactly as a reply written here.
//!
//! Nothing is lost between the store and the signals: the thread's signals are held back from
//! before the store is read until the mirror exists, and each delta says at which byte of the
//! text it starts, so what the store already had is skipped and a gap is seen. A gap, or a
//! report that signals were lost, makes the mirror catch up from the store (which the writer
//! updates every `flush_every`).

use super::live::{Applied, Live};
use super::Hub;
use crate::cluster::{LiveEvent, Received, Signal, StoredKind};
use crate::domain::chat::ItemStatus;
use crate::store::instances;
use crate::store::StoreError;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// Signals of a thread held while its mirror is being made.
#[derive(Default)]
pub(super) struct Held {
    events: Vec<LiveEvent>,
    /// Signals may have been lost meanwhile: the new mirror catches up from the store.
    lost: bool,
    /// Watchers making the mirror now (the last one to give up removes the entry).
    waiters: usize,
}

/// A mirror that hears nothing for this long reads the store (a writer that died with its end
/// announcement lost, a signal dropped while the database was away).
const WATCHDOG: Duration = Duration::from_secs(3);

/// How long a mirror behind the signals keeps reading the store before it takes what is there.
const CATCH_UP_TRIES: u32 = 40;
const CATCH_UP_EVERY: Duration = Duration::from_millis(100);

impl Hub {
    /// Starts following the other instances: their replies' signals reach this instance's
    /// mirrors, Stop reaches the replies written here, a venue's providers are read again when
    /// they change. Ends when the engine is dropped.
    pub fn follow_cluster(self: &Arc<Self>) {
        self.cluster.follow(self, |hub, received| hub.heard(received));
    }

    fn heard(self: &Arc<Self>, received: Received) {
        let (from, signal) = match received {
            Received::Signal { from, signal } => (from, *signal),
            Received::Lost => {
                self.venue_providers.lock().unwrap_or_else(|p| p.into_inner()).clear();
                for held in self.pending.lock().unwrap_or_else(|p| p.into_inner()).values_mut() {
                    held.lost = true;
                }
                let mirrors: Vec<(i64, Arc<Live>)> =
                    self.lives().iter().filter(|(_, l)| l.remote).map(|(t, l)| (*t, l.clone())).collect();
                for (thread, live) in mirrors {
                    self.spawn_catch_up(thread, live, true);
                }
                return;
            }
        };
        let mine = from == self.cluster.id;
        match signal {
            Signal::Live { thread, event } => self.mirror_event(thread, event),
            Signal::Stop { thread } if !mine => {
                if let Some(live) = self.live(thread).filter(|l| !l.remote && l.writing()) {
                    live.stop.notify_one();
                }
            }
            Signal::Providers { venue } if !mine => self.forget_providers(venue),
            _ => {}
        }
    }

    /// One signal of a reply written elsewhere: to its mirror here, or held for the mirror being
    /// made; ignored when nobody here follows the thread.
    fn mirror_event(self: &Arc<Self>, thread: i64, event: LiveEvent) {
        let mirror = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(held) = pending.get_mut(&thread) {
                held.events.push(event);
                return;
            }
            self.live(thread).filter(|l| l.remote)
        };
        if let Some(live) = mirror {
            self.follow(thread, &live, event);
        }
    }

    fn follow(self: &Arc<Self>, thread: i64, live: &Arc<Live>, event: LiveEvent) {
        let ended = event == LiveEvent::End;
        match live.apply(event) {
            Applied::Kept => {}
            Applied::Behind => self.spawn_catch_up(thread, live.clone(), false),
            Applied::Fetch(item, kind) => {
                let (hub, live) = (self.clone(), live.clone());
                tokio::spawn(async move {
                    match instances::item(&hub.pool, item).await {
                        Ok(item) => live.fetched(Some(match kind {
                            StoredKind::Added => LiveEvent::Added { item },
                            StoredKind::Updated => LiveEvent::Updated { item },
                            StoredKind::Done => LiveEvent::Done { item },
                        })),
                        Err(e) => {
                            tracing::warn!(error = %e, item, "a mirrored item could not be read");
                            live.fetched(None);
                        }
                    }
                });
            }
        }
        if ended {
            let (hub, live) = (Arc::downgrade(self), live.clone());
            tokio::spawn(async move { retire_mirror(hub, thread, live).await });
        }
    }

    /// A mirror catches up from the store: the thread's reply as stored now (or the next reply
    /// of its turn), read again until the store holds all the signals said. `lost`: signals may
    /// have been missed altogether, so a reply the store shows ended is ended here too.
    fn spawn_catch_up(self: &Arc<Self>, thread: i64, live: Arc<Live>, lost: bool) {
        let hub = Arc::downgrade(self);
        tokio::spawn(async move {
            catch_up(hub, thread, &live, lost).await;
            live.caught_up();
        });
    }

    /// The mirror of `thread`'s reply, made now if another living instance writes it (the
    /// caller has checked the thread is the actor's). `None` when no reply is being written
    /// there.
    pub(super) async fn mirror(self: &Arc<Self>, thread: i64, owner: i64) -> Result<Option<Arc<Live>>, StoreError> {
        if !self.cluster.joined() {
            return Ok(None);
        }
        if let Some(live) = self.live(thread).filter(|l| l.remote && l.writing()) {
            return Ok(Some(live));
        }
        // Hold the thread's signals from now on, then read the store. (If this request is
        // dropped meanwhile, the guard lets go of them.)
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).entry(thread).or_default().waiters += 1;
        let guard = Waiting { hub: self, thread };
        let stored = instances::live_reply(&self.pool, thread).await;
        std::mem::forget(guard);
        // From here to the mirror's registration, the held signals stay held (`mirror_event`
        // looks for a mirror under the same lock), so none falls between the two.
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let held = pending.remove(&thread).unwrap_or_default();
        let item = match stored {
            Ok(Some((item, Some(writer), true))) if writer != self.cluster.id => item,
            Ok(_) => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut lives = self.lives();
        let live = match lives.get(&thread).filter(|l| l.writing()).cloned() {
            // A reply started here meanwhile: never replaced by a mirror.
            Some(local) if !local.remote => return Ok(Some(local)),
            // Another watcher made one meanwhile: what was held since goes to it.
            Some(other) => other,
            None => {
                let live = Arc::new(Live::mirror(item, owner));
                lives.insert(thread, live.clone());
                self.spawn_watchdog(thread, live.clone());
                live
            }
        };
        drop(lives);
        for event in held.events {
            self.follow(thread, &live, event);
        }
        drop(pending);
        if held.lost {
            self.spawn_catch_up(thread, live.clone(), true);
        }
        Ok(Some(live))
    }

    /// Reads the store for a mirror that hears nothing for [`WATCHDOG`], until it ends.
    fn spawn_watchdog(self: &Arc<Self>, thread: i64, live: Arc<Live>) {
        let hub = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(WATCHDOG).await;
                let (_, closed) = live.following();
                if closed {
                    return;
                }
                if live.quiet_for() >= WATCHDOG {
                    catch_up(hub.clone(), thread, &live, true).await;
                }
            }
        });
    }

    /// Asks the instance writing `thread`'s reply to stop it, when another living one does
    /// (the caller has checked the person may). Returns whether one was asked.
    pub(super) async fn stop_elsewhere(&self, thread: i64) -> Result<bool, StoreError> {
        if !self.cluster.joined() {
            return Ok(false);
        }
        Ok(match instances::live_reply(&self.pool, thread).await? {
            Some((_, Some(writer), true)) if writer != self.cluster.id => {
                self.cluster.publish(Signal::Stop { thread });
                true
            }
            _ => false,
        })
    }
}

/// Keeps an ended mirror for late watchers like a reply written here, then drops it.
async fn retire_mirror(hub: Weak<Hub>, thread: i64, live: Arc<Live>) {
    let Some(hub) = hub.upgrade() else { return };
    hub.retire(thread, &live).await;
}

/// See [`Hub::spawn_catch_up`].
async fn catch_up(hub: Weak<Hub>, thread: i64, live: &Arc<Live>, lost: bool) {
    for _ in 0..CATCH_UP_TRIES {
        let Some(hub) = hub.upgrade() else { return };
        let (following, closed) = live.following();
        if closed {
            return;
        }
        let behind = match instances::live_reply(&hub.pool, thread).await {
            Ok(Some((item, _, _))) if item.id > following => {
                live.apply(LiveEvent::Added { item });
                false
            }
            Ok(Some((item, _, _))) => live.catch_up(item),
            Ok(None) => match instances::item(&hub.pool, following).await {
                Ok(item) => {
                    let ended = item.status != ItemStatus::Streaming;
                    live.catch_up(item.clone());
                    if ended && lost {
                        hub.follow(thread, live, LiveEvent::Done { item });
                        hub.follow(thread, live, LiveEvent::End);
                    }
                    false
                }
                Err(e) => {
                    tracing::warn!(error = %e, "a mirrored reply could not be read");
                    true
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "a mirrored reply could not be read");
                true
            }
        };
        if !behind {
            return;
        }
        drop(hub);
        tokio::time::sleep(CATCH_UP_EVERY).await;
    }
}

/// A watcher making a mirror ([`Hub::mirror`]): if its request is dropped while it reads the
/// store, the thread's held signals are let go when no other watcher waits for them.
struct Waiting<'a> {
    hub: &'a Hub,
    thread: i64,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut pending = self.hub.pending.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(held) = pending.get_mut(&self.thread) {
            held.waiters = held.waiters.saturating_sub(1);
            if held.waiters == 0 {
                pending.remove(&self.thread);
            }
        }
    }
}
