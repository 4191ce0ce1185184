//! Arguments that take a record of the venue by its name (an appointment type, a staff member),
//! resolved against the store as the acting person sees it: "a tasting tomorrow" is the venue's
//! "Menu tasting", "one for Priya" the staff member. The facts a small model is given do not list
//! these, so [`super::arguments`] cannot ground them; the model leaves the name out or writes its
//! own ("Venue visit").
//!
//! A studio specialist is the one whose work the request asks for ("draft a proposal" → the
//! Proposal Writer, `domain::studio::meant`), whatever name the model wrote.
//!
//! A space is taken only where the request says it is the one the event goes to ("to the Harbor
//! Room, it's too cold on the rooftop"): a move names where from and where to, and when the place
//! it goes to is not one of the venue's, the tool must say so (`update_event_details` resolves the
//! name) rather than the other place be taken.

use super::facts::naming;
use super::said::words;
use crate::store::{self, Actor};
use serde_json::{Map, Value};
use sqlx::PgPool;

/// The argument keys that take a name, each with the names the person may choose among.
#[derive(Debug, Clone, Default)]
pub struct Names {
    by_key: Vec<(&'static str, Vec<String>)>,
}

impl Names {
    /// Names given directly (tests, and the eval's demo venue).
    pub fn new(by_key: Vec<(&'static str, Vec<String>)>) -> Self {
        Self { by_key }
    }

    /// The names `actor` may choose among: the appointment types they may book and (for staff)
    /// the venue's staff, spaces and studio specialists. A list that cannot be read is left out: the
    /// tool resolves the name itself when it runs.
    pub async fn load(pool: &PgPool, actor: &Actor) -> Self {
        let mut by_key = Vec::new();
        if let Ok(types) = store::scheduling::types(pool, actor).await {
            by_key.push(("type_name", types.into_iter().map(|t| t.name).collect()));
        }
        if actor.is_staff() {
            if let Ok(spaces) = store::events::spaces(pool, actor).await {
                by_key.push(("space", spaces.into_iter().map(|s| s.name).collect()));
            }
            if let Ok(mut conn) = pool.acquire().await {
                if let Ok(staff) = store::users::staff(&mut conn, actor).await {
                    by_key.push(("assignee", staff.into_iter().map(|m| m.name).collect()));
                }
            }
            if let Ok(specialists) = store::studio::specialists(pool, actor).await {
                by_key.push(("specialist", specialists.into_iter().map(|s| s.name).collect()));
            }
        }
        Self { by_key }
    }

    fn of(&self, key: &str) -> Option<&[String]> {
        self.by_key.iter().find(|(k, _)| *k == key).map(|(_, n)| n.as_slice())
    }
}

/// Words before the record a request is for ("a task for Priya", "assign it to Marco"): when it
/// names two records of a kind, the one after these is meant.
const TARGETS: &[&str] = &["to", "for"];

/// Words before the place an event goes to ("move it to the Harbor Room", "put them in the
/// ballroom"): a space is taken only after one of these.
const PLACES: &[&str] = &["to", "into", "in"];

/// Whether `said` (lower-case words) names `name` right after one of `targets`, or after one of
/// them and "the" ("for Priya", "to the Harbor Room", "into the ballroom").
fn after_target(name: &str, said: &[String], targets: &[&str]) -> bool {
    said.windows(2).enumerate().any(|(i, w)| {
        targets.contains(&w[0].as_str())
            && match w[1].as_str() {
                "the" | "our" | "your" => said.get(i + 2).is_some_and(|x| naming(name, std::slice::from_ref(x)) > 0),
                x => naming(name, &[x.to_string()]) > 0,
            }
    })
}

/// The space the event goes to, of `spaces`: the one named after "to" or "in" ("Move the party
/// to the Harbor Room, it's too cold on the rooftop"), if only one is.
fn place<'n>(spaces: &'n [String], said: &[String]) -> Option<&'n str> {
    let to: Vec<&str> = spaces.iter().filter(|n| after_target(n, said, PLACES)).map(String::as_str).collect();
    match to.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// Whether `said` asks for the event to go somewhere else ("move", "put", "switch"…), and not
/// for its title.
fn moves(said: &str) -> bool {
    const MOVES: &[&str] = &["move", "moving", "put", "switch", "relocate", "shift", "transfer", "hold", "host"];
    let said = words(said);
    said.iter().any(|w| MOVES.contains(&w.as_str()))
        && !said.iter().any(|w| matches!(w.as_str(), "title" | "rename" | "name"))
}

/// The capitalised name right after "to", "into" or "in" (and "the"): "move it to the Harbor
/// Room" → "Harbor Room". Not a day or a month ("to Friday", "in February").
fn proper_place(said: &str) -> Option<String> {
    let raw: Vec<&str> = said.split_whitespace().collect();
    let bare = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '&').to_string();
    let mut found = Vec::new();
    for (i, w) in raw.iter().enumerate() {
        if !PLACES.contains(&bare(w).to_lowercase().as_str()) {
            continue;
        }
        let mut j = i + 1;
        if raw.get(j).is_some_and(|x| matches!(bare(x).to_lowercase().as_str(), "the" | "our")) {
            j += 1;
        }
        let mut name: Vec<String> = Vec::new();
        while let Some(x) = raw.get(j) {
            let b = bare(x);
            let capital = b.chars().next().is_some_and(char::is_uppercase);
            let lower = b.to_lowercase();
            let day_or_month = crate::domain::when::WEEKDAYS.iter().any(|(d, _)| *d == lower)
                || crate::domain::parse::MONTHS.contains(&lower.as_str());
            if !capital || day_or_month || lower == "i" {
                break;
            }
            name.push(b);
            // A word that ends a clause ends the name ("to the Harbor Room, it's cold").
            if x.ends_with([',', '.', '!', '?', ';', ':']) {
                break;
            }
            j += 1;
        }
        if !name.is_empty() && name.len() <= 4 {
            found.push(name.join(" "));
        }
    }
    found.dedup();
    match found.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// Which of `names` the person meant in `said` (lower-case words): the one named by the most
/// words, if only one is; when several are named, the one right after "for" or "to" ("Tom's list
/// is full, make one for Priya").
fn meant<'n>(names: &'n [String], said: &[String]) -> Option<&'n str> {
    let scored: Vec<(usize, &str)> = names.iter().map(|n| (naming(n, said), n.as_str())).collect();
    let best = scored.iter().map(|(s, _)| *s).max().filter(|s| *s > 0)?;
    let top: Vec<&str> = scored
        .iter()
        .filter(|(s, _)| *s == best)
        .map(|(_, n)| *n)
        .chain(
            // Others named too, by fewer words ("Tom Becker's list is full, one for Priya"): also
            // candidates, for the word before them to decide.
            scored.iter().filter(|(s, _)| *s > 0 && *s < best).map(|(_, n)| *n),
        )
        .collect();
    match top.as_slice() {
        [one] => Some(one),
        [] => None,
        several => {
            let after: Vec<&str> = several.iter().copied().filter(|n| after_target(n, said, TARGETS)).collect();
            match after.as_slice() {
                [one] => Some(one),
                _ => None,
            }
        }
    }
}

/// Sets each argument of `schema` that takes a name (see [`Names`]) to the record the person
/// named: in this message (`now`), else in the one before (`before`, a follow-up: "what about the
/// friday after?" after "any tour times on Friday?").
pub fn resolve(schema: &Value, args: &mut Map<String, Value>, now: &str, before: Option<&str>, names: &Names) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else { return };
    for key in props.keys() {
        let Some(all) = names.of(key).filter(|n| !n.is_empty()) else { continue };
        // An id given for the same record ("type_id" beside "type_name") is the model's choice
        // from the facts: left alone.
        let id_key = format!("{}_id", key.strip_suffix("_name").unwrap_or(key));
        if args.get(&id_key).is_some_and(|v| !v.is_null()) {
            continue;
        }
        // A space only for a move ("change the title to Rooftop Party" names no place).
        if key == "space" && !moves(now) {
            continue;
        }
        let choose = |said: &str| match key.as_str() {
            "space" => place(all, &words(said)),
            // The specialist whose work is asked for ("a run-of-show" → Timeline Planner).
            "specialist" => crate::domain::studio::meant(all, said),
            _ => meant(all, &words(said)),
        };
        let said = choose(now).or_else(|| before.and_then(choose));
        // A place the event goes to that is none of the venue's ("to the Harbor Room"): the
        // person's words, for the tool to answer which spaces there are (the model leaves the
        // space out, and the event stays where it was, silently, or writes the other place).
        if key == "space" && said.is_none() {
            if let Some(named) = proper_place(now) {
                args.insert(key.clone(), Value::String(named));
            }
            continue;
        }
        // Nothing named: the model's name stays for the tool to resolve, or to answer which
        // records there are (a name dropped here would make an unassigned task, silently).
        if let Some(name) = said {
            args.insert(key.clone(), Value::String(name.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names() -> Names {
        Names::new(vec![
            (
                "type_name",
                vec![
                    "Menu tasting".into(),
                    "Planning consultation".into(),
                    "Venue tour".into(),
                    "Vendor walk-through".into(),
                ],
            ),
            ("assignee", vec!["Marco Ruiz".into(), "Priya Raman".into(), "Tom Becker".into()]),
            ("specialist", crate::domain::studio::BUILTIN.iter().map(|b| b.name.to_string()).collect()),
        ])
    }

    #[test]
    fn the_specialist_is_the_one_whose_work_was_asked_for() {
        let s = crate::agent::tool("order_deliverable").unwrap().schema.clone();
        let out = resolved(&s, json!({"specialist": "writer"}), "Get a run-of-show drafted for this one", None);
        assert_eq!(out["specialist"], "Timeline Planner");
        let out =
            resolved(&s, json!({"specialist": "Timeline Planner"}), "draft a proposal for the Rossi shower", None);
        assert_eq!(out["specialist"], "Proposal Writer", "the person's words over the model's");
        let out =
            resolved(&s, json!({"specialist": "Social Post Writer"}), "could the studio make us something?", None);
        assert_eq!(out["specialist"], "Social Post Writer", "nothing said: the model's stays, for the tool to check");
        let out = resolved(&s, json!({}), "a timeline and a proposal for the gala", None);
        assert!(out.get("specialist").is_none(), "two asked for: the tool asks which");
    }

    fn slots_schema() -> Value {
        crate::agent::tool("get_available_slots").unwrap().schema.clone()
    }

    fn resolved(schema: &Value, model: Value, now: &str, before: Option<&str>) -> Value {
        let mut a = model.as_object().unwrap().clone();
        resolve(schema, &mut a, now, before, &names());
        Value::Object(a)
    }

    #[test]
    fn the_type_said_is_the_venues_type() {
        let s = slots_schema();
        let cases = [
            ("Can we come in for a tasting tommorow?", json!({"date": "2026-11-23"}), "Menu tasting"),
            (
                "what times are free for a consultation on the 20th?",
                json!({"type_name": "consult"}),
                "Planning consultation",
            ),
            ("When could we fit in a venue tour on Wednesday?", json!({"type_name": "Venue visit"}), "Venue tour"),
            ("I'd like to see the rooftop in person. Any tour times on Friday?", json!({}), "Venue tour"),
        ];
        for (said, model, want) in cases {
            assert_eq!(resolved(&s, model, said, None)["type_name"], json!(want), "{said}");
        }
    }

    #[test]
    fn a_follow_up_takes_the_type_from_the_message_before() {
        let out = resolved(
            &slots_schema(),
            json!({"date": "2027-01-22"}),
            "what about the friday after?",
            Some("Any tour times on Friday?"),
        );
        assert_eq!(out["type_name"], json!("Venue tour"));
    }

    #[test]
    fn nothing_named_leaves_the_call_and_an_id_is_left_alone() {
        let s = slots_schema();
        let out = resolved(&s, json!({"type_name": "Spa day", "date": "2026-11-23"}), "anything free tomorrow?", None);
        assert_eq!(out["type_name"], json!("Spa day"), "the tool answers which types there are");
        let out = resolved(&s, json!({"type_id": 2, "date": "2026-11-23"}), "a tour tomorrow?", None);
        assert!(out.get("type_name").is_none(), "{out}");
        // "tasting" in two types: the person must say which.
        let two = Names::new(vec![("type_name", vec!["Menu tasting".into(), "Cake tasting".into()])]);
        let mut a = json!({}).as_object().unwrap().clone();
        resolve(&s, &mut a, "a tasting tomorrow?", None, &two);
        assert!(a.get("type_name").is_none(), "{a:?}");
    }

    #[test]
    fn a_space_is_the_one_the_event_goes_to() {
        let s = crate::agent::tool("update_event_details").unwrap().schema.clone();
        let spaces =
            Names::new(vec![("space", vec!["Grand Ballroom".into(), "Harbor Room".into(), "Rooftop Terrace".into()])]);
        let moved = |said: &str| {
            let mut a = json!({}).as_object().unwrap().clone();
            resolve(&s, &mut a, said, None, &spaces);
            a.get("space").cloned()
        };
        assert_eq!(
            moved("Move the party to the Harbor Room, it's way too cold for the rooftop in February."),
            Some(json!("Harbor Room"))
        );
        assert_eq!(moved("can we put them in the ballroom instead?"), Some(json!("Grand Ballroom")));
        // Where it is now is not where it goes; a place that is not the venue's is the person's
        // words, for the tool to answer which spaces there are.
        assert_eq!(
            moved("It's too cold on the rooftop, move it to the Garden Pavilion."),
            Some(json!("Garden Pavilion"))
        );
        assert_eq!(moved("How many fit on the rooftop?"), None);
        assert_eq!(moved("Change the title to Rooftop Party"), None, "not a move");
        assert_eq!(moved("Rename it and move it to Rooftop Party"), None);
        assert_eq!(moved("Move it to Friday, in February if need be"), None);
        assert_eq!(moved("move it to the garden pavilion"), None, "no name written as one");
        // What the model wrote stays when nothing is said.
        let mut a = json!({"space": "Library Lounge"}).as_object().unwrap().clone();
        resolve(&s, &mut a, "use the lounge instead", None, &spaces);
        assert_eq!(a["space"], json!("Library Lounge"));
    }

    #[test]
    fn the_staff_member_named() {
        let s = crate::agent::tool("create_task").unwrap().schema.clone();
        let out = resolved(
            &s,
            json!({"title": "Confirm the playlist"}),
            "And one for Priya to confirm the DJ's playlist, same day.",
            None,
        );
        assert_eq!(out["assignee"], json!("Priya Raman"));
    }
}
