//! The forms as typed and as checked: each `…Form` holds the raw strings of its fields and parses
//! into a `…Draft` of checked values (or field errors), with the value parsers of [`super::parse`].
//! The browser runs the same `parse` for instant feedback; the server function is the authority.

use super::parse::{
    has_stray_control, phone, written_date, FieldErrors, Parser, MAX_MESSAGE, MAX_NAME, MAX_NOTES, MAX_TITLE,
};
use super::{ElementStatus, EventStatus, InviteRole, Rsvp, TaskStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The guest form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GuestForm {
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub party_size: String,
    #[serde(default)]
    pub rsvp: String,
    #[serde(default)]
    pub dietary: String,
    #[serde(default)]
    pub notes: String,
}

/// A guest ready to store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GuestDraft {
    pub name: String,
    pub email: String,
    pub party_size: i32,
    pub rsvp: Rsvp,
    pub dietary: String,
    pub notes: String,
}

impl GuestForm {
    pub fn parse(&self) -> Result<GuestDraft, FieldErrors> {
        let mut p = Parser::new();
        let name = p.text("name", &self.name, MAX_NAME);
        let email = p.optional_email("email", &self.email);
        let party = if self.party_size.trim().is_empty() { 1 } else { p.int("party_size", &self.party_size, 1, 20) };
        let rsvp =
            if self.rsvp.trim().is_empty() { Rsvp::Pending } else { p.choice("rsvp", &self.rsvp, Rsvp::Pending) };
        let dietary = p.optional_text("dietary", &self.dietary, 500);
        let notes = p.optional_text("notes", &self.notes, MAX_NOTES);
        p.finish(|| GuestDraft { name, email, party_size: party as i32, rsvp, dietary, notes })
    }
}

/// The event overview form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventForm {
    pub title: String,
    pub event_date: String,
    #[serde(default)]
    pub space_id: String,
    pub guest_count: String,
    pub budget: String,
    pub status: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventDraft {
    pub title: String,
    pub event_date: NaiveDate,
    pub space_id: Option<i64>,
    pub guest_count: i32,
    pub budget_cents: i64,
    pub status: EventStatus,
    pub notes: String,
}

impl EventForm {
    pub fn parse(&self) -> Result<EventDraft, FieldErrors> {
        let mut p = Parser::new();
        let title = p.text("title", &self.title, MAX_TITLE);
        let event_date = p.date("event_date", &self.event_date);
        let space_id = p.optional_id("space_id", &self.space_id);
        let guest_count = p.int("guest_count", &self.guest_count, 0, 100_000);
        let budget_cents = p.money("budget", &self.budget);
        if budget_cents > 100_000_000_000 {
            p.errors.add("budget", "Must be at most $1,000,000,000.");
        }
        let status = p.choice("status", &self.status, EventStatus::Inquiry);
        let notes = p.optional_text("notes", &self.notes, MAX_NOTES);
        p.finish(|| EventDraft {
            title,
            event_date: event_date.unwrap_or_default(),
            space_id,
            guest_count: guest_count as i32,
            budget_cents,
            status,
            notes,
        })
    }
}

/// What an inquiry can be about (it names the new event).
pub const EVENT_TYPES: [&str; 7] =
    ["Wedding", "Engagement party", "Corporate event", "Birthday", "Family reunion", "Fundraiser", "Other"];

/// A new client's event inquiry as typed (by staff, or filled in from an email).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InquiryForm {
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub event_type: String,
    #[serde(default)]
    pub event_date: String,
    #[serde(default)]
    pub guest_count: String,
    #[serde(default)]
    pub budget: String,
    #[serde(default)]
    pub space_id: String,
    #[serde(default)]
    pub notes: String,
}

/// An inquiry ready to store: a client (found by email, or new) and an event in `inquiry`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InquiryDraft {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub event_type: String,
    pub event_date: NaiveDate,
    pub guest_count: i32,
    pub budget_cents: i64,
    pub space_id: Option<i64>,
    pub notes: String,
}

impl InquiryForm {
    /// `today` decides dates written without a year, and that the date is not past.
    pub fn parse(&self, today: NaiveDate) -> Result<InquiryDraft, FieldErrors> {
        let mut p = Parser::new();
        let name = p.text("name", &self.name, MAX_NAME);
        let email = p.optional_email("email", &self.email);
        let phone = if self.phone.trim().is_empty() {
            String::new()
        } else {
            phone(&self.phone).unwrap_or_else(|m| p.fail("phone", m))
        };
        let event_type = match EVENT_TYPES.iter().find(|t| t.eq_ignore_ascii_case(self.event_type.trim())) {
            Some(t) => t.to_string(),
            None => p.fail("event_type", "Choose one of the listed options."),
        };
        let event_date = match written_date(&self.event_date, today) {
            Ok(d) if d < today => p.fail("event_date", "That date has passed."),
            Ok(d) => Some(d),
            Err(m) => p.fail("event_date", m),
        };
        let guest_count = p.int("guest_count", &self.guest_count, 1, 100_000);
        let budget_cents = if self.budget.trim().is_empty() { 0 } else { p.money("budget", &self.budget) };
        if budget_cents > 100_000_000_000 {
            p.errors.add("budget", "Must be at most $1,000,000,000.");
        }
        let space_id = p.optional_id("space_id", &self.space_id);
        let notes = p.optional_text("notes", &self.notes, MAX_NOTES);
        p.finish(|| InquiryDraft {
            name,
            email,
            phone,
            event_type,
            event_date: event_date.unwrap_or_default(),
            guest_count: guest_count as i32,
            budget_cents,
            space_id,
            notes,
        })
    }
}

/// What a vendor provides (the `vendors.category` check).
pub const VENDOR_CATEGORIES: [&str; 7] = ["florist", "caterer", "photographer", "music", "decor", "rentals", "other"];
/// What a vendor's rate is per (spelled like `services.unit`), with labels.
pub const RATE_UNITS: [(&str, &str); 3] = [("flat", "per event"), ("per_hour", "per hour"), ("per_guest", "per guest")];

/// The vendor form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VendorForm {
    pub name: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub rate: String,
    #[serde(default)]
    pub rate_unit: String,
    #[serde(default)]
    pub notes: String,
}

/// A vendor ready to store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VendorDraft {
    pub name: String,
    pub contact: String,
    pub category: String,
    pub email: String,
    pub phone: String,
    pub rate_cents: i64,
    pub rate_unit: String,
    pub notes: String,
}

impl VendorForm {
    pub fn parse(&self) -> Result<VendorDraft, FieldErrors> {
        let mut p = Parser::new();
        let name = p.text("name", &self.name, MAX_NAME);
        let contact = p.optional_text("contact", &self.contact, MAX_NAME);
        let category = match VENDOR_CATEGORIES.iter().find(|c| c.eq_ignore_ascii_case(self.category.trim())) {
            Some(c) => c.to_string(),
            None => p.fail("category", "Choose one of the listed options."),
        };
        let email = p.optional_email("email", &self.email);
        let phone = if self.phone.trim().is_empty() {
            String::new()
        } else {
            phone(&self.phone).unwrap_or_else(|m| p.fail("phone", m))
        };
        let rate_cents = if self.rate.trim().is_empty() { 0 } else { p.money("rate", &self.rate) };
        if rate_cents > 100_000_000_000 {
            p.errors.add("rate", "Must be at most $1,000,000,000.");
        }
        let unit = if self.rate_unit.trim().is_empty() { "flat" } else { self.rate_unit.trim() };
        let rate_unit = match RATE_UNITS.iter().find(|(u, _)| *u == unit) {
            Some((u, _)) => u.to_string(),
            None => p.fail("rate_unit", "Choose one of the listed options."),
        };
        let notes = p.optional_text("notes", &self.notes, MAX_NOTES);
        p.finish(|| VendorDraft { name, contact, category, email, phone, rate_cents, rate_unit, notes })
    }
}

/// The task form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskForm {
    pub title: String,
    #[serde(default)]
    pub assignee_id: String,
    #[serde(default)]
    pub due_date: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskDraft {
    pub title: String,
    pub assignee_id: Option<i64>,
    pub due_date: Option<NaiveDate>,
}

impl TaskForm {
    pub fn parse(&self) -> Result<TaskDraft, FieldErrors> {
        let mut p = Parser::new();
        let title = p.text("title", &self.title, 200);
        let assignee_id = p.optional_id("assignee_id", &self.assignee_id);
        let due_date = p.optional_date("due_date", &self.due_date);
        p.finish(|| TaskDraft { title, assignee_id, due_date })
    }
}

/// Signing up creates a venue and its owner.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SignupForm {
    pub venue_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SignupDraft {
    pub venue_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

impl SignupForm {
    pub fn parse(&self) -> Result<SignupDraft, FieldErrors> {
        let mut p = Parser::new();
        let venue_name = p.text("venue_name", &self.venue_name, MAX_NAME);
        let name = p.text("name", &self.name, MAX_NAME);
        let email = p.email("email", &self.email);
        let password = p.password("password", &self.password);
        p.finish(|| SignupDraft { venue_name, name, email, password })
    }
}

/// An invite as typed by staff.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InviteForm {
    pub role: String,
    pub name: String,
    pub email: String,
    /// For a client: an existing client record, or empty to create one.
    #[serde(default)]
    pub client_id: String,
    /// For a vendor: the vendor record the account speaks for.
    #[serde(default)]
    pub vendor_id: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InviteDraft {
    pub role: InviteRole,
    pub name: String,
    pub email: String,
    pub client_id: Option<i64>,
    pub vendor_id: Option<i64>,
}

impl InviteForm {
    pub fn parse(&self) -> Result<InviteDraft, FieldErrors> {
        let mut p = Parser::new();
        let role = p.choice("role", &self.role, InviteRole::Staff);
        let name = p.text("name", &self.name, MAX_NAME);
        let email = p.email("email", &self.email);
        let client_id = p.optional_id("client_id", &self.client_id);
        let vendor_id = p.optional_id("vendor_id", &self.vendor_id);
        if role == InviteRole::Vendor && vendor_id.is_none() && !p.errors.0.iter().any(|e| e.field == "vendor_id") {
            p.errors.add("vendor_id", "Choose the vendor this person works for.");
        }
        p.finish(|| InviteDraft { role, name, email, client_id, vendor_id })
    }
}

/// Checks a status chosen from a list; the UI offers only valid ones, the server trusts none.
pub fn element_status(raw: &str) -> Result<ElementStatus, FieldErrors> {
    let mut p = Parser::new();
    let s = p.choice("status", raw, ElementStatus::Proposed);
    p.finish(|| s)
}

pub fn task_status(raw: &str) -> Result<TaskStatus, FieldErrors> {
    let mut p = Parser::new();
    let s = p.choice("status", raw, TaskStatus::Open);
    p.finish(|| s)
}

pub fn rsvp(raw: &str) -> Result<Rsvp, FieldErrors> {
    let mut p = Parser::new();
    let s = p.choice("rsvp", raw, Rsvp::Pending);
    p.finish(|| s)
}

pub fn message_body(raw: &str) -> Result<String, FieldErrors> {
    let mut p = Parser::new();
    let v = raw.trim();
    let body = if v.is_empty() {
        p.fail("body", "Write a message first.")
    } else if v.chars().count() > MAX_MESSAGE {
        p.fail("body", format!("Must be at most {MAX_MESSAGE} characters."))
    } else if has_stray_control(v) {
        p.fail("body", "Must not contain control characters.")
    } else {
        v.to_string()
    };
    p.finish(|| body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse::required_text;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn inquiry_form() {
        let today = ymd(2026, 11, 22);
        let form = InquiryForm {
            name: " Maya Patel ".into(),
            email: "Maya.Patel@Example.com".into(),
            phone: "617.555.0199".into(),
            event_type: "wedding".into(),
            event_date: "June 12".into(),
            guest_count: "120".into(),
            budget: "$45,000".into(),
            space_id: String::new(),
            notes: "Saw us at the fair.".into(),
        };
        let d = form.parse(today).unwrap();
        assert_eq!(
            (d.name.as_str(), d.email.as_str(), d.phone.as_str(), d.event_type.as_str()),
            ("Maya Patel", "maya.patel@example.com", "(617) 555-0199", "Wedding")
        );
        assert_eq!((d.event_date, d.guest_count, d.budget_cents), (ymd(2027, 6, 12), 120, 4_500_000));
        let bad = InquiryForm {
            name: String::new(),
            email: "maya".into(),
            phone: "call me".into(),
            event_type: "rave".into(),
            event_date: "2026-01-02".into(),
            guest_count: "0".into(),
            budget: "lots".into(),
            ..form
        }
        .parse(today)
        .unwrap_err();
        for field in ["name", "email", "phone", "event_type", "event_date", "guest_count", "budget"] {
            assert!(bad.get(field).is_some(), "{field}: {bad:?}");
        }
    }

    #[test]
    fn guest_form_reports_each_field() {
        let form = GuestForm {
            name: "   ".into(),
            email: "nope".into(),
            party_size: "-1".into(),
            rsvp: "perhaps".into(),
            dietary: "x".repeat(501),
            notes: String::new(),
        };
        let errs = form.parse().unwrap_err();
        for f in ["name", "email", "party_size", "rsvp", "dietary"] {
            assert!(errs.get(f).is_some(), "missing error for {f}: {errs}");
        }
        let ok = GuestForm {
            name: " Ada Lovelace ".into(),
            party_size: "2".into(),
            rsvp: "yes".into(),
            ..Default::default()
        };
        let g = ok.parse().unwrap();
        assert_eq!((g.name.as_str(), g.party_size, g.rsvp), ("Ada Lovelace", 2, Rsvp::Yes));
    }

    #[test]
    fn oversized_name_is_refused() {
        let form = GuestForm { name: "a".repeat(1_000_000), ..Default::default() };
        assert_eq!(form.parse().unwrap_err().get("name"), Some("Must be at most 120 characters."));
    }

    #[test]
    fn event_form() {
        let form = EventForm {
            title: "Gala".into(),
            event_date: "2026-12-31".into(),
            space_id: "".into(),
            guest_count: "-3".into(),
            budget: "12,000".into(),
            status: "confirmed".into(),
            notes: "".into(),
        };
        assert_eq!(form.parse().unwrap_err().get("guest_count"), Some("Must be at least 0."));
        let ok = EventForm { guest_count: "150".into(), ..form };
        let d = ok.parse().unwrap();
        assert_eq!((d.guest_count, d.budget_cents, d.status), (150, 1_200_000, EventStatus::Confirmed));
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(message_body("hi\u{0}").is_err());
        assert!(message_body("line one\nline two").is_ok());
        let form = GuestForm { name: "Ann".into(), dietary: "nuts\u{1b}[31m".into(), ..Default::default() };
        assert_eq!(form.parse().unwrap_err().get("dietary"), Some("Must not contain control characters."));
        assert!(required_text("a\u{0}b", 10).is_err());
    }
}
