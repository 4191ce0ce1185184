//! Agents: the chat panels of the dashboards (one thread per member, agent and scope),
//! approvals (in the chat and in the venue's queue), and embed tokens.

use super::AppError;
use crate::domain::chat::{AgentKind, ChatItem, QueuedApproval, Sent, ThreadOpen};
use crate::domain::embed::EmbedTokenView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use crate::domain::chat::AgentKind;
    use crate::store::Actor;

    /// The actor may talk to this agent about this scope.
    pub fn check_scope(actor: &Actor, agent: AgentKind, event_id: Option<i64>) -> Result<Option<i64>, AppError> {
        if !agent.usable_by(actor.role) {
            return Err(AppError::Forbidden);
        }
        match (agent.needs_event(), event_id) {
            (true, Some(id)) if id > 0 => Ok(Some(id)),
            (true, _) => Err(AppError::BadRequest("This agent needs an event.".into())),
            (false, _) => Ok(None),
        }
    }
}

/// The member's latest thread with `agent` over the scope, if any (the panel shows it).
#[server(prefix = "/api", endpoint = "agent_chat")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = ?event_id)))]
pub async fn agent_chat(agent: AgentKind, event_id: Option<i64>) -> Result<Option<ThreadOpen>, AppError> {
    // Everything from the request's context before the first `.await`: while a page renders on
    // the server, a server function's context is gone once it has awaited.
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    let event_id = ssr::check_scope(&actor, agent, event_id)?;
    super::ssr::reaches(agent, event_id)?;
    if let Some(id) = event_id {
        // Only a scope the member can still reach.
        crate::store::events::detail(&state.pool, &actor, id).await?;
    }
    Ok(state.chat.open_scoped(&actor, agent, event_id).await?)
}

/// Starts a thread with `agent` over the scope, with its first message.
#[server(prefix = "/api", endpoint = "start_agent_chat")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = ?event_id)))]
pub async fn start_agent_chat(
    agent: AgentKind,
    event_id: Option<i64>,
    text: String,
    model: Option<String>,
) -> Result<Sent, AppError> {
    let actor = super::ssr::actor()?;
    let hub = super::ssr::state()?.chat;
    let admitted = super::ssr::admit_turn();
    let event_id = ssr::check_scope(&actor, agent, event_id)?;
    super::ssr::reaches(agent, event_id)?;
    let text = crate::domain::chat::user_message(&text)?;
    let model = model.as_deref().filter(|m| !m.is_empty());
    admitted.await?;
    Ok(hub.start_thread(&actor, agent, event_id, text, model, &[]).await?)
}

/// Approves or rejects an action an agent proposed. Returns the tool call as it is now.
#[server(prefix = "/api", endpoint = "decide_approval")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(approval_id = approval_id)))]
pub async fn decide_approval(approval_id: i64, approve: bool, note: String) -> Result<ChatItem, AppError> {
    use super::ssr::Reachable;
    let state = super::ssr::state()?;
    let approval_id = super::ssr::id(approval_id)?;
    if note.chars().count() > 1000 {
        return Err(AppError::invalid("note", "Must be at most 1,000 characters."));
    }
    let actor = super::ssr::actor_within(Reachable::Approval(approval_id)).await?;
    Ok(state.chat.decide(&actor, approval_id, approve, &note).await?)
}

/// The venue's approval queue (owners and staff).
#[server(prefix = "/api", endpoint = "approval_queue")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn approval_queue() -> Result<Vec<QueuedApproval>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let mut queue = crate::store::approvals::queue(&pool, &actor, 20).await?;
    // The store knows each request's tool by name; people read its label.
    for a in &mut queue {
        if let Some(tool) = crate::agent::tool(&a.tool) {
            a.tool_label = tool.label.to_string();
        }
    }
    Ok(queue)
}

/// The venue's embed tokens (owners).
#[server(prefix = "/api", endpoint = "embed_tokens")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn embed_tokens() -> Result<Vec<EmbedTokenView>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::embed::list(&pool, &actor).await?)
}

/// Creates an embed token for a member's agent chat; returns the widget's URL path (with the
/// token), shown once. `internal` allows an owner's or staff member's chat; `origins` lists the
/// sites that may frame it (see `domain::embed::embed_origins`).
#[server(prefix = "/api", endpoint = "create_embed_token")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = ?event_id)))]
pub async fn create_embed_token(
    member_email: String,
    agent: AgentKind,
    event_id: Option<i64>,
    label: String,
    days: i64,
    #[server(default)] internal: bool,
    #[server(default)] origins: String,
) -> Result<String, AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let pool = state.pool.clone();
    let origins = crate::domain::embed::embed_origins(&origins)?;
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 120 {
        return Err(AppError::invalid("label", "Give the token a name of 1–120 characters."));
    }
    if !(1..=365).contains(&days) {
        return Err(AppError::invalid("days", "A token lasts 1–365 days."));
    }
    let event_id = event_id.filter(|id| *id > 0);
    if agent.needs_event() && event_id.is_none() {
        return Err(AppError::invalid("event_id", "This agent needs an event."));
    }
    let input = crate::store::embed::NewToken {
        member_email: member_email.trim(),
        agent,
        event_id: if agent.needs_event() { event_id } else { None },
        label,
        days,
        internal,
        origins: &origins,
    };
    let (id, expires) = crate::store::embed::create(&pool, &actor, &input).await?;
    let detail = serde_json::json!({"id": id, "member": input.member_email, "agent": agent.as_str(), "event_id": input.event_id,
        "internal": internal, "sites": origins, "expires": expires});
    super::ssr::audit(&state, &actor, crate::domain::audit::AuditAction::EmbedLinkCreated, label.to_string(), detail)
        .await;
    let key = crate::store::embed::signing_key(&pool).await?;
    let token = crate::security::signing::sign(&key, id, expires.timestamp());
    let mut url = format!("/embed/chat?agent={}&token={token}", agent.as_str());
    if let Some(e) = input.event_id {
        url.push_str(&format!("&event={e}"));
    }
    Ok(url)
}

#[server(prefix = "/api", endpoint = "revoke_embed_token")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn revoke_embed_token(id: i64) -> Result<(), AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    crate::store::embed::revoke(&state.pool, &actor, super::ssr::id(id)?).await?;
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::EmbedLinkRevoked,
        format!("Embed link {id}"),
        serde_json::json!({"id": id}),
    )
    .await;
    Ok(())
}
