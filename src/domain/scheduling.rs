//! Scheduling types shared by the server and the browser.

use super::parse::FieldErrors;
use super::UnknownValue;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An appointment type as people pick it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AppointmentTypeView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub duration_minutes: i32,
    pub price_cents: i64,
    pub clients_may_book: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotView {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Free slots, and the venue's time zone (the page shows them in the viewer's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    pub timezone: String,
    pub slots: Vec<SlotView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AppointmentView {
    pub id: i64,
    pub type_id: i64,
    pub type_name: String,
    pub client_name: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: String,
    pub sequence: i32,
    pub resources: Vec<String>,
}

/// Most characters of a reason or a note.
pub const MAX_REASON: usize = 1000;

/// A note under the bell in the header (appointment reminders).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct NotificationView {
    pub id: i64,
    pub body: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationList {
    pub items: Vec<NotificationView>,
    pub unread: i64,
}

string_enum!(
    /// What a note under the bell is about; each member chooses per kind whether it also comes
    /// by email.
    NoteKind {
        General => ("general", "Other notes"),
        Deliverables => ("deliverables", "A deliverable is ready, or failed"),
        Approvals => ("approvals", "An action waits for the venue's approval"),
        Automations => ("automations", "An automation ran"),
        Reminders => ("reminders", "Appointment reminders")
    }
);

impl NoteKind {
    /// The kinds a member with `role` can get (and so choose email for).
    pub fn for_role(role: super::Role) -> &'static [NoteKind] {
        if role.is_staff() {
            &[NoteKind::Deliverables, NoteKind::Approvals, NoteKind::Automations, NoteKind::Reminders]
        } else {
            &[NoteKind::Reminders]
        }
    }
}

/// One kind of note and whether it also comes by email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotePref {
    pub kind: NoteKind,
    pub email: bool,
}

/// A calendar feed someone may manage: their own (`resource_id` none) or a resource's. Live when
/// `created_at` is set; the URL itself is shown once, when it is made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct FeedView {
    pub resource_id: Option<i64>,
    pub label: String,
    pub created_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ResourceOption {
    pub id: i64,
    pub name: String,
    pub kind: String,
}

/// An appointment on the staff calendar: what clients see of it, and its notes and resources'
/// ids (sent as one flat record).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CalendarAppointment {
    #[serde(flatten)]
    #[cfg_attr(feature = "ssr", sqlx(flatten))]
    pub view: AppointmentView,
    pub notes: String,
    pub resource_ids: Vec<i64>,
}

/// An event on the staff calendar: its date and times in the venue's zone, as instants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEvent {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// No times set: shown across the day.
    pub all_day: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekView {
    pub timezone: String,
    pub resources: Vec<ResourceOption>,
    pub appointments: Vec<CalendarAppointment>,
    pub events: Vec<CalendarEvent>,
}

/// An appointment type as the settings page edits it (`id` 0: a new one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TypeSettings {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub duration_minutes: i32,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub min_notice_minutes: i32,
    pub min_change_notice_minutes: i32,
    pub price_cents: i64,
    pub reminder_minutes: i32,
    pub clients_may_book: bool,
    pub active: bool,
    pub resource_ids: Vec<i64>,
}

/// A type's or a resource's name: 1 to 120 characters once trimmed.
fn check_name(e: &mut FieldErrors, name: &str) {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        e.add("name", "Give it a name of at most 120 characters.");
    }
}

impl TypeSettings {
    /// What the database would refuse, said per field.
    pub fn check(&self) -> FieldErrors {
        let mut e = FieldErrors::default();
        check_name(&mut e, &self.name);
        if self.description.chars().count() > 2000 {
            e.add("description", "At most 2,000 characters.");
        }
        if !(5..=1440).contains(&self.duration_minutes) {
            e.add("duration_minutes", "Between 5 minutes and 24 hours.");
        }
        for (field, v) in
            [("buffer_before_minutes", self.buffer_before_minutes), ("buffer_after_minutes", self.buffer_after_minutes)]
        {
            if !(0..=480).contains(&v) {
                e.add(field, "Between 0 and 480 minutes.");
            }
        }
        for (field, v) in [
            ("min_notice_minutes", self.min_notice_minutes),
            ("min_change_notice_minutes", self.min_change_notice_minutes),
        ] {
            if !(0..=525_600).contains(&v) {
                e.add(field, "Between 0 and 365 days.");
            }
        }
        if !(0..=43_200).contains(&self.reminder_minutes) {
            e.add("reminder_minutes", "Between 0 (none) and 30 days.");
        }
        if !(0..=100_000_000).contains(&self.price_cents) {
            e.add("price_cents", "Between 0 and 1,000,000.");
        }
        if self.resource_ids.is_empty() {
            e.add("resource_ids", "Pick at least one person or room it needs.");
        }
        e
    }
}

/// Working hours: ISO weekday (1 = Monday), wall-clock times; an end of 00:00 is midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct HoursRow {
    pub weekday: i16,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OverrideView {
    pub id: i64,
    pub resource_id: i64,
    pub day: NaiveDate,
    pub kind: String,
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub note: String,
}

/// A resource as the settings page edits it (`id` 0: a new one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceSettings {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub user_id: Option<i64>,
    pub active: bool,
    pub hours: Vec<HoursRow>,
    pub overrides: Vec<OverrideView>,
}

impl ResourceSettings {
    pub fn check(&self) -> FieldErrors {
        let mut e = FieldErrors::default();
        check_name(&mut e, &self.name);
        if !["staff", "room", "equipment"].contains(&self.kind.as_str()) {
            e.add("kind", "Pick staff, room or equipment.");
        }
        for h in &self.hours {
            if !(1..=7).contains(&h.weekday) {
                e.add("hours", "Unknown weekday.");
            } else if h.end_time <= h.start_time && h.end_time != NaiveTime::MIN {
                e.add("hours", "Each day's hours must end after they start.");
                break;
            }
        }
        e
    }
}

/// A person or a client to book for, as pickers list them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct NamedId {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulingSetup {
    pub timezone: String,
    pub types: Vec<TypeSettings>,
    pub resources: Vec<ResourceSettings>,
    /// Staff members a staff resource may stand for.
    pub staff: Vec<NamedId>,
}
