//! Tools about an event's elements (the venue's services on it): what can be added, change requests, statuses.

use super::{money, plural, MEMBERS, PLANNERS, STAFF};
use crate::agent::{Tool, ToolCx, ToolError};
use crate::domain::chat::{Approver, FieldChange, Preview};
use crate::domain::{ElementStatus, Role};
use crate::store::elements::ElementChange;
use crate::store::{elements, events, services};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub struct ListAvailableElements;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceFilter {
    /// Only this category of service.
    pub category: Option<ServiceCategory>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceCategory {
    Venue,
    Catering,
    Beverage,
    Decor,
    Music,
    Staffing,
    Other,
}

impl ServiceCategory {
    fn as_str(self) -> &'static str {
        match self {
            ServiceCategory::Venue => "venue",
            ServiceCategory::Catering => "catering",
            ServiceCategory::Beverage => "beverage",
            ServiceCategory::Decor => "decor",
            ServiceCategory::Music => "music",
            ServiceCategory::Staffing => "staffing",
            ServiceCategory::Other => "other",
        }
    }
}

impl Tool for ListAvailableElements {
    const NAME: &'static str = "list_available_elements";
    const LABEL: &'static str = "List the venue's services";
    const DESCRIPTION: &'static str =
        "List the services the venue offers that can be added to an event (menu, drinks, decor, music…), with their service_id, unit and price.";
    const ROLES: &'static [Role] = MEMBERS;
    const APPROVAL: Option<Approver> = None;
    type Args = ServiceFilter;
    type Output = Vec<services::Service>;

    async fn run(cx: &ToolCx<'_>, args: ServiceFilter) -> Result<Vec<services::Service>, ToolError> {
        Ok(services::list(cx.pool, cx.actor, args.category.map(ServiceCategory::as_str)).await?)
    }

    fn summary(out: &Vec<services::Service>) -> String {
        plural(out.len(), "service", "services")
    }
}

pub struct RequestElementChange;

#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    /// Add one of the venue's services (give `service_id` and `quantity`).
    Add,
    /// Remove an element (give `element_id`).
    Remove,
    /// Change an element's quantity (give `element_id` and `quantity`).
    ChangeQuantity,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElementChangeArgs {
    /// The event's id. Leave out to use the event this conversation is about.
    pub event_id: Option<i64>,
    pub action: ChangeAction,
    /// The element to remove or change (from get_event_details).
    pub element_id: Option<i64>,
    /// The service to add (from list_available_elements).
    pub service_id: Option<i64>,
    /// The new quantity (for add and change_quantity).
    #[schemars(range(min = 1, max = 100000))]
    pub quantity: Option<i32>,
    /// Why, in the client's words.
    #[schemars(length(max = 500))]
    pub note: Option<String>,
}

struct PlannedChange {
    event_id: i64,
    change: ElementChange,
    preview: Preview,
}

async fn plan_change(cx: &ToolCx<'_>, a: &ElementChangeArgs) -> Result<PlannedChange, ToolError> {
    let event_id = cx.event(a.event_id)?;
    let detail = events::detail(cx.pool, cx.actor, event_id).await?;
    let need = |what: &str| ToolError::Invalid(format!("`{what}` is needed for this action"));
    let (change, summary, record, changes) = match a.action {
        ChangeAction::Add => {
            let service_id = a.service_id.ok_or_else(|| need("service_id"))?;
            let quantity = a.quantity.unwrap_or(if detail.guest_count > 0 { detail.guest_count } else { 1 });
            let s = services::by_id(cx.pool, cx.actor, service_id).await?;
            (
                ElementChange::Add { service_id, quantity },
                format!("Add {} to {}", s.name, detail.title),
                format!("Event: {} ({})", detail.title, detail.event_date),
                vec![FieldChange {
                    field: s.name.clone(),
                    before: "not included".into(),
                    after: format!(
                        "{quantity} × {} = {}",
                        money(s.price_cents),
                        money(s.price_cents.saturating_mul(quantity as i64))
                    ),
                }],
            )
        }
        ChangeAction::Remove | ChangeAction::ChangeQuantity => {
            let element_id = a.element_id.ok_or_else(|| need("element_id"))?;
            let el = elements::element(cx.pool, cx.actor, event_id, element_id).await?;
            let record = format!("Element: {} ({})", el.name, detail.title);
            if a.action == ChangeAction::Remove {
                (
                    ElementChange::Remove { element_id },
                    format!("Remove {} from {}", el.name, detail.title),
                    record,
                    vec![FieldChange {
                        field: "Status".into(),
                        before: el.status.label().into(),
                        after: ElementStatus::Declined.label().into(),
                    }],
                )
            } else {
                let quantity = a.quantity.ok_or_else(|| need("quantity"))?;
                (
                    ElementChange::Quantity { element_id, quantity },
                    format!("Change the quantity of {}", el.name),
                    record,
                    vec![
                        FieldChange {
                            field: "Quantity".into(),
                            before: el.quantity.to_string(),
                            after: quantity.to_string(),
                        },
                        FieldChange {
                            field: "Line total".into(),
                            before: money(el.price_cents.saturating_mul(el.quantity as i64)),
                            after: money(el.price_cents.saturating_mul(quantity as i64)),
                        },
                    ],
                )
            }
        }
    };
    let mut preview = Preview { summary, record, changes, message: None };
    if let Some(note) = a.note.as_deref().filter(|n| !n.trim().is_empty()) {
        preview.changes.push(FieldChange {
            field: "Note".into(),
            before: String::new(),
            after: note.trim().to_string(),
        });
    }
    Ok(PlannedChange { event_id, change, preview })
}

impl Tool for RequestElementChange {
    const NAME: &'static str = "request_element_change";
    const LABEL: &'static str = "Request an element change";
    const DESCRIPTION: &'static str = "Ask the venue to add a service to the event, remove an element, or change an element's quantity. The venue's staff approve or reject the request.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = Some(Approver::Venue);
    type Args = ElementChangeArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, args: &ElementChangeArgs) -> Result<Preview, ToolError> {
        Ok(plan_change(cx, args).await?.preview)
    }

    /// Runs as the staff member who approved it.
    async fn run(cx: &ToolCx<'_>, args: ElementChangeArgs) -> Result<Value, ToolError> {
        let plan = plan_change(cx, &args).await?;
        let el = elements::apply_element_change(
            &mut *cx.writer().await?,
            cx.actor,
            plan.event_id,
            &plan.change,
            cx.actor.user_id,
            &plan.preview.summary,
        )
        .await?;
        Ok(
            json!({"applied": plan.preview.summary, "element": {"id": el.id, "name": el.name, "quantity": el.quantity, "status": el.status.as_str()}}),
        )
    }

    fn summary(out: &Value) -> String {
        format!("Done: {}", out["applied"].as_str().unwrap_or("change applied"))
    }
}

pub struct UpdateElementStatus;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElementStatusArgs {
    /// The element's id (from get_event_details).
    pub element_id: i64,
    pub status: ElementStatus,
}

impl Tool for UpdateElementStatus {
    const NAME: &'static str = "update_element_status";
    const LABEL: &'static str = "Update an element's status";
    const DESCRIPTION: &'static str =
        "Set the status of one of the event's elements (proposed, requested, approved, confirmed, declined).";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = ElementStatusArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &ElementStatusArgs) -> Result<Preview, ToolError> {
        let event_id = cx.event(None)?;
        let el = elements::element(cx.pool, cx.actor, event_id, a.element_id).await?;
        Ok(Preview {
            summary: format!("Mark {} as {}", el.name, a.status.label().to_lowercase()),
            record: format!("Element: {}", el.name),
            changes: vec![FieldChange {
                field: "Status".into(),
                before: el.status.label().into(),
                after: a.status.label().into(),
            }],
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: ElementStatusArgs) -> Result<Value, ToolError> {
        let event_id = cx.event(None)?;
        elements::set_status(&mut *cx.writer().await?, cx.actor, event_id, a.element_id, a.status).await?;
        Ok(json!({"element_id": a.element_id, "status": a.status.as_str()}))
    }

    fn summary(out: &Value) -> String {
        format!("Status set to {}", out["status"].as_str().unwrap_or("?"))
    }
}
