//! Tools about an event's guest list: reading it, adding, changing and removing a guest.

use super::{plural, PLANNERS};
use crate::agent::{Tool, ToolCx, ToolError};
use crate::domain::chat::{Approver, FieldChange, Preview};
use crate::domain::forms::GuestForm;
use crate::domain::records::Guest;
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
                .map(|g| json!({"guest_id": g.id, "name": g.name, "party_size": g.party_size, "rsvp": g.rsvp.as_str(), "dietary": g.dietary}))
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

/// Which guest a call means: by id, or by name as the person said it ("Priya", "the Lees' son").
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GuestRef {
    /// The event's id. Leave out to use the event this conversation is about.
    pub event_id: Option<i64>,
    /// The guest's id, from the guest list.
    pub guest_id: Option<i64>,
    /// Or the guest's name as the person said it.
    #[schemars(length(min = 1, max = 120))]
    pub guest: Option<String>,
}

/// The guest `r` means, on the actor's own event (the store refuses any other).
async fn find_guest(cx: &ToolCx<'_>, r: &GuestRef) -> Result<(i64, Guest), ToolError> {
    let event_id = cx.event(r.event_id)?;
    let all = guests::list(cx.pool, cx.actor, event_id).await?;
    let found = match (r.guest_id, r.guest.as_deref()) {
        (Some(id), _) => all.into_iter().find(|g| g.id == id).ok_or(ToolError::NotFound)?,
        (None, Some(name)) => {
            let names: Vec<&str> = all.iter().map(|g| g.name.as_str()).collect();
            let i = super::resolve_name(name, &names, "guest")?;
            all.into_iter().nth(i).ok_or(ToolError::NotFound)?
        }
        (None, None) => return Err(ToolError::Invalid("Name the guest (`guest` or `guest_id`).".into())),
    };
    Ok((event_id, found))
}

pub struct UpdateGuest;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGuestArgs {
    /// The event's id. Leave out to use the event this conversation is about.
    pub event_id: Option<i64>,
    /// The guest's id, from the guest list.
    pub guest_id: Option<i64>,
    /// Or the guest's name as the person said it.
    #[schemars(length(min = 1, max = 120))]
    pub guest: Option<String>,
    /// The guest's new full name.
    #[schemars(length(min = 1, max = 120))]
    pub name: Option<String>,
    #[schemars(length(max = 254))]
    pub email: Option<String>,
    /// The guest plus companions.
    #[schemars(range(min = 1, max = 20))]
    pub party_size: Option<i32>,
    /// Their answer: yes (attending), no, maybe or pending.
    pub rsvp: Option<Rsvp>,
    /// Allergies or diet, e.g. "vegetarian".
    #[schemars(length(max = 500))]
    pub dietary: Option<String>,
}

impl UpdateGuestArgs {
    fn which(&self) -> GuestRef {
        GuestRef { event_id: self.event_id, guest_id: self.guest_id, guest: self.guest.clone() }
    }

    /// The guest as it would be after the change.
    fn form(&self, g: &Guest) -> GuestForm {
        GuestForm {
            name: self.name.clone().unwrap_or_else(|| g.name.clone()),
            email: self.email.clone().unwrap_or_else(|| g.email.clone()),
            party_size: self.party_size.unwrap_or(g.party_size).to_string(),
            rsvp: self.rsvp.unwrap_or(g.rsvp).as_str().to_string(),
            dietary: self.dietary.clone().unwrap_or_else(|| g.dietary.clone()),
            notes: g.notes.clone(),
        }
    }
}

impl Tool for UpdateGuest {
    const NAME: &'static str = "update_guest";
    const LABEL: &'static str = "Change a guest";
    const DESCRIPTION: &'static str =
        "Change a guest on the event's list: their RSVP, party size, dietary needs, name or email. Give only what changes.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = UpdateGuestArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &UpdateGuestArgs) -> Result<Preview, ToolError> {
        let (event_id, g) = find_guest(cx, &a.which()).await?;
        let new = a.form(&g).parse()?;
        let mut changes = Vec::new();
        let mut diff = |field: &str, before: String, after: String| {
            if before != after {
                changes.push(FieldChange { field: field.into(), before, after });
            }
        };
        diff("Name", g.name.clone(), new.name.clone());
        diff("Email", g.email.clone(), new.email.clone());
        diff("Party size", g.party_size.to_string(), new.party_size.to_string());
        diff("RSVP", g.rsvp.label().into(), new.rsvp.label().into());
        diff("Dietary", g.dietary.clone(), new.dietary.clone());
        if changes.is_empty() {
            return Err(ToolError::Invalid("Nothing would change: give at least one new value.".into()));
        }
        let detail = events::detail(cx.pool, cx.actor, event_id).await?;
        Ok(Preview {
            summary: format!("Change {} on the guest list", g.name),
            record: format!("Guest: {} ({})", g.name, detail.title),
            changes,
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: UpdateGuestArgs) -> Result<Value, ToolError> {
        let (event_id, g) = find_guest(cx, &a.which()).await?;
        let draft = a.form(&g).parse()?;
        let u = guests::update(&mut *cx.writer().await?, cx.actor, event_id, g.id, &draft).await?;
        Ok(
            json!({"updated": {"guest_id": u.id, "name": u.name, "party_size": u.party_size, "rsvp": u.rsvp.as_str(), "dietary": u.dietary}}),
        )
    }

    fn summary(out: &Value) -> String {
        format!("Changed {}", out["updated"]["name"].as_str().unwrap_or("the guest"))
    }
}

pub struct RemoveGuest;

impl Tool for RemoveGuest {
    const NAME: &'static str = "remove_guest";
    const LABEL: &'static str = "Remove a guest";
    const DESCRIPTION: &'static str = "Take a guest off the event's guest list.";
    const ROLES: &'static [Role] = PLANNERS;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = GuestRef;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &GuestRef) -> Result<Preview, ToolError> {
        let (event_id, g) = find_guest(cx, a).await?;
        let detail = events::detail(cx.pool, cx.actor, event_id).await?;
        Ok(Preview {
            summary: format!("Remove {} from the guest list", g.name),
            record: format!("Guest list: {} ({})", detail.title, detail.event_date),
            changes: vec![
                FieldChange { field: "Guest".into(), before: g.name.clone(), after: String::new() },
                FieldChange { field: "Party size".into(), before: g.party_size.to_string(), after: String::new() },
            ],
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: GuestRef) -> Result<Value, ToolError> {
        let (event_id, g) = find_guest(cx, &a).await?;
        guests::remove(&mut *cx.writer().await?, cx.actor, event_id, g.id).await?;
        Ok(json!({"removed": {"guest_id": g.id, "name": g.name}}))
    }

    fn summary(out: &Value) -> String {
        format!("Removed {}", out["removed"]["name"].as_str().unwrap_or("the guest"))
    }
}
