//! `/chat/{id}/export.md` and `/chat/{id}/export.json`: a person's own conversation as a
//! download (the active branch, as they see it). Someone else's thread is not found.

use super::actor::resolve_actor;
use crate::domain::chat::{ChatItem, ChatThread, ITEM_PAGE};
use crate::domain::chat_export::{to_markdown, ChatExport};
use crate::state::AppState;
use crate::store::{Actor, StoreError};
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// The most items an export holds (a thread past it is cut at its newest items).
const MAX_ITEMS: usize = 5_000;

pub async fn markdown(state: State<AppState>, path: Path<String>, req: Request) -> Response {
    export(state, path, req, Format::Markdown).await
}

pub async fn json(state: State<AppState>, path: Path<String>, req: Request) -> Response {
    export(state, path, req, Format::Json).await
}

/// The actor's thread and its active branch, oldest first (at most [`MAX_ITEMS`], the newest).
pub async fn active_branch(
    pool: &sqlx::PgPool,
    actor: &Actor,
    thread_id: i64,
) -> Result<(ChatThread, Vec<ChatItem>), StoreError> {
    let (thread, mut page) = crate::store::chat::latest_page(pool, actor, thread_id, ITEM_PAGE).await?;
    let mut items = std::mem::take(&mut page.items);
    while page.has_more && items.len() < MAX_ITEMS {
        let Some(first) = items.first().map(|i| i.id) else { break };
        page = crate::store::chat::older_page(pool, actor, thread_id, first, ITEM_PAGE).await?;
        let mut older = std::mem::take(&mut page.items);
        older.append(&mut items);
        items = older;
    }
    Ok((thread, items))
}

enum Format {
    Markdown,
    Json,
}

async fn export(State(state): State<AppState>, Path(id): Path<String>, req: Request, format: Format) -> Response {
    let Some(actor) = resolve_actor(&state, req.headers()).await.0 else {
        return (StatusCode::UNAUTHORIZED, "Please log in to export a conversation.").into_response();
    };
    let Some(thread_id) = id.parse::<i64>().ok().filter(|i| *i > 0) else {
        return (StatusCode::NOT_FOUND, "There is no such conversation.").into_response();
    };
    let (thread, items) = match active_branch(&state.pool, &actor, thread_id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return (StatusCode::NOT_FOUND, "There is no such conversation.").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "chat export");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let now = chrono::Utc::now();
    let (body, kind, ext) = match format {
        Format::Markdown => (to_markdown(&thread, &items, now), "text/markdown; charset=utf-8", "md"),
        Format::Json => match serde_json::to_string_pretty(&ChatExport::new(&thread, &items, now)) {
            Ok(j) => (j, "application/json", "json"),
            Err(e) => {
                tracing::error!(error = %e, "chat export, json");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        },
    };
    let disposition = format!("attachment; filename=\"concierge-chat-{thread_id}.{ext}\"");
    ([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition)], body).into_response()
}
