//! Tools about events: one event's details and summary, changing them, and events in a date range.

use super::{money, plural, EventRef, MEMBERS, PLANNERS, STAFF};
use crate::agent::{Tool, ToolCx, ToolError};
use crate::domain::chat::{Approver, FieldChange, Preview};
use crate::domain::forms::EventForm;
use crate::domain::records::EventDetail;
use crate::domain::text::clip_marked;
use crate::domain::{EventStatus, Role};
use crate::store::{contracts, elements, events};
use chrono::{Duration, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

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

fn event_rows(list: &[crate::domain::records::EventSummary]) -> Vec<Value> {
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
        None => events::today(cx.pool, cx.actor).await?,
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
        let (open_tasks, by_status) = events::event_counts(cx.pool, cx.actor, a.event_id).await?;
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
    /// The space to hold it in, by name (one of the venue's spaces, e.g. "the rooftop").
    #[schemars(length(min = 1, max = 120))]
    pub space: Option<String>,
    /// Internal notes (replaces the current notes).
    #[schemars(length(max = 4000))]
    pub notes: Option<String>,
}

async fn event_update(cx: &ToolCx<'_>, a: &UpdateEventArgs) -> Result<(i64, EventDetail, EventForm), ToolError> {
    let id = cx.event(None)?;
    let d = events::detail(cx.pool, cx.actor, id).await?;
    let space_id = match a.space.as_deref() {
        None => d.space_id,
        Some(named) => {
            let spaces = events::spaces(cx.pool, cx.actor).await?;
            let names: Vec<&str> = spaces.iter().map(|s| s.name.as_str()).collect();
            let i = super::resolve_name(named, &names, "space")?;
            Some(spaces[i].id)
        }
    };
    let form = EventForm {
        title: a.title.clone().unwrap_or_else(|| d.title.clone()),
        event_date: a.event_date.unwrap_or(d.event_date).to_string(),
        space_id: space_id.map(|s| s.to_string()).unwrap_or_default(),
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
        "Change the event's title, date, space, expected guest count, budget, status or notes. Give only what changes.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = UpdateEventArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &UpdateEventArgs) -> Result<Preview, ToolError> {
        let (_, d, form) = event_update(cx, a).await?;
        let new = form.parse()?;
        let space_name = match new.space_id {
            Some(id) if Some(id) != d.space_id => {
                events::spaces(cx.pool, cx.actor).await?.into_iter().find(|s| s.id == id).map(|s| s.name)
            }
            _ => d.space_name.clone(),
        };
        let mut changes = Vec::new();
        let mut diff = |field: &str, before: String, after: String| {
            if before != after {
                changes.push(FieldChange { field: field.into(), before, after });
            }
        };
        diff("Title", d.title.clone(), new.title.clone());
        diff("Date", d.event_date.to_string(), new.event_date.to_string());
        diff("Space", d.space_name.clone().unwrap_or_default(), space_name.unwrap_or_default());
        diff("Guests", d.guest_count.to_string(), new.guest_count.to_string());
        diff("Budget", money(d.budget_cents), money(new.budget_cents));
        diff("Status", d.status.label().into(), new.status.label().into());
        diff("Notes", clip_marked(&d.notes, 200, "…"), clip_marked(&new.notes, 200, "…"));
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
        events::update(&mut *cx.writer().await?, cx.actor, id, &draft).await?;
        Ok(
            json!({"event_id": id, "title": draft.title, "date": draft.event_date, "guests": draft.guest_count, "budget": money(draft.budget_cents), "status": draft.status.as_str()}),
        )
    }

    fn summary(out: &Value) -> String {
        format!("Updated {}", out["title"].as_str().unwrap_or("the event"))
    }
}

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
        let mut out = events_in_range(cx, &a).await?;
        // A vendor's events carry its assignment, as its Assignment tab shows it.
        if cx.actor.role == Role::Vendor {
            if let Some(rows) = out.get_mut("events").and_then(Value::as_array_mut) {
                for row in rows.iter_mut().take(20) {
                    let Some(id) = row["id"].as_i64() else { continue };
                    if let Some(v) = events::vendors(cx.pool, cx.actor, id).await?.first() {
                        row["assignment"] = json!({"service": v.service, "status": v.status, "arrival": v.arrival});
                    }
                }
            }
        }
        Ok(out)
    }

    fn summary(out: &Value) -> String {
        events_summary(out)
    }
}
