//! Webhooks (owners): the venue's endpoints at `/settings/webhooks`, registered, paused, tested,
//! given a new secret or removed, and the deliveries' log, where one can be sent again.

use super::AppError;
use crate::domain::webhooks::{WebhookInput, WebhookSettings};
use leptos::prelude::*;

/// The venue's endpoints and latest deliveries.
#[server(prefix = "/api", endpoint = "webhooks")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn webhooks() -> Result<WebhookSettings, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::webhooks::settings(&pool, &actor).await?)
}

/// Registers an endpoint; returns its signing secret, shown this once. The address must not
/// point into a private or local network (the outbound guard), unless the operator allowed it.
#[server(prefix = "/api", endpoint = "create_webhook")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn create_webhook(input: WebhookInput) -> Result<String, AppError> {
    use crate::store::StoreError;
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    if actor.role != crate::domain::Role::Owner {
        return Err(StoreError::Forbidden.into());
    }
    let hook = crate::domain::webhooks::new_webhook(&input)?;
    if let Err(refused) = state.chat.outbound().check_url(&hook.url).await {
        return Err(StoreError::field("url", &refused.to_string()).into());
    }
    let secret = crate::security::tokens::new_webhook_secret();
    let id = crate::store::webhooks::create(&state.pool, &actor, &hook, &secret).await?;
    let events: Vec<&str> = hook.events.iter().map(|e| e.as_str()).collect();
    let detail = serde_json::json!({"id": id, "events": events});
    super::ssr::audit(&state, &actor, crate::domain::audit::AuditAction::WebhookSaved, hook.url.clone(), detail).await;
    tracing::info!(webhook = id, "webhook registered");
    Ok(secret)
}

/// Pauses (`active` false) or resumes an endpoint.
#[server(prefix = "/api", endpoint = "set_webhook_active")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn set_webhook_active(id: i64, active: bool) -> Result<(), AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let url = crate::store::webhooks::set_active(&state.pool, &actor, super::ssr::id(id)?, active).await?;
    let detail = serde_json::json!({"id": id, "active": active});
    super::ssr::audit(&state, &actor, crate::domain::audit::AuditAction::WebhookSaved, url, detail).await;
    Ok(())
}

/// Gives an endpoint a new signing secret; returns it, shown this once.
#[server(prefix = "/api", endpoint = "roll_webhook_secret")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn roll_webhook_secret(id: i64) -> Result<String, AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let secret = crate::security::tokens::new_webhook_secret();
    let url = crate::store::webhooks::roll_secret(&state.pool, &actor, super::ssr::id(id)?, &secret).await?;
    let detail = serde_json::json!({"id": id, "secret": "rolled"});
    super::ssr::audit(&state, &actor, crate::domain::audit::AuditAction::WebhookSaved, url, detail).await;
    Ok(secret)
}

/// Removes an endpoint and its deliveries' log.
#[server(prefix = "/api", endpoint = "delete_webhook")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn delete_webhook(id: i64) -> Result<(), AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let url = crate::store::webhooks::delete(&state.pool, &actor, super::ssr::id(id)?).await?;
    let detail = serde_json::json!({"id": id});
    super::ssr::audit(&state, &actor, crate::domain::audit::AuditAction::WebhookRemoved, url, detail).await;
    Ok(())
}

/// Sends a test event (`ping`) to an endpoint; returns the delivery's id.
#[server(prefix = "/api", endpoint = "ping_webhook")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn ping_webhook(id: i64) -> Result<i64, AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let delivery = crate::store::webhooks::ping(&state.pool, &actor, super::ssr::id(id)?, chrono::Utc::now()).await?;
    state.knowledge.wake.notify_one();
    Ok(delivery)
}

/// Sends a delivery again: the same body (the same event id), newly signed.
#[server(prefix = "/api", endpoint = "replay_webhook_delivery")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn replay_webhook_delivery(id: i64) -> Result<(), AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    crate::store::webhooks::replay(&state.pool, &actor, super::ssr::id(id)?, chrono::Utc::now()).await?;
    state.knowledge.wake.notify_one();
    Ok(())
}
