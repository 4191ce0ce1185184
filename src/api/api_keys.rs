//! API keys: a member's own keys for the OpenAI-compatible API (`/v1`), listed, made and revoked
//! at `/settings/api`. An owner also sees, and may revoke, every member's keys of the venue.

use super::AppError;
use crate::domain::api_keys::{ApiKeyInput, ApiKeyView};
use leptos::prelude::*;

/// The member's keys (an owner's list has the venue's).
#[server(prefix = "/api", endpoint = "api_keys")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn api_keys() -> Result<Vec<ApiKeyView>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::api_keys::list(&pool, &actor).await?)
}

/// Makes a key for the member; returns it, shown this once (the server keeps only its hash).
#[server(prefix = "/api", endpoint = "create_api_key")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn create_api_key(input: ApiKeyInput) -> Result<String, AppError> {
    use crate::security::tokens;
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let key = crate::domain::api_keys::new_api_key(&input)?;
    let secret = tokens::new_api_key();
    let prefix = &secret[..crate::domain::api_keys::SHOWN_PREFIX];
    let (id, expires) =
        crate::store::api_keys::create(&state.pool, &actor, &key, &tokens::token_hash(&secret), prefix).await?;
    let agents: Vec<&str> = key.agents.iter().map(|a| a.as_str()).collect();
    let detail = serde_json::json!({"id": id, "prefix": prefix, "agents": agents, "raw_models": key.raw_models,
        "may_act": key.may_act, "expires": expires});
    super::ssr::audit(&state, &actor, crate::domain::audit::AuditAction::ApiKeyCreated, key.name.clone(), detail).await;
    tracing::info!(key_id = id, "API key created");
    Ok(secret)
}

/// Revokes a key of the member's (an owner: any of the venue's); it stops working at once.
#[server(prefix = "/api", endpoint = "revoke_api_key")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn revoke_api_key(id: i64) -> Result<(), AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let name = crate::store::api_keys::revoke(&state.pool, &actor, super::ssr::id(id)?).await?;
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::ApiKeyRevoked,
        name,
        serde_json::json!({"id": id}),
    )
    .await;
    Ok(())
}
