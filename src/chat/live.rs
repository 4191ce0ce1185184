//! One live reply: the turn being written right now, its text so far and the broadcast of its
//! events, under one lock (so a subscriber gets a snapshot and exactly the events after it).

use crate::domain::chat::{ChatEvent, ChatItem};
use std::sync::Mutex;
use tokio::sync::{broadcast, Notify};

/// Deltas a slow subscriber may fall behind before it is re-synced with a snapshot.
const BROADCAST: usize = 1024;

/// A turn being written right now (or finished in the last `GRACE`, see `hub.rs`: a watcher
/// arriving just after the end is then served from memory too). A turn with tools writes
/// several items: the reply, its tool calls, the next reply…; the live state follows the reply
/// being written.
pub(super) struct Live {
    /// The thread's owner: the only person who may watch it.
    pub(super) owner: i64,
    state: Mutex<LiveState>,
    events: broadcast::Sender<ChatEvent>,
    /// Asks the turn to stop (the person pressed Stop, or deleted the thread).
    pub(super) stop: Notify,
}

struct LiveState {
    item: ChatItem,
    /// The turn wrote items other than its first reply (tool calls, later replies).
    grew: bool,
    finished: bool,
    /// `done` was sent: nothing more will come.
    closed: bool,
}

/// What a new watcher of a live turn gets.
pub(super) struct Subscription {
    /// The reply being written so far (its final form when `finished`).
    pub(super) snapshot: ChatItem,
    pub(super) finished: bool,
    /// The stream is over (`done` already sent): do not wait for more.
    pub(super) closed: bool,
    /// The turn so far is this one reply (no tool calls, no later reply): the snapshot is all
    /// a watcher from the turn's start needs before the live events.
    pub(super) single: bool,
    pub(super) events: broadcast::Receiver<ChatEvent>,
}

impl Live {
    pub(super) fn new(item: ChatItem, owner: i64) -> Self {
        let (events, _) = broadcast::channel(BROADCAST);
        Self {
            owner,
            state: Mutex::new(LiveState { item, grew: false, finished: false, closed: false }),
            events,
            stop: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LiveState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the turn is still being written.
    pub(super) fn writing(&self) -> bool {
        !self.lock().finished
    }

    pub(super) fn subscribe(&self) -> Subscription {
        let s = self.lock();
        Subscription {
            snapshot: s.item.clone(),
            finished: s.finished,
            closed: s.closed,
            single: !s.grew,
            events: self.events.subscribe(),
        }
    }

    pub(super) fn delta(&self, text: &str) {
        let mut s = self.lock();
        s.item.content.push_str(text);
        let _ = self.events.send(ChatEvent::ItemDelta { item_id: s.item.id, delta: text.to_string() });
    }

    /// A new reply of the turn starts (after tool calls).
    pub(super) fn next_reply(&self, item: ChatItem) {
        let mut s = self.lock();
        s.item = item.clone();
        s.grew = true;
        let _ = self.events.send(ChatEvent::ItemAdded { item });
    }

    pub(super) fn event(&self, event: ChatEvent) {
        let mut s = self.lock();
        if matches!(event, ChatEvent::ItemAdded { .. }) {
            s.grew = true;
        }
        let _ = self.events.send(event);
    }

    /// An item of the turn is final (a reply before tool calls, a tool call).
    pub(super) fn item_done(&self, item: ChatItem) {
        let mut s = self.lock();
        if s.item.id == item.id {
            s.item = item.clone();
        }
        let _ = self.events.send(ChatEvent::ItemDone { item });
    }

    pub(super) fn close(&self) {
        let mut s = self.lock();
        s.finished = true;
        s.closed = true;
        let _ = self.events.send(ChatEvent::Done);
    }

    pub(super) fn finish(&self, item: Option<ChatItem>) {
        let mut s = self.lock();
        s.finished = true;
        if let Some(item) = item {
            s.item = item.clone();
            let _ = self.events.send(ChatEvent::ItemDone { item });
        }
    }
}
