//! One live reply: the turn being written right now, its text so far and the broadcast of its
//! events, under one lock (so a subscriber gets a snapshot and exactly the events after it).

use crate::cluster::{Cluster, LiveEvent, Signal, StoredKind};
use crate::domain::chat::{ChatEvent, ChatItem};
use std::sync::{Arc, Mutex};
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
    /// Where the reply's events also go: the other instances (a reply written here).
    publish: Option<(Arc<Cluster>, i64)>,
    /// A reply another instance writes, followed here through its signals (`chat::mirror`).
    pub(super) remote: bool,
    /// Another instance ended this turn (this one was given up for dead, see [`Live::fence`]).
    fenced: std::sync::atomic::AtomicBool,
}

struct LiveState {
    item: ChatItem,
    /// The turn wrote items other than its first reply (tool calls, later replies).
    grew: bool,
    finished: bool,
    /// `done` was sent: nothing more will come.
    closed: bool,
    /// A mirror's: how far into the item's text the signals heard so far reach (past the
    /// text it has when signals were missed: the store is read until it has caught up).
    heard_to: usize,
    /// A mirror's: items being read from the store (too large to travel), and whether the end
    /// came meanwhile (it is passed on after them, so watchers get the items first).
    fetching: u32,
    end_deferred: bool,
    /// A mirror's: it is catching up from the store (one catch-up at a time).
    catching: bool,
    /// A mirror's: when it last heard a signal.
    heard_at: std::time::Instant,
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
    /// A reply written here, in `thread`; its events also go to the other instances.
    pub(super) fn new(item: ChatItem, owner: i64, cluster: &Arc<Cluster>, thread: i64) -> Self {
        let publish = cluster.joined().then(|| (cluster.clone(), thread));
        Self::make(item, owner, publish, false)
    }

    /// A reply another instance writes, as stored so far: its events come as signals.
    pub(super) fn mirror(item: ChatItem, owner: i64) -> Self {
        Self::make(item, owner, None, true)
    }

    fn make(item: ChatItem, owner: i64, publish: Option<(Arc<Cluster>, i64)>, remote: bool) -> Self {
        let (events, _) = broadcast::channel(BROADCAST);
        Self {
            owner,
            state: Mutex::new(LiveState {
                item,
                grew: false,
                finished: false,
                closed: false,
                heard_to: 0,
                fetching: 0,
                end_deferred: false,
                catching: false,
                heard_at: std::time::Instant::now(),
            }),
            events,
            stop: Notify::new(),
            publish,
            remote,
            fenced: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Sends an event to the other instances (under the state's lock, so in order); nothing once
    /// fenced.
    fn out(&self, event: impl FnOnce() -> LiveEvent) {
        if self.fenced() {
            return;
        }
        if let Some((cluster, thread)) = &self.publish {
            cluster.publish(Signal::Live { thread: *thread, event: event() });
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LiveState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Another instance gave this one up for dead and ended the turn's items in the store (its
    /// sweep told every other instance): the turn stops writing, and nothing more of it is sent
    /// to the others (a late end could close the mirrors of a retry already under way). The
    /// watchers here still get the items as stored.
    pub(super) fn fence(&self) {
        self.fenced.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub(super) fn fenced(&self) -> bool {
        self.fenced.load(std::sync::atomic::Ordering::SeqCst)
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
        let at = s.item.content.len();
        self.out(|| LiveEvent::Delta { item: s.item.id, at, text: text.to_string() });
        s.item.content.push_str(text);
        let _ = self.events.send(ChatEvent::ItemDelta { item_id: s.item.id, delta: text.to_string() });
    }

    /// A new reply of the turn starts (after tool calls).
    pub(super) fn next_reply(&self, item: ChatItem) {
        let mut s = self.lock();
        s.item = item.clone();
        s.grew = true;
        self.out(|| LiveEvent::Added { item: item.clone() });
        let _ = self.events.send(ChatEvent::ItemAdded { item });
    }

    pub(super) fn event(&self, event: ChatEvent) {
        if let ChatEvent::ItemDelta { delta, .. } = &event {
            return self.delta(delta);
        }
        let mut s = self.lock();
        if matches!(event, ChatEvent::ItemAdded { .. }) {
            s.grew = true;
        }
        if let Some(wire) = wire(&event) {
            self.out(|| wire);
        }
        let _ = self.events.send(event);
    }

    /// An item of the turn is final (a reply before tool calls, a tool call).
    pub(super) fn item_done(&self, item: ChatItem) {
        let mut s = self.lock();
        if s.item.id == item.id {
            s.item = item.clone();
        }
        self.out(|| LiveEvent::Done { item: item.clone() });
        let _ = self.events.send(ChatEvent::ItemDone { item });
    }

    pub(super) fn close(&self) {
        let mut s = self.lock();
        s.finished = true;
        s.closed = true;
        self.out(|| LiveEvent::End);
        let _ = self.events.send(ChatEvent::Done);
    }

    pub(super) fn finish(&self, item: Option<ChatItem>) {
        let mut s = self.lock();
        s.finished = true;
        if let Some(item) = item {
            s.item = item.clone();
            self.out(|| LiveEvent::Done { item: item.clone() });
            let _ = self.events.send(ChatEvent::ItemDone { item });
        }
    }
}

impl LiveState {
    /// A mirror missed something: one catch-up is asked for (none while one runs).
    fn behind(&mut self) -> Applied {
        if self.catching {
            Applied::Kept
        } else {
            self.catching = true;
            Applied::Behind
        }
    }
}

/// An event of a reply written here, as it travels to the other instances (a delta goes through
/// [`Live::delta`], which knows its offset).
fn wire(event: &ChatEvent) -> Option<LiveEvent> {
    Some(match event {
        ChatEvent::ItemAdded { item } => LiveEvent::Added { item: item.clone() },
        ChatEvent::ItemUpdated { item } => LiveEvent::Updated { item: item.clone() },
        ChatEvent::ItemDone { item } => LiveEvent::Done { item: item.clone() },
        ChatEvent::Error { message } => LiveEvent::Error { message: message.clone() },
        ChatEvent::Done => LiveEvent::End,
        ChatEvent::ItemDelta { .. } => return None,
    })
}

/// What a mirror made of a signal.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Applied {
    Kept,
    /// Text was missed: read the item from the store ([`Live::catch_up`]).
    Behind,
    /// The item is in the store only (too large to travel): read it and apply it.
    Fetch(i64, StoredKind),
}

impl Live {
    /// A mirror follows one signal of the reply it mirrors: text by its offset (what it has is
    /// kept, what follows is appended, a gap is [`Applied::Behind`]), items by id.
    pub(super) fn apply(&self, event: LiveEvent) -> Applied {
        let mut s = self.lock();
        s.heard_at = std::time::Instant::now();
        match event {
            LiveEvent::Delta { item, at, text } => {
                if item < s.item.id {
                    return Applied::Kept;
                }
                let end = at + text.len();
                if item > s.item.id {
                    return s.behind();
                }
                s.heard_to = s.heard_to.max(end);
                let have = s.item.content.len();
                if end <= have {
                    return Applied::Kept;
                }
                match text.get(have.saturating_sub(at)..).filter(|_| at <= have) {
                    Some(new) => {
                        s.item.content.push_str(new);
                        let _ = self.events.send(ChatEvent::ItemDelta { item_id: item, delta: new.to_string() });
                        Applied::Kept
                    }
                    None => s.behind(),
                }
            }
            LiveEvent::Added { item } => {
                if item.id == s.item.id {
                    // Known already (a catch-up read it before the signal came).
                    return Applied::Kept;
                }
                if item.id > s.item.id && item.kind == crate::domain::chat::ItemKind::Assistant {
                    s.item = item.clone();
                    s.heard_to = item.content.len();
                }
                s.grew = true;
                let _ = self.events.send(ChatEvent::ItemAdded { item });
                Applied::Kept
            }
            LiveEvent::Updated { item } => {
                if item.id == s.item.id {
                    s.item = item.clone();
                }
                let _ = self.events.send(ChatEvent::ItemUpdated { item });
                Applied::Kept
            }
            LiveEvent::Done { item } => {
                if item.id == s.item.id {
                    s.item = item.clone();
                }
                let _ = self.events.send(ChatEvent::ItemDone { item });
                Applied::Kept
            }
            LiveEvent::Stored { item, kind } => {
                s.fetching += 1;
                Applied::Fetch(item, kind)
            }
            LiveEvent::Error { message } => {
                let _ = self.events.send(ChatEvent::Error { message });
                Applied::Kept
            }
            LiveEvent::End if s.fetching > 0 => {
                s.end_deferred = true;
                Applied::Kept
            }
            LiveEvent::End => {
                if !s.closed {
                    s.finished = true;
                    s.closed = true;
                    let _ = self.events.send(ChatEvent::Done);
                }
                Applied::Kept
            }
        }
    }

    /// A mirror got an item it was reading from the store (`None`: the read failed), then the
    /// end, if it came meanwhile.
    pub(super) fn fetched(&self, event: Option<LiveEvent>) {
        if let Some(event) = event {
            self.apply(event);
        }
        let end = {
            let mut s = self.lock();
            s.fetching = s.fetching.saturating_sub(1);
            let end = s.fetching == 0 && s.end_deferred;
            if end {
                s.end_deferred = false;
            }
            end
        };
        if end {
            self.apply(LiveEvent::End);
        }
    }

    /// A mirror that missed text takes the item as stored now, when the store has more of it
    /// (watchers get it whole: `thread.item.updated`). Returns whether it is still behind what
    /// the signals said (the writer saves its text every quarter second: read again soon).
    pub(super) fn catch_up(&self, stored: ChatItem) -> bool {
        let mut s = self.lock();
        if stored.id != s.item.id {
            return false;
        }
        // Only what is newer than what the mirror has: its end, or more of its text (a read that
        // began before the end was heard must not take it back).
        let streaming = crate::domain::chat::ItemStatus::Streaming;
        let newer =
            s.item.status == streaming && (stored.status != streaming || stored.content.len() > s.item.content.len());
        if newer {
            s.item = stored;
            let _ = self.events.send(ChatEvent::ItemUpdated { item: s.item.clone() });
        }
        s.item.status == crate::domain::chat::ItemStatus::Streaming && s.heard_to > s.item.content.len()
    }

    /// How long since a mirror last heard a signal.
    pub(super) fn quiet_for(&self) -> std::time::Duration {
        self.lock().heard_at.elapsed()
    }

    /// A mirror's catch-up is over.
    pub(super) fn caught_up(&self) {
        self.lock().catching = false;
    }

    /// The item a mirror follows now, and whether its stream has ended.
    pub(super) fn following(&self) -> (i64, bool) {
        let s = self.lock();
        (s.item.id, s.closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::chat::{ItemKind, ItemStatus};

    fn reply(id: i64, text: &str) -> ChatItem {
        ChatItem::fresh(id, Some(1), ItemKind::Assistant, ItemStatus::Streaming, text)
    }

    fn delta(at: usize, text: &str) -> LiveEvent {
        LiveEvent::Delta { item: 2, at, text: text.into() }
    }

    #[test]
    fn a_mirror_keeps_what_it_has_appends_what_follows_and_sees_a_gap() {
        // Made from the store with "Hello wo"; signals overlap it, then one is missed.
        let m = Live::mirror(reply(2, "Hello wo"), 9);
        let mut sub = m.subscribe();
        assert_eq!(m.apply(delta(0, "Hello")), Applied::Kept);
        assert_eq!(m.apply(delta(5, " world")), Applied::Kept);
        assert_eq!(sub.events.try_recv().unwrap(), ChatEvent::ItemDelta { item_id: 2, delta: "rld".into() });
        assert_eq!(m.apply(delta(11, ",")), Applied::Kept);
        // " a" (bytes 12..14) is missed.
        assert_eq!(m.apply(delta(14, "gain")), Applied::Behind);
        assert_eq!(m.apply(delta(18, "!")), Applied::Kept, "one catch-up at a time");
        assert_eq!(m.subscribe().snapshot.content, "Hello world,");
        // The store has caught up with part of it, then with all the signals said.
        assert!(m.catch_up(reply(2, "Hello world, a")), "still short of byte 19");
        assert!(m.catch_up(reply(2, "Hello world, again")), "still short of byte 19");
        assert!(!m.catch_up(reply(2, "Hello world, again!")));
        m.caught_up();
        assert_eq!(m.apply(delta(19, "?")), Applied::Kept);
        assert_eq!(m.subscribe().snapshot.content, "Hello world, again!?");
        assert_eq!(m.apply(LiveEvent::Stored { item: 2, kind: StoredKind::Done }), Applied::Fetch(2, StoredKind::Done));
        // The end waits for the item being read.
        m.apply(LiveEvent::End);
        assert!(m.writing());
        let mut done = reply(2, "Hello world, again!?");
        done.status = ItemStatus::Done;
        m.fetched(Some(LiveEvent::Done { item: done }));
        assert!(!m.writing());
        assert!(m.subscribe().closed);
        assert_eq!(m.subscribe().snapshot.status, ItemStatus::Done);
    }

    #[test]
    fn a_mirror_follows_the_next_reply_of_a_turn() {
        let m = Live::mirror(reply(2, "Let me look."), 9);
        assert_eq!(m.apply(LiveEvent::Added { item: reply(4, "") }), Applied::Kept);
        assert_eq!(m.apply(LiveEvent::Delta { item: 2, at: 0, text: "old".into() }), Applied::Kept);
        assert_eq!(m.apply(LiveEvent::Delta { item: 4, at: 0, text: "Found 3.".into() }), Applied::Kept);
        assert_eq!(m.subscribe().snapshot.content, "Found 3.");
        assert_eq!(m.apply(LiveEvent::Delta { item: 6, at: 0, text: "?".into() }), Applied::Behind);
    }
}
