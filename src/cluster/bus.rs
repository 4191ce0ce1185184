//! The signals' transport over Postgres: a sender task that batches what is published into one
//! `pg_notify` statement per round trip, and a listener task that numbers what it hears per
//! sender and reports gaps. The envelopes, their pieces and the numbering are shared with the
//! NATS transport (`super::nats`).
//!
//! A notification holds at most `store::instances::MAX_PAYLOAD` bytes: a long delta travels in
//! pieces (each with its own offset), and an item too large to travel is announced as
//! [`LiveEvent::Stored`] for the listener to read from the store.

use super::{LiveEvent, Received, Signal, StoredKind};
use crate::store::instances::{self, CHANNEL, MAX_PAYLOAD};
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// What one notification carries: the sender, its sequence number, the signal.
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    f: i64,
    n: u64,
    s: Signal,
}

/// Signals sent in one statement at most.
const BATCH: usize = 512;

/// The longest piece of delta text in one notification: JSON may write a character as six bytes
/// (`\u0001`), and the rest of the envelope needs a little room.
const DELTA_PIECE: usize = 1_200;

pub(super) async fn listen(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// What a listener keeps: the last sequence number heard from each sender, and where what it
/// hears goes. Shared by the transports.
pub(super) struct Ears {
    last: HashMap<i64, u64>,
    heard: broadcast::Sender<Received>,
}

impl Ears {
    pub(super) fn new(heard: broadcast::Sender<Received>) -> Self {
        Self { last: HashMap::new(), heard }
    }

    /// One payload heard: passed on when its sender's sequence follows the last one heard from
    /// it, after [`Received::Lost`] when it skips some, and not at all when it was heard
    /// already; an unreadable payload is a loss.
    pub(super) fn payload(&mut self, payload: &[u8]) {
        match serde_json::from_slice::<Envelope>(payload) {
            // The same signal twice (a sender's retry): heard once.
            Ok(env) if self.last.get(&env.f).is_some_and(|p| env.n <= *p) => {}
            Ok(env) => {
                let previous = self.last.insert(env.f, env.n);
                if previous.is_some_and(|p| env.n != p + 1) {
                    tracing::warn!(from = env.f, after = ?previous, got = env.n, "signals lost from an instance");
                    let _ = self.heard.send(Received::Lost);
                }
                let _ = self.heard.send(Received::Signal { from: env.f, signal: Box::new(env.s) });
            }
            Err(e) => {
                tracing::warn!(error = %e, "an unreadable signal");
                let _ = self.heard.send(Received::Lost);
            }
        }
    }

    /// Whatever was sent may have been missed (a reconnection): every listener re-reads, and the
    /// senders' sequences start afresh.
    pub(super) fn lost(&mut self) {
        self.last.clear();
        let _ = self.heard.send(Received::Lost);
    }
}

/// Hears the channel for good (see [`Ears`]); a reconnection is a loss.
pub(super) async fn hear(mut listener: PgListener, mut ears: Ears) {
    loop {
        match listener.try_recv().await {
            Ok(Some(n)) => ears.payload(n.payload().as_bytes()),
            Ok(None) => {
                // The connection dropped; the next call reconnects. Whatever was sent meanwhile
                // is lost.
                tracing::warn!("the signals' connection dropped: reconnecting");
                ears.lost();
            }
            Err(e) => {
                tracing::warn!(error = %e, "listening for signals failed: retrying");
                ears.lost();
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// A signal waiting to be sent, and since when.
pub(super) type Queued = (std::time::Instant, Signal);

/// A signal that waited this long to be sent (the transport was down) is dropped, not sent: it
/// could stop or end a later reply of its thread. Its number is skipped, so listeners see the
/// gap and read the store.
const STALE: Duration = Duration::from_secs(5);

/// The next batch to send: what is published, in order, as many signals as are waiting (at
/// most [`BATCH`]), each sealed in its envelope with the next sequence number. `None` when
/// nothing more will be published.
pub(super) async fn next_batch(from: i64, seq: &mut u64, queue: &mut mpsc::UnboundedReceiver<Queued>) -> Option<Batch> {
    let first = queue.recv().await?;
    let since = first.0;
    let mut batch = vec![first];
    while batch.len() < BATCH {
        match queue.try_recv() {
            Ok(s) => batch.push(s),
            Err(_) => break,
        }
    }
    Some(Batch { since, payloads: seal(from, seq, batch) })
}

/// Signals ready to send, and since when the oldest of them waits.
pub(super) struct Batch {
    pub(super) since: std::time::Instant,
    pub(super) payloads: Vec<String>,
}

impl Batch {
    /// Whether the batch waited too long to be sent at all (see [`STALE`]).
    pub(super) fn stale(&self) -> bool {
        self.since.elapsed() > STALE
    }
}

/// Signals in their envelopes, numbered from `seq` on; stale ones skipped (see [`STALE`]).
fn seal(from: i64, seq: &mut u64, batch: Vec<Queued>) -> Vec<String> {
    let mut payloads = Vec::with_capacity(batch.len());
    let mut stale = 0usize;
    for (at, signal) in batch {
        if at.elapsed() > STALE {
            stale += 1;
            *seq += 1;
            continue;
        }
        for piece in pieces(signal) {
            *seq += 1;
            match serde_json::to_string(&Envelope { f: from, n: *seq, s: piece }) {
                Ok(p) if p.len() <= MAX_PAYLOAD => payloads.push(p),
                Ok(p) => tracing::error!(bytes = p.len(), "a signal too large to send was dropped"),
                Err(e) => tracing::error!(error = %e, "a signal could not be written"),
            }
        }
    }
    if stale > 0 {
        tracing::warn!(stale, "signals that waited too long to be sent were dropped");
    }
    payloads
}

/// Sends what is published, in order, as many signals per statement as are waiting. A batch that
/// cannot be sent after a few tries is dropped (its sequence numbers are used, so listeners see
/// the gap).
pub(super) async fn send(pool: PgPool, from: i64, mut queue: mpsc::UnboundedReceiver<Queued>) {
    let mut seq = 0u64;
    while let Some(batch) = next_batch(from, &mut seq, &mut queue).await {
        let payloads = &batch.payloads;
        for attempt in 1..=3u64 {
            if batch.stale() {
                tracing::warn!(signals = payloads.len(), "signals that waited too long to be sent were dropped");
                break;
            }
            match instances::notify(&pool, payloads).await {
                Ok(()) => break,
                Err(e) if attempt == 3 => {
                    tracing::warn!(error = %e, signals = payloads.len(), "signals not sent")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100 * attempt)).await,
            }
        }
    }
}

/// A signal as notifications small enough to send: long text in pieces, large items by
/// reference.
fn pieces(signal: Signal) -> Vec<Signal> {
    let Signal::Live { thread, event } = signal else { return vec![signal] };
    let live = |event| Signal::Live { thread, event };
    match event {
        LiveEvent::Delta { item, at, text } if text.len() > DELTA_PIECE => {
            let mut out = Vec::new();
            let mut start = 0;
            while start < text.len() {
                let mut end = (start + DELTA_PIECE).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                out.push(live(LiveEvent::Delta { item, at: at + start, text: text[start..end].to_string() }));
                start = end;
            }
            out
        }
        LiveEvent::Added { item } if too_large(&item) => {
            vec![live(LiveEvent::Stored { item: item.id, kind: StoredKind::Added })]
        }
        LiveEvent::Updated { item } if too_large(&item) => {
            vec![live(LiveEvent::Stored { item: item.id, kind: StoredKind::Updated })]
        }
        LiveEvent::Done { item } if too_large(&item) => {
            vec![live(LiveEvent::Stored { item: item.id, kind: StoredKind::Done })]
        }
        LiveEvent::Error { message } => {
            vec![live(LiveEvent::Error { message: crate::domain::text::clip(&message, 1000).to_string() })]
        }
        event => vec![live(event)],
    }
}

/// Whether an item's JSON may not fit in a notification (its text and data, written with
/// escapes at worst, and the rest of the envelope).
fn too_large(item: &crate::domain::chat::ChatItem) -> bool {
    let data = item.data.as_ref().map(|d| d.to_string().len()).unwrap_or(0);
    let text = item.content.len() + item.error.as_ref().map_or(0, String::len) + item.rating_comment.len();
    (text * 6 + data * 2 + 1_000) > MAX_PAYLOAD
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::chat::{ChatItem, ItemKind, ItemStatus};

    fn item(content: &str) -> ChatItem {
        ChatItem::fresh(7, Some(6), ItemKind::Assistant, ItemStatus::Done, content)
    }

    #[test]
    fn a_long_delta_travels_in_pieces_that_join_up() {
        let text = "héllo wörld, ".repeat(400);
        let out = pieces(Signal::Live { thread: 1, event: LiveEvent::Delta { item: 7, at: 10, text: text.clone() } });
        assert!(out.len() > 1);
        let mut joined = String::new();
        for p in &out {
            let Signal::Live { event: LiveEvent::Delta { at, text, .. }, .. } = p else { panic!("{p:?}") };
            assert_eq!(*at, 10 + joined.len(), "each piece says where it starts");
            joined.push_str(text);
            let env = serde_json::to_string(&Envelope { f: 1, n: 1, s: p.clone() }).unwrap();
            assert!(env.len() <= MAX_PAYLOAD);
        }
        assert_eq!(joined, text);
    }

    #[test]
    fn a_large_item_travels_by_reference_and_a_small_one_whole() {
        let big = pieces(Signal::Live { thread: 1, event: LiveEvent::Done { item: item(&"x".repeat(5_000)) } });
        assert_eq!(big, vec![Signal::Live { thread: 1, event: LiveEvent::Stored { item: 7, kind: StoredKind::Done } }]);
        let small = Signal::Live { thread: 1, event: LiveEvent::Done { item: item("Hello") } };
        assert_eq!(pieces(small.clone()), vec![small]);
    }

    #[test]
    fn a_listener_passes_on_in_order_skips_repeats_and_reports_gaps_and_resets() {
        let (heard, mut rx) = broadcast::channel(16);
        let mut ears = Ears::new(heard);
        let env =
            |f: i64, n: u64| serde_json::to_vec(&Envelope { f, n, s: Signal::Stop { thread: n as i64 } }).unwrap();
        let mut next = || rx.try_recv().ok();
        ears.payload(&env(1, 1));
        ears.payload(&env(2, 7)); // another sender's numbers are its own
        ears.payload(&env(1, 2));
        ears.payload(&env(1, 2)); // the same signal again (a retried send)
        ears.payload(&env(1, 4)); // 3 was lost
        ears.payload(b"not json");
        ears.lost(); // a reconnection: numbers start afresh
        ears.payload(&env(1, 1));
        let stop = |f: i64, thread: i64| Some(Received::Signal { from: f, signal: Box::new(Signal::Stop { thread }) });
        assert_eq!(next(), stop(1, 1));
        assert_eq!(next(), stop(2, 7));
        assert_eq!(next(), stop(1, 2));
        assert_eq!(next(), Some(Received::Lost));
        assert_eq!(next(), stop(1, 4));
        assert_eq!(next(), Some(Received::Lost), "unreadable");
        assert_eq!(next(), Some(Received::Lost), "reconnected");
        assert_eq!(next(), stop(1, 1));
        assert_eq!(next(), None);
    }

    #[test]
    fn a_signal_that_waited_too_long_is_dropped_and_its_number_skipped() {
        let now = std::time::Instant::now();
        let old = now - STALE - Duration::from_secs(1);
        let mut seq = 0;
        let out = seal(
            5,
            &mut seq,
            vec![
                (now, Signal::Stop { thread: 1 }),
                (old, Signal::Stop { thread: 2 }),
                (now, Signal::Stop { thread: 3 }),
            ],
        );
        let read: Vec<Envelope> = out.iter().map(|p| serde_json::from_str(p).unwrap()).collect();
        let numbered: Vec<(u64, Signal)> = read.into_iter().map(|e| (e.n, e.s)).collect();
        assert_eq!(numbered, vec![(1, Signal::Stop { thread: 1 }), (3, Signal::Stop { thread: 3 })]);
        assert_eq!(seq, 3);
    }

    #[test]
    fn envelopes_read_back() {
        let s = Signal::Live { thread: 3, event: LiveEvent::Delta { item: 9, at: 0, text: "a\"b\u{1}".into() } };
        let env = serde_json::to_string(&Envelope { f: 42, n: 5, s: s.clone() }).unwrap();
        let back: Envelope = serde_json::from_str(&env).unwrap();
        assert_eq!((back.f, back.n, back.s), (42, 5, s));
        let stop: Envelope = serde_json::from_str(r#"{"f":1,"n":2,"s":{"k":"stop","thread":8}}"#).unwrap();
        assert_eq!(stop.s, Signal::Stop { thread: 8 });
    }
}
