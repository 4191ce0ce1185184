//! Tools about messages: searching those exchanged, and messaging an event's client or vendors.

use super::{plural, TextQuery, OUTSIDE, STAFF};
use crate::agent::{Tool, ToolCx, ToolError};
use crate::domain::chat::{Approver, OutgoingMessage, Preview};
use crate::domain::records::ThreadSummary;
use crate::domain::Role;
use crate::store::{events, messages};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

pub struct SearchMessages;

impl Tool for SearchMessages {
    const NAME: &'static str = "search_messages";
    const LABEL: &'static str = "Search messages";
    const DESCRIPTION: &'static str = "Full-text search over the messages exchanged with clients and vendors; returns the best matches with a snippet.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = None;
    type Args = TextQuery;
    type Output = Vec<messages::MessageHit>;

    async fn run(cx: &ToolCx<'_>, a: TextQuery) -> Result<Vec<messages::MessageHit>, ToolError> {
        Ok(messages::search_messages(cx.pool, cx.actor, a.query.trim(), 10).await?)
    }

    fn summary(out: &Vec<messages::MessageHit>) -> String {
        plural(out.len(), "message found", "messages found")
    }
}

pub struct SendClientMessage;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageArgs {
    /// The message, as it will be sent.
    #[schemars(length(min = 1, max = 4000))]
    pub body: String,
}

impl Tool for SendClientMessage {
    const NAME: &'static str = "send_client_message";
    const LABEL: &'static str = "Message the client";
    const DESCRIPTION: &'static str = "Send a message to the event's client (it appears in the event's client thread).";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = MessageArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &MessageArgs) -> Result<Preview, ToolError> {
        let detail = events::detail(cx.pool, cx.actor, cx.event(None)?).await?;
        Ok(Preview {
            summary: format!("Send a message to {}", detail.client_name),
            record: format!("Event: {}", detail.title),
            changes: Vec::new(),
            message: Some(OutgoingMessage { to: detail.client_name, body: a.body.trim().to_string() }),
        })
    }

    async fn run(cx: &ToolCx<'_>, a: MessageArgs) -> Result<Value, ToolError> {
        let (thread, to) = messages::event_thread(&mut *cx.writer().await?, cx.actor, cx.event(None)?, None).await?;
        let m = messages::send(&mut *cx.writer().await?, cx.actor, thread, a.body.trim()).await?;
        Ok(json!({"sent_to": to, "message_id": m.id}))
    }

    fn summary(out: &Value) -> String {
        format!("Sent to {}", out["sent_to"].as_str().unwrap_or("the client"))
    }
}

pub struct SendVendorMessage;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorMessageArgs {
    /// The vendor's id (from get_event_details).
    pub vendor_id: i64,
    /// The message, as it will be sent.
    #[schemars(length(min = 1, max = 4000))]
    pub body: String,
}

impl Tool for SendVendorMessage {
    const NAME: &'static str = "send_vendor_message";
    const LABEL: &'static str = "Message a vendor";
    const DESCRIPTION: &'static str = "Send a message to one of the vendors working on the event.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = VendorMessageArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &VendorMessageArgs) -> Result<Preview, ToolError> {
        let event_id = cx.event(None)?;
        let vendors = events::vendors(cx.pool, cx.actor, event_id).await?;
        let v = vendors
            .iter()
            .find(|v| v.vendor_id == a.vendor_id)
            .ok_or_else(|| ToolError::Conflict("This vendor is not working on this event.".into()))?;
        Ok(Preview {
            summary: format!("Send a message to {}", v.name),
            record: format!("Vendor: {} ({})", v.name, v.category),
            changes: Vec::new(),
            message: Some(OutgoingMessage { to: v.name.clone(), body: a.body.trim().to_string() }),
        })
    }

    async fn run(cx: &ToolCx<'_>, a: VendorMessageArgs) -> Result<Value, ToolError> {
        let (thread, to) =
            messages::event_thread(&mut *cx.writer().await?, cx.actor, cx.event(None)?, Some(a.vendor_id)).await?;
        let m = messages::send(&mut *cx.writer().await?, cx.actor, thread, a.body.trim()).await?;
        Ok(json!({"sent_to": to, "message_id": m.id}))
    }

    fn summary(out: &Value) -> String {
        format!("Sent to {}", out["sent_to"].as_str().unwrap_or("the vendor"))
    }
}

/// A client's or vendor's own conversation with the venue's team, as on their event's Messages
/// tab: the parity of their pages (they read it and write in it there; staff have the tools
/// above).
pub struct ReadMessages;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreadArgs {
    /// The event's id (from list_my_events); the chat's own event when it is about one. Without
    /// one, the latest messages about all of the person's events.
    #[serde(default)]
    pub event_id: Option<i64>,
}

/// How many of a conversation's latest messages the agent reads.
const READ_LATEST: i64 = 10;

impl Tool for ReadMessages {
    const NAME: &'static str = "read_messages";
    const LABEL: &'static str = "Read my messages";
    const DESCRIPTION: &'static str =
        "Read the latest messages between you and the venue's team, about one event or all of yours.";
    const ROLES: &'static [Role] = OUTSIDE;
    const APPROVAL: Option<Approver> = None;
    type Args = ThreadArgs;
    type Output = Value;

    async fn run(cx: &ToolCx<'_>, a: ThreadArgs) -> Result<Value, ToolError> {
        let Some(event_id) = a.event_id.or(cx.event_id) else {
            let latest = messages::recent(cx.pool, cx.actor, READ_LATEST).await?;
            let rows: Vec<Value> = latest
                .iter()
                .map(
                    |m| json!({"event": m.event_title, "from": m.author_name, "sent_at": m.created_at, "body": m.body}),
                )
                .collect();
            return Ok(json!({ "messages": rows }));
        };
        let threads = messages::threads(cx.pool, cx.actor, event_id).await?;
        let mut out = Vec::new();
        for t in threads.iter().take(3) {
            let view = messages::open(cx.pool, cx.actor, t.id, READ_LATEST).await?;
            let rows: Vec<Value> = view
                .messages
                .iter()
                .map(|m| json!({"from": m.author_name, "mine": m.mine, "sent_at": m.created_at, "body": m.body}))
                .collect();
            out.push(json!({"subject": t.subject, "messages": rows}));
        }
        Ok(json!({ "event_id": event_id, "conversations": out }))
    }

    fn summary(out: &Value) -> String {
        let n = match out.get("conversations").and_then(Value::as_array) {
            Some(c) => c.iter().map(|t| t["messages"].as_array().map_or(0, Vec::len)).sum(),
            None => out["messages"].as_array().map_or(0, Vec::len),
        };
        plural(n, "message", "messages")
    }
}

pub struct MessageVenue;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VenueMessageArgs {
    /// The event's id (from list_my_events); the chat's own event when it is about one.
    #[serde(default)]
    pub event_id: Option<i64>,
    /// The message, as it will be sent.
    #[schemars(length(min = 1, max = 4000))]
    pub body: String,
}

impl Tool for MessageVenue {
    const NAME: &'static str = "message_venue";
    const LABEL: &'static str = "Message the venue";
    const DESCRIPTION: &'static str =
        "Send a message to the venue's team in your conversation about an event. You confirm it before it goes.";
    const ROLES: &'static [Role] = OUTSIDE;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = VenueMessageArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &VenueMessageArgs) -> Result<Preview, ToolError> {
        let thread = own_thread(cx, a.event_id).await?;
        Ok(Preview {
            summary: "Send a message to the venue's team".into(),
            record: format!("Conversation: {}", thread.subject),
            changes: Vec::new(),
            message: Some(OutgoingMessage { to: cx.actor.venue_name.clone(), body: a.body.trim().to_string() }),
        })
    }

    async fn run(cx: &ToolCx<'_>, a: VenueMessageArgs) -> Result<Value, ToolError> {
        let thread = own_thread(cx, a.event_id).await?;
        let m = messages::send(&mut *cx.writer().await?, cx.actor, thread.id, a.body.trim()).await?;
        Ok(json!({"sent_to": cx.actor.venue_name, "conversation": thread.subject, "message_id": m.id}))
    }

    fn summary(out: &Value) -> String {
        format!("Sent to {}", out["sent_to"].as_str().unwrap_or("the venue"))
    }
}

/// The person's conversation with the venue about the event (`named`, else the chat's own, else
/// their only upcoming one): the one their Messages tab shows. A member cannot start one there,
/// so neither can their agent.
async fn own_thread(cx: &ToolCx<'_>, named: Option<i64>) -> Result<ThreadSummary, ToolError> {
    let event_id = match named.or(cx.event_id) {
        Some(id) => id,
        None => {
            let today = events::today(cx.pool, cx.actor).await?;
            let soon = events::list(
                cx.pool,
                cx.actor,
                today,
                today + chrono::Duration::days(730),
                events::StatusFilter::NotCancelled,
                6,
            )
            .await?;
            match soon.as_slice() {
                [only] => only.id,
                [] => return Err(ToolError::Conflict("You have no upcoming event to write about.".into())),
                many => {
                    let which: Vec<String> =
                        many.iter().map(|e| format!("{} on {} (event_id {})", e.title, e.event_date, e.id)).collect();
                    return Err(ToolError::Invalid(format!("Which event is it about? {}", which.join("; "))));
                }
            }
        }
    };
    messages::threads(cx.pool, cx.actor, event_id).await?.into_iter().next().ok_or_else(|| {
        ToolError::Conflict(
            "There is no conversation with the venue's team about this event yet; they start it. Contact the venue directly."
                .into(),
        )
    })
}
