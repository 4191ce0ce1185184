//! The boundary between the UI and the server: server functions grouped by domain, and the
//! error type they share. Each server function: who is asking ([`ssr::actor`]), parse the input
//! with the shared parsers, one call into the store, a plain record back.

mod error;
pub use error::AppError;

pub mod agents;
pub mod assist;
pub mod auth;
pub mod chat;
pub mod dashboard;
pub mod events;
pub mod guests;
pub mod knowledge;
pub mod messages;
pub mod scheduling;
pub mod tasks;
pub mod team;
pub mod vendors;

/// The request's context for server functions. Read it (`actor`, `state`) before the first
/// `.await`: when a page renders on the server, a server function that has awaited may no longer
/// find the request's context.
#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::AppError;
    use crate::state::{AppState, RequestActor};
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

    /// Ids come from URLs and forms: anything not positive cannot exist.
    pub fn id(raw: i64) -> Result<i64, AppError> {
        if raw > 0 {
            Ok(raw)
        } else {
            Err(AppError::NotFound)
        }
    }
}
