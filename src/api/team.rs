//! The team page: members and invites (owners and staff).

use super::AppError;
use crate::domain::forms::InviteForm;
use crate::domain::records::{InviteLink, Team};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "team")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn get_team() -> Result<Team, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::users::team(&pool, &actor).await?)
}

/// Makes a single-use invite link. The token is shown once, here; only its digest is stored.
#[server(prefix = "/api", endpoint = "create_invite")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn create_invite(form: InviteForm) -> Result<InviteLink, AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    if !actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    let draft = form.parse()?;
    let token = crate::security::tokens::new_token();
    let expires_at = chrono::Utc::now() + chrono::Duration::days(state.config.invite_days);
    crate::store::users::create_invite(
        &state.pool,
        &actor,
        &draft,
        &crate::security::tokens::token_hash(&token),
        expires_at,
    )
    .await?;
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::MemberInvited,
        draft.email.clone(),
        serde_json::json!({"role": draft.role.as_str()}),
    )
    .await;
    tracing::info!(role = draft.role.as_str(), "invite created");
    Ok(InviteLink { path: format!("/invite/{token}"), expires_at })
}

/// Removes a member from the venue (owners): their sessions here, calendar feeds and embed links
/// end at once; what they wrote stays.
#[server(prefix = "/api", endpoint = "remove_member")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(user_id = user_id)))]
pub async fn remove_member(user_id: i64) -> Result<(), AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    let user_id = super::ssr::id(user_id)?;
    let audit = |name: String| {
        super::ssr::audit(
            &state,
            &actor,
            crate::domain::audit::AuditAction::MemberRemoved,
            name,
            serde_json::json!({"user_id": user_id}),
        )
    };
    let who = crate::store::users::actor_for_member(&state.pool, user_id, actor.venue_id).await?;
    let ended = crate::store::users::remove_member(&state.pool, &actor, user_id).await?;
    audit(who.map(|w| format!("{} <{}>", w.name, w.email)).unwrap_or_default()).await;
    for hash in &ended {
        state.forget_session(hash);
    }
    tracing::info!(removed = user_id, sessions = ended.len(), "member removed");
    Ok(())
}

/// The venue's outgoing mail, newest first (owners): what SMTP sent, and, on a server without
/// SMTP, the messages waiting for an owner to pass on (password-reset links). `true` with the
/// list when SMTP is configured.
#[server(prefix = "/api", endpoint = "outbox")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn outbox() -> Result<(bool, Vec<crate::domain::records::OutboxMessage>), AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    let list = crate::store::outbox::list(&state.pool, &actor, 100).await?;
    Ok((state.mail.configured(), list))
}
