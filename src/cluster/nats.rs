//! The signals' transport over NATS (`CONCIERGE_NATS_URL`): the same envelopes, pieces and
//! numbering as over Postgres (`super::bus`), published on one subject per database, with no
//! notification traffic on the database's connections.
//!
//! NATS delivers a publisher's messages on a subject in order, at most once. A gap in a sender's
//! numbers, a reconnection of this client (whatever was published meanwhile is gone) and a
//! subscription that overflowed (`SlowConsumer`) are reported as [`Received::Lost`], so whoever
//! keeps state from signals re-reads the store, as over Postgres. While the server is away,
//! publishing waits; what waits longer than a few seconds is dropped unsent (`bus::seal`), so a
//! late Stop or end never reaches a later reply.

use super::bus::{self, Ears};
use super::Received;
use async_nats::{Client, ConnectOptions, Event};
use futures_util::StreamExt;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// Where the instances of one database meet on a NATS server.
#[derive(Clone, Debug)]
pub struct NatsLink {
    /// The server, e.g. `nats://127.0.0.1:4222` (credentials, if any, in the address).
    pub url: String,
    /// The subject; `None`: `concierge.<database name>`, so that deployments on other databases
    /// sharing the server do not hear each other.
    pub subject: Option<String>,
}

/// The subject for a database's instances: `concierge.` and the database's name, with anything a
/// subject token may not hold (dots, wildcards, spaces) written as `_`.
pub(super) fn subject_for(database: &str) -> String {
    let token: String =
        database.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    format!("concierge.{}", if token.is_empty() { "_" } else { &token })
}

/// A NATS connection, its subscription to `subject`, and the receiver of its losses (a
/// reconnection, an overflow).
pub(super) struct Joined {
    pub(super) client: Client,
    pub(super) subscriber: async_nats::Subscriber,
    pub(super) losses: mpsc::UnboundedReceiver<()>,
}

pub(super) async fn connect(url: &str, subject: &str, name: &str) -> Result<Joined, super::ClusterError> {
    let (lost, losses) = mpsc::unbounded_channel();
    let connected_before = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let client = ConnectOptions::new()
        .name(format!("concierge {name}"))
        .connection_timeout(Duration::from_secs(5))
        // Never give up: an instance without its signals would serve stale caches.
        .max_reconnects(None)
        .event_callback(move |event| {
            let (lost, connected_before) = (lost.clone(), connected_before.clone());
            async move {
                match event {
                    // The first connection is the start; every later one is a reconnection:
                    // what was published while it was down never reached this subscription.
                    Event::Connected if !connected_before.swap(true, std::sync::atomic::Ordering::SeqCst) => {}
                    Event::Connected | Event::SlowConsumer(_) => {
                        tracing::warn!(%event, "the signals' NATS connection may have missed signals");
                        let _ = lost.send(());
                    }
                    Event::Disconnected => tracing::warn!("the signals' NATS connection dropped: reconnecting"),
                    other => tracing::debug!(event = %other, "NATS"),
                }
            }
        })
        .connect(url)
        .await
        .map_err(|e| super::ClusterError::Nats(e.to_string()))?;
    let subscriber =
        client.subscribe(subject.to_string()).await.map_err(|e| super::ClusterError::Nats(e.to_string()))?;
    // Nothing is sent before the subscription is in place on the server.
    client.flush().await.map_err(|e| super::ClusterError::Nats(e.to_string()))?;
    Ok(Joined { client, subscriber, losses })
}

/// Hears the subject for good (see [`Ears`]): each message, and each loss the connection
/// reports. A loss is passed on once the subscription is back in place on the server (a flush
/// after the reconnection: the client sends it again first), so the store read it causes sees
/// everything the signals since will not say; losses reported together count once.
pub(super) async fn hear(
    client: Client,
    mut subscriber: async_nats::Subscriber,
    mut losses: mpsc::UnboundedReceiver<()>,
    heard: broadcast::Sender<Received>,
) {
    let mut ears = Ears::new(heard);
    loop {
        tokio::select! {
            message = subscriber.next() => match message {
                Some(m) => ears.payload(&m.payload),
                // The client was closed: this instance is leaving.
                None => return,
            },
            Some(()) = losses.recv() => {
                if tokio::time::timeout(Duration::from_secs(5), client.flush()).await.is_err() {
                    tracing::warn!("the signals' NATS connection is slow to come back");
                }
                while losses.try_recv().is_ok() {}
                ears.lost();
            }
        }
    }
}

/// Sends what is published on `subject`, in order, then flushes each batch. A publish only
/// queues the message in the client; what is published while the connection is down is
/// dropped instead (see below), and a publish fails only once the client is closed (the
/// instance is leaving).
pub(super) async fn send(client: Client, subject: String, from: i64, mut queue: mpsc::UnboundedReceiver<bus::Queued>) {
    let mut seq = 0u64;
    while let Some(batch) = bus::next_batch(from, &mut seq, &mut queue).await {
        // While the server is away the client would hold what is published and send it on
        // reconnecting, however late: dropped instead (its numbers are skipped, so listeners
        // see the gap and read the store).
        if client.connection_state() != async_nats::connection::State::Connected || batch.stale() {
            tracing::warn!(signals = batch.payloads.len(), "NATS unreachable: signals dropped");
            continue;
        }
        for p in batch.payloads {
            if let Err(e) = client.publish(subject.clone(), p.into()).await {
                tracing::warn!(error = %e, "a signal not sent over NATS");
            }
        }
        if let Err(e) = client.flush().await {
            tracing::warn!(error = %e, "signals not yet flushed to NATS");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_databases_subject_is_one_token_under_concierge() {
        assert_eq!(subject_for("concierge"), "concierge.concierge");
        assert_eq!(subject_for("my.db *>x"), "concierge.my_db___x");
        assert_eq!(subject_for(""), "concierge._");
    }
}
