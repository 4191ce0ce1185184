//! Venue and account settings: the team and its invites, hosted model providers, embed tokens
//! for the chat widget, and the person's own model usage.

pub mod embed_tokens;
pub mod models;
pub mod team;
pub mod usage;
