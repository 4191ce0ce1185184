//! Every tool, on the store, scoped to the acting user. Which agent kind gets which is at the end
//! ([`names_for`]).

use super::extract;
use super::{Tool, ToolCx, ToolEntry, ToolError};
use crate::domain::assist::{self, Dropped, FormKind, Suggestion};
use crate::domain::chat::{AgentKind, Approver, FieldChange, OutgoingMessage, Preview};
use crate::domain::model::EventDetail;
use crate::domain::parse::{EventForm, GuestForm, TaskForm};
use crate::domain::{format_money, ElementStatus, EventStatus, Role, Rsvp};
use crate::store::venue::ElementChange;
use crate::store::{contracts, elements, events, guests, messages, scheduling, tasks, venue};
use chrono::{Duration, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const STAFF: &[Role] = &[Role::Owner, Role::Staff];
const PLANNERS: &[Role] = &[Role::Owner, Role::Staff, Role::Client];
const MEMBERS: &[Role] = &[Role::Owner, Role::Staff, Role::Client, Role::Vendor];

pub fn all() -> Vec<ToolEntry> {
    vec![
        ToolEntry::of::<GetEventDetails>(),
        ToolEntry::of::<ListAvailableElements>(),
        ToolEntry::of::<RequestElementChange>(),
        ToolEntry::of::<ViewGuestList>(),
        ToolEntry::of::<AddGuest>(),
        ToolEntry::of::<ViewContract>(),
        ToolEntry::of::<ListEvents>(),
        ToolEntry::of::<EventSummary>(),
        ToolEntry::of::<ListVendors>(),
        ToolEntry::of::<ListPendingTasks>(),
        ToolEntry::of::<SearchMessages>(),
        ToolEntry::of::<SearchClients>(),
        ToolEntry::of::<UpdateElementStatus>(),
        ToolEntry::of::<SendClientMessage>(),
        ToolEntry::of::<SendVendorMessage>(),
        ToolEntry::of::<CreateTask>(),
        ToolEntry::of::<UpdateEventDetails>(),
        ToolEntry::of::<ListMyEvents>(),
        ToolEntry::of::<VenueInfo>(),
        ToolEntry::of::<GetAvailableSlots>(),
        ToolEntry::of::<BookAppointment>(),
        ToolEntry::of::<ListAppointments>(),
        ToolEntry::of::<RescheduleAppointment>(),
        ToolEntry::of::<CancelAppointment>(),
        ToolEntry::of::<FillForm>(),
    ]
}

/// The tool set of each agent kind.
pub fn names_for(kind: AgentKind) -> &'static [&'static str] {
    match kind {
        AgentKind::Client => &[
            GetEventDetails::NAME,
            ListAvailableElements::NAME,
            RequestElementChange::NAME,
            ViewGuestList::NAME,
            AddGuest::NAME,
            ViewContract::NAME,
            GetAvailableSlots::NAME,
            BookAppointment::NAME,
            ListAppointments::NAME,
            RescheduleAppointment::NAME,
            CancelAppointment::NAME,
        ],
        AgentKind::VenueGeneral => &[
            ListEvents::NAME,
            EventSummary::NAME,
            ListVendors::NAME,
            ListPendingTasks::NAME,
            SearchMessages::NAME,
            SearchClients::NAME,
            GetAvailableSlots::NAME,
            BookAppointment::NAME,
            ListAppointments::NAME,
            RescheduleAppointment::NAME,
            CancelAppointment::NAME,
            FillForm::NAME,
        ],
        AgentKind::VenueEvent => &[
            GetEventDetails::NAME,
            UpdateElementStatus::NAME,
            SendClientMessage::NAME,
            SendVendorMessage::NAME,
            CreateTask::NAME,
            UpdateEventDetails::NAME,
            FillForm::NAME,
        ],
        AgentKind::Assistant => {
            &[ListMyEvents::NAME, VenueInfo::NAME, GetAvailableSlots::NAME, ListAppointments::NAME, FillForm::NAME]
        }
    }
}

fn money(cents: i64) -> String {
    format_money(cents)
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect::<String>() + "…"
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Arguments of tools about one event: the thread's event unless another is named.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRef {
    /// The event's id. Leave out to use the event this conversation is about.
    pub event_id: Option<i64>,
}

// ---- client (and event) tools ---------------------------------------------------------------------

pub struct GetEventDetails;

#[derive(Serialize)]
pub struct EventDetailsOut {
    event: Value,
    elements: Vec<Value>,
    vendors: Vec<Value>,
    guests_invited: i64,
    guests_attending: i64,
}

fn event_json(e: &EventDetail) -> Value {
    json!({
        "id": e.id, "title": e.title, "date": e.event_date, "start_time": e.start_time, "end_time": e.end_time,
        "status": e.status.as_str(), "space": e.space_name, "client": e.client_name,
        "expected_guests": e.guest_count, "budget": money(e.budget_cents),
    })
}

impl Tool for GetEventDetails {
    const NAME: &'static str = "get_event_details";
    const LABEL: &'static str = "Look up the event";
    const DESCRIPTION: &'static str =
        "Get an event's date, time, space, status, expected guests and budget, with its elements (id, name, quantity, price, status), its vendors (photographer, florist, caterer, music…) and RSVP counts.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = None;
    type Args = EventRef;
    type Output = EventDetailsOut;

    async fn run(cx: &ToolCx<'_>, args: EventRef) -> Result<EventDetailsOut, ToolError> {
        let id = cx.event(args.event_id)?;
        let overview = events::overview(cx.pool, cx.actor, id).await?;
        let els = elements::list(cx.pool, cx.actor, id).await?;
        let vendors = events::vendors(cx.pool, cx.actor, id).await?;
        Ok(EventDetailsOut {
            event: event_json(&overview.event),
            elements: els
                .elements
                .iter()
                .map(|e| {
                    json!({"id": e.id, "category": e.category, "name": e.name, "quantity": e.quantity,
                           "unit_price": money(e.price_cents), "status": e.status.as_str()})
                })
                .collect(),
            vendors: vendors
                .iter()
                .map(|v| json!({"vendor_id": v.vendor_id, "name": v.name, "category": v.category, "service": v.service, "status": v.status}))
                .collect(),
            guests_invited: overview.guests_invited,
            guests_attending: overview.guests_attending,
        })
    }

    fn summary(out: &EventDetailsOut) -> String {
        format!(
            "{} on {}: {}, {}",
            out.event["title"].as_str().unwrap_or("Event"),
            out.event["date"].as_str().unwrap_or("?"),
            plural(out.elements.len(), "element", "elements"),
            plural(out.vendors.len(), "vendor", "vendors")
        )
    }
}

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
    type Output = Vec<venue::Service>;

    async fn run(cx: &ToolCx<'_>, args: ServiceFilter) -> Result<Vec<venue::Service>, ToolError> {
        Ok(venue::services(cx.pool, cx.actor, args.category.map(ServiceCategory::as_str)).await?)
    }

    fn summary(out: &Vec<venue::Service>) -> String {
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
            let s = venue::service(cx.pool, cx.actor, service_id).await?;
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
            let el = venue::element(cx.pool, cx.actor, event_id, element_id).await?;
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
        let el = venue::apply_element_change(
            cx.pool,
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

pub struct ViewGuestList;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GuestFilter {
    /// The event's id. Leave out to use the event this conversation is about.
    pub event_id: Option<i64>,
    /// Only guests with this answer.
    pub rsvp: Option<Rsvp>,
}

#[derive(Serialize)]
pub struct GuestListOut {
    total_guests: usize,
    attending_people: i64,
    shown: Vec<Value>,
    more: usize,
}

impl Tool for ViewGuestList {
    const NAME: &'static str = "view_guest_list";
    const LABEL: &'static str = "View the guest list";
    const DESCRIPTION: &'static str =
        "List an event's guests with party size, RSVP and dietary needs (at most 60 shown, with totals).";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = None;
    type Args = GuestFilter;
    type Output = GuestListOut;

    async fn run(cx: &ToolCx<'_>, args: GuestFilter) -> Result<GuestListOut, ToolError> {
        let id = cx.event(args.event_id)?;
        let all = guests::list(cx.pool, cx.actor, id).await?;
        let attending = all.iter().filter(|g| g.rsvp == Rsvp::Yes).map(|g| g.party_size as i64).sum();
        let matching: Vec<_> = all.iter().filter(|g| args.rsvp.is_none_or(|r| g.rsvp == r)).collect();
        Ok(GuestListOut {
            total_guests: all.len(),
            attending_people: attending,
            shown: matching
                .iter()
                .take(60)
                .map(|g| json!({"name": g.name, "party_size": g.party_size, "rsvp": g.rsvp.as_str(), "dietary": g.dietary}))
                .collect(),
            more: matching.len().saturating_sub(60),
        })
    }

    fn summary(out: &GuestListOut) -> String {
        format!("{} ({} people attending)", plural(out.total_guests, "guest", "guests"), out.attending_people)
    }
}

pub struct AddGuest;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddGuestArgs {
    /// The event's id. Leave out to use the event this conversation is about.
    pub event_id: Option<i64>,
    /// The guest's full name.
    #[schemars(length(min = 1, max = 120))]
    pub name: String,
    #[schemars(length(max = 254))]
    pub email: Option<String>,
    /// The guest plus companions.
    #[schemars(range(min = 1, max = 20))]
    pub party_size: Option<i32>,
    pub rsvp: Option<Rsvp>,
    /// Allergies or diet, e.g. "vegetarian".
    #[schemars(length(max = 500))]
    pub dietary: Option<String>,
}

impl AddGuestArgs {
    fn form(&self) -> GuestForm {
        GuestForm {
            name: self.name.clone(),
            email: self.email.clone().unwrap_or_default(),
            party_size: self.party_size.map(|p| p.to_string()).unwrap_or_default(),
            rsvp: self.rsvp.map(|r| r.as_str().to_string()).unwrap_or_default(),
            dietary: self.dietary.clone().unwrap_or_default(),
            notes: String::new(),
        }
    }
}

impl Tool for AddGuest {
    const NAME: &'static str = "add_guest";
    const LABEL: &'static str = "Add a guest";
    const DESCRIPTION: &'static str = "Add a guest to the event's guest list.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = AddGuestArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &AddGuestArgs) -> Result<Preview, ToolError> {
        let id = cx.event(a.event_id)?;
        let g = a.form().parse()?;
        let detail = events::detail(cx.pool, cx.actor, id).await?;
        let mut changes = vec![
            FieldChange { field: "Name".into(), before: String::new(), after: g.name.clone() },
            FieldChange { field: "Party size".into(), before: String::new(), after: g.party_size.to_string() },
            FieldChange { field: "RSVP".into(), before: String::new(), after: g.rsvp.label().into() },
        ];
        if !g.email.is_empty() {
            changes.push(FieldChange { field: "Email".into(), before: String::new(), after: g.email.clone() });
        }
        if !g.dietary.is_empty() {
            changes.push(FieldChange { field: "Dietary".into(), before: String::new(), after: g.dietary.clone() });
        }
        Ok(Preview {
            summary: format!("Add {} to the guest list", g.name),
            record: format!("Guest list: {} ({})", detail.title, detail.event_date),
            changes,
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: AddGuestArgs) -> Result<Value, ToolError> {
        let id = cx.event(a.event_id)?;
        let draft = a.form().parse()?;
        let g = guests::add(cx.pool, cx.actor, id, &draft).await?;
        Ok(json!({"added": {"id": g.id, "name": g.name, "party_size": g.party_size, "rsvp": g.rsvp.as_str()}}))
    }

    fn summary(out: &Value) -> String {
        format!("Added {}", out["added"]["name"].as_str().unwrap_or("the guest"))
    }
}

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

// ---- venue-wide tools -------------------------------------------------------------------------------

pub struct ListEvents;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRange {
    /// First day (YYYY-MM-DD); default today.
    pub from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD); default 30 days after `from`.
    pub to: Option<NaiveDate>,
    /// Only events with this status.
    pub status: Option<EventStatus>,
}

fn event_rows(list: &[crate::domain::model::EventSummary]) -> Vec<Value> {
    list.iter()
        .map(|e| {
            json!({"id": e.id, "title": e.title, "date": e.event_date, "start_time": e.start_time, "status": e.status.as_str(),
                   "space": e.space_name, "client": e.client_name, "guests": e.guest_count})
        })
        .collect()
}

async fn range(cx: &ToolCx<'_>, a: &EventRange) -> Result<(NaiveDate, NaiveDate), ToolError> {
    let from = match a.from {
        Some(d) => d,
        None => venue::today(cx.pool, cx.actor).await?,
    };
    let to = a.to.unwrap_or(from + Duration::days(30));
    if to < from {
        return Err(ToolError::Invalid("`to` must not be before `from`".into()));
    }
    if (to - from).num_days() > 800 {
        return Err(ToolError::Invalid("Ask for at most 800 days at a time.".into()));
    }
    Ok((from, to))
}

/// The events the actor can see in the range (staff see the venue's, others their own).
async fn events_in_range(cx: &ToolCx<'_>, a: &EventRange) -> Result<Value, ToolError> {
    let (from, to) = range(cx, a).await?;
    let status = events::StatusFilter::Only(a.status.map(|s| s.as_str()));
    let list = events::list(cx.pool, cx.actor, from, to, status, 100).await?;
    Ok(json!({"from": from, "to": to, "events": event_rows(&list)}))
}

fn events_summary(out: &Value) -> String {
    plural(out["events"].as_array().map_or(0, Vec::len), "event", "events")
}

impl Tool for ListEvents {
    const NAME: &'static str = "list_events";
    const LABEL: &'static str = "List events";
    const DESCRIPTION: &'static str = "List the venue's events between two dates (default: the next 30 days), optionally of one status, soonest first.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = None;
    type Args = EventRange;
    type Output = Value;

    async fn run(cx: &ToolCx<'_>, a: EventRange) -> Result<Value, ToolError> {
        events_in_range(cx, &a).await
    }

    fn summary(out: &Value) -> String {
        events_summary(out)
    }
}

pub struct EventSummary;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventId {
    /// The event's id (from list_events).
    pub event_id: i64,
}

impl Tool for EventSummary {
    const NAME: &'static str = "event_summary";
    const LABEL: &'static str = "Summarise an event";
    const DESCRIPTION: &'static str =
        "Summarise one event: details, elements by status, RSVPs, open tasks and the contract total.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = None;
    type Args = EventId;
    type Output = Value;

    async fn run(cx: &ToolCx<'_>, a: EventId) -> Result<Value, ToolError> {
        let overview = events::overview(cx.pool, cx.actor, a.event_id).await?;
        let (open_tasks, by_status) = venue::event_counts(cx.pool, cx.actor, a.event_id).await?;
        let contract = contracts::for_event(cx.pool, cx.actor, a.event_id).await?;
        Ok(json!({
            "event": event_json(&overview.event),
            "guests_invited": overview.guests_invited,
            "guests_attending": overview.guests_attending,
            "elements_by_status": by_status.into_iter().collect::<std::collections::BTreeMap<_, _>>(),
            "open_tasks": open_tasks,
            "contract": contract.map(|c| json!({"status": c.status, "total": money(c.total_cents()), "paid": money(c.paid_cents())})),
        }))
    }

    fn summary(out: &Value) -> String {
        format!(
            "{} on {}",
            out["event"]["title"].as_str().unwrap_or("Event"),
            out["event"]["date"].as_str().unwrap_or("?")
        )
    }
}

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
    type Output = Vec<venue::VendorRow>;

    async fn run(cx: &ToolCx<'_>, a: VendorFilter) -> Result<Vec<venue::VendorRow>, ToolError> {
        let category = a.category.and_then(|c| serde_json::to_value(c).ok()).and_then(|v| v.as_str().map(String::from));
        Ok(venue::vendors(cx.pool, cx.actor, category.as_deref()).await?)
    }

    fn summary(out: &Vec<venue::VendorRow>) -> String {
        plural(out.len(), "vendor", "vendors")
    }
}

pub struct ListPendingTasks;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskFilter {
    /// Only tasks of this event.
    pub event_id: Option<i64>,
}

impl Tool for ListPendingTasks {
    const NAME: &'static str = "list_pending_tasks";
    const LABEL: &'static str = "List open tasks";
    const DESCRIPTION: &'static str = "List tasks that are not done yet, soonest due first, with assignee and event.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = None;
    type Args = TaskFilter;
    type Output = Vec<Value>;

    async fn run(cx: &ToolCx<'_>, a: TaskFilter) -> Result<Vec<Value>, ToolError> {
        let list = match a.event_id {
            Some(id) => tasks::for_event(cx.pool, cx.actor, id)
                .await?
                .tasks
                .into_iter()
                .filter(|t| t.status != crate::domain::TaskStatus::Done)
                .collect(),
            None => tasks::pending(cx.pool, cx.actor, 50).await?,
        };
        Ok(list
            .iter()
            .map(|t| json!({"id": t.id, "title": t.title, "due": t.due_date, "status": t.status.as_str(), "assignee": t.assignee_name, "event": t.event_title, "event_id": t.event_id}))
            .collect())
    }

    fn summary(out: &Vec<Value>) -> String {
        plural(out.len(), "open task", "open tasks")
    }
}

pub struct SearchMessages;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextQuery {
    /// Words to search for.
    #[schemars(length(min = 1, max = 200))]
    pub query: String,
}

impl Tool for SearchMessages {
    const NAME: &'static str = "search_messages";
    const LABEL: &'static str = "Search messages";
    const DESCRIPTION: &'static str = "Full-text search over the messages exchanged with clients and vendors; returns the best matches with a snippet.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = None;
    type Args = TextQuery;
    type Output = Vec<venue::MessageHit>;

    async fn run(cx: &ToolCx<'_>, a: TextQuery) -> Result<Vec<venue::MessageHit>, ToolError> {
        Ok(venue::search_messages(cx.pool, cx.actor, a.query.trim(), 10).await?)
    }

    fn summary(out: &Vec<venue::MessageHit>) -> String {
        plural(out.len(), "message found", "messages found")
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
    type Output = Vec<venue::ClientRow>;

    async fn run(cx: &ToolCx<'_>, a: TextQuery) -> Result<Vec<venue::ClientRow>, ToolError> {
        Ok(venue::search_clients(cx.pool, cx.actor, a.query.trim()).await?)
    }

    fn summary(out: &Vec<venue::ClientRow>) -> String {
        plural(out.len(), "client", "clients")
    }
}

// ---- event tools for staff ------------------------------------------------------------------------

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
        let el = venue::element(cx.pool, cx.actor, event_id, a.element_id).await?;
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
        elements::set_status(cx.pool, cx.actor, event_id, a.element_id, a.status).await?;
        Ok(json!({"element_id": a.element_id, "status": a.status.as_str()}))
    }

    fn summary(out: &Value) -> String {
        format!("Status set to {}", out["status"].as_str().unwrap_or("?"))
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
        let (thread, to) = venue::event_thread(cx.pool, cx.actor, cx.event(None)?, None).await?;
        let m = messages::send(cx.pool, cx.actor, thread, a.body.trim()).await?;
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
        let (thread, to) = venue::event_thread(cx.pool, cx.actor, cx.event(None)?, Some(a.vendor_id)).await?;
        let m = messages::send(cx.pool, cx.actor, thread, a.body.trim()).await?;
        Ok(json!({"sent_to": to, "message_id": m.id}))
    }

    fn summary(out: &Value) -> String {
        format!("Sent to {}", out["sent_to"].as_str().unwrap_or("the vendor"))
    }
}

pub struct CreateTask;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTaskArgs {
    /// What needs doing.
    #[schemars(length(min = 1, max = 200))]
    pub title: String,
    /// When it is due (YYYY-MM-DD).
    pub due_date: Option<NaiveDate>,
    /// The staff member to assign it to: their email or name.
    #[schemars(length(max = 120))]
    pub assignee: Option<String>,
}

async fn task_form(cx: &ToolCx<'_>, a: &CreateTaskArgs) -> Result<(TaskForm, Option<String>), ToolError> {
    let assignee = match a.assignee.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(who) => Some(
            venue::staff_member(cx.pool, cx.actor, who)
                .await?
                .ok_or_else(|| ToolError::Invalid(format!("No staff member matches {who:?}.")))?,
        ),
        None => None,
    };
    Ok((
        TaskForm {
            title: a.title.clone(),
            assignee_id: assignee.as_ref().map(|(id, _)| id.to_string()).unwrap_or_default(),
            due_date: a.due_date.map(|d| d.to_string()).unwrap_or_default(),
        },
        assignee.map(|(_, name)| name),
    ))
}

impl Tool for CreateTask {
    const NAME: &'static str = "create_task";
    const LABEL: &'static str = "Create a task";
    const DESCRIPTION: &'static str = "Create a task for this event, optionally with a due date and an assignee.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = CreateTaskArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &CreateTaskArgs) -> Result<Preview, ToolError> {
        let detail = events::detail(cx.pool, cx.actor, cx.event(None)?).await?;
        let (form, assignee) = task_form(cx, a).await?;
        let draft = form.parse()?;
        Ok(Preview {
            summary: format!("Create the task “{}”", draft.title),
            record: format!("Tasks of {}", detail.title),
            changes: vec![
                FieldChange { field: "Title".into(), before: String::new(), after: draft.title },
                FieldChange {
                    field: "Due".into(),
                    before: String::new(),
                    after: draft.due_date.map(|d| d.to_string()).unwrap_or_else(|| "no date".into()),
                },
                FieldChange {
                    field: "Assignee".into(),
                    before: String::new(),
                    after: assignee.unwrap_or_else(|| "nobody".into()),
                },
            ],
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: CreateTaskArgs) -> Result<Value, ToolError> {
        let (form, assignee) = task_form(cx, &a).await?;
        let draft = form.parse()?;
        let id = tasks::create(cx.pool, cx.actor, cx.event(None)?, &draft).await?;
        Ok(json!({"task_id": id, "title": draft.title, "due": draft.due_date, "assignee": assignee}))
    }

    fn summary(out: &Value) -> String {
        format!("Created “{}”", out["title"].as_str().unwrap_or("task"))
    }
}

pub struct UpdateEventDetails;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEventArgs {
    #[schemars(length(min = 1, max = 160))]
    pub title: Option<String>,
    /// The new date (YYYY-MM-DD).
    pub event_date: Option<NaiveDate>,
    /// Expected number of guests.
    #[schemars(range(min = 0, max = 100000))]
    pub guest_count: Option<i32>,
    /// Budget in dollars, e.g. 25000.
    #[schemars(range(min = 0, max = 1000000000))]
    pub budget_dollars: Option<f64>,
    pub status: Option<EventStatus>,
    /// Internal notes (replaces the current notes).
    #[schemars(length(max = 4000))]
    pub notes: Option<String>,
}

async fn event_update(cx: &ToolCx<'_>, a: &UpdateEventArgs) -> Result<(i64, EventDetail, EventForm), ToolError> {
    let id = cx.event(None)?;
    let d = events::detail(cx.pool, cx.actor, id).await?;
    let form = EventForm {
        title: a.title.clone().unwrap_or_else(|| d.title.clone()),
        event_date: a.event_date.unwrap_or(d.event_date).to_string(),
        space_id: d.space_id.map(|s| s.to_string()).unwrap_or_default(),
        guest_count: a.guest_count.unwrap_or(d.guest_count).to_string(),
        budget: match a.budget_dollars {
            Some(b) => format!("{b:.2}"),
            None => format!("{}.{:02}", d.budget_cents / 100, d.budget_cents % 100),
        },
        status: a.status.unwrap_or(d.status).as_str().to_string(),
        notes: a.notes.clone().unwrap_or_else(|| d.notes.clone()),
    };
    Ok((id, d, form))
}

impl Tool for UpdateEventDetails {
    const NAME: &'static str = "update_event_details";
    const LABEL: &'static str = "Update the event";
    const DESCRIPTION: &'static str =
        "Change the event's title, date, expected guest count, budget, status or notes. Give only what changes.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = UpdateEventArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &UpdateEventArgs) -> Result<Preview, ToolError> {
        let (_, d, form) = event_update(cx, a).await?;
        let new = form.parse()?;
        let mut changes = Vec::new();
        let mut diff = |field: &str, before: String, after: String| {
            if before != after {
                changes.push(FieldChange { field: field.into(), before, after });
            }
        };
        diff("Title", d.title.clone(), new.title.clone());
        diff("Date", d.event_date.to_string(), new.event_date.to_string());
        diff("Guests", d.guest_count.to_string(), new.guest_count.to_string());
        diff("Budget", money(d.budget_cents), money(new.budget_cents));
        diff("Status", d.status.label().into(), new.status.label().into());
        diff("Notes", clip(&d.notes, 200), clip(&new.notes, 200));
        if changes.is_empty() {
            return Err(ToolError::Invalid("Nothing would change: give at least one new value.".into()));
        }
        Ok(Preview {
            summary: format!("Update {}", d.title),
            record: format!("Event: {}", d.title),
            changes,
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: UpdateEventArgs) -> Result<Value, ToolError> {
        let (id, _, form) = event_update(cx, &a).await?;
        let draft = form.parse()?;
        events::update(cx.pool, cx.actor, id, &draft).await?;
        Ok(
            json!({"event_id": id, "title": draft.title, "date": draft.event_date, "guests": draft.guest_count, "budget": money(draft.budget_cents), "status": draft.status.as_str()}),
        )
    }

    fn summary(out: &Value) -> String {
        format!("Updated {}", out["title"].as_str().unwrap_or("the event"))
    }
}

// ---- assistant ------------------------------------------------------------------------------------

pub struct ListMyEvents;

impl Tool for ListMyEvents {
    const NAME: &'static str = "list_my_events";
    const LABEL: &'static str = "List my events";
    const DESCRIPTION: &'static str =
        "List the events you can see that are coming up, between two dates (default: the next 30 days).";
    const ROLES: &'static [Role] = MEMBERS;
    const APPROVAL: Option<Approver> = None;
    type Args = EventRange;
    type Output = Value;

    async fn run(cx: &ToolCx<'_>, a: EventRange) -> Result<Value, ToolError> {
        events_in_range(cx, &a).await
    }

    fn summary(out: &Value) -> String {
        events_summary(out)
    }
}

pub struct VenueInfo;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

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
        let services = venue::services(cx.pool, cx.actor, None).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_tools_and_schemas_are_objects() {
        let all = all();
        for kind in AgentKind::ALL {
            for name in names_for(*kind) {
                let t = all.iter().find(|t| t.name == *name).unwrap_or_else(|| panic!("{name} is not registered"));
                assert_eq!(t.schema["type"], "object", "{name}");
                assert!(t.description.len() > 20, "{name}");
            }
        }
        let mut names: Vec<_> = all.iter().map(|t| t.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len(), "tool names are unique");
        // Changing records or messaging someone needs a person's approval.
        for name in [
            "request_element_change",
            "add_guest",
            "update_element_status",
            "send_client_message",
            "send_vendor_message",
            "create_task",
            "update_event_details",
        ] {
            assert!(all.iter().find(|t| t.name == name).is_some_and(|t| t.approval.is_some()), "{name}");
        }
    }
}

// ---- scheduling -------------------------------------------------------------------------------------

fn venue_time(tz: chrono_tz::Tz, t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&tz).format("%A %-d %B %Y at %-I:%M %p").to_string()
}

pub struct GetAvailableSlots;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotQuery {
    /// The appointment type's id (from list_appointment_types), or leave out and give `type_name`.
    pub type_id: Option<i64>,
    /// Part of the type's name, e.g. "tasting" or "tour".
    #[schemars(length(max = 120))]
    pub type_name: Option<String>,
    /// The day (YYYY-MM-DD), in the venue's time zone.
    pub date: NaiveDate,
}

async fn find_type(
    cx: &ToolCx<'_>,
    id: Option<i64>,
    name: Option<&str>,
) -> Result<scheduling::AppointmentType, ToolError> {
    if let Some(id) = id {
        return Ok(scheduling::appointment_type(cx.pool, cx.actor, id).await?);
    }
    let wanted = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ToolError::Invalid("Give `type_id` or `type_name`.".into()))?;
    let all = scheduling::types(cx.pool, cx.actor).await?;
    let hit = all.iter().find(|t| t.name.to_lowercase().contains(&wanted.to_lowercase())).ok_or_else(|| {
        ToolError::Invalid(format!(
            "No appointment type matches {wanted:?}; there are: {}.",
            all.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
        ))
    })?;
    Ok(scheduling::appointment_type(cx.pool, cx.actor, hit.id).await?)
}

impl Tool for GetAvailableSlots {
    const NAME: &'static str = "get_available_slots";
    const LABEL: &'static str = "Find free times";
    const DESCRIPTION: &'static str = "Find the free times on one day for an appointment type (tasting, venue tour, consultation…). Times are given in the venue's time zone, with `starts_at` to book them.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = None;
    type Args = SlotQuery;
    type Output = Value;

    async fn run(cx: &ToolCx<'_>, a: SlotQuery) -> Result<Value, ToolError> {
        let t = find_type(cx, a.type_id, a.type_name.as_deref()).await?;
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        let slots = scheduling::availability(cx.pool, cx.actor, t.id, a.date, a.date, chrono::Utc::now()).await?;
        Ok(json!({
            "type_id": t.id, "type": t.name, "date": a.date, "time_zone": tz.name(),
            "slots": slots.iter().map(|s| json!({"starts_at": s.start, "local": s.start.with_timezone(&tz).format("%-I:%M %p").to_string()})).collect::<Vec<_>>(),
        }))
    }

    fn summary(out: &Value) -> String {
        format!(
            "{} free on {}",
            plural(out["slots"].as_array().map_or(0, Vec::len), "time", "times"),
            out["date"].as_str().unwrap_or("?")
        )
    }
}

pub struct BookAppointment;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BookArgs {
    /// The appointment type's id (from get_available_slots).
    pub type_id: i64,
    /// The exact `starts_at` of a free slot (from get_available_slots).
    pub starts_at: chrono::DateTime<chrono::Utc>,
    /// For staff: the client it is for.
    pub client_id: Option<i64>,
}

impl Tool for BookAppointment {
    const NAME: &'static str = "book_appointment";
    const LABEL: &'static str = "Book an appointment";
    const DESCRIPTION: &'static str =
        "Book a free slot found with get_available_slots. The person confirms the exact time before it is booked.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = BookArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &BookArgs) -> Result<Preview, ToolError> {
        let t = scheduling::appointment_type(cx.pool, cx.actor, a.type_id).await?;
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        let day = a.starts_at.with_timezone(&tz).date_naive();
        let free = scheduling::availability(cx.pool, cx.actor, t.id, day, day, chrono::Utc::now()).await?;
        if !free.iter().any(|s| s.start == a.starts_at) {
            return Err(ToolError::Conflict("That time is not free; look again with get_available_slots.".into()));
        }
        Ok(Preview {
            summary: format!("Book a {} on {}", t.name.to_lowercase(), venue_time(tz, a.starts_at)),
            record: format!("{} ({} minutes, {})", t.name, t.duration_minutes, tz.name()),
            changes: vec![FieldChange {
                field: "Appointment".into(),
                before: String::new(),
                after: venue_time(tz, a.starts_at),
            }],
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: BookArgs) -> Result<Value, ToolError> {
        let b = scheduling::Booking {
            type_id: a.type_id,
            starts_at: a.starts_at,
            client_id: a.client_id,
            idempotency_key: None,
            notes: "",
        };
        let booked = scheduling::book(cx.pool, cx.actor, &b, chrono::Utc::now()).await.map_err(booking_error)?;
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        Ok(json!({"appointment_id": booked.id, "booked": venue_time(tz, booked.starts_at)}))
    }

    fn summary(out: &Value) -> String {
        format!("Booked for {}", out["booked"].as_str().unwrap_or("the time asked"))
    }
}

fn booking_error(e: scheduling::BookingError) -> ToolError {
    match e {
        scheduling::BookingError::Store(s) => s.into(),
        other => ToolError::Conflict(other.to_string()),
    }
}

pub struct ListAppointments;

impl Tool for ListAppointments {
    const NAME: &'static str = "list_appointments";
    const LABEL: &'static str = "List appointments";
    const DESCRIPTION: &'static str =
        "List upcoming appointments (a client's own; the venue's for staff) with their ids.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = None;
    type Args = NoArgs;
    type Output = Value;

    async fn run(cx: &ToolCx<'_>, _: NoArgs) -> Result<Value, ToolError> {
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        let list = scheduling::appointments(cx.pool, cx.actor, chrono::Utc::now(), None).await?;
        Ok(json!({"appointments": list.iter().map(|a| json!({
            "appointment_id": a.id, "type": a.type_name, "client": a.client_name, "when": venue_time(tz, a.starts_at), "status": a.status,
        })).collect::<Vec<_>>()}))
    }

    fn summary(out: &Value) -> String {
        plural(out["appointments"].as_array().map_or(0, Vec::len), "appointment", "appointments")
    }
}

pub struct RescheduleAppointment;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleArgs {
    /// The appointment (from list_appointments).
    pub appointment_id: i64,
    /// The exact `starts_at` of a free slot of the same type (from get_available_slots).
    pub starts_at: chrono::DateTime<chrono::Utc>,
}

impl Tool for RescheduleAppointment {
    const NAME: &'static str = "reschedule_appointment";
    const LABEL: &'static str = "Reschedule an appointment";
    const DESCRIPTION: &'static str =
        "Move an appointment to another free slot of its type. The person confirms first.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = RescheduleArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &RescheduleArgs) -> Result<Preview, ToolError> {
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        let current = scheduling::appointment(cx.pool, cx.actor, a.appointment_id).await?;
        Ok(Preview {
            summary: format!("Move the {} to {}", current.type_name.to_lowercase(), venue_time(tz, a.starts_at)),
            record: format!("Appointment: {}", current.type_name),
            changes: vec![FieldChange {
                field: "When".into(),
                before: venue_time(tz, current.starts_at),
                after: venue_time(tz, a.starts_at),
            }],
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: RescheduleArgs) -> Result<Value, ToolError> {
        let moved = scheduling::reschedule(
            cx.pool,
            cx.actor,
            a.appointment_id,
            a.starts_at,
            "asked the assistant",
            chrono::Utc::now(),
        )
        .await
        .map_err(booking_error)?;
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        Ok(json!({"appointment_id": moved.id, "moved_to": venue_time(tz, moved.starts_at)}))
    }

    fn summary(out: &Value) -> String {
        format!("Moved to {}", out["moved_to"].as_str().unwrap_or("the new time"))
    }
}

pub struct CancelAppointment;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelArgs {
    /// The appointment (from list_appointments).
    pub appointment_id: i64,
    /// Why, in the person's words.
    #[schemars(length(max = 1000))]
    pub reason: Option<String>,
}

impl Tool for CancelAppointment {
    const NAME: &'static str = "cancel_appointment";
    const LABEL: &'static str = "Cancel an appointment";
    const DESCRIPTION: &'static str = "Cancel an appointment. The person confirms first.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = CancelArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &CancelArgs) -> Result<Preview, ToolError> {
        let tz = scheduling::venue_tz(cx.pool, cx.actor.venue_id).await?;
        let current = scheduling::appointment(cx.pool, cx.actor, a.appointment_id).await?;
        Ok(Preview {
            summary: format!(
                "Cancel the {} on {}",
                current.type_name.to_lowercase(),
                venue_time(tz, current.starts_at)
            ),
            record: format!("Appointment: {}", current.type_name),
            changes: vec![FieldChange {
                field: "Status".into(),
                before: current.status.clone(),
                after: "cancelled".into(),
            }],
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: CancelArgs) -> Result<Value, ToolError> {
        let reason = a.reason.unwrap_or_default();
        let c = scheduling::cancel(cx.pool, cx.actor, a.appointment_id, &reason, chrono::Utc::now())
            .await
            .map_err(booking_error)?;
        Ok(json!({"appointment_id": c.id, "status": c.status}))
    }

    fn summary(_: &Value) -> String {
        "Cancelled".into()
    }
}

// ---- data entry -------------------------------------------------------------------------------------

pub struct FillForm;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FillFormArgs {
    /// Which form: `inquiry` (a new client asking about an event), `guest` (one guest of an event),
    /// `vendor` (a vendor for the directory) or `event` (an event's details).
    pub form: FormKind,
    /// The text to read (an email, call notes). Leave out to read the person's last message.
    pub text: Option<String>,
    /// For `guest` and `event`: the event's id. Leave out to use the event this conversation is about.
    pub event_id: Option<i64>,
}

#[derive(Serialize)]
pub struct FillFormOut {
    form: FormKind,
    /// The form, prefilled: the person opens it, checks each value and submits.
    url: String,
    suggestions: Vec<Suggestion>,
    /// Values the text did not support (not put in the form).
    dropped: Vec<Dropped>,
    note: &'static str,
}

impl Tool for FillForm {
    const NAME: &'static str = "fill_form";
    const LABEL: &'static str = "Fill in a form";
    const DESCRIPTION: &'static str =
        "Read an email or notes and fill in a form from it (new inquiry, guest, vendor or event details). \
         Nothing is saved: it returns a link to the prefilled form for the person to check and submit.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = None;
    type Args = FillFormArgs;
    type Output = FillFormOut;

    async fn run(cx: &ToolCx<'_>, args: FillFormArgs) -> Result<FillFormOut, ToolError> {
        let path = match args.form {
            FormKind::Inquiry => "/inquiries/new".to_string(),
            FormKind::Vendor => "/vendors".to_string(),
            FormKind::Guest | FormKind::Event => {
                let event_id = cx.event(args.event_id)?;
                events::detail(cx.pool, cx.actor, event_id).await?;
                let tab = if args.form == FormKind::Guest { "guests" } else { "overview" };
                format!("/events/{event_id}?tab={tab}")
            }
        };
        let text = args.text.filter(|t| !t.trim().is_empty()).or_else(|| cx.said.map(str::to_string));
        let text = text.ok_or_else(|| ToolError::Invalid("Give the text to read (`text`).".into()))?;
        let model = cx.model.ok_or_else(|| ToolError::Invalid("No model is available to read the text.".into()))?;
        let assist = extract::context(cx.pool, cx.actor).await?;
        let found = extract::extract(model, args.form, &text, &assist, &cx.actor.user_id.to_string())
            .await
            .map_err(|e| ToolError::Invalid(e.to_string()))?;
        Ok(FillFormOut {
            form: args.form,
            url: assist::link(&path, &found.suggestions),
            suggestions: found.suggestions,
            dropped: found.dropped,
            note: "Nothing is saved yet. Give the person the link to check the values and submit the form.",
        })
    }

    fn summary(out: &FillFormOut) -> String {
        format!(
            "{} for the {} form, to confirm",
            plural(out.suggestions.len(), "value", "values"),
            out.form.label().to_lowercase()
        )
    }
}
