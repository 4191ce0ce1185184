//! Automations (both builds): agent runs, or orders from a specialist, on a schedule in the
//! venue's time zone or on the venue's business events, each run with its own thread and under
//! the same approvals as a chat.
//!
//! A rule is a [`Trigger`] with its settings (the weekdays and the local time of a schedule, the
//! days before an event) and an [`Action`]. What the form sends is an [`AutomationInput`];
//! [`parse_automation`] checks it into an [`AutomationDraft`].

use super::chat::AgentKind;
use super::parse::FieldErrors;
use super::webhooks::WebhookEvent;
use super::UnknownValue;
use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

string_enum!(
    /// What fires an automation.
    Trigger {
        Schedule => ("schedule", "On a schedule"),
        EventApproaching => ("event_approaching", "Days before each event"),
        AppointmentBooked => ("appointment_booked", "When an appointment is booked"),
        InquiryCreated => ("inquiry_created", "When an inquiry arrives"),
        ApprovalDecided => ("approval_decided", "When an approval is decided"),
        DocumentIndexed => ("document_indexed", "When a document is indexed")
    }
);

impl Trigger {
    /// The business event behind an event trigger (`None` for the time-based ones).
    pub fn business_event(self) -> Option<WebhookEvent> {
        match self {
            Trigger::Schedule | Trigger::EventApproaching => None,
            Trigger::AppointmentBooked => Some(WebhookEvent::AppointmentBooked),
            Trigger::InquiryCreated => Some(WebhookEvent::InquiryCreated),
            Trigger::ApprovalDecided => Some(WebhookEvent::ApprovalDecided),
            Trigger::DocumentIndexed => Some(WebhookEvent::DocumentIndexed),
        }
    }

    /// The trigger a business event fires, if any.
    pub fn on(event: WebhookEvent) -> Option<Trigger> {
        Trigger::ALL.iter().copied().find(|t| t.business_event() == Some(event))
    }
}

string_enum!(
    /// Where a run stands. `Waiting`: the agent proposed an action that waits for a person.
    RunStatus {
        Queued => ("queued", "Queued"),
        Running => ("running", "Running"),
        Done => ("done", "Done"),
        Waiting => ("waiting", "Waiting for approval"),
        Failed => ("failed", "Failed")
    }
);

/// What a run does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// A turn with this agent (the instructions are the person's message).
    Agent(AgentKind),
    /// An order from the specialist with this slug (the instructions are the brief).
    Specialist(String),
}

/// The agents an automation may run: the staff's (a client's agent acts for a client).
pub const AGENTS: &[AgentKind] = &[AgentKind::Assistant, AgentKind::VenueGeneral, AgentKind::VenueEvent];

/// Monday's bit in a weekday mask; Tuesday is `<< 1`, and so on to Sunday (`64`).
pub const MONDAY: u8 = 1;
/// Every day of the week.
pub const EVERY_DAY: u8 = 127;
/// Short names of the weekdays, Monday first.
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAY_NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// The longest instructions.
pub const MAX_INSTRUCTIONS: usize = 4000;
/// Automations one venue may keep.
pub const MAX_AUTOMATIONS: i64 = 50;

/// An automation as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationInput {
    /// The automation edited; `None` for a new one.
    pub id: Option<i64>,
    pub name: String,
    /// A [`Trigger`]'s spelling.
    pub trigger: String,
    /// Weekday mask of a schedule (see [`MONDAY`]).
    pub weekdays: u8,
    /// Local time of a schedule, `HH:MM`.
    pub at_time: String,
    /// Days before each event (`event_approaching`).
    pub days_before: String,
    /// `agent` or `specialist`.
    pub action: String,
    /// The agent's spelling (`assistant`, `venue_general`, `venue_event`).
    pub agent_kind: String,
    /// The specialist's slug.
    pub specialist: String,
    pub instructions: String,
}

/// A checked [`AutomationInput`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutomationDraft {
    pub name: String,
    pub rule: Rule,
    pub action: Action,
    pub instructions: String,
}

/// When an automation fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub trigger: Trigger,
    /// A schedule's weekdays (mask) and local time.
    pub weekdays: u8,
    pub at: Option<NaiveTime>,
    /// `event_approaching`: days before the event.
    pub days_before: Option<i32>,
}

impl Rule {
    /// For people: "Every Monday at 8:00", "7 days before each event", "When an inquiry arrives".
    pub fn describe(&self) -> String {
        match self.trigger {
            Trigger::Schedule => {
                let at = self.at.map(|t| t.format("%-H:%M").to_string()).unwrap_or_default();
                format!("{} at {at}", describe_weekdays(self.weekdays))
            }
            Trigger::EventApproaching => match self.days_before.unwrap_or(0) {
                0 => "On the day of each event".to_string(),
                1 => "1 day before each event".to_string(),
                n => format!("{n} days before each event"),
            },
            other => other.label().to_string(),
        }
    }

    /// Whether the schedule runs on `weekday` (0 = Monday).
    pub fn on_weekday(&self, weekday: u32) -> bool {
        weekday < 7 && self.weekdays & (MONDAY << weekday) != 0
    }
}

/// "Every day", "Weekdays", "Every Monday", "Every Mon, Wed and Fri".
pub fn describe_weekdays(mask: u8) -> String {
    let days: Vec<usize> = (0..7).filter(|d| mask & (MONDAY << d) != 0).collect();
    match (mask & EVERY_DAY, days.as_slice()) {
        (EVERY_DAY, _) => "Every day".into(),
        (31, _) => "Weekdays".into(),
        (96, _) => "Weekends".into(),
        (_, [one]) => format!("Every {}", WEEKDAY_NAMES[*one]),
        (_, []) => "Never".into(),
        (_, many) => {
            let names: Vec<&str> = many.iter().map(|&d| WEEKDAYS[d]).collect();
            let (last, rest) = names.split_last().unwrap_or((&"", &[]));
            format!("Every {} and {last}", rest.join(", "))
        }
    }
}

impl Action {
    /// The spelling stored: `agent` or `specialist`.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Agent(_) => "agent",
            Action::Specialist(_) => "specialist",
        }
    }
}

/// Checks an automation. The specialist's slug is checked against the venue's by the store.
pub fn parse_automation(input: &AutomationInput) -> Result<AutomationDraft, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        errors.add("name", "Give the automation a name of at most 80 characters.");
    }
    let instructions = input.instructions.trim().to_string();
    if instructions.is_empty() || instructions.chars().count() > MAX_INSTRUCTIONS {
        errors.add("instructions", format!("Say what it should do, in at most {MAX_INSTRUCTIONS} characters."));
    }
    let trigger: Option<Trigger> = input.trigger.parse().ok();
    if trigger.is_none() {
        errors.add("trigger", "Choose what starts it.");
    }
    let mut rule = Rule { trigger: trigger.unwrap_or(Trigger::Schedule), weekdays: 0, at: None, days_before: None };
    match trigger {
        Some(Trigger::Schedule) => {
            rule.weekdays = input.weekdays & EVERY_DAY;
            if rule.weekdays == 0 {
                errors.add("weekdays", "Choose at least one day.");
            }
            match NaiveTime::parse_from_str(input.at_time.trim(), "%H:%M") {
                Ok(t) => rule.at = Some(t),
                Err(_) => errors.add("at_time", "Give a time of day, such as 08:00."),
            }
        }
        Some(Trigger::EventApproaching) => match input.days_before.trim().parse::<i32>() {
            Ok(n) if (0..=365).contains(&n) => rule.days_before = Some(n),
            _ => errors.add("days_before", "Give a number of days from 0 to 365."),
        },
        _ => {}
    }
    let action = match input.action.as_str() {
        "agent" => match input.agent_kind.parse::<AgentKind>() {
            Ok(kind) if AGENTS.contains(&kind) => Some(Action::Agent(kind)),
            _ => {
                errors.add("agent_kind", "Choose the assistant, the venue agent or the event agent.");
                None
            }
        },
        "specialist" => {
            let slug = input.specialist.trim();
            if slug.is_empty() {
                errors.add("specialist", "Choose a specialist.");
                None
            } else {
                Some(Action::Specialist(slug.to_string()))
            }
        }
        _ => {
            errors.add("action", "Choose what it does: run an agent or order from a specialist.");
            None
        }
    };
    // The event agent works on one event: only a trigger that names one can give it.
    if action == Some(Action::Agent(AgentKind::VenueEvent)) && !trigger.is_some_and(names_event) {
        errors.add(
            "agent_kind",
            "The event agent needs an event: use it with “days before each event” or “when an inquiry arrives”.",
        );
    }
    match action {
        Some(action) if errors.is_empty() => Ok(AutomationDraft { name, rule, action, instructions }),
        _ => Err(errors),
    }
}

/// Whether a trigger's runs are about one event (which an event agent or a specialist that works
/// from an event needs). An approval or a document may name one too; these always do.
pub fn names_event(t: Trigger) -> bool {
    matches!(t, Trigger::EventApproaching | Trigger::InquiryCreated)
}

/// What a business event's run says fired it, from the event's data (as its webhook carries it):
/// "Appointment booked: Tasting with Priya Shah". Capped, as the data comes from people.
pub fn fired_by(trigger: Trigger, data: &serde_json::Value) -> String {
    let s = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").trim().to_string();
    let text = match trigger {
        Trigger::AppointmentBooked => {
            let a = &data["appointment"];
            match s(a, "client").as_str() {
                "" => format!("Appointment booked: {}", s(a, "type")),
                client => format!("Appointment booked: {} with {client}", s(a, "type")),
            }
        }
        Trigger::InquiryCreated => {
            let i = &data["inquiry"];
            format!("Inquiry: {} from {}", s(i, "title"), s(&i["client"], "name"))
        }
        Trigger::ApprovalDecided => {
            let a = &data["approval"];
            format!("Approval {}: {}", s(a, "status"), s(a, "summary"))
        }
        Trigger::DocumentIndexed => format!("Document indexed: {}", s(&data["document"], "title")),
        other => other.label().to_string(),
    };
    super::text::clip(&text, 200).to_string()
}

/// The event a business event's data names, if any.
pub fn event_of(trigger: Trigger, data: &serde_json::Value) -> Option<i64> {
    match trigger {
        Trigger::AppointmentBooked => data["appointment"]["event_id"].as_i64(),
        Trigger::InquiryCreated => data["inquiry"]["event_id"].as_i64(),
        Trigger::ApprovalDecided => data["approval"]["event_id"].as_i64(),
        Trigger::DocumentIndexed => data["document"]["event_id"].as_i64(),
        Trigger::Schedule | Trigger::EventApproaching => None,
    }
}

/// What a business event fires once for: `inquiry_created:42`, `document_indexed:7:3` (a new
/// version of a document is indexed anew).
pub fn fire_key(trigger: Trigger, subject_id: i64, data: &serde_json::Value) -> String {
    match (trigger, data["document"]["version"].as_i64()) {
        (Trigger::DocumentIndexed, Some(v)) => format!("{}:{subject_id}:{v}", trigger.as_str()),
        _ => format!("{}:{subject_id}", trigger.as_str()),
    }
}

/// An automation as its page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationView {
    pub id: i64,
    pub name: String,
    pub rule: Rule,
    /// `Rule::describe`.
    pub when: String,
    pub action: Action,
    /// For people: "Event agent", "Proposal Writer".
    pub action_label: String,
    pub instructions: String,
    pub paused: bool,
    pub next_run_at: Option<DateTime<Utc>>,
    /// `next_run_at` in the venue's time zone, for people ("Monday, Dec 7 at 8:00").
    pub next_run_label: Option<String>,
    pub created_by_name: String,
    pub runs: i64,
    pub last_status: Option<RunStatus>,
    pub last_run_at: Option<DateTime<Utc>>,
}

/// One run as the history lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RunView {
    pub id: i64,
    /// What fired it, for people ("Appointment booked: Tasting…", "Monday, Dec 7 at 8:00").
    pub fired_by: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: RunStatus,
    pub event_id: Option<i64>,
    pub event_title: Option<String>,
    pub thread_id: Option<i64>,
    pub order_id: Option<i64>,
    pub output: String,
    pub error: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// The automations page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationsView {
    pub automations: Vec<AutomationView>,
    /// The specialists an automation can order from: (slug, name).
    pub specialists: Vec<(String, String)>,
    /// Owners create, change and run automations; staff see them and their runs.
    pub can_edit: bool,
    /// The venue's time zone (schedules are in it).
    pub timezone: String,
}

/// What an automation would do now, without doing it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DryRun {
    /// When it fires next, or what it would fire for now, for people.
    pub fires: Vec<String>,
    /// What the first of those runs would do ("Starts a chat with the event agent…").
    pub action: String,
    /// The message the agent would be given (or the specialist's brief), whole.
    pub message: String,
}

/// A starting point offered by the form.
pub struct Example {
    pub name: &'static str,
    pub trigger: Trigger,
    pub weekdays: u8,
    pub at_time: &'static str,
    pub days_before: &'static str,
    pub action: &'static str,
    pub agent_kind: &'static str,
    pub specialist: &'static str,
    pub instructions: &'static str,
}

impl Example {
    pub fn input(&self) -> AutomationInput {
        AutomationInput {
            id: None,
            name: self.name.into(),
            trigger: self.trigger.as_str().into(),
            weekdays: self.weekdays,
            at_time: self.at_time.into(),
            days_before: self.days_before.into(),
            action: self.action.into(),
            agent_kind: self.agent_kind.into(),
            specialist: self.specialist.into(),
            instructions: self.instructions.into(),
        }
    }
}

/// The three examples, as presets.
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "Monday summary",
        trigger: Trigger::Schedule,
        weekdays: MONDAY,
        at_time: "08:00",
        days_before: "",
        action: "agent",
        agent_kind: "venue_general",
        specialist: "",
        instructions:
            "Summarize this week's events for the staff: for each event, its date, space, guest count and open tasks.",
    },
    Example {
        name: "Confirm the headcount",
        trigger: Trigger::EventApproaching,
        weekdays: 0,
        at_time: "",
        days_before: "7",
        action: "agent",
        agent_kind: "venue_event",
        specialist: "",
        instructions: "Message the client to ask them to confirm the final headcount for their event.",
    },
    Example {
        name: "Draft a proposal for each inquiry",
        trigger: Trigger::InquiryCreated,
        weekdays: 0,
        at_time: "",
        days_before: "",
        action: "specialist",
        agent_kind: "",
        specialist: super::studio::PROPOSAL_WRITER,
        instructions: "Draft a proposal for this inquiry.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_examples_parse() {
        for e in EXAMPLES {
            let d = parse_automation(&e.input()).unwrap_or_else(|err| panic!("{}: {err:?}", e.name));
            assert_eq!(d.rule.trigger, e.trigger);
        }
        let monday = parse_automation(&EXAMPLES[0].input()).unwrap();
        assert_eq!(monday.rule.describe(), "Every Monday at 8:00");
        assert!(monday.rule.on_weekday(0) && !monday.rule.on_weekday(1));
        assert_eq!(parse_automation(&EXAMPLES[1].input()).unwrap().rule.describe(), "7 days before each event");
    }

    #[test]
    fn bad_input_names_its_fields() {
        let e = parse_automation(&AutomationInput::default()).unwrap_err();
        for f in ["name", "instructions", "trigger", "action"] {
            assert!(e.get(f).is_some(), "{f}");
        }
        let schedule = AutomationInput { trigger: "schedule".into(), at_time: "25:00".into(), ..EXAMPLES[0].input() };
        let e = parse_automation(&AutomationInput { weekdays: 0, ..schedule }).unwrap_err();
        assert!(e.get("weekdays").is_some() && e.get("at_time").is_some());
        let days = AutomationInput { days_before: "-1".into(), ..EXAMPLES[1].input() };
        assert!(parse_automation(&days).unwrap_err().get("days_before").is_some());
        // A client's agent acts for a client, never for an automation.
        let client = AutomationInput { agent_kind: "client".into(), ..EXAMPLES[0].input() };
        assert!(parse_automation(&client).unwrap_err().get("agent_kind").is_some());
        // The event agent needs a trigger that names an event.
        let event_on_schedule = AutomationInput { agent_kind: "venue_event".into(), ..EXAMPLES[0].input() };
        assert!(parse_automation(&event_on_schedule).unwrap_err().get("agent_kind").is_some());
        let no_specialist = AutomationInput { specialist: " ".into(), ..EXAMPLES[2].input() };
        assert!(parse_automation(&no_specialist).unwrap_err().get("specialist").is_some());
    }

    #[test]
    fn weekdays_read_well() {
        assert_eq!(describe_weekdays(EVERY_DAY), "Every day");
        assert_eq!(describe_weekdays(31), "Weekdays");
        assert_eq!(describe_weekdays(64), "Every Sunday");
        assert_eq!(describe_weekdays(1 | 4 | 16), "Every Mon, Wed and Fri");
    }

    #[test]
    fn business_events_map_to_triggers() {
        for &t in Trigger::ALL {
            if let Some(e) = t.business_event() {
                assert_eq!(Trigger::on(e), Some(t));
            }
        }
        assert_eq!(Trigger::on(WebhookEvent::AppointmentCancelled), None);
    }
}
