//! The boundary between the UI and the server: server functions grouped by domain, and the
//! error type they share. Each server function: who is asking ([`ssr::actor`]), parse the input
//! with the shared parsers, one call into the store, a plain record back.

mod error;
pub use error::AppError;

pub mod agents;
pub mod api_keys;
pub mod assist;
pub mod audit;
pub mod auth;
pub mod automations;
pub mod chat;
pub mod dashboard;
pub mod events;
pub mod guests;
pub mod insights;
pub mod knowledge;
pub mod mcp_servers;
pub mod messages;
pub mod scheduling;
pub mod studio;
pub mod tasks;
pub mod team;
pub mod vendors;
pub mod webhooks;

/// The request's context for server functions. Read it (`actor`, `state`) before the first
/// `.await`: when a page renders on the server, a server function that has awaited may no longer
/// find the request's context.
#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::AppError;
    use crate::domain::chat::AgentKind;
    use crate::domain::embed::EmbedReach;
    use crate::state::limits::Rate;
    use crate::state::{AppState, RequestActor};
    use crate::store::embed::EmbedSession;
    pub use crate::store::embed::Reachable;
    use crate::store::Actor;
    use leptos::prelude::use_context;

    /// The logged-in actor, or `Unauthenticated`.
    pub fn actor() -> Result<Actor, AppError> {
        use_context::<RequestActor>().and_then(|a| a.0).ok_or(AppError::Unauthenticated)
    }

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from context");
            AppError::Internal
        })
    }

    /// Both at once, the common case.
    pub fn actor_and_pool() -> Result<(Actor, sqlx::PgPool), AppError> {
        Ok((actor()?, state()?.pool))
    }

    /// The embed session the request came through, if it did (see `web::actor`). Such a request
    /// reaches only the chat server functions, for one agent over one event.
    pub fn embed() -> Option<EmbedSession> {
        use_context::<EmbedSession>()
    }

    /// The actor, for a request about `what` (a thread, or an approval in one). Through an embed
    /// session, only the token's agent and event are within reach; anything else is not found,
    /// as if it did not exist. A member's own session passes (the store checks ownership).
    /// The context is read when this is called, before the caller's first `.await`.
    pub fn actor_within(what: Reachable) -> impl std::future::Future<Output = Result<Actor, AppError>> {
        let (actor, embed, state) = (actor(), embed(), state());
        async move {
            let actor = actor?;
            if let Some(session) = embed {
                if !crate::store::embed::within(&state?.pool, &session, what).await? {
                    return Err(AppError::NotFound);
                }
            }
            Ok(actor)
        }
    }

    /// Lets a new turn start (a message, an edit, a regeneration, a new chat): within the
    /// person's, the venue's and the embed link's message rates, the person's cap on replies
    /// being written at once, and the daily token quotas (see `state::limits`). The context is
    /// read when this is called, before the caller's first `.await`.
    pub fn admit_turn() -> impl std::future::Future<Output = Result<(), AppError>> {
        let (actor, embed, state) = (actor(), embed(), state());
        async move {
            let (actor, state) = (actor?, state?);
            Ok(state.admit_turn(&actor, embed.map(|e| e.token_id)).await?)
        }
    }

    /// Counts a form assist against the person's rate.
    pub fn admit_assist(actor: &Actor) -> Result<(), AppError> {
        Ok(state()?.limits.check(Rate::Assist { user_id: actor.user_id })?)
    }

    /// Refuses an agent and scope other than the embed session's, when there is one.
    pub fn reaches(agent: AgentKind, event_id: Option<i64>) -> Result<(), AppError> {
        match embed() {
            Some(s) if s.reach != (EmbedReach { agent, event_id }) => Err(AppError::Forbidden),
            _ => Ok(()),
        }
    }

    /// Records what `actor` just did in the venue's audit log, with the request's address (read
    /// now, before the returned future awaits). A failed write is logged, not returned: the thing
    /// itself is done by then.
    pub fn audit(
        state: &AppState,
        actor: &Actor,
        action: crate::domain::audit::AuditAction,
        target: impl Into<String>,
        detail: serde_json::Value,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        let ip = super::auth::ssr::remote_addr(state);
        let (pool, actor, target) = (state.pool.clone(), actor.clone(), target.into());
        async move {
            let entry = crate::store::audit::Record::by(&actor, action, &target).detail(detail).ip(&ip);
            if let Err(e) = crate::store::audit::record(&pool, &entry).await {
                tracing::error!(error = %e, action = action.as_str(), "audit entry not written");
            }
        }
    }

    /// Ids come from URLs and forms: anything not positive cannot exist.
    pub fn id(raw: i64) -> Result<i64, AppError> {
        if raw > 0 {
            Ok(raw)
        } else {
            Err(AppError::NotFound)
        }
    }
}
