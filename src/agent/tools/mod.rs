//! Every tool, on the store, scoped to the acting user, one file per domain; this file is the registry.
//!
//! [`all`] lists every tool and [`names_for`] which agent kind gets which. What several tool files share (the role
//! sets, formatting helpers, argument types) is here too. A new tool goes in the file of its domain, then into
//! [`all`] and the [`names_for`] of the kinds that use it.

/// An event's contract.
mod contracts;
/// An event's elements: the venue's services that can be added, change requests, statuses.
mod elements;
/// Events: details, summary, changes, events in a date range.
mod events;
/// Data entry: prefilling a form from an email or notes.
mod forms;
/// An event's guest list.
mod guests;
/// The venue's documents: search with cited answers.
mod knowledge;
/// Messages: search, and messaging an event's client or vendors.
mod messages;
/// Appointments: free times, booking, rescheduling, cancelling.
mod scheduling;
/// The studio: ordering a deliverable from a specialist, and the orders so far.
mod studio;
/// Tasks: the open ones, and creating one.
mod tasks;
/// The venue itself: spaces and services, vendors, clients.
mod venue;
/// The public web: search and page reading (when a provider is configured).
mod web;

pub use contracts::ViewContract;
pub use elements::{
    ChangeAction, ElementChangeArgs, ElementStatusArgs, ListAvailableElements, RequestElementChange, ServiceCategory,
    ServiceFilter, UpdateElementStatus,
};
pub use events::{
    EventDetailsOut, EventId, EventRange, EventSummary, GetEventDetails, ListEvents, ListMyEvents, UpdateEventArgs,
    UpdateEventDetails,
};
pub use forms::{FillForm, FillFormArgs, FillFormOut};
pub use guests::{
    AddGuest, AddGuestArgs, GuestFilter, GuestListOut, GuestRef, RemoveGuest, UpdateGuest, UpdateGuestArgs,
    ViewGuestList,
};
pub use knowledge::{KnowledgeOut, KnowledgeQuery, SearchKnowledge, SourcePassage};
pub use messages::{
    MessageArgs, MessageVenue, ReadMessages, SearchMessages, SendClientMessage, SendVendorMessage, ThreadArgs,
    VendorMessageArgs, VenueMessageArgs,
};
pub use scheduling::{
    BookAppointment, BookArgs, CancelAppointment, CancelArgs, GetAvailableSlots, ListAppointments,
    RescheduleAppointment, RescheduleArgs, SlotQuery,
};
pub use studio::{DeliverableFilter, ListDeliverables, OrderArgs, OrderDeliverable, OrderPriority};
pub use tasks::{CreateTask, CreateTaskArgs, ListPendingTasks, TaskFilter};
pub use venue::{ListVendors, SearchClients, VendorCategory, VendorFilter, VenueInfo};
pub use web::{PageRef, ReadPage, WebQuery, WebSearch, WebSearchOut};

use super::{Tool, ToolEntry, ToolError};
use crate::domain::chat::AgentKind;
use crate::domain::{format_money, Role};
use schemars::JsonSchema;
use serde::Deserialize;

const STAFF: &[Role] = &[Role::Owner, Role::Staff];
const PLANNERS: &[Role] = &[Role::Owner, Role::Staff, Role::Client];
pub(super) const MEMBERS: &[Role] = &[Role::Owner, Role::Staff, Role::Client, Role::Vendor];
/// The venue's clients and vendors: people outside its team.
const OUTSIDE: &[Role] = &[Role::Client, Role::Vendor];

pub fn all() -> Vec<ToolEntry> {
    vec![
        ToolEntry::of::<GetEventDetails>(),
        ToolEntry::of::<ListAvailableElements>(),
        ToolEntry::of::<RequestElementChange>(),
        ToolEntry::of::<ViewGuestList>(),
        ToolEntry::of::<AddGuest>(),
        ToolEntry::of::<UpdateGuest>(),
        ToolEntry::of::<RemoveGuest>(),
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
        ToolEntry::of::<ReadMessages>(),
        ToolEntry::of::<MessageVenue>(),
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
        ToolEntry::of::<SearchKnowledge>(),
        ToolEntry::of::<WebSearch>(),
        ToolEntry::of::<ReadPage>(),
        ToolEntry::of::<OrderDeliverable>(),
        ToolEntry::of::<ListDeliverables>(),
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
            UpdateGuest::NAME,
            RemoveGuest::NAME,
            ViewContract::NAME,
            GetAvailableSlots::NAME,
            BookAppointment::NAME,
            ListAppointments::NAME,
            RescheduleAppointment::NAME,
            CancelAppointment::NAME,
            ReadMessages::NAME,
            MessageVenue::NAME,
            SearchKnowledge::NAME,
            WebSearch::NAME,
            ReadPage::NAME,
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
            OrderDeliverable::NAME,
            ListDeliverables::NAME,
            SearchKnowledge::NAME,
            WebSearch::NAME,
            ReadPage::NAME,
        ],
        AgentKind::VenueEvent => &[
            GetEventDetails::NAME,
            UpdateElementStatus::NAME,
            SendClientMessage::NAME,
            SendVendorMessage::NAME,
            CreateTask::NAME,
            UpdateEventDetails::NAME,
            FillForm::NAME,
            OrderDeliverable::NAME,
            ListDeliverables::NAME,
            SearchKnowledge::NAME,
            WebSearch::NAME,
            ReadPage::NAME,
        ],
        AgentKind::Assistant => &[
            ListMyEvents::NAME,
            VenueInfo::NAME,
            GetAvailableSlots::NAME,
            BookAppointment::NAME,
            ListAppointments::NAME,
            RescheduleAppointment::NAME,
            CancelAppointment::NAME,
            FillForm::NAME,
            ReadMessages::NAME,
            MessageVenue::NAME,
            SearchKnowledge::NAME,
            WebSearch::NAME,
            ReadPage::NAME,
        ],
    }
}

fn money(cents: i64) -> String {
    format_money(cents)
}

/// Which of `names` a person meant by `asked` ("the rooftop", "priya"): the one equal to it (case,
/// punctuation and a leading "the" aside), else the only one holding all of its words. None or
/// several is an error naming the choices, so the agent asks instead of guessing.
fn resolve_name(asked: &str, names: &[&str], what: &str) -> Result<usize, ToolError> {
    fn words(s: &str) -> Vec<String> {
        let lower = s.to_lowercase();
        let mut w: Vec<String> =
            lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect();
        if w.len() > 1 && w[0] == "the" {
            w.remove(0);
        }
        w
    }
    let wanted = words(asked);
    if wanted.is_empty() {
        return Err(ToolError::Invalid(format!("Name the {what}.")));
    }
    let all: Vec<Vec<String>> = names.iter().map(|n| words(n)).collect();
    let exact: Vec<usize> = (0..names.len()).filter(|&i| all[i] == wanted).collect();
    let hits: Vec<usize> = if exact.is_empty() {
        (0..names.len()).filter(|&i| wanted.iter().all(|w| all[i].contains(w))).collect()
    } else {
        exact
    };
    let list = |ids: &[usize]| ids.iter().take(8).map(|&i| names[i]).collect::<Vec<_>>().join(", ");
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => {
            let every: Vec<usize> = (0..names.len()).collect();
            Err(ToolError::Invalid(format!("No {what} is called \"{}\". The choices: {}.", asked.trim(), list(&every))))
        }
        several => Err(ToolError::Invalid(format!(
            "Several {what}s match \"{}\": {}. Ask which one.",
            asked.trim(),
            list(several)
        ))),
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextQuery {
    /// Words to search for.
    #[schemars(length(min = 1, max = 200))]
    pub query: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

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
            "update_guest",
            "remove_guest",
            "update_element_status",
            "send_client_message",
            "send_vendor_message",
            "create_task",
            "update_event_details",
            "order_deliverable",
        ] {
            assert!(all.iter().find(|t| t.name == name).is_some_and(|t| t.approval.is_some()), "{name}");
        }
    }

    #[test]
    fn names_resolve_to_one_choice_or_ask() {
        let spaces = ["Grand Ballroom", "Rooftop Terrace", "Garden Room", "Library"];
        assert_eq!(resolve_name("the rooftop", &spaces, "space").unwrap(), 1);
        assert_eq!(resolve_name("LIBRARY", &spaces, "space").unwrap(), 3);
        assert_eq!(resolve_name("grand ballroom!", &spaces, "space").unwrap(), 0);
        assert_eq!(resolve_name("room", &spaces, "space").unwrap(), 2, "whole words: a ballroom is not a room");
        let none = resolve_name("the cellar", &spaces, "space").unwrap_err().to_string();
        assert!(none.contains("No space") && none.contains("Rooftop Terrace"), "{none}");
        let guests = ["Priya Natarajan", "Priya Shah", "Ann Lee", "Anna Lee"];
        assert!(resolve_name("Priya", &guests, "guest").unwrap_err().to_string().contains("Priya Shah"));
        assert_eq!(resolve_name("priya shah", &guests, "guest").unwrap(), 1);
        assert_eq!(resolve_name("ann lee", &guests, "guest").unwrap(), 2, "an exact name wins over a longer one");
        assert!(resolve_name("  ", &guests, "guest").is_err());
        let twins = ["Sam Lee", "Sam Lee", "Samuel Lee"];
        let err = resolve_name("sam lee", &twins, "guest").unwrap_err().to_string();
        assert!(err.contains("Several"), "two guests of the same name are asked about: {err}");
    }

    /// Parity: what a person does on their own pages, their agent can do (under the same
    /// scoping and approvals, which the store and the tools' approvals enforce).
    #[test]
    fn agents_can_do_what_their_people_do_on_their_pages() {
        let client = names_for(AgentKind::Client);
        for name in [
            "add_guest",
            "update_guest",
            "remove_guest",
            "request_element_change",
            "book_appointment",
            "reschedule_appointment",
            "cancel_appointment",
            "view_contract",
        ] {
            assert!(client.contains(&name), "client agent lacks {name}");
        }
        let assistant = names_for(AgentKind::Assistant);
        for name in ["book_appointment", "reschedule_appointment", "cancel_appointment", "list_appointments"] {
            assert!(assistant.contains(&name), "assistant lacks {name}");
        }
        // The studio's orders, from the venue's agents (staff order and follow them on /studio).
        for kind in [AgentKind::VenueGeneral, AgentKind::VenueEvent] {
            for name in ["order_deliverable", "list_deliverables"] {
                assert!(names_for(kind).contains(&name), "{kind:?} lacks {name}");
            }
        }
        let event = all().into_iter().find(|t| t.name == "update_event_details").unwrap();
        assert!(
            event.schema["properties"].get("space").is_some(),
            "the event agent can move an event to another space"
        );
    }
}
