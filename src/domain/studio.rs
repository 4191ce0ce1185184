//! The studio: specialists, the deliverables ordered from them, and their versions (both builds).
//!
//! A specialist is a name, a role, instructions and what it reads. The built-in ones are here
//! ([`BUILTIN`]); an owner can rewrite a built-in's instructions for the venue or add the venue's
//! own. An order goes to the job queue with a [`Priority`]; each run that succeeds adds a version.

use super::parse::FieldErrors;
use super::UnknownValue;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

string_enum!(
    /// How soon an order is taken among the others waiting.
    Priority { High => ("high", "High"), Normal => ("normal", "Normal"), Low => ("low", "Low") }
);

string_enum!(
    /// Where an order stands. `Ready`: a version waits for review; `Approved`: one was approved.
    OrderStatus {
        Queued => ("queued", "Queued"),
        Running => ("running", "In progress"),
        Ready => ("ready", "Ready for review"),
        Approved => ("approved", "Approved"),
        Failed => ("failed", "Failed"),
        Cancelled => ("cancelled", "Cancelled")
    }
);

impl OrderStatus {
    /// Still to be produced (the page follows its progress).
    pub fn in_progress(self) -> bool {
        matches!(self, OrderStatus::Queued | OrderStatus::Running)
    }
}

string_enum!(
    /// How a version came to be.
    VersionSource { Generated => ("generated", "Generated"), Edited => ("edited", "Edited by hand") }
);

/// A specialist as the studio shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Specialist {
    pub slug: String,
    pub name: String,
    pub role: String,
    pub instructions: String,
    /// An order must name an event (the specialist works from it).
    pub needs_event: bool,
    /// One of [`BUILTIN`] (its instructions can be reset to the default).
    pub builtin: bool,
    /// A built-in whose text the venue changed.
    pub customised: bool,
}

/// A built-in specialist.
pub struct Builtin {
    pub slug: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub instructions: &'static str,
    pub needs_event: bool,
}

impl Builtin {
    pub fn specialist(&self) -> Specialist {
        Specialist {
            slug: self.slug.into(),
            name: self.name.into(),
            role: self.role.into(),
            instructions: self.instructions.into(),
            needs_event: self.needs_event,
            builtin: true,
            customised: false,
        }
    }
}

pub const PROPOSAL_WRITER: &str = "proposal-writer";
pub const TIMELINE_PLANNER: &str = "timeline-planner";
pub const MENU_CARD_DESIGNER: &str = "menu-card-designer";
pub const VENDOR_BRIEF_WRITER: &str = "vendor-brief-writer";
pub const FOLLOW_UP_WRITER: &str = "follow-up-writer";
pub const SOCIAL_POST_WRITER: &str = "social-post-writer";

pub const BUILTIN: &[Builtin] = &[
    Builtin {
        slug: PROPOSAL_WRITER,
        name: "Proposal Writer",
        role: "Turns an inquiry into a priced proposal from the venue's spaces and services.",
        instructions: "Write a warm, concise proposal to the client for their event. Open with one sentence that thanks them and names the event and its date. Then describe in two or three short paragraphs how the venue would host it: the space, the flow of the day, what is included. Do not write prices or totals: the pricing table is added after your text. End with the next step (a tasting or a visit) and an invitation to reply.",
        needs_event: true,
    },
    Builtin {
        slug: TIMELINE_PLANNER,
        name: "Timeline Planner",
        role: "Turns an event into a run-of-show from its elements, vendors, spaces and times.",
        instructions: "Write a short introduction to the run-of-show for the event team: the event, the space, the guest count, and two or three points the team must watch on the day (arrivals, turnovers, the moments that must start on time). Do not list times: the timed schedule is added after your text.",
        needs_event: true,
    },
    Builtin {
        slug: MENU_CARD_DESIGNER,
        name: "Menu & Card Designer",
        role: "Writes the menu card of an event from its menu and drinks choices.",
        instructions: "Write a one-line welcome for the menu card of the event, in an elegant tone, naming the hosts' occasion. Do not list the dishes: the menu is set out after your text, course by course.",
        needs_event: true,
    },
    Builtin {
        slug: VENDOR_BRIEF_WRITER,
        name: "Vendor Brief Writer",
        role: "Briefs the event's vendors: what, where, when, and who to call.",
        instructions: "Write a short, practical brief for the vendors of the event: the event, the date, the space, the guest count, and what the venue expects of them on the day (arrive on time, check in with the event lead, keep the loading area clear). Do not list vendors or times: each vendor's line is added after your text.",
        needs_event: true,
    },
    Builtin {
        slug: FOLLOW_UP_WRITER,
        name: "Follow-up Writer",
        role: "Writes the follow-up to a client after a tasting, a visit or their event.",
        instructions: "Write a short, warm follow-up message to the client, signed by the venue team. Thank them, recall the event by its name and date, answer the brief, and give one clear next step. Keep it under 150 words. Do not invent prices, dates or promises that are not in the facts.",
        needs_event: true,
    },
    Builtin {
        slug: SOCIAL_POST_WRITER,
        name: "Social Post Writer",
        role: "Writes a social media post, with a prompt for its image.",
        instructions: "Write one social media post for the venue about the brief: two to four short sentences, friendly, with at most three hashtags. Never name clients or guests. Then, on its own line, start with 'Image prompt:' and describe in one sentence the photo that should go with the post.",
        needs_event: false,
    },
];

/// The built-in specialist with this slug.
pub fn builtin(slug: &str) -> Option<&'static Builtin> {
    BUILTIN.iter().find(|b| b.slug == slug)
}

/// A specialist as an owner saves it (a built-in's new text, or the venue's own).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialistInput {
    /// Empty for a new specialist (its slug is made from the name).
    pub slug: String,
    pub name: String,
    pub role: String,
    pub instructions: String,
    pub needs_event: bool,
}

/// A checked [`SpecialistInput`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecialistDraft {
    pub slug: String,
    pub name: String,
    pub role: String,
    pub instructions: String,
    pub needs_event: bool,
}

/// The longest instructions an owner may write.
pub const MAX_INSTRUCTIONS: usize = 6000;

/// Checks a specialist's text; a new one's slug comes from its name.
pub fn parse_specialist(input: &SpecialistInput) -> Result<SpecialistDraft, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = input.name.trim().to_string();
    let role = input.role.trim().to_string();
    let instructions = input.instructions.trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        errors.add("name", "Give the specialist a name of at most 80 characters.");
    }
    if role.is_empty() || role.chars().count() > 200 {
        errors.add("role", "Say in at most 200 characters what the specialist does.");
    }
    if instructions.is_empty() || instructions.chars().count() > MAX_INSTRUCTIONS {
        errors.add("instructions", format!("Write the instructions, at most {MAX_INSTRUCTIONS} characters."));
    }
    let slug = if input.slug.trim().is_empty() { slugify(&name) } else { input.slug.trim().to_string() };
    let slug_ok = !slug.is_empty()
        && slug.len() <= 60
        && slug.starts_with(|c: char| c.is_ascii_alphanumeric())
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug_ok && errors.get("name").is_none() {
        errors.add("name", "Use letters or digits in the name.");
    }
    if errors.is_empty() {
        Ok(SpecialistDraft { slug, name, role, instructions, needs_event: input.needs_event })
    } else {
        Err(errors)
    }
}

/// `"Wine Pairing Writer!"` → `"wine-pairing-writer"`.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    slug.chars().take(60).collect::<String>().trim_end_matches('-').to_string()
}

/// A new order, as the studio's form sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderInput {
    pub specialist: String,
    pub event_id: Option<i64>,
    pub brief: String,
    pub priority: Priority,
}

/// The longest brief or feedback.
pub const MAX_BRIEF: usize = 4000;

/// Checks a brief or a piece of feedback (`field` names it in the error).
pub fn parse_brief(field: &str, text: &str, required: bool) -> Result<String, FieldErrors> {
    let text = text.trim();
    let mut errors = FieldErrors::default();
    if required && text.is_empty() {
        errors.add(field, "Say what should change.");
    } else if text.chars().count() > MAX_BRIEF {
        errors.add(field, format!("Keep it under {MAX_BRIEF} characters."));
    }
    if errors.is_empty() {
        Ok(text.to_string())
    } else {
        Err(errors)
    }
}

/// The longest deliverable kept (a hand edit longer than this is refused).
pub const MAX_BODY: usize = 100_000;

/// An order in the studio's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrderSummary {
    pub id: i64,
    pub specialist: String,
    pub specialist_name: String,
    pub event_id: Option<i64>,
    pub event_title: Option<String>,
    pub brief: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub priority: Priority,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: OrderStatus,
    pub ordered_by_name: String,
    pub versions: i32,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
}

/// One version of a deliverable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct VersionView {
    pub number: i32,
    pub body: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub source: VersionSource,
    pub feedback: String,
    pub author_name: Option<String>,
    pub model: String,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub duration_ms: i32,
    pub created_at: DateTime<Utc>,
}

/// An order, whole: where it stands, what it is producing now, and its versions (newest first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub order: OrderSummary,
    /// What it is doing now ("Reading the event", "Writing"), while it runs.
    pub step: String,
    /// The text generated so far, while it runs.
    pub partial: String,
    /// The feedback the next version answers.
    pub feedback: String,
    /// The last attempt's error (the order is retried, or failed for good).
    pub error: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub approved_version: Option<i32>,
    /// The rating of the person it was ordered for: 1 useful, -1 not, `None` not rated.
    pub rating: Option<i16>,
    /// The one looking is that person, and there is a version to rate.
    pub can_rate: bool,
    pub versions: Vec<VersionView>,
}

/// What the studio's order form and specialists show (the orders come on their own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudioView {
    pub specialists: Vec<Specialist>,
    /// Events an order can be for: (id, title and date), soonest first.
    pub events: Vec<(i64, String)>,
    /// Owners edit specialists.
    pub can_edit: bool,
}

/// An approved deliverable the venue shared with the event's client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SharedDeliverable {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

/// Other words people use for a built-in specialist's work, by its default name (a name's first
/// word that is not its trade counts too: "proposal", "menu", "social").
const ALSO: &[(&str, &[&str])] = &[
    ("Timeline Planner", &["run of show", "runsheet", "run sheet"]),
    ("Follow-up Writer", &["thank you note", "thank you message"]),
    ("Social Post Writer", &["instagram", "facebook", "linkedin"]),
];

/// `text` as lower-case words, a longer word's plural "s" dropped, one space apart and around.
fn plain(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            if w.len() > 3 {
                w.trim_end_matches('s').to_string()
            } else {
                w
            }
        })
        .collect();
    format!(" {} ", words.join(" "))
}

/// Whether `said` asks for the work of the specialist called `name`: the first word of its name
/// that is not its trade ("a proposal for the Patels" → Proposal Writer; "menu cards" → Menu &
/// Card Designer), or another word for a built-in's work ("a run-of-show" → Timeline Planner).
pub fn asks_for(name: &str, said: &str) -> bool {
    const TRADE: &[&str] = &["the", "writer", "planner", "designer", "maker"];
    let said = plain(said);
    let own = plain(name);
    let subject = own.split_whitespace().find(|w| !TRADE.contains(w)).map(str::to_string);
    let also = ALSO.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name.trim())).flat_map(|(_, a)| a.iter());
    subject.into_iter().chain(also.map(|a| a.to_string())).any(|w| said.contains(&plain(&w)))
}

/// The one of `names` whose work `said` asks for ([`asks_for`]); none when no name or several are.
pub fn meant<'n>(names: &'n [String], said: &str) -> Option<&'n str> {
    let mut hits = names.iter().filter(|n| asks_for(n, said));
    match (hits.next(), hits.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_names() {
        assert_eq!(slugify("Wine Pairing Writer!"), "wine-pairing-writer");
        assert_eq!(slugify("  Café & Bar  "), "caf-bar");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn a_specialist_needs_its_text() {
        let e = parse_specialist(&SpecialistInput::default()).unwrap_err();
        assert!(e.get("name").is_some() && e.get("role").is_some() && e.get("instructions").is_some());
        let ok = parse_specialist(&SpecialistInput {
            slug: String::new(),
            name: "Wine Pairing Writer".into(),
            role: "Pairs wines".into(),
            instructions: "Suggest a wine for each course.".into(),
            needs_event: true,
        })
        .unwrap();
        assert_eq!(ok.slug, "wine-pairing-writer");
        let bad = parse_specialist(&SpecialistInput { name: "???".into(), ..ok_input() }).unwrap_err();
        assert!(bad.get("name").is_some());
        let bad_slug = parse_specialist(&SpecialistInput { slug: "Bad Slug".into(), ..ok_input() }).unwrap_err();
        assert!(bad_slug.get("name").is_some());
    }

    fn ok_input() -> SpecialistInput {
        SpecialistInput {
            slug: String::new(),
            name: "X".into(),
            role: "Y".into(),
            instructions: "Z".into(),
            needs_event: false,
        }
    }

    #[test]
    fn briefs_are_bounded() {
        assert_eq!(parse_brief("brief", "  hi  ", false).unwrap(), "hi");
        assert!(parse_brief("feedback", " ", true).is_err());
        assert!(parse_brief("brief", &"x".repeat(MAX_BRIEF + 1), false).is_err());
        assert!(builtin(PROPOSAL_WRITER).is_some() && BUILTIN.len() == 6);
    }

    #[test]
    fn the_specialist_meant_is_the_one_whose_work_is_asked_for() {
        let names: Vec<String> = BUILTIN.iter().map(|b| b.name.to_string()).collect();
        let m = |said: &str| meant(&names, said);
        assert_eq!(m("can you get a proposal drafted for the Patel anniversary?"), Some("Proposal Writer"));
        assert_eq!(m("I need the timelines for Saturday"), Some("Timeline Planner"), "plurals too");
        assert_eq!(m("get a run-of-show drafted for this one"), Some("Timeline Planner"), "another word for it");
        assert_eq!(m("Would you order menu cards for the Patels?"), Some("Menu & Card Designer"));
        assert_eq!(m("an instagram post about the rooftop"), Some("Social Post Writer"));
        assert_eq!(m("a follow-up for the Garcias"), Some("Follow-up Writer"));
        assert_eq!(m("a timeline and a proposal"), None, "two asked for: the person is asked which");
        assert_eq!(m("make something nice"), None);
        let renamed = vec!["Run Sheet Maker".to_string()];
        assert_eq!(meant(&renamed, "the run sheets please"), Some("Run Sheet Maker"), "a venue's own name's words");
    }
}
