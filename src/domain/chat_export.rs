//! A conversation written out for the person who had it: Markdown to read, JSON to keep or feed
//! elsewhere. Only the active branch (what the person sees), oldest first.

use super::chat::{ChatItem, ChatThread, ItemKind, ItemStatus};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The JSON export: the thread and its items as the API shows them.
#[derive(Serialize)]
pub struct ChatExport<'a> {
    pub format: &'static str,
    pub exported_at: DateTime<Utc>,
    pub thread: &'a ChatThread,
    pub items: &'a [ChatItem],
}

impl<'a> ChatExport<'a> {
    pub fn new(thread: &'a ChatThread, items: &'a [ChatItem], exported_at: DateTime<Utc>) -> Self {
        Self { format: "concierge.chat.v1", exported_at, thread, items }
    }
}

/// The Markdown export. Message text is kept as written (it is Markdown already); tool calls
/// become one line each, with their outcome.
pub fn to_markdown(thread: &ChatThread, items: &[ChatItem], exported_at: DateTime<Utc>) -> String {
    let title = if thread.title.trim().is_empty() { "Untitled chat" } else { thread.title.trim() };
    let mut out = format!(
        "# {}\n\n*{} · exported from Concierge on {}*\n",
        one_line(title),
        thread.agent_kind.label(),
        exported_at.format("%Y-%m-%d %H:%M UTC")
    );
    for item in items {
        let when = item.created_at.format("%Y-%m-%d %H:%M");
        match item.kind {
            ItemKind::User => {
                out.push_str(&format!("\n## You · {when}\n\n{}\n", item.content.trim()));
            }
            ItemKind::ToolCall => {
                let tool = item.tool();
                let label = tool.as_ref().map(|t| t.label.as_str()).filter(|l| !l.is_empty()).unwrap_or("A tool");
                let outcome = match item.status {
                    ItemStatus::Done => "done",
                    ItemStatus::Failed => "failed",
                    ItemStatus::AwaitingApproval => "waiting for approval",
                    ItemStatus::Rejected => "rejected",
                    _ => item.status.as_str(),
                };
                let summary = one_line(item.content.trim());
                let detail = if summary.is_empty() { String::new() } else { format!(": {summary}") };
                out.push_str(&format!("\n> **{}** ({outcome}){detail}\n", one_line(label)));
            }
            ItemKind::Approval => {}
            ItemKind::Error => {
                out.push_str(&format!("\n*Error: {}*\n", one_line(item.content.trim())));
            }
            ItemKind::Assistant => {
                if item.content.trim().is_empty() {
                    continue; // a reply that only called tools
                }
                let model = item.model.as_deref().map(|m| format!(" · {m}")).unwrap_or_default();
                out.push_str(&format!("\n## Assistant · {when}{model}\n\n{}\n", item.content.trim()));
                if item.status == ItemStatus::Stopped {
                    out.push_str("\n*(stopped)*\n");
                }
            }
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::chat::AgentKind;

    fn item(id: i64, kind: ItemKind, status: ItemStatus, content: &str, data: Option<serde_json::Value>) -> ChatItem {
        ChatItem {
            id,
            parent_id: None,
            kind,
            status,
            content: content.into(),
            error: None,
            model: (kind == ItemKind::Assistant).then(|| "embedded/smollm2".to_string()),
            prompt_tokens: None,
            completion_tokens: None,
            created_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
            data,
            branch_index: 1,
            branch_count: 1,
            rating: None,
            rating_comment: String::new(),
        }
    }

    #[test]
    fn markdown_has_the_title_each_message_and_tool_outcomes() {
        let thread = ChatThread {
            id: 7,
            event_id: None,
            title: "Guests\nfor the gala".into(),
            model: "embedded/smollm2".into(),
            agent_kind: AgentKind::VenueGeneral,
            pinned: false,
            archived: false,
            item_count: 4,
            last_activity_at: Utc::now(),
        };
        let call = serde_json::json!({"call_id": "c1", "tool": "add_guest", "label": "Add a guest", "arguments": {}});
        let items = vec![
            item(1, ItemKind::User, ItemStatus::Done, "Add **Ada**", None),
            item(2, ItemKind::Assistant, ItemStatus::Done, "", None),
            item(3, ItemKind::ToolCall, ItemStatus::Done, "Added Ada Lovelace\n(party of 2)", Some(call)),
            item(4, ItemKind::Assistant, ItemStatus::Done, "Ada is on the list.", None),
        ];
        let md = to_markdown(&thread, &items, DateTime::from_timestamp(1_800_000_600, 0).unwrap());
        assert!(md.starts_with("# Guests for the gala\n"), "{md}");
        assert!(md.contains("## You · 2027-01-15 08:00\n\nAdd **Ada**\n"), "{md}");
        assert!(md.contains("> **Add a guest** (done): Added Ada Lovelace (party of 2)\n"), "{md}");
        assert!(md.contains("## Assistant · 2027-01-15 08:00 · embedded/smollm2\n\nAda is on the list.\n"), "{md}");
        assert_eq!(md.matches("## Assistant").count(), 1, "the silent reply is left out");
        let json = serde_json::to_value(ChatExport::new(&thread, &items, Utc::now())).unwrap();
        assert_eq!(json["format"], "concierge.chat.v1");
        assert_eq!(json["items"].as_array().unwrap().len(), 4);
    }
}
