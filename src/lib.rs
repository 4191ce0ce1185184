//! Concierge: one crate, two builds.
//!
//! * [`app`]: the UI, rendered on the server (feature `ssr`) and hydrated in the browser
//!   (feature `hydrate`, compiled to wasm).
//! * [`api`]: the boundary. Server functions check who is asking, parse the input with the
//!   [`domain`] parsers, make one call into the store, and return plain records.
//! * [`domain`]: types and parsers shared by both sides.
//! * `server` (ssr): configuration, state, sessions, the axum router.
//! * `store` (ssr): Postgres through sqlx, every query scoped to the acting user.
//! * `llm` (ssr): model providers behind one trait (embedded llama.cpp, OpenAI-compatible,
//!   Anthropic, Gemini).
//! * `chat` (ssr): the chat engine: turns, replies written by server tasks, live fan-out.
//!
//! Dependencies flow one way: `app → api → chat → (llm, store) → domain`.

// Release builds keep every view's full static type (debug builds erase them with
// `--cfg erase_components`); the deepest pages need more than the default 128 levels.
#![recursion_limit = "256"]

#[cfg(feature = "ssr")]
pub mod agent;
pub mod api;
pub mod app;
#[cfg(feature = "ssr")]
pub mod chat;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod llm;
#[cfg(feature = "ssr")]
pub mod scheduling;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
