//! `GET /api/chat/{thread_id}/events?after={item_id}`: a thread's events as server-sent events.
//!
//! First the active branch's items after `after` (`thread.item.added`; the reply being written
//! comes with its text so far), then, while a reply is being written, its live events, then
//! `done`, after which the browser closes the stream. Each SSE message's `event:` is the protocol
//! name and its `data:` the [`ChatEvent`] as JSON. See `crate::chat` for why nothing is lost.

use super::AppState;
use crate::domain::chat::ChatEvent;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::convert::Infallible;
use tokio::sync::{broadcast, mpsc};

/// Items replayed at most when resuming (older ones come from the page's own paging).
const REPLAY: i64 = 200;

#[derive(Deserialize)]
pub struct After {
    #[serde(default)]
    after: i64,
}

type Replay =
    (Option<(std::sync::Arc<crate::chat::Live>, crate::chat::Subscription)>, Vec<crate::domain::chat::ChatItem>);

/// Checks the thread is the actor's, subscribes to its live reply if any, then reads the items
/// after `after` from the store (subscribing first: whatever the store misses, the live part has).
async fn replay_from_store(
    state: &AppState,
    actor: &crate::store::Actor,
    thread_id: i64,
    after: i64,
) -> Result<Replay, Response> {
    match crate::store::chat::thread(&state.pool, actor, thread_id).await {
        Ok(_) => {}
        Err(crate::store::StoreError::NotFound) => return Err(error(StatusCode::NOT_FOUND, "No such chat.")),
        Err(e) => {
            tracing::error!(error = %e, "chat stream: thread lookup failed");
            return Err(error(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side."));
        }
    }
    let sub = state.chat.live(thread_id).map(|l| {
        let s = l.subscribe();
        (l, s)
    });
    match crate::store::chat::items_after(&state.pool, thread_id, after.max(0), REPLAY).await {
        Ok(items) => Ok((sub, items)),
        Err(e) => {
            tracing::error!(error = %e, "chat stream: replay failed");
            Err(error(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side."))
        }
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

pub async fn events(
    State(state): State<AppState>,
    Path(thread_id): Path<i64>,
    query: Result<Query<After>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let Ok(Query(After { after })) = query else {
        return error(StatusCode::BAD_REQUEST, "`after` must be an item id.");
    };
    let Some(actor) = super::router::resolve_actor(&state, &headers, "/api/chat").await.0 else {
        return error(StatusCode::UNAUTHORIZED, "Please log in to continue.");
    };
    if thread_id <= 0 {
        return error(StatusCode::NOT_FOUND, "No such chat.");
    }

    // The common case, served from memory: the person's own reply being written (or just
    // finished), followed from right after the message it answers, when the turn is that one
    // reply so far (a turn with tool calls is replayed from the store, then followed).
    let live = state.chat.live(thread_id).filter(|l| l.owner == actor.user_id);
    let fast = live.as_ref().map(|l| l.subscribe()).filter(|s| s.single && s.snapshot.parent_id == Some(after));
    let (mut sub, mut items) = match (live, fast) {
        (Some(live), Some(s)) => {
            let item = s.snapshot.clone();
            (Some((live, s)), vec![item])
        }
        _ => match replay_from_store(&state, &actor, thread_id, after).await {
            Ok(r) => r,
            Err(res) => return res,
        },
    };
    // A reply stored as `streaming` with no live task: either its task is registering this very
    // moment (the send has committed but not yet returned), or the server restarted (start-up
    // marks those `interrupted`). Look once more, then replay as stored.
    if sub.is_none() && items.iter().any(|i| i.status == crate::domain::chat::ItemStatus::Streaming) {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if state.chat.live(thread_id).is_some() {
            match replay_from_store(&state, &actor, thread_id, after).await {
                Ok(r) => (sub, items) = r,
                Err(res) => return res,
            }
        }
    }

    let (tx, rx) = mpsc::channel::<ChatEvent>(64);
    tokio::spawn(async move {
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
    });

    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        let event = rx.recv().await?;
        let sse =
            Event::default().event(event.name()).json_data(&event).unwrap_or_else(|_| Event::default().comment("x"));
        Some((Ok::<_, Infallible>(sse), rx))
    });
    let mut res = Sse::new(stream).keep_alive(KeepAlive::default()).into_response();
    res.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    // Tell reverse proxies (nginx) not to buffer the stream.
    res.headers_mut().insert("x-accel-buffering", axum::http::HeaderValue::from_static("no"));
    res
}
