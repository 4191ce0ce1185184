//! The shared state (ssr) that server functions and routes read: the pool, the configuration, the
//! chat engine, the session cache, and the actor of the current request.
//!
//! It sits below `api` and above the engine: `api` reads it from the request's context, `web`
//! builds it once at start-up and provides it. It holds no route list and imports nothing of the
//! UI, so `app → api → state` never comes back up.

pub mod config;
pub mod limits;
pub mod mail;
pub mod session;
pub mod startup;

use crate::store::Actor;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

/// Everything a request handler or server function may need, built once at start-up.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub config: Arc<config::Config>,
    /// The chat engine: models, live replies.
    pub chat: Arc<crate::chat::Hub>,
    /// Recently resolved sessions.
    pub sessions: Arc<session::SessionCache>,
    /// Documents, their passages, search.
    pub knowledge: Arc<crate::knowledge::Knowledge>,
    /// Rate limits (this process's counts).
    pub limits: Arc<limits::Limits>,
    /// Outgoing mail (SMTP, or the owners' outbox).
    pub mail: Arc<mail::Mailer>,
}

impl AppState {
    /// The state for `main`, tests and benchmarks alike: the chat engine on `llm` and the
    /// knowledge base, an empty session cache.
    pub fn new(
        leptos_options: LeptosOptions,
        pool: PgPool,
        config: config::Config,
        llm: crate::llm::Llm,
        knowledge: Arc<crate::knowledge::Knowledge>,
    ) -> Self {
        Self {
            leptos_options,
            chat: Arc::new(crate::chat::Hub::new(pool.clone(), Arc::new(llm), knowledge.clone())),
            knowledge,
            pool,
            limits: Arc::new(limits::Limits::new(config.limits.clone())),
            mail: Arc::new(mail::Mailer::new(&config)),
            config: Arc::new(config),
            sessions: Arc::default(),
        }
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The actor behind the current request (none when logged out), provided as context to every
/// page render and server function call.
#[derive(Clone, Debug, Default)]
pub struct RequestActor(pub Option<Actor>);
