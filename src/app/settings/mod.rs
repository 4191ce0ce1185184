//! Venue and account settings: the team and its invites, hosted model providers, embed tokens
//! for the chat widget, and the person's own account and model usage.

pub mod account;
pub mod embed_tokens;
pub mod models;
pub mod team;
pub mod usage;
