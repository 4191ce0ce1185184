//! Chat types shared by the server and the browser: threads, items, the streaming protocol, and
//! the parsers for what people type. The models, providers and usage as the UI sees them are in
//! `models.rs`.

use super::parse::{FieldErrors, Parser};
use super::UnknownValue;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

mod models;
pub use models::{
    Allowance, ModelCatalog, ModelInfo, ProviderDraft, ProviderInput, ProviderView, UsageRow, RESERVED_PROVIDER_NAMES,
};

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
