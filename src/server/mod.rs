//! The server (ssr only): configuration, shared state, sessions, the router and its few plain
//! routes. `main.rs` only wires these together; tests build the same router with [`app`].

pub mod auth;
mod calendar;
mod chat_stream;
pub mod config;
pub mod embed;
mod router;

pub use router::app;

use crate::store::Actor;
use leptos::config::LeptosOptions;
use leptos_axum::AxumRouteListing;
use sqlx::PgPool;
use std::sync::Arc;

/// Everything a request handler or server function may need, built once at start-up.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub routes: Vec<AxumRouteListing>,
    pub config: Arc<config::Config>,
    /// The chat engine: models, live replies.
    pub chat: Arc<crate::chat::Hub>,
    /// Recently resolved sessions.
    pub sessions: Arc<auth::SessionCache>,
}

impl AppState {
    /// The state for `main`, tests and benchmarks alike: the app's routes, the chat engine on
    /// `llm`, an empty session cache.
    pub fn new(leptos_options: LeptosOptions, pool: PgPool, config: config::Config, llm: crate::llm::Llm) -> Self {
        Self {
            routes: leptos_axum::generate_route_list(crate::app::App),
            leptos_options,
            chat: Arc::new(crate::chat::Hub::new(pool.clone(), Arc::new(llm))),
            pool,
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
