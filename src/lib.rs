//! Concierge: one crate, two builds. A tour of the modules, top to bottom; each imports only
//! the ones below it (`tests/architecture.rs` holds the code to that):
//!
//! * `web` (ssr): the composition root: the axum router, middleware, who is asking, the plain
//!   routes (the chat's event stream, iCalendar, knowledge uploads, `/health`). The only module that imports [`app`].
//! * [`app`]: the UI, rendered on the server (feature `ssr`) and hydrated in the browser
//!   (feature `hydrate`, compiled to wasm). It names no server-only module outside code gated by
//!   `#[cfg(feature = "ssr")]`.
//! * [`api`]: the boundary. Server functions check who is asking, parse the input with the
//!   [`domain`] parsers, make one call inward, and return plain records.
//! * `state` (ssr): what server functions read: the pool, configuration, the chat engine,
//!   sessions; and start-up.
//! * `chat` (ssr): the chat engine, the one door for a turn: threads, model resolution, sends,
//!   replies written by server tasks, live fan-out, replay.
//! * `cluster` (ssr): several instances on one database: who is alive, who writes which live
//!   reply, and the signals they send each other through Postgres.
//! * `agent` (ssr): agent kinds, their context and instructions, and the tools (one file per domain).
//! * `jobs` (ssr): the background worker: claims queued jobs and runs them by kind.
//! * `studio` (ssr): produces the deliverables ordered from specialists (a job's work).
//! * `scheduling` (ssr): availability, booking rules, iCalendar, reminders.
//! * `knowledge` (ssr): documents: extraction, chunking, the local embedding model, hybrid
//!   search, cited answers.
//! * `llm` (ssr): model providers behind one trait (embedded llama.cpp, OpenAI-compatible,
//!   Anthropic, Gemini, scripted).
//! * `store` (ssr): Postgres through sqlx, SQL only, every query scoped to the acting user.
//! * `security` (ssr): secrets, tokens and their hashes, passwords, signing.
//! * [`domain`]: types and parsers shared by both sides; imports nothing of the crate.
//!
//! Dependencies flow one way: `web → app → api → state → {chat, jobs} → {agent, cluster, studio} →
//! {scheduling, knowledge} → {llm, store} → security → domain`.

// Every build made through the Makefile erases view types (`--cfg erase_components`); a plain
// `cargo build` without it keeps each view's full static type, and the deepest pages then need
// more than the default 128 levels.
#![recursion_limit = "256"]

#[cfg(feature = "ssr")]
pub mod agent;
pub mod api;
pub mod app;
#[cfg(feature = "ssr")]
pub mod chat;
#[cfg(feature = "ssr")]
pub mod cluster;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod knowledge;
#[cfg(feature = "ssr")]
pub mod llm;
#[cfg(feature = "ssr")]
pub mod scheduling;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod studio;
#[cfg(feature = "ssr")]
pub mod web;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
