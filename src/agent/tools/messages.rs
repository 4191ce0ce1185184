//! Tools about messages: searching those exchanged, and messaging an event's client or vendors.

use super::{plural, TextQuery, STAFF};
use crate::agent::{Tool, ToolCx, ToolError};
use crate::domain::chat::{Approver, OutgoingMessage, Preview};
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
