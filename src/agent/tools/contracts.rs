//! Tools about an event's contract: its line items, total, payments and milestones.

use super::{money, EventRef, PLANNERS};
use crate::agent::{Tool, ToolCx, ToolError};
use crate::domain::chat::Approver;
use crate::domain::Role;
use crate::store::contracts;
use serde_json::{json, Value};

pub struct ViewContract;

impl Tool for ViewContract {
    const NAME: &'static str = "view_contract";
    const LABEL: &'static str = "View the contract";
    const DESCRIPTION: &'static str =
        "Get the event's contract: status, line items with prices, the total, what is paid, and payment milestones.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = None;
    type Args = EventRef;
    type Output = Value;

    async fn run(cx: &ToolCx<'_>, args: EventRef) -> Result<Value, ToolError> {
        let id = cx.event(args.event_id)?;
        let Some(c) = contracts::for_event(cx.pool, cx.actor, id).await? else {
            return Ok(json!({"contract": null, "note": "No contract has been drawn up yet."}));
        };
        Ok(json!({
            "status": c.status,
            "signed_at": c.signed_at,
            "line_items": c.items.iter().map(|i| json!({"description": i.description, "quantity": i.quantity, "unit_price": money(i.unit_price_cents), "total": money(i.total_cents())})).collect::<Vec<_>>(),
            "total": money(c.total_cents()),
            "paid": money(c.paid_cents()),
            "balance": money(c.total_cents().saturating_sub(c.paid_cents())),
            "milestones": c.milestones.iter().map(|m| json!({"label": m.label, "due": m.due_date, "amount": money(m.amount_cents), "paid": m.paid_at.is_some()})).collect::<Vec<_>>(),
        }))
    }

    fn summary(out: &Value) -> String {
        match out["total"].as_str() {
            Some(total) => format!(
                "Contract {}: total {total}, paid {}",
                out["status"].as_str().unwrap_or(""),
                out["paid"].as_str().unwrap_or("")
            ),
            None => "No contract yet".into(),
        }
    }
}
