//! The models, the venue's providers and the usage, as the chat's pages see them: the catalog
//! people pick from, a provider on the settings page and its form, a day's usage and today's
//! allowance.

use crate::domain::parse::{FieldErrors, Parser};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A model people can pick.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// `provider/model`, the value stored on threads.
    pub id: String,
    pub provider: String,
    pub label: String,
    pub context_window: u32,
    pub supports_tools: bool,
    /// Whether it takes images with a message (the chat's attached pictures).
    #[serde(default)]
    pub supports_images: bool,
    /// Whether it runs on this server (no data leaves it).
    pub local: bool,
}

/// The catalog: every model configured, and the default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelCatalog {
    pub models: Vec<ModelInfo>,
    pub default_model: String,
}

/// One row of a person's usage: a day and a model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct UsageRow {
    pub day: NaiveDate,
    pub model: String,
    pub replies: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

/// Today's model allowance as `/usage` shows it: tokens used since midnight (UTC) and the daily
/// quotas (0: none), for the person and their venue, and the message rate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allowance {
    pub person_used: i64,
    pub person_quota: i64,
    pub venue_used: i64,
    pub venue_quota: i64,
    pub sends_per_minute: u32,
    pub live_replies: u32,
}

/// A hosted provider as the settings page shows it: the key itself never leaves the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderView {
    pub id: Option<i64>,
    pub name: String,
    pub kind: String,
    pub base_url: String,
    pub models: Vec<String>,
    pub has_key: bool,
    /// Configured through the environment (read-only on the page).
    pub from_env: bool,
}

/// The settings page's provider form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderDraft {
    pub name: String,
    pub kind: String,
    pub base_url: String,
    pub api_key: String,
    pub models: String,
}

/// A checked provider form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderInput {
    pub name: String,
    pub kind: String,
    pub base_url: String,
    pub api_key: String,
    pub models: Vec<String>,
}

/// Names the environment's providers use; a venue's own must differ.
pub const RESERVED_PROVIDER_NAMES: [&str; 5] = ["embedded", "scripted", "openai", "anthropic", "gemini"];

impl ProviderDraft {
    pub fn parse(&self) -> Result<ProviderInput, FieldErrors> {
        let mut p = Parser::new();
        let name = self.name.trim().to_ascii_lowercase();
        let name_ok = !name.is_empty()
            && name.len() <= 30
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !name.starts_with('-');
        let name = if !name_ok {
            p.fail("name", "Use 1–30 lowercase letters, digits or dashes (e.g. groq or my-vllm).")
        } else if RESERVED_PROVIDER_NAMES.contains(&name.as_str()) {
            p.fail("name", "This name is taken by a built-in provider; pick another.")
        } else {
            name
        };
        let kind = match self.kind.trim() {
            k @ ("openai" | "anthropic" | "gemini") => k.to_string(),
            _ => p.fail("kind", "Pick OpenAI-compatible, Anthropic or Gemini."),
        };
        let url = self.base_url.trim().trim_end_matches('/');
        let base_url = if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
            p.fail("base_url", "Must be an http:// or https:// address.")
        } else if url.len() > 300 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            p.fail("base_url", "Must be one address of at most 300 characters.")
        } else {
            url.to_string()
        };
        let key = self.api_key.trim();
        let api_key = if key.len() > 500 || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            p.fail("api_key", "Must be one key without spaces, at most 500 characters.")
        } else {
            key.to_string()
        };
        let list: Vec<String> =
            self.models.split([',', '\n']).map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect();
        let models = if list.is_empty() || list.len() > 20 {
            p.fail("models", "List 1–20 model names, separated by commas.")
        } else if list.iter().any(|m| m.len() > 100 || m.chars().any(|c| c.is_whitespace() || c.is_control())) {
            p.fail("models", "A model name has no spaces and at most 100 characters.")
        } else {
            list
        };
        p.finish(|| ProviderInput { name, kind, base_url, api_key, models })
    }
}
