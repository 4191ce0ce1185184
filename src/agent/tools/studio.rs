//! Tools about the studio's deliverables: ordering one from a specialist, and the orders so far.
//!
//! Parity with `/studio`: what a staff member orders and follows there, their agent can order
//! (once they confirm the card) and report on.

use super::{plural, resolve_name, STAFF};
use crate::agent::{Tool, ToolCx, ToolError};
use crate::domain::chat::{Approver, FieldChange, Preview};
use crate::domain::studio::{parse_brief, Priority, Specialist};
use crate::domain::Role;
use crate::store::{events, studio};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// How soon the order is taken among the others waiting.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderPriority {
    High,
    Normal,
    Low,
}

impl From<OrderPriority> for Priority {
    fn from(p: OrderPriority) -> Self {
        match p {
            OrderPriority::High => Priority::High,
            OrderPriority::Normal => Priority::Normal,
            OrderPriority::Low => Priority::Low,
        }
    }
}

pub struct OrderDeliverable;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderArgs {
    /// The specialist to order from, by name: "Proposal Writer", "Timeline Planner", "Menu & Card
    /// Designer", "Vendor Brief Writer", "Follow-up Writer", "Social Post Writer", or the venue's own.
    #[schemars(length(min = 1, max = 80))]
    pub specialist: String,
    /// What the deliverable should cover, in the person's words.
    #[schemars(length(max = 2000))]
    pub brief: Option<String>,
    /// The event it is for (this chat's event when it has one).
    pub event_id: Option<i64>,
    /// How soon: high, normal (the default) or low.
    pub priority: Option<OrderPriority>,
}

/// The specialist `asked` names: by slug, or by name as [`resolve_name`] reads names. None or
/// several: an error naming the studio's choices, so the agent asks. (The small model's choice
/// is grounded before: the one whose work the person asked for, `domain::studio::meant`, through
/// `agent::ground::Names`.)
fn which<'a>(asked: &str, list: &'a [Specialist]) -> Result<&'a Specialist, ToolError> {
    if let Some(s) = list.iter().find(|s| s.slug.eq_ignore_ascii_case(asked.trim())) {
        return Ok(s);
    }
    let names: Vec<&str> = list.iter().map(|s| s.name.as_str()).collect();
    resolve_name(asked, &names, "specialist")
        .map(|i| &list[i])
        .map_err(|_| ToolError::Invalid(format!("Which specialist? The studio has: {}.", names.join(", "))))
}

/// What an order would be: the specialist, the event (checked to be one the actor runs), the
/// brief and the priority.
struct Order {
    specialist: Specialist,
    event: Option<(i64, String)>,
    brief: String,
    priority: Priority,
}

async fn order_of(cx: &ToolCx<'_>, a: &OrderArgs) -> Result<Order, ToolError> {
    let list = studio::specialists(cx.pool, cx.actor).await?;
    let specialist = which(&a.specialist, &list)?.clone();
    let brief = parse_brief("brief", a.brief.as_deref().unwrap_or(""), false)?;
    let event = match a.event_id.or(cx.event_id) {
        Some(id) => Some((id, events::detail(cx.pool, cx.actor, id).await?.title)),
        None if specialist.needs_event => {
            return Err(ToolError::Invalid(format!(
                "The {} works from an event: which event is it for?",
                specialist.name
            )))
        }
        None => None,
    };
    Ok(Order { specialist, event, brief, priority: a.priority.map(Priority::from).unwrap_or(Priority::Normal) })
}

impl Tool for OrderDeliverable {
    const NAME: &'static str = "order_deliverable";
    const LABEL: &'static str = "Order a deliverable";
    const DESCRIPTION: &'static str = "Order a deliverable from one of the studio's specialists (a proposal, a run-of-show timeline, a menu card, a vendor brief, a follow-up, a social post), for an event; it is written in the background and reviewed in the studio.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = OrderArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &OrderArgs) -> Result<Preview, ToolError> {
        let o = order_of(cx, a).await?;
        let event = o.event.as_ref().map(|(_, t)| t.clone()).unwrap_or_else(|| "no event".into());
        Ok(Preview {
            summary: format!("Order from the {}", o.specialist.name),
            record: "The studio".into(),
            changes: vec![
                FieldChange { field: "Specialist".into(), before: String::new(), after: o.specialist.name.clone() },
                FieldChange { field: "Event".into(), before: String::new(), after: event },
                FieldChange {
                    field: "Brief".into(),
                    before: String::new(),
                    after: if o.brief.is_empty() { "none".into() } else { o.brief.clone() },
                },
                FieldChange { field: "Priority".into(), before: String::new(), after: o.priority.label().into() },
            ],
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: OrderArgs) -> Result<Value, ToolError> {
        let o = order_of(cx, &a).await?;
        let id = studio::place_in(
            &mut *cx.writer().await?,
            cx.actor,
            &o.specialist,
            o.event.as_ref().map(|(id, _)| *id),
            &o.brief,
            o.priority,
        )
        .await?;
        Ok(json!({
            "order_id": id,
            "specialist": o.specialist.name,
            "event": o.event.map(|(_, t)| t),
            "status": "Queued",
            "link": format!("/studio/{id}"),
        }))
    }

    fn summary(out: &Value) -> String {
        format!(
            "Ordered from the {}: it will be ready for review in the studio",
            out["specialist"].as_str().unwrap_or("specialist")
        )
    }
}

pub struct ListDeliverables;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverableFilter {
    /// Only the orders for this event.
    pub event_id: Option<i64>,
}

/// Orders listed at most.
const LISTED: i64 = 50;

impl Tool for ListDeliverables {
    const NAME: &'static str = "list_deliverables";
    const LABEL: &'static str = "List deliverables";
    const DESCRIPTION: &'static str =
        "List the studio's latest deliverable orders, newest first: specialist, event, status (queued, in progress, ready for review, approved, failed), versions.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = None;
    type Args = DeliverableFilter;
    type Output = Vec<Value>;

    async fn run(cx: &ToolCx<'_>, a: DeliverableFilter) -> Result<Vec<Value>, ToolError> {
        let event = a.event_id.or(cx.event_id);
        Ok(studio::orders(cx.pool, cx.actor, LISTED)
            .await?
            .into_iter()
            .filter(|o| event.is_none() || o.event_id == event)
            .map(|o| {
                json!({
                    "id": o.id,
                    "title": o.specialist_name,
                    "event": o.event_title,
                    "event_id": o.event_id,
                    "status": o.status.label(),
                    "versions": o.versions,
                    "ordered_by": o.ordered_by_name,
                    "ordered": o.created_at.date_naive(),
                    "link": format!("/studio/{}", o.id),
                })
            })
            .collect())
    }

    fn summary(out: &Vec<Value>) -> String {
        plural(out.len(), "deliverable", "deliverables")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> Vec<Specialist> {
        crate::domain::studio::BUILTIN.iter().map(|b| b.specialist()).collect()
    }

    #[test]
    fn the_specialist_is_named_by_slug_or_name_or_asked_about() {
        let l = list();
        assert_eq!(which("Timeline Planner", &l).unwrap().slug, "timeline-planner");
        assert_eq!(which("proposal-writer", &l).unwrap().slug, "proposal-writer");
        assert_eq!(which("menu card", &l).unwrap().slug, "menu-card-designer");
        let several = which("writer", &l).unwrap_err().to_string();
        assert!(several.contains("Which specialist") && several.contains("Social Post Writer"), "{several}");
        assert!(which("poet", &l).is_err());
    }
}
