//! Outside tools (owners): the MCP servers the venue connected at `/settings/tools`, their
//! tools, and which agents may call each under which approval policy.

use super::AppError;
use crate::domain::mcp_servers::{McpServerInput, McpServerView, McpToolInput};
use leptos::prelude::*;

/// The venue's servers and their tools.
#[server(prefix = "/api", endpoint = "mcp_servers")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn mcp_servers() -> Result<Vec<McpServerView>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::mcp_servers::list(&pool, &actor).await?)
}

/// Lists a server's tools and stores them; a failure is stored on the server for the page.
#[cfg(feature = "ssr")]
async fn list_tools(
    state: &crate::state::AppState,
    actor: &crate::store::Actor,
    id: i64,
) -> Result<Result<usize, String>, AppError> {
    let conn = crate::store::mcp_servers::connection(&state.pool, actor, id).await?;
    match state.chat.outside().list(&conn).await {
        Ok(listed) => {
            crate::store::mcp_servers::save_listing(&state.pool, actor, id, &listed).await?;
            tracing::info!(server = %conn.name, tools = listed.len(), "outside tools listed");
            Ok(Ok(listed.len()))
        }
        Err(e) => {
            let message = e.to_string();
            tracing::info!(server = %conn.name, error = %message, "outside tools not listed");
            crate::store::mcp_servers::listing_failed(&state.pool, actor, id, &message).await?;
            Ok(Err(message))
        }
    }
}

/// Connects a server and lists its tools. The address must not point into a private or local
/// network (the outbound guard), unless the operator allowed it. The server is kept even when
/// listing fails (the page says why, and lists again on request).
#[server(prefix = "/api", endpoint = "add_mcp_server")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn add_mcp_server(input: McpServerInput) -> Result<i64, AppError> {
    use crate::store::StoreError;
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    if actor.role != crate::domain::Role::Owner {
        return Err(StoreError::Forbidden.into());
    }
    let server = crate::domain::mcp_servers::new_server(&input)?;
    if let Err(refused) = state.chat.outbound().check_url(&server.url).await {
        return Err(StoreError::field("url", &refused.to_string()).into());
    }
    let id = crate::store::mcp_servers::create(&state.pool, &actor, &server).await?;
    let headers: Vec<&str> = server.headers.iter().map(|(n, _)| n.as_str()).collect();
    let detail = serde_json::json!({"id": id, "name": server.name, "headers": headers});
    super::ssr::audit(&state, &actor, crate::domain::audit::AuditAction::ToolServerSaved, server.url.clone(), detail)
        .await;
    // A failed listing is kept on the server for the page; the server stays connected.
    let _listed = list_tools(&state, &actor, id).await?;
    Ok(id)
}

/// Lists a server's tools again: new ones come in off, known ones keep their settings, tools
/// it no longer lists are removed. `Err` when the server could not be listed (why, for people).
#[server(prefix = "/api", endpoint = "refresh_mcp_server")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn refresh_mcp_server(id: i64) -> Result<usize, AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    match list_tools(&state, &actor, super::ssr::id(id)?).await? {
        Ok(n) => Ok(n),
        Err(message) => Err(AppError::Conflict(format!("The server could not be listed: {message}."))),
    }
}

/// Pauses (no agent is offered its tools) or resumes a server.
#[server(prefix = "/api", endpoint = "set_mcp_server_active")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn set_mcp_server_active(id: i64, active: bool) -> Result<(), AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let name = crate::store::mcp_servers::set_active(&state.pool, &actor, super::ssr::id(id)?, active).await?;
    let detail = serde_json::json!({"id": id, "active": active});
    super::ssr::audit(&state, &actor, crate::domain::audit::AuditAction::ToolServerSaved, name, detail).await;
    Ok(())
}

/// Disconnects a server and forgets its tools.
#[server(prefix = "/api", endpoint = "delete_mcp_server")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn delete_mcp_server(id: i64) -> Result<(), AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let name = crate::store::mcp_servers::delete(&state.pool, &actor, super::ssr::id(id)?).await?;
    let detail = serde_json::json!({"id": id});
    super::ssr::audit(&state, &actor, crate::domain::audit::AuditAction::ToolServerRemoved, name, detail).await;
    Ok(())
}

/// Turns a tool on for the chosen agent kinds (none: off) with an approval policy (by default
/// every call waits for the person).
#[server(prefix = "/api", endpoint = "set_mcp_tool")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn set_mcp_tool(id: i64, input: McpToolInput) -> Result<(), AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let policy = input.policy.unwrap_or(crate::domain::mcp_servers::ToolPolicy::Requester);
    let exposed =
        crate::store::mcp_servers::set_tool(&state.pool, &actor, super::ssr::id(id)?, &input.agents, policy).await?;
    let agents: Vec<&str> = input.agents.iter().map(|a| a.as_str()).collect();
    let detail = serde_json::json!({"id": id, "agents": agents, "policy": policy.as_str()});
    super::ssr::audit(&state, &actor, crate::domain::audit::AuditAction::OutsideToolChanged, exposed, detail).await;
    Ok(())
}
