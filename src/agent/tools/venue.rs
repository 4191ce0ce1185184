//! Tools about the venue itself: its spaces and services, its vendors, and finding its clients.

use super::{money, plural, NoArgs, TextQuery, MEMBERS, STAFF};
use crate::agent::{Tool, ToolCx, ToolError};
use crate::domain::chat::Approver;
use crate::domain::Role;
use crate::store::{clients, events, services, vendors};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub struct ListVendors;

#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VendorCategory {
    Florist,
    Caterer,
    Photographer,
    Music,
    Decor,
    Rentals,
    Other,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorFilter {
    /// Only vendors of this category.
    pub category: Option<VendorCategory>,
}

impl Tool for ListVendors {
    const NAME: &'static str = "list_vendors";
    const LABEL: &'static str = "List vendors";
    const DESCRIPTION: &'static str = "List the venue's vendors (florists, caterers, photographers…) with contact details and how many upcoming events each works.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = None;
    type Args = VendorFilter;
    type Output = Vec<vendors::VendorRow>;

    async fn run(cx: &ToolCx<'_>, a: VendorFilter) -> Result<Vec<vendors::VendorRow>, ToolError> {
        let category = a.category.and_then(|c| serde_json::to_value(c).ok()).and_then(|v| v.as_str().map(String::from));
        Ok(vendors::list(cx.pool, cx.actor, category.as_deref()).await?)
    }

    fn summary(out: &Vec<vendors::VendorRow>) -> String {
        plural(out.len(), "vendor", "vendors")
    }
}

pub struct SearchClients;

impl Tool for SearchClients {
    const NAME: &'static str = "search_clients";
    const LABEL: &'static str = "Search clients";
    const DESCRIPTION: &'static str =
        "Find clients by part of their name or email, with their contact details and events.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = None;
    type Args = TextQuery;
    type Output = Vec<clients::ClientRow>;

    async fn run(cx: &ToolCx<'_>, a: TextQuery) -> Result<Vec<clients::ClientRow>, ToolError> {
        Ok(clients::search_clients(cx.pool, cx.actor, a.query.trim()).await?)
    }

    fn summary(out: &Vec<clients::ClientRow>) -> String {
        plural(out.len(), "client", "clients")
    }
}

pub struct VenueInfo;

impl Tool for VenueInfo {
    const NAME: &'static str = "venue_info";
    const LABEL: &'static str = "Look up the venue";
    const DESCRIPTION: &'static str = "Get the venue's spaces (with capacity) and its services with prices.";
    const ROLES: &'static [Role] = MEMBERS;
    const APPROVAL: Option<Approver> = None;
    type Args = NoArgs;
    type Output = Value;

    async fn run(cx: &ToolCx<'_>, _: NoArgs) -> Result<Value, ToolError> {
        let spaces = events::spaces(cx.pool, cx.actor).await?;
        let services = services::list(cx.pool, cx.actor, None).await?;
        Ok(json!({
            "venue": cx.actor.venue_name,
            "spaces": spaces.iter().map(|s| json!({"name": s.name, "capacity": s.capacity})).collect::<Vec<_>>(),
            "services": services.iter().map(|s| json!({"name": s.name, "category": s.category, "unit": s.unit, "price": money(s.price_cents)})).collect::<Vec<_>>(),
        }))
    }

    fn summary(out: &Value) -> String {
        format!(
            "{} and {}",
            plural(out["spaces"].as_array().map_or(0, Vec::len), "space", "spaces"),
            plural(out["services"].as_array().map_or(0, Vec::len), "service", "services")
        )
    }
}
