//! Venue and account settings: the team and its invites, hosted model providers, embed tokens
//! for the chat widget, API keys, webhooks, outside tools (MCP servers), the audit log, and the person's own account and model usage.

pub mod account;
pub mod api_keys;
pub mod audit;
pub mod embed_tokens;
pub mod models;
pub mod outbox;
pub mod team;
pub mod tools;
pub mod usage;
pub mod webhooks;
