//! What a watcher of a thread gets (the SSE route serves it): the active branch's items after
//! the last one the page has (the reply being written with its text so far), then, while a reply
//! is being written, its live events, then `done`.

use super::live::{Live, Subscription};
use super::{ChatError, Hub};
use crate::domain::chat::{ChatEvent, ChatItem, ItemStatus};
use crate::store::chat as store;
use crate::store::Actor;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// Items replayed at most when resuming (older ones come from the page's own paging).
const REPLAY: i64 = 200;

/// A live reply and a watcher's subscription to it.
type Watch = (Arc<Live>, Subscription);

/// A thread's items after the page's last, and the live reply (subscribed to before the store
/// was read: whatever the store misses, the live part has).
pub struct Replay {
    after: i64,
    items: Vec<ChatItem>,
    live: Option<Watch>,
}

impl Hub {
    /// What a watcher of the actor's thread gets after item `after`. `NotFound` when the thread
    /// is not the actor's.
    pub async fn replay(self: &Arc<Self>, actor: &Actor, thread_id: i64, after: i64) -> Result<Replay, ChatError> {
        // The common case, served from memory: the person's own reply being written (or just
        // finished), followed from right after the message it answers, when the turn is that one
        // reply so far (a turn with tool calls is replayed from the store, then followed).
        // (A mirror that has ended is not followed: another instance may be writing a newer
        // reply, and `mirror` below makes its mirror.)
        let live = self.live(thread_id).filter(|l| l.owner == actor.user_id && (!l.remote || l.writing()));
        let fast = live.as_ref().map(|l| l.subscribe()).filter(|s| s.single && s.snapshot.parent_id == Some(after));
        let (mut live, mut items) = match (live, fast) {
            (Some(live), Some(s)) => {
                let item = s.snapshot.clone();
                (Some((live, s)), vec![item])
            }
            _ => self.replay_from_store(actor, thread_id, after).await?,
        };
        // No live reply here: another instance may be writing one (its mirror is made here, then
        // the thread is replayed again with it).
        if live.is_none() && self.mirror(thread_id, actor.user_id).await?.is_some() {
            (live, items) = self.replay_from_store(actor, thread_id, after).await?;
        }
        // A reply stored as `streaming` with no live task: either its task is registering this
        // very moment (the send has committed but not yet returned), or it ended between the two
        // reads above, or its writer stopped (it is marked `interrupted` within seconds). Look
        // once more, then replay as stored.
        if live.is_none() && items.iter().any(|i| i.status == ItemStatus::Streaming) {
            tokio::time::sleep(Duration::from_millis(100)).await;
            (live, items) = self.replay_from_store(actor, thread_id, after).await?;
        }
        Ok(Replay { after, items, live })
    }

    /// Checks the thread is the actor's, subscribes to its live reply if any, then reads the
    /// items after `after` from the store (subscribing first: whatever the store misses, the live
    /// part has).
    async fn replay_from_store(
        &self,
        actor: &Actor,
        thread_id: i64,
        after: i64,
    ) -> Result<(Option<Watch>, Vec<ChatItem>), ChatError> {
        store::thread(&self.pool, actor, thread_id).await?;
        let sub = self.live(thread_id).filter(|l| !l.remote || l.writing()).map(|l| {
            let s = l.subscribe();
            (l, s)
        });
        let items = store::items_after(&self.pool, thread_id, after.max(0), REPLAY).await?;
        Ok((sub, items))
    }
}

impl Replay {
    /// The replay as events, in order: each item (`thread.item.added`; the live reply's with its
    /// text so far), then the live reply's events until `done`. A watcher that falls behind is
    /// re-synced with a snapshot. Fed by a task of its own, which ends when the receiver is
    /// dropped.
    pub fn events(self) -> mpsc::Receiver<ChatEvent> {
        let (tx, rx) = mpsc::channel::<ChatEvent>(64);
        tokio::spawn(self.forward(tx));
        rx
    }

    async fn forward(self, tx: mpsc::Sender<ChatEvent>) {
        let Replay { after, items, live: sub } = self;
        let mut sent_live = false;
        for item in items {
            let event = match &sub {
                Some((_, s)) if s.snapshot.id == item.id => {
                    sent_live = true;
                    ChatEvent::ItemAdded { item: s.snapshot.clone() }
                }
                _ => ChatEvent::ItemAdded { item },
            };
            if tx.send(event).await.is_err() {
                return;
            }
        }
        let Some((live, mut s)) = sub else {
            let _ = tx.send(ChatEvent::Done).await;
            return;
        };
        if !sent_live && s.snapshot.id > after {
            // Not on the replayed branch (it was switched meanwhile): nothing to follow.
            let _ = tx.send(ChatEvent::Done).await;
            return;
        }
        if !sent_live {
            // The page already has this item, perhaps not all of its text.
            if tx.send(ChatEvent::ItemUpdated { item: s.snapshot.clone() }).await.is_err() {
                return;
            }
        }
        if s.closed {
            let _ = tx.send(ChatEvent::Done).await;
            return;
        }
        loop {
            match s.events.recv().await {
                Ok(event) => {
                    let done = event == ChatEvent::Done;
                    if tx.send(event).await.is_err() || done {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::debug!(missed = n, "slow chat subscriber re-synced");
                    s = live.subscribe();
                    let event = if s.finished {
                        ChatEvent::ItemDone { item: s.snapshot.clone() }
                    } else {
                        ChatEvent::ItemUpdated { item: s.snapshot.clone() }
                    };
                    if tx.send(event).await.is_err() {
                        return;
                    }
                    if s.closed {
                        let _ = tx.send(ChatEvent::Done).await;
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Closed) => {
                    let _ = tx.send(ChatEvent::Done).await;
                    return;
                }
            }
        }
    }
}
