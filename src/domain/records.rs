//! Records as the pages see them. The store (server) fills them with `sqlx::FromRow`; the browser
//! receives them from server functions. Nothing secret lives in these types.

use super::{ElementStatus, EventStatus, Role, Rsvp, TaskStatus, ThreadKind};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// The person behind the current session, as the UI may know them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub venue_id: i64,
    pub venue_name: String,
    /// Set when the session is an embedded chat's: the one agent and scope it reaches.
    pub embed: Option<super::embed::EmbedReach>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct EventSummary {
    pub id: i64,
    pub title: String,
    pub event_date: NaiveDate,
    pub start_time: Option<NaiveTime>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: EventStatus,
    pub space_name: Option<String>,
    pub client_name: String,
    pub guest_count: i32,
    pub budget_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct EventDetail {
    pub id: i64,
    pub title: String,
    pub event_date: NaiveDate,
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: EventStatus,
    pub space_id: Option<i64>,
    pub space_name: Option<String>,
    pub client_id: i64,
    pub client_name: String,
    pub client_email: String,
    pub client_phone: String,
    pub guest_count: i32,
    pub budget_cents: i64,
    pub notes: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Space {
    pub id: i64,
    pub name: String,
    pub capacity: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Element {
    pub id: i64,
    pub category: String,
    pub name: String,
    pub description: String,
    pub quantity: i32,
    pub price_cents: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: ElementStatus,
    pub vendor_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ChangeRequest {
    pub id: i64,
    pub element_name: Option<String>,
    pub description: String,
    pub status: String,
    pub requested_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Guest {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub party_size: i32,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub rsvp: Rsvp,
    pub dietary: String,
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct EventVendor {
    pub vendor_id: i64,
    pub name: String,
    pub category: String,
    pub email: String,
    pub phone: String,
    pub service: String,
    pub status: String,
    pub arrival: Option<NaiveTime>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Task {
    pub id: i64,
    pub title: String,
    pub event_id: Option<i64>,
    pub event_title: Option<String>,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub due_date: Option<NaiveDate>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: TaskStatus,
}

/// A venue member who can be assigned work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Member {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ThreadSummary {
    pub id: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub kind: ThreadKind,
    pub subject: String,
    pub vendor_name: Option<String>,
    pub message_count: i64,
    pub last_message_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Message {
    pub id: i64,
    pub thread_id: i64,
    pub author_name: String,
    pub mine: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A message on the dashboard, with where it was said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RecentMessage {
    pub id: i64,
    pub event_id: Option<i64>,
    pub event_title: Option<String>,
    pub subject: String,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct LineItem {
    pub id: i64,
    pub description: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

impl LineItem {
    pub fn total_cents(&self) -> i64 {
        self.unit_price_cents.saturating_mul(i64::from(self.quantity))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Milestone {
    pub id: i64,
    pub label: String,
    pub due_date: NaiveDate,
    pub amount_cents: i64,
    pub paid_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub id: i64,
    pub status: String,
    pub terms: String,
    pub signed_at: Option<DateTime<Utc>>,
    pub items: Vec<LineItem>,
    pub milestones: Vec<Milestone>,
}

impl Contract {
    pub fn total_cents(&self) -> i64 {
        self.items.iter().map(LineItem::total_cents).fold(0, i64::saturating_add)
    }

    pub fn paid_cents(&self) -> i64 {
        self.milestones.iter().filter(|m| m.paid_at.is_some()).map(|m| m.amount_cents).fold(0, i64::saturating_add)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DashboardCounts {
    pub upcoming_events: i64,
    pub guests_expected: i64,
    pub pending_tasks: i64,
    pub overdue_tasks: i64,
    pub open_requests: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub counts: DashboardCounts,
    pub upcoming: Vec<EventSummary>,
    pub tasks: Vec<Task>,
    pub messages: Vec<RecentMessage>,
}

/// Everything the event workspace's header and overview need, in one round trip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventOverview {
    pub event: EventDetail,
    pub spaces: Vec<Space>,
    pub guests_attending: i64,
    pub guests_invited: i64,
    pub can_manage: bool,
    /// Guests, budget and client contacts: staff and the client, not vendors.
    pub sees_plan: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementsView {
    pub elements: Vec<Element>,
    pub requests: Vec<ChangeRequest>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TasksView {
    pub tasks: Vec<Task>,
    pub members: Vec<Member>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    pub thread: ThreadSummary,
    pub messages: Vec<Message>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TeamMember {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub role: Role,
    pub linked_to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PendingInvite {
    pub email: String,
    pub name: String,
    pub role: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub members: Vec<TeamMember>,
    pub invites: Vec<PendingInvite>,
    pub clients: Vec<Choice>,
    pub vendors: Vec<Choice>,
}

/// What the invite page shows before the person sets a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InviteInfo {
    pub venue_name: String,
    pub name: String,
    pub email: String,
    pub role: String,
}

/// A freshly made invite: the link is shown once, to be passed on to the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteLink {
    pub path: String,
    pub expires_at: DateTime<Utc>,
}

/// A vendor in the venue's directory (staff).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct VendorEntry {
    pub id: i64,
    pub name: String,
    pub contact: String,
    pub category: String,
    pub email: String,
    pub phone: String,
    pub rate_cents: i64,
    pub rate_unit: String,
    pub notes: String,
    /// Upcoming events it is assigned to.
    pub upcoming_events: i64,
}

/// A message in the venue's outbox (`/settings/outbox`): sent by SMTP, or waiting for an owner
/// to pass it on when the server has no mail set up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OutboxMessage {
    pub id: i64,
    pub to_email: String,
    pub to_name: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub error: String,
}
