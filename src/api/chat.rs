//! Chat: threads, sending, stopping, regenerating, editing, search, models, usage, providers.
//! Replies stream separately, over `GET /api/chat/{id}/events` (see `crate::chat`).

use super::AppError;
use crate::domain::chat::{
    ChatItem, ChatThread, ItemPage, ModelCatalog, ProviderView, SearchHit, Sent, ThreadList, ThreadOpen, UsageRow,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use crate::chat::{ChatError, Hub};
    use std::sync::Arc;

    pub fn hub() -> Result<Arc<Hub>, AppError> {
        Ok(super::super::ssr::state()?.chat)
    }

    impl From<ChatError> for AppError {
        fn from(e: ChatError) -> Self {
            match e {
                ChatError::Store(s) => s.into(),
                ChatError::NoModel => AppError::BadRequest(e.to_string()),
                ChatError::UnknownModel(m) => {
                    AppError::invalid("model", &format!("Model {m:?} is not available. Pick one from the list."))
                }
            }
        }
    }
}

#[server(prefix = "/api", endpoint = "chat_models")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn chat_models() -> Result<ModelCatalog, AppError> {
    let actor = super::ssr::actor()?;
    Ok(ssr::hub()?.catalog(actor.venue_id).await?.view())
}

#[server(prefix = "/api", endpoint = "chat_threads")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn chat_threads(archived: bool, cursor: Option<String>) -> Result<ThreadList, AppError> {
    use crate::store::chat::Cursor;
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let cursor = match cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(Cursor::decode(c).ok_or_else(|| AppError::BadRequest("The page cursor is not valid.".into()))?),
        None => None,
    };
    let limit = crate::domain::chat::THREAD_PAGE;
    let (threads, next) = crate::store::chat::list_threads(&pool, &actor, archived, cursor.as_ref(), limit).await?;
    Ok(ThreadList { threads, next_cursor: next.map(|c| c.encode()) })
}

#[server(prefix = "/api", endpoint = "open_chat")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn open_chat(thread_id: i64) -> Result<ThreadOpen, AppError> {
    use super::ssr::Reachable;
    let hub = ssr::hub()?;
    let thread_id = super::ssr::id(thread_id)?;
    let actor = super::ssr::actor_within(Reachable::Thread(thread_id)).await?;
    Ok(hub.open(&actor, thread_id).await?)
}

/// The thread alone (its title after the first exchange, its model), without its items.
#[server(prefix = "/api", endpoint = "chat_thread")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn get_chat_thread(thread_id: i64) -> Result<ChatThread, AppError> {
    use super::ssr::Reachable;
    let pool = super::ssr::state()?.pool;
    let thread_id = super::ssr::id(thread_id)?;
    let actor = super::ssr::actor_within(Reachable::Thread(thread_id)).await?;
    Ok(crate::store::chat::thread(&pool, &actor, thread_id).await?)
}

#[server(prefix = "/api", endpoint = "older_chat_items")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn older_chat_items(thread_id: i64, before: i64) -> Result<ItemPage, AppError> {
    use super::ssr::Reachable;
    let pool = super::ssr::state()?.pool;
    let (thread_id, before) = (super::ssr::id(thread_id)?, super::ssr::id(before)?);
    let actor = super::ssr::actor_within(Reachable::Thread(thread_id)).await?;
    Ok(crate::store::chat::older_page(&pool, &actor, thread_id, before, crate::domain::chat::ITEM_PAGE).await?)
}

/// Starts a new chat with its first message and the files uploaded for it (`attachments`: ids
/// that `POST /knowledge/upload?attach=1` answered).
#[server(prefix = "/api", endpoint = "start_chat")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn start_chat(
    text: String,
    model: Option<String>,
    #[server(default)] attachments: Vec<i64>,
) -> Result<Sent, AppError> {
    use crate::domain::chat::AgentKind;
    let actor = super::ssr::actor()?;
    let hub = ssr::hub()?;
    let admitted = super::ssr::admit_turn();
    let attachments = crate::domain::knowledge::attachment_ids(&attachments)?;
    let text = crate::domain::chat::user_message(&text)?;
    let model = model.as_deref().filter(|m| !m.is_empty());
    admitted.await?;
    Ok(hub.start_thread(&actor, AgentKind::Assistant, None, text, model, &attachments).await?)
}

/// Sends a message, with the files uploaded for it (`attachments`).
#[server(prefix = "/api", endpoint = "send_chat_message")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn send_chat_message(
    thread_id: i64,
    text: String,
    model: Option<String>,
    #[server(default)] attachments: Vec<i64>,
) -> Result<Sent, AppError> {
    use super::ssr::Reachable;
    let hub = ssr::hub()?;
    let admitted = super::ssr::admit_turn();
    let thread_id = super::ssr::id(thread_id)?;
    let actor = super::ssr::actor_within(Reachable::Thread(thread_id)).await?;
    let attachments = crate::domain::knowledge::attachment_ids(&attachments)?;
    let text = crate::domain::chat::user_message(&text)?;
    let model = model.filter(|m| !m.is_empty());
    admitted.await?;
    let turn = crate::chat::Turn::Message(text);
    Ok(hub.send(&actor, thread_id, turn, model.as_deref(), &attachments).await?)
}

/// Removes a file attached in the composer before its message was sent.
#[server(prefix = "/api", endpoint = "discard_attachment")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(document_id = id)))]
pub async fn discard_attachment(id: i64) -> Result<(), AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    let id = super::ssr::id(id)?;
    Ok(crate::knowledge::discard(&state.pool, &state.knowledge, &actor, id).await?)
}

/// Replaces an earlier message of the person's and answers it; the old version stays reachable.
#[server(prefix = "/api", endpoint = "edit_chat_message")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id, item_id = item_id)))]
pub async fn edit_chat_message(thread_id: i64, item_id: i64, text: String) -> Result<Sent, AppError> {
    use super::ssr::Reachable;
    let hub = ssr::hub()?;
    let admitted = super::ssr::admit_turn();
    let (thread_id, item_id) = (super::ssr::id(thread_id)?, super::ssr::id(item_id)?);
    let actor = super::ssr::actor_within(Reachable::Thread(thread_id)).await?;
    let text = crate::domain::chat::user_message(&text)?;
    admitted.await?;
    Ok(hub.send(&actor, thread_id, crate::chat::Turn::Edit { item_id, text }, None, &[]).await?)
}

/// A new reply to the last message (also how a failed reply is retried).
#[server(prefix = "/api", endpoint = "regenerate_reply")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn regenerate_reply(thread_id: i64, model: Option<String>) -> Result<Sent, AppError> {
    use super::ssr::Reachable;
    let hub = ssr::hub()?;
    let admitted = super::ssr::admit_turn();
    let thread_id = super::ssr::id(thread_id)?;
    let actor = super::ssr::actor_within(Reachable::Thread(thread_id)).await?;
    let model = model.filter(|m| !m.is_empty());
    admitted.await?;
    Ok(hub.send(&actor, thread_id, crate::chat::Turn::Regenerate, model.as_deref(), &[]).await?)
}

/// Rates a finished reply in one of the person's own threads: `rating` "up" or "down" ("" clears
/// it and its comment), with an optional comment of up to 1,000 characters. Returns the reply.
#[server(prefix = "/api", endpoint = "rate_reply")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(item_id = item_id)))]
pub async fn rate_reply(item_id: i64, rating: String, comment: Option<String>) -> Result<ChatItem, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let item_id = super::ssr::id(item_id)?;
    let rating = match rating.as_str() {
        "up" => Some(1),
        "down" => Some(-1),
        "" => None,
        _ => return Err(AppError::invalid("rating", "Rate a reply up or down.")),
    };
    let comment = comment.unwrap_or_default().trim().to_string();
    if comment.chars().count() > crate::domain::chat::MAX_RATING_COMMENT {
        return Err(AppError::invalid("comment", "Keep the comment under 1,000 characters."));
    }
    Ok(crate::store::chat::rate_reply(&pool, &actor, item_id, rating, &comment).await?)
}

/// Stops the reply being written; its text so far is kept. Returns whether one was running.
#[server(prefix = "/api", endpoint = "stop_reply")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn stop_reply(thread_id: i64) -> Result<bool, AppError> {
    use super::ssr::Reachable;
    let hub = ssr::hub()?;
    let thread_id = super::ssr::id(thread_id)?;
    let actor = super::ssr::actor_within(Reachable::Thread(thread_id)).await?;
    Ok(hub.stop(&actor, thread_id).await?)
}

#[server(prefix = "/api", endpoint = "rename_chat")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn rename_chat(thread_id: i64, title: String) -> Result<ChatThread, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let title = crate::domain::chat::thread_title(&title)?;
    let change = crate::store::chat::Change::Title(&title);
    Ok(crate::store::chat::change(&pool, &actor, super::ssr::id(thread_id)?, change).await?)
}

#[server(prefix = "/api", endpoint = "pin_chat")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn pin_chat(thread_id: i64, pinned: bool) -> Result<ChatThread, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let change = crate::store::chat::Change::Pinned(pinned);
    Ok(crate::store::chat::change(&pool, &actor, super::ssr::id(thread_id)?, change).await?)
}

#[server(prefix = "/api", endpoint = "archive_chat")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn archive_chat(thread_id: i64, archived: bool) -> Result<ChatThread, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let change = crate::store::chat::Change::Archived(archived);
    Ok(crate::store::chat::change(&pool, &actor, super::ssr::id(thread_id)?, change).await?)
}

#[server(prefix = "/api", endpoint = "set_chat_model")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn set_chat_model(thread_id: i64, model: String) -> Result<ChatThread, AppError> {
    use super::ssr::Reachable;
    let hub = ssr::hub()?;
    // Through an embed session, a `thread_id` that is not an id is out of reach (not found);
    // otherwise the model is checked first and the store answers such an id as not found.
    let actor = super::ssr::actor_within(Reachable::Thread(thread_id)).await?;
    Ok(hub.set_model(&actor, thread_id, &model).await?)
}

#[server(prefix = "/api", endpoint = "delete_chat")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id)))]
pub async fn delete_chat(thread_id: i64) -> Result<(), AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    let thread_id = super::ssr::id(thread_id)?;
    ssr::hub()?.delete(&actor, thread_id).await?;
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::Deleted,
        format!("Chat {thread_id}"),
        serde_json::json!({"chat_id": thread_id}),
    )
    .await;
    Ok(())
}

/// Shows another version of a message (after an edit or a regeneration): the sibling `delta`
/// places from `item_id` (-1 the previous version, +1 the next).
#[server(prefix = "/api", endpoint = "switch_chat_branch")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(thread_id = thread_id, item_id = item_id)))]
pub async fn switch_chat_branch(thread_id: i64, item_id: i64, delta: i64) -> Result<ThreadOpen, AppError> {
    use super::ssr::Reachable;
    let hub = ssr::hub()?;
    let (thread_id, item_id) = (super::ssr::id(thread_id)?, super::ssr::id(item_id)?);
    let actor = super::ssr::actor_within(Reachable::Thread(thread_id)).await?;
    if !(-1000..=1000).contains(&delta) || delta == 0 {
        return Err(AppError::BadRequest("`delta` must be a small non-zero step.".into()));
    }
    Ok(hub.switch_branch(&actor, thread_id, item_id, delta).await?)
}

#[server(prefix = "/api", endpoint = "search_chats")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn search_chats(q: String) -> Result<Vec<SearchHit>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let q = crate::domain::chat::search_query(&q)?;
    Ok(crate::store::chat::search(&pool, &actor, &q).await?)
}

/// The person's own token usage per day and model, last 30 days.
#[server(prefix = "/api", endpoint = "my_usage")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn my_usage() -> Result<Vec<UsageRow>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::chat::usage(&pool, &actor, 30).await?)
}

/// Today's allowance: tokens used against the daily quotas, and the message rate.
#[server(prefix = "/api", endpoint = "my_allowance")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn my_allowance() -> Result<crate::domain::chat::Allowance, AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    let (person_used, venue_used) =
        crate::store::chat::tokens_today(&state.pool, actor.user_id, actor.venue_id).await?;
    let limits = &state.limits.config;
    Ok(crate::domain::chat::Allowance {
        person_used,
        person_quota: limits.person_daily_tokens,
        venue_used,
        venue_quota: limits.venue_daily_tokens,
        sends_per_minute: limits.sends_per_minute,
        live_replies: limits.live_replies as u32,
    })
}

/// Providers: the environment's (read-only) and the venue's own. Owners only.
#[server(prefix = "/api", endpoint = "list_providers")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn list_providers() -> Result<Vec<ProviderView>, AppError> {
    let actor = super::ssr::actor()?;
    if actor.role != crate::domain::Role::Owner {
        return Err(AppError::Forbidden);
    }
    // What the page may see of a provider: whether a key is set, never the key.
    let providers = ssr::hub()?.providers(actor.venue_id).await?;
    Ok(providers
        .into_iter()
        .map(|(id, p)| ProviderView {
            id,
            has_key: p.api_key.is_some(),
            from_env: id.is_none(),
            name: p.name,
            kind: p.kind,
            base_url: p.base_url,
            models: p.models,
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "add_provider")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn add_provider(
    name: String,
    kind: String,
    base_url: String,
    api_key: String,
    models: String,
) -> Result<i64, AppError> {
    let actor = super::ssr::actor()?;
    if actor.role != crate::domain::Role::Owner {
        return Err(AppError::Forbidden);
    }
    let state = super::ssr::state()?;
    let draft = crate::domain::chat::ProviderDraft { name, kind, base_url, api_key, models }.parse()?;
    let id = ssr::hub()?.add_provider(&actor, &draft).await?;
    let detail = serde_json::json!({"id": id, "kind": draft.kind, "base_url": draft.base_url, "models": draft.models});
    super::ssr::audit(&state, &actor, crate::domain::audit::AuditAction::ProviderSaved, draft.name.clone(), detail)
        .await;
    Ok(id)
}

#[server(prefix = "/api", endpoint = "remove_provider")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn remove_provider(id: i64) -> Result<(), AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    ssr::hub()?.remove_provider(&actor, super::ssr::id(id)?).await?;
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::ProviderRemoved,
        format!("Provider {id}"),
        serde_json::json!({"id": id}),
    )
    .await;
    Ok(())
}
