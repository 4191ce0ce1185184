//! `GET /api/chat/{thread_id}/events?after={item_id}`: a thread's events as server-sent events.
//!
//! First the active branch's items after `after` (`thread.item.added`; the reply being written
//! comes with its text so far), then, while a reply is being written, its live events, then
//! `done`, after which the browser closes the stream. Each SSE message's `event:` is the protocol
//! name and its `data:` the [`ChatEvent`](crate::domain::chat::ChatEvent) as JSON. The engine (`crate::chat`, `Hub::replay`)
//! decides what to send and why nothing is lost; this route checks the request and frames it.

use crate::chat::ChatError;
use crate::state::AppState;
use crate::store::embed::Reachable;
use crate::store::StoreError;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::convert::Infallible;

#[derive(Deserialize)]
pub struct After {
    #[serde(default)]
    after: i64,
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
    let caller = super::actor::resolve_caller(&state, &headers, super::actor::from_widget(&headers)).await;
    let Some(actor) = caller.actor.0 else {
        return error(StatusCode::UNAUTHORIZED, "Please log in to continue.");
    };
    if thread_id <= 0 {
        return error(StatusCode::NOT_FOUND, "No such chat.");
    }
    if let Some(embed) = &caller.embed {
        match crate::store::embed::within(&state.pool, embed, Reachable::Thread(thread_id)).await {
            Ok(true) => {}
            Ok(false) => return error(StatusCode::NOT_FOUND, "No such chat."),
            Err(e) => {
                tracing::error!(error = %e, "chat stream: reach check failed");
                return error(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.");
            }
        }
    }
    let replay = match state.chat.replay(&actor, thread_id, after).await {
        Ok(r) => r,
        Err(ChatError::Store(StoreError::NotFound)) => return error(StatusCode::NOT_FOUND, "No such chat."),
        Err(e) => {
            tracing::error!(error = %e, "chat stream: replay failed");
            return error(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.");
        }
    };

    let stream = futures_util::stream::unfold(replay.events(), |mut rx| async move {
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
