//! Tools about an event's guest list: reading it and adding a guest.

use super::{plural, PLANNERS};
use crate::agent::{Tool, ToolCx, ToolError};
use crate::domain::chat::{Approver, FieldChange, Preview};
use crate::domain::forms::GuestForm;
use crate::domain::{Role, Rsvp};
use crate::store::{events, guests};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

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
        let g = guests::add(&mut *cx.writer().await?, cx.actor, id, &draft).await?;
        Ok(json!({"added": {"id": g.id, "name": g.name, "party_size": g.party_size, "rsvp": g.rsvp.as_str()}}))
    }

    fn summary(out: &Value) -> String {
        format!("Added {}", out["added"]["name"].as_str().unwrap_or("the guest"))
    }
}
