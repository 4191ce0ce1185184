//! Chat types shared by the server and the browser: threads, items, the streaming protocol, the
//! model catalog as the UI sees it, usage, and the parsers for what people type.

use super::parse::{FieldErrors, Parser};
use super::UnknownValue;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

string_enum!(
    /// Which agent answers in a thread (see DESIGN.md, "Agent kinds").
    AgentKind { Assistant => ("assistant", "Assistant"), Client => ("client", "Client agent"), VenueGeneral => ("venue_general", "Venue agent"), VenueEvent => ("venue_event", "Event agent") }
);

string_enum!(
    /// What a thread item is.
    ItemKind { User => ("user", "You"), Assistant => ("assistant", "Assistant"), ToolCall => ("tool_call", "Tool call"), Approval => ("approval", "Approval"), Error => ("error", "Error") }
);

string_enum!(
    /// Where an item is in its life: assistant items start `streaming`.
    /// Where an item is in its life: assistant items start `streaming`; tool calls start `running`
    /// (or `awaiting_approval`, then `rejected` or `running` once a person decided).
    ItemStatus { Streaming => ("streaming", "Writing"), Done => ("done", "Done"), Stopped => ("stopped", "Stopped"), Failed => ("failed", "Failed"), Interrupted => ("interrupted", "Interrupted"), Running => ("running", "Running"), AwaitingApproval => ("awaiting_approval", "Awaiting approval"), Rejected => ("rejected", "Rejected") }
);

impl ItemStatus {
    /// Whether a reply in this state can be regenerated or retried.
    pub fn is_final(self) -> bool {
        !matches!(self, ItemStatus::Streaming | ItemStatus::Running)
    }
}

impl AgentKind {
    /// Whether a member with `role` may open a thread with this agent (and scope). The event
    /// itself is checked by the store when the thread is created.
    pub fn usable_by(self, role: super::Role) -> bool {
        match self {
            AgentKind::Assistant => true,
            AgentKind::Client => role == super::Role::Client,
            AgentKind::VenueGeneral | AgentKind::VenueEvent => role.is_staff(),
        }
    }

    /// Whether threads of this agent are about one event.
    pub fn needs_event(self) -> bool {
        matches!(self, AgentKind::Client | AgentKind::VenueEvent)
    }

    /// Prompts offered on an empty thread.
    pub fn starters(self) -> &'static [&'static str] {
        match self {
            AgentKind::Assistant => &[
                "Which events do I have coming up?",
                "What spaces and services does the venue offer?",
                "Draft a friendly reminder about final guest numbers",
                "Give me three ideas for a rainy-day ceremony",
            ],
            AgentKind::Client => &[
                "What is the status of my event?",
                "Show my guest list",
                "What does my contract cost so far?",
                "What else could we add to the menu?",
            ],
            AgentKind::VenueGeneral => &[
                "What's happening in the next two weeks?",
                "Which tasks are still open?",
                "List our florists and caterers",
                "Search messages about parking",
            ],
            AgentKind::VenueEvent => &[
                "Summarise this event",
                "Which elements are still waiting for approval?",
                "Create a task to confirm the final headcount",
                "Message the client about the tasting",
            ],
        }
    }
}

/// Most characters a person may send in one message (the composer shows the count).
pub const MAX_USER_MESSAGE: usize = 8000;
/// Longest thread title.
pub const MAX_TITLE: usize = 120;
/// Items per page when opening a thread or scrolling back.
pub const ITEM_PAGE: i64 = 50;
/// Threads per page in the sidebar.
pub const THREAD_PAGE: i64 = 30;

/// A thread as the sidebar lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ChatThread {
    pub id: i64,
    /// The event an event agent's thread is about.
    pub event_id: Option<i64>,
    pub title: String,
    pub model: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub agent_kind: AgentKind,
    pub pinned: bool,
    pub archived: bool,
    pub item_count: i32,
    pub last_activity_at: DateTime<Utc>,
}

/// One item of a thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ChatItem {
    pub id: i64,
    pub parent_id: Option<i64>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub kind: ItemKind,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: ItemStatus,
    pub content: String,
    pub error: Option<String>,
    pub model: Option<String>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    pub created_at: DateTime<Utc>,
    /// A tool call's details ([`ToolCallData`] as JSON); `None` for messages.
    pub data: Option<serde_json::Value>,
    /// Position among its siblings (1-based) and how many there are: edits and regenerations
    /// make siblings, and the UI lets a person page between them.
    pub branch_index: i64,
    pub branch_count: i64,
    /// The person's rating of a reply: 1 (good), -1 (bad), or none; with their comment.
    #[serde(default)]
    pub rating: Option<i16>,
    #[serde(default)]
    pub rating_comment: String,
}

/// The longest comment a reply's rating keeps, in characters (the database checks it too).
pub const MAX_RATING_COMMENT: usize = 1000;

impl ChatItem {
    /// A new item with no usage, data or rating, the only one of its siblings, made now: what
    /// a write that returns only ids builds (its caller sets what differs), and what tests
    /// start from.
    pub fn fresh(id: i64, parent_id: Option<i64>, kind: ItemKind, status: ItemStatus, content: &str) -> Self {
        ChatItem {
            id,
            parent_id,
            kind,
            status,
            content: content.to_string(),
            error: None,
            model: None,
            prompt_tokens: None,
            completion_tokens: None,
            created_at: Utc::now(),
            data: None,
            branch_index: 1,
            branch_count: 1,
            rating: None,
            rating_comment: String::new(),
        }
    }

    /// The tool call this item is, if it is one.
    pub fn tool(&self) -> Option<ToolCallData> {
        self.data.as_ref().and_then(|d| serde_json::from_value(d.clone()).ok())
    }
}

/// A tool call as stored in its item's `data` and shown in the chat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolCallData {
    /// The provider's id of the call (results are matched to calls by it).
    pub call_id: String,
    pub tool: String,
    /// What the tool does, for people ("Add a guest").
    pub label: String,
    /// The arguments as the model wrote them (parsed JSON, or the raw text as a string when they
    /// did not parse).
    pub arguments: serde_json::Value,
    /// What the model was told: the tool's output, or `{"error": ...}`.
    #[serde(default)]
    pub result: Option<serde_json::Value>,
    #[serde(default)]
    pub approval: Option<ApprovalInfo>,
}

string_enum!(
    /// Who decides an action.
    Approver { Requester => ("requester", "You"), Venue => ("venue", "The venue") }
);

string_enum!(
    ApprovalStatus { Pending => ("pending", "Waiting"), Approved => ("approved", "Approved"), Rejected => ("rejected", "Rejected"), Failed => ("failed", "Failed") }
);

/// An action waiting for (or decided by) a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalInfo {
    pub id: i64,
    pub approver: Approver,
    pub status: ApprovalStatus,
    pub preview: Preview,
    #[serde(default)]
    pub decided_by: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// What an action would do: the record's fields before → after, or the message to be sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// One line: "Change the quantity of Champagne toast".
    pub summary: String,
    /// The record concerned ("Element: Champagne toast (Smith wedding)").
    #[serde(default)]
    pub record: String,
    #[serde(default)]
    pub changes: Vec<FieldChange>,
    #[serde(default)]
    pub message: Option<OutgoingMessage>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMessage {
    pub to: String,
    pub body: String,
}

/// A row of the venue's approval queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedApproval {
    pub id: i64,
    /// The tool's name (what the store keeps).
    pub tool: String,
    /// The tool's label for people (filled in by the caller that knows the tools; the name until then).
    pub tool_label: String,
    pub event_id: Option<i64>,
    pub event_title: Option<String>,
    pub requested_by: String,
    pub created_at: DateTime<Utc>,
    pub status: ApprovalStatus,
    pub preview: Preview,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub note: String,
}

/// A page of a thread's active branch, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemPage {
    pub items: Vec<ChatItem>,
    /// Whether older items exist before the first one here.
    pub has_more: bool,
}

/// An opened thread: the thread and the latest page of its active branch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadOpen {
    pub thread: ChatThread,
    pub page: ItemPage,
    /// Whether a reply is being written right now (the page then follows the stream).
    pub live: bool,
}

/// One page of the sidebar, and the cursor for the next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadList {
    pub threads: Vec<ChatThread>,
    pub next_cursor: Option<String>,
}

/// A search hit: the thread and a snippet of the best match (plain text, the UI escapes it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SearchHit {
    pub thread_id: i64,
    pub title: String,
    pub snippet: String,
    pub last_activity_at: DateTime<Utc>,
}

/// What the user's message and the reply to it became, returned by the send functions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub thread_id: i64,
    /// The user's message (absent when regenerating).
    pub user_item: Option<ChatItem>,
    pub reply: ChatItem,
}

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

/// The streaming protocol (DESIGN.md, "Chat protocol"). Each event is one SSE message whose
/// `event:` is [`ChatEvent::name`] and whose `data:` is this value as JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ChatEvent {
    /// An item joined the thread, or (on resume) its state so far.
    #[serde(rename = "thread.item.added")]
    ItemAdded { item: ChatItem },
    /// A chunk of an item's text.
    #[serde(rename = "thread.item.delta")]
    ItemDelta { item_id: i64, delta: String },
    /// An item changed in another way (a tool call's status, or a catch-up after a slow reader).
    #[serde(rename = "thread.item.updated")]
    ItemUpdated { item: ChatItem },
    /// An item is final: its text, status, usage.
    #[serde(rename = "thread.item.done")]
    ItemDone { item: ChatItem },
    /// Something failed; the message is for people.
    #[serde(rename = "error")]
    Error { message: String },
    /// Nothing more will come on this stream.
    #[serde(rename = "done")]
    Done,
}

impl ChatEvent {
    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            ChatEvent::ItemAdded { .. } => "thread.item.added",
            ChatEvent::ItemDelta { .. } => "thread.item.delta",
            ChatEvent::ItemUpdated { .. } => "thread.item.updated",
            ChatEvent::ItemDone { .. } => "thread.item.done",
            ChatEvent::Error { .. } => "error",
            ChatEvent::Done => "done",
        }
    }

    pub const NAMES: [&'static str; 6] =
        ["thread.item.added", "thread.item.delta", "thread.item.updated", "thread.item.done", "error", "done"];
}

/// A message as a person typed it: trimmed, not empty, within [`MAX_USER_MESSAGE`].
pub fn user_message(raw: &str) -> Result<String, FieldErrors> {
    let mut p = Parser::new();
    let text = raw.trim_end().trim_start_matches(['\n', '\r']);
    let n = text.chars().count();
    let value = if text.trim().is_empty() {
        p.fail("text", "Write a message first.")
    } else if n > MAX_USER_MESSAGE {
        p.fail("text", format!("Must be at most {MAX_USER_MESSAGE} characters (this is {n})."))
    } else if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        p.fail("text", "Must not contain control characters.")
    } else {
        text.to_string()
    };
    p.finish(|| value)
}

/// A thread title: one line, 1–[`MAX_TITLE`] characters.
pub fn thread_title(raw: &str) -> Result<String, FieldErrors> {
    let mut p = Parser::new();
    let v = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let value = if v.is_empty() {
        p.fail("title", "A title cannot be empty.")
    } else if v.chars().count() > MAX_TITLE {
        p.fail("title", format!("Must be at most {MAX_TITLE} characters."))
    } else if v.chars().any(char::is_control) {
        p.fail("title", "Must not contain control characters.")
    } else {
        v
    };
    p.finish(|| value)
}

/// A search query: 1–200 characters.
pub fn search_query(raw: &str) -> Result<String, FieldErrors> {
    let mut p = Parser::new();
    let v = raw.trim();
    let value = if v.is_empty() {
        p.fail("q", "Type something to search for.")
    } else if v.chars().count() > 200 {
        p.fail("q", "Must be at most 200 characters.")
    } else {
        v.to_string()
    };
    p.finish(|| value)
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

/// A title made from the first message when the model gives none: its first words, one line.
pub fn fallback_title(first_message: &str) -> String {
    let words: Vec<&str> = first_message.split_whitespace().take(8).collect();
    let mut title = words.join(" ");
    if title.chars().count() > 60 {
        title = title.chars().take(57).collect::<String>() + "…";
    } else if first_message.split_whitespace().count() > 8 {
        title.push('…');
    }
    if title.is_empty() {
        "New chat".to_string()
    } else {
        title
    }
}

/// Cleans a title the model wrote: first line, no quotes or trailing punctuation, bounded.
/// `None` when nothing usable is left.
pub fn clean_model_title(raw: &str) -> Option<String> {
    let line = raw.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = line.trim_start_matches(|c: char| c == '#' || c == '*' || c == '-' || c.is_whitespace());
    // A numbered line ("2. Easter…") is the model writing a list, not a title.
    let numbered =
        line.split_once(['.', ')']).is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if numbered {
        return None;
    }
    let line = line.strip_prefix("Title:").or_else(|| line.strip_prefix("title:")).unwrap_or(line);
    let t = line.trim().trim_matches(|c: char| matches!(c, '"' | '\'' | '*' | '`' | '“' | '”' | '.' | ':'));
    let t: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let t: String = t.chars().filter(|c| !c.is_control()).take(60).collect();
    let t = t.trim().to_string();
    // Longer than a title: the model answered the message instead.
    if t.chars().count() < 2 || t.split_whitespace().count() > 10 {
        None
    } else {
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_checked() {
        assert_eq!(user_message("  hello\n").unwrap(), "  hello");
        assert!(user_message("   \n ").is_err());
        assert!(user_message(&"x".repeat(MAX_USER_MESSAGE + 1)).is_err());
        assert!(user_message("a\u{7}b").is_err());
        assert_eq!(user_message("line 1\nline 2").unwrap(), "line 1\nline 2");
    }

    #[test]
    fn titles() {
        assert_eq!(thread_title("  Menu   ideas ").unwrap(), "Menu ideas");
        assert!(thread_title("").is_err());
        assert_eq!(
            fallback_title("What time does the venue open on Saturday for setup crews?"),
            "What time does the venue open on Saturday…"
        );
        assert_eq!(fallback_title("Hi"), "Hi");
        assert_eq!(clean_model_title("\"Wedding Menu Planning.\"\nmore").as_deref(), Some("Wedding Menu Planning"));
        assert_eq!(clean_model_title("Title: Guest list"), Some("Guest list".to_string()));
        assert_eq!(clean_model_title("  \n"), None);
        assert_eq!(clean_model_title("2. Easter Clothes: Imagine having your best friends"), None);
        assert_eq!(
            clean_model_title("Sure! Here are three ideas for decorating the tables at a wedding reception"),
            None
        );
    }

    #[test]
    fn provider_forms() {
        let ok = ProviderDraft {
            name: "Groq".into(),
            kind: "openai".into(),
            base_url: "https://api.groq.com/openai/v1/".into(),
            api_key: "gsk_123".into(),
            models: "llama-3.3-70b, qwen-32b".into(),
        };
        let v = ok.parse().unwrap();
        assert_eq!(v.name, "groq");
        assert_eq!(v.base_url, "https://api.groq.com/openai/v1");
        assert_eq!(v.models, vec!["llama-3.3-70b", "qwen-32b"]);
        let bad = ProviderDraft {
            name: "openai".into(),
            kind: "x".into(),
            base_url: "ftp://x".into(),
            api_key: "a b".into(),
            models: " ".into(),
        };
        let e = bad.parse().unwrap_err();
        for f in ["name", "kind", "base_url", "api_key", "models"] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }

    #[test]
    fn events_serialise_with_their_names() {
        let e = ChatEvent::ItemDelta { item_id: 7, delta: "hi".into() };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"type":"thread.item.delta","item_id":7,"delta":"hi"}"#);
        assert_eq!(serde_json::from_str::<ChatEvent>(&json).unwrap(), e);
        assert_eq!(serde_json::to_string(&ChatEvent::Done).unwrap(), r#"{"type":"done"}"#);
        assert!(ChatEvent::NAMES.contains(&e.name()));
    }
}
