//! Model providers behind one trait (server only).
//!
//! A provider takes a [`ChatRequest`] and answers with a channel of [`StreamEvent`]s: text
//! chunks, complete tool calls, token usage, and the end. Dropping the receiver cancels the
//! generation (an HTTP request is dropped, the embedded model stops at its next token).
//!
//! - [`embedded`]: SmolLM2 in-process through llama.cpp, the default; no network at all.
//! - [`openai`]: any OpenAI-compatible server (OpenAI, Groq, Ollama, vLLM, llama.cpp, OpenRouter).
//! - [`anthropic`]: the Messages API.
//! - [`gemini`]: Google's streamed `generateContent`.
//! - [`scripted`]: an instant, deterministic provider for tests and benchmarks (off unless enabled).
//!
//! The hosted ones share [`http`]: retries with exponential backoff and jitter on 429, 5xx and
//! connection errors until the first event, timeouts for connecting, the first byte and every
//! later chunk, and the SSE framing in [`sse`].

pub mod anthropic;
pub mod catalog;
pub mod embedded;
pub mod gemini;
pub mod http;
pub mod openai;
pub mod scripted;
pub mod sse;

pub use catalog::{Catalog, Llm, ResolvedModel};

/// The system prompt of the chat engine's title requests (the scripted provider recognises it).
pub const TITLE_SYSTEM: &str = "You write short titles for conversations.";

use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::sync::mpsc;

/// Who said a message to the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    System,
    User,
    Assistant,
    Tool,
}

/// One message of the conversation sent to a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub role: Speaker,
    pub content: String,
    /// Tool calls the assistant made in this message.
    pub tool_calls: Vec<ToolCall>,
    /// For `Speaker::Tool`: the call this is the result of.
    pub tool_call_id: Option<String>,
    /// Pictures sent with a user message (only to models that see images; the others get none).
    pub images: Vec<Image>,
}

impl Message {
    pub fn new(role: Speaker, content: impl Into<String>) -> Self {
        Self { role, content: content.into(), tool_calls: Vec::new(), tool_call_id: None, images: Vec::new() }
    }
}

/// An image sent with a message: PNG, JPEG, GIF or WebP (checked by its bytes at upload).
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    pub media_type: String,
    pub data: std::sync::Arc<[u8]>,
}

impl Image {
    /// The bytes in standard base64, as every provider's JSON wants them.
    pub fn base64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&self.data)
    }
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Image({}, {} bytes)", self.media_type, self.data.len())
    }
}

/// A tool the model may call: its arguments follow the JSON schema in `parameters`.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub parameters: serde_json::Value,
}

/// A complete tool call. `arguments` is the raw JSON text the model wrote: the caller parses and
/// validates it (model output is untrusted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: String,
}

/// Whether the model may answer without calling one of the offered tools.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ToolChoice {
    /// It may call a tool or answer in words.
    #[default]
    Auto,
    /// It must call one of the offered tools (the engine's router decided that the request
    /// needs one: see `chat::route`). OpenAI `"required"`, Anthropic `any`, Gemini `ANY`; the
    /// embedded model's grammar has no "none" branch then.
    Required,
}

#[derive(Clone, Debug)]
pub struct ChatRequest {
    /// The provider's own model name (without the `provider/` prefix).
    pub model: String,
    pub messages: Vec<Message>,
    pub tools: Vec<ToolSpec>,
    /// Whether a tool must be called (only with `tools`).
    pub tool_choice: ToolChoice,
    pub max_tokens: u32,
    pub temperature: Option<f32>,
    /// Who is waiting, for the embedded model's fair queue.
    pub user_key: String,
    /// A stable key for the conversation (the thread), so the embedded model can keep its prefix
    /// in the KV cache between turns.
    pub cache_key: Option<String>,
    /// When set, the answer must be one JSON value following this schema (structured output):
    /// the embedded model samples under a grammar built from it, OpenAI-compatible servers get
    /// `response_format: json_schema`, Gemini `responseJsonSchema`, Anthropic a forced tool whose
    /// input is the answer (it arrives as a [`StreamEvent::ToolCall`]). No tools are offered then.
    pub response_schema: Option<serde_json::Value>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishReason {
    Stop,
    Length,
    ToolCalls,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamEvent {
    Text(String),
    ToolCall(ToolCall),
    Usage(Usage),
    Finished(FinishReason),
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("model {0:?} is not configured")]
    UnknownModel(String),
    #[error("provider is misconfigured: {0}")]
    Config(String),
    #[error("could not connect to the provider: {0}")]
    Connect(String),
    #[error("the provider answered HTTP {status}: {message}")]
    Http { status: u16, message: String },
    #[error("the provider is rate limiting requests (HTTP 429): {0}")]
    RateLimited(String),
    #[error("the provider did not answer in time ({0})")]
    Timeout(&'static str),
    #[error("the provider's stream could not be read: {0}")]
    Protocol(String),
    #[error("the provider reported an error: {0}")]
    Upstream(String),
    #[error("the local model failed: {0}")]
    Local(String),
}

impl ProviderError {
    /// The same failure without what the far side said: for providers a venue configured, whose
    /// answers are not shown (the chat must not become a window onto whatever an address reaches).
    pub fn without_details(self) -> Self {
        const HIDDEN: &str = "details are not shown for providers configured in the venue's settings";
        match self {
            ProviderError::Connect(_) => ProviderError::Connect("connection failed".into()),
            ProviderError::Http { status, .. } => ProviderError::Http { status, message: HIDDEN.into() },
            ProviderError::RateLimited(_) => ProviderError::RateLimited(HIDDEN.into()),
            ProviderError::Protocol(_) => ProviderError::Protocol(HIDDEN.into()),
            ProviderError::Upstream(_) => ProviderError::Upstream(HIDDEN.into()),
            other => other,
        }
    }

    /// Whether trying again (before the first token) may help.
    pub fn retriable(&self) -> bool {
        match self {
            ProviderError::Connect(_) | ProviderError::RateLimited(_) => true,
            ProviderError::Http { status, .. } => *status >= 500,
            ProviderError::Timeout(what) => *what != "stream stalled",
            _ => false,
        }
    }
}

pub type EventTx = mpsc::Sender<Result<StreamEvent, ProviderError>>;
pub type EventRx = mpsc::Receiver<Result<StreamEvent, ProviderError>>;

/// Capacity of a provider's event channel: generous, the reader is never far behind.
pub const CHANNEL: usize = 256;

/// A model provider. Implementations spawn their work and return at once.
pub trait Provider: Send + Sync + 'static {
    /// `embedded`, `openai`, `anthropic`, `gemini` or `scripted`.
    fn kind(&self) -> &'static str;
    /// Starts a generation. Events arrive on the receiver; dropping it cancels.
    fn stream(&self, request: ChatRequest) -> EventRx;
}

/// Timeouts for a hosted provider.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub connect: Duration,
    /// From sending the request to the response headers.
    pub first_byte: Duration,
    /// Longest silence between two chunks of a stream.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { connect: Duration::from_secs(10), first_byte: Duration::from_secs(60), idle: Duration::from_secs(60) }
    }
}

/// Retries before the first event: attempts after the first, and the backoff.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base: Duration,
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: 3, base: Duration::from_millis(500), max: Duration::from_secs(8) }
    }
}

impl RetryPolicy {
    /// Full-jitter exponential backoff for retry `attempt` (0-based), or the server's
    /// `Retry-After` when it asked for one (bounded by `max`).
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(d) = retry_after {
            return d.min(self.max);
        }
        let ceiling = self.base.saturating_mul(1u32 << attempt.min(16)).min(self.max);
        let nanos = ceiling.as_nanos() as u64;
        if nanos == 0 {
            return Duration::ZERO;
        }
        // Jitter between half and all of the ceiling.
        Duration::from_nanos(nanos / 2 + jitter() % (nanos / 2 + 1))
    }
}

/// A cheap random number for jitter (not for secrets).
fn jitter() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    h.finish()
}

/// A JSON schema without some keywords, at every depth (for providers that refuse them).
pub fn without_keys(schema: &serde_json::Value, keys: &[&str]) -> serde_json::Value {
    match schema {
        serde_json::Value::Object(o) => serde_json::Value::Object(
            o.iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), without_keys(v, keys)))
                .collect(),
        ),
        serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(|v| without_keys(v, keys)).collect()),
        other => other.clone(),
    }
}

/// Sends one event; false when the receiver is gone (cancelled).
pub(crate) async fn emit(tx: &EventTx, event: Result<StreamEvent, ProviderError>) -> bool {
    tx.send(event).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_respects_retry_after() {
        let p = RetryPolicy { max_retries: 3, base: Duration::from_millis(100), max: Duration::from_secs(1) };
        for attempt in 0..6 {
            let ceiling = Duration::from_millis(100 * (1 << attempt)).min(Duration::from_secs(1));
            let d = p.delay(attempt, None);
            assert!(d >= ceiling / 2 && d <= ceiling, "attempt {attempt}: {d:?}");
        }
        assert_eq!(p.delay(0, Some(Duration::from_millis(250))), Duration::from_millis(250));
        assert_eq!(p.delay(0, Some(Duration::from_secs(30))), Duration::from_secs(1));
    }

    #[test]
    fn what_is_retried() {
        assert!(ProviderError::Http { status: 503, message: String::new() }.retriable());
        assert!(!ProviderError::Http { status: 400, message: String::new() }.retriable());
        assert!(ProviderError::RateLimited(String::new()).retriable());
        assert!(!ProviderError::Upstream(String::new()).retriable());
    }
}
