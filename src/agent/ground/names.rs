//! Arguments that take a record of the venue by its name (an appointment type, a staff member),
//! resolved against the store as the acting person sees it: "a tasting tomorrow" is the venue's
//! "Menu tasting", "one for Priya" the staff member. The facts a small model is given do not list
//! these, so [`super::arguments`] cannot ground them; the model leaves the name out or writes its
//! own ("Venue visit").
//!
//! Spaces are not among them: a move names where from and where to ("to the Harbor Room, it's
//! too cold on the rooftop"), and when the place it goes to is not one of the venue's, the tool
//! must say so rather than the other place be taken (`update_event_details` resolves the name).

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
    /// the venue's staff. A list that cannot be read is left out: the
    /// tool resolves the name itself when it runs.
    pub async fn load(pool: &PgPool, actor: &Actor) -> Self {
        let mut by_key = Vec::new();
        if let Ok(types) = store::scheduling::types(pool, actor).await {
            by_key.push(("type_name", types.into_iter().map(|t| t.name).collect()));
        }
        if actor.is_staff() {
            if let Ok(mut conn) = pool.acquire().await {
                if let Ok(staff) = store::users::staff(&mut conn, actor).await {
                    by_key.push(("assignee", staff.into_iter().map(|m| m.name).collect()));
                }
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
            let after: Vec<&str> = several
                .iter()
                .copied()
                .filter(|n| {
                    let first = words(n).into_iter().next().unwrap_or_default();
                    said.windows(3).any(|w| {
                        TARGETS.contains(&w[0].as_str()) && (w[1] == first || (w[1] == "the" && w[2] == first))
                    })
                })
                .collect();
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
        let said_now = meant(all, &words(now));
        let said = said_now.or_else(|| before.and_then(|b| meant(all, &words(b))));
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
        ])
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
