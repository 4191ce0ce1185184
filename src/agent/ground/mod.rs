//! Grounding a small model's call in what the person said. The grammar makes every call parse
//! and follow its schema, but a 135M model still fills optional arguments with values nobody
//! gave (an RSVP of "no", a guest count of 100, an id from nowhere). Before a call runs, each
//! argument is checked against the person's words (`said`) and the facts the agent was given
//! (`facts`):
//! - an id (`*_id`) must appear in the facts or the request;
//! - another number must appear in the request (as digits or a number word);
//! - a date is the one the request names ("next Tuesday", "the 14th", "June 3": `domain::when`),
//!   replacing the model's when they differ;
//! - a choice among a few values that a person states (an RSVP, a status) must be said in some
//!   form ("can't come" for no);
//! - free text of a few words (a name, a diet, a note) must share its words with the request or
//!   the facts.
//!
//! What fails is dropped when the argument is optional, so the tool uses its default or asks; a
//! required argument is left for the tool, which answers with what it needs. Hosted models'
//! calls are not touched (they read the request themselves).

use chrono::NaiveDate;
use serde_json::{Map, Value};

mod facts;
mod said;

use facts::{entities, named, slot_said, slots};
use said::{
    action_said, message_of, names_said, numbers_in, passes_on, query_grounded, salient, stated, stem_says,
    target_number, text_grounded, times_said, words, words_grounded, STATED,
};

fn type_of(prop: &Value) -> Vec<&str> {
    match prop.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The values a property allows: an `enum` list, or `oneOf` constants.
fn allowed(prop: &Value) -> Vec<&str> {
    if let Some(e) = prop.get("enum").and_then(Value::as_array) {
        return e.iter().filter_map(Value::as_str).collect();
    }
    prop.get("oneOf")
        .and_then(Value::as_array)
        .map(|o| {
            o.iter()
                .filter_map(|b| b.get("const").or_else(|| b.get("enum").and_then(|e| e.get(0))))
                .filter_map(Value::as_str)
                .collect()
        })
        .unwrap_or_default()
}

/// Arguments that are how many of something: a change to one says what it goes to.
const COUNTS: &[&str] = &["quantity", "guest_count", "party_size"];

/// Arguments the model writes in its own words (a message, a note, the text of a form): not
/// checked word by word.
const WRITTEN: &[&str] = &["body", "text", "note", "notes", "reason", "title", "description"];

/// Checks the model's `args` against `said` (the person's words: this message, then the one
/// before it) and `facts` (the system prompt and the turn's earlier tool results), and drops or
/// fixes what is not grounded. `schema` is the tool's argument schema; `today` and `tz` are the
/// venue's.
pub fn arguments(
    schema: &Value,
    args: &mut Map<String, Value>,
    said: &str,
    facts: &str,
    today: NaiveDate,
    tz: chrono_tz::Tz,
) {
    let props = schema.get("properties").and_then(Value::as_object);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let said = said.replace(['\u{2019}', '\u{2018}'], "'");
    let said_lower = said.to_lowercase();
    let said_words = words(&said);
    let said_numbers = numbers_in(&said);
    let known = entities(facts);
    // Ids of records the person named, resolved from the facts' lists ("the DJ" → its element).
    if let Some(props) = props {
        for key in props.keys().filter(|k| k.ends_with("_id")) {
            let listed: Vec<f64> = known.iter().filter(|(k, _, _)| k == key).map(|(_, id, _)| *id).collect();
            if listed.is_empty() {
                continue;
            }
            let current = args.get(key).and_then(Value::as_f64);
            match named(key, &known, &said_words) {
                Some(id) => {
                    args.insert(key.clone(), Value::from(id as i64));
                }
                // Nothing named: the only record of its kind, or the model's pick stays only when
                // it is required (a list of several the person did not choose among is a guess).
                None => match (listed.as_slice(), current) {
                    ([only], Some(c)) if *only == c => {}
                    (_, Some(_)) if !required.contains(&key.as_str()) => {
                        args.remove(key);
                    }
                    _ => {}
                },
            }
        }
        for (key, prop) in props {
            let values = allowed(prop);
            if values.is_empty() {
                continue;
            }
            // An action's value, when the person's words choose one.
            if key == "action" {
                if let Some(v) = action_said(&values, &said_words) {
                    args.insert(key.clone(), Value::from(v));
                }
            } else if key.ends_with("status") {
                // A status the person said ("confirm it" → confirmed), when only one is.
                let said_values: Vec<&str> =
                    values.iter().copied().filter(|v| said_words.iter().any(|w| stem_says(v, w))).collect();
                if let [one] = said_values.as_slice() {
                    args.insert(key.clone(), Value::from(*one));
                }
            }
        }
        // A time slot the person chose among those listed.
        if props.contains_key("starts_at") {
            if let Some(v) = slot_said(&said, &slots(facts)) {
                args.insert("starts_at".into(), Value::String(v));
            }
        }
    }
    let dates = crate::domain::when::dates_in(&said, today);
    // The date arguments, in the schema's order: the first date said goes to the first.
    let date_keys: Vec<&String> = props
        .map(|p| {
            p.iter().filter(|(_, v)| v.get("format").and_then(Value::as_str) == Some("date")).map(|(k, _)| k).collect()
        })
        .unwrap_or_default();
    // A month said on its own is a range: "events in January" is from its first to its last day.
    let month = crate::domain::when::month_in(&said, today)
        .filter(|_| dates.is_empty() && date_keys.iter().any(|k| *k == "from") && date_keys.iter().any(|k| *k == "to"));
    if let Some((first, last)) = month {
        args.insert("from".into(), Value::String(first.to_string()));
        args.insert("to".into(), Value::String(last.to_string()));
    }
    let keys: Vec<String> = args.keys().cloned().collect();
    for key in keys {
        let optional = !required.contains(&key.as_str());
        let prop = props.and_then(|p| p.get(&key)).cloned().unwrap_or(Value::Null);
        let value = args.get(&key).cloned().unwrap_or(Value::Null);
        let keep = match &value {
            Value::Null => false,
            // An id of a kind the facts list is one of those listed (or one the person gave): a
            // small model also writes "1511111111111111" for 15.
            Value::Number(n) if key.ends_with("_id") && known.iter().any(|(k, _, _)| *k == key) => {
                let n = n.as_f64().unwrap_or(f64::NAN);
                known.iter().any(|(k, id, _)| *k == key && *id == n) || said_numbers.contains(&n)
            }
            Value::Number(n) => {
                let n = n.as_f64().unwrap_or(f64::NAN);
                if key.ends_with("_id") {
                    // No record of its kind is listed: an id the person gave, or one the facts
                    // name as this kind ("client_id 57").
                    said_numbers.contains(&n) || facts.contains(&format!("{key} {n}"))
                } else if COUNTS.contains(&key.as_str()) && said_numbers.len() > 1 {
                    // Several numbers said ("from 10 up to 12"): the one the change goes to.
                    match target_number(&said) {
                        Some(t) if t != n => {
                            args.insert(key.clone(), Value::from(t as i64));
                            true
                        }
                        _ => said_numbers.contains(&n),
                    }
                } else {
                    said_numbers.contains(&n)
                }
            }
            Value::String(_) if month.is_some() && (key == "from" || key == "to") => true,
            // A moment is one the facts list (a free slot), or the model's own reading of the
            // request's time, which the tool checks against the free slots.
            // A day and a time the person said make the moment ("next Friday at 2pm"), in the
            // venue's time zone, whatever the model wrote ("2pm").
            // (The tools' schemas reach the model without formats: a moment is a `*_at`.)
            Value::String(s)
                if prop.get("format").and_then(Value::as_str) == Some("date-time") || key.ends_with("_at") =>
            {
                if s.len() >= 16 && facts.contains(s.get(..16).unwrap_or(s)) {
                    true
                } else if let Some(at) = moment_said(&dates, &times_said(&said), tz) {
                    args.insert(key.clone(), Value::String(at));
                    true
                } else {
                    !times_said(&said).is_empty()
                }
            }
            Value::String(s) if prop.get("format").and_then(Value::as_str) == Some("date") => {
                if dates.iter().any(|d| d.to_string() == *s) {
                    true
                } else if date_keys.len() == 1 && dates.len() == 1 {
                    // The one date the person named is the date, whatever the model wrote.
                    args.insert(key.clone(), Value::String(dates[0].to_string()));
                    true
                } else {
                    match (date_keys.iter().position(|k| **k == key), dates.len() == date_keys.len()) {
                        (Some(i), true) => {
                            args.insert(key.clone(), Value::String(dates[i].to_string()));
                            true
                        }
                        _ => false,
                    }
                }
            }
            Value::String(s) if prop.get("enum").is_some() => {
                if STATED.iter().any(|(v, _)| v == s) {
                    stated(s, &said_lower, &said_words)
                } else if key.ends_with("status") {
                    // A status must be said: "cancelled" from "cancel", "confirmed" from "confirm".
                    let stem: String = s.chars().take(6).collect();
                    said_words.iter().any(|w| w.starts_with(&stem) || (w.len() >= 4 && stem.starts_with(w.as_str())))
                } else {
                    true
                }
            }
            Value::String(s) if key == "query" && !query_grounded(s, &said_words) => {
                if let Some(q) = salient(&said) {
                    args.insert(key.clone(), Value::String(q));
                }
                true
            }
            Value::String(s) if type_of(&prop).contains(&"string") && !WRITTEN.contains(&key.as_str()) => {
                words_grounded(s, &said_words)
            }
            // Text the model wrote that is not the person's (a 135M model's message body drifts
            // into dates and names from the facts, over and over): the person's own words are
            // the message, and the approval card shows it before it goes.
            // An optional one nobody asked for is dropped like any other guess.
            // A message to pass on is the person's own words ("tell the venue we'll arrive at
            // 11 for the Martinez wedding" → "We'll arrive at 11 for the Martinez wedding."): a
            // 135M model's rewording drops what matters ("the rooftop") or adds what nobody said.
            Value::String(s)
                if key == "body"
                    && passes_on(&said)
                    && message_of(&said).is_some_and(|m| m != *s && m.split_whitespace().count() >= 3) =>
            {
                if let Some(text) = message_of(&said) {
                    tracing::debug!(argument = %key, value = %s, "a message: the person's words");
                    args.insert(key.clone(), Value::String(text));
                }
                true
            }
            Value::String(s) if WRITTEN.contains(&key.as_str()) && !text_grounded(s, &said_words) => {
                if !optional {
                    if let Some(text) = message_of(&said) {
                        tracing::debug!(argument = %key, value = %s, "written text not the person's: their words instead");
                        args.insert(key.clone(), Value::String(text));
                    }
                }
                !optional
            }
            _ => true,
        };
        if !keep && optional {
            tracing::debug!(argument = %key, value = %value, "argument not grounded in the request: dropped");
            args.remove(&key);
        }
    }
    if let Some(props) = props {
        // How many it goes to, when the person said "from 10 (up) to 12" and the model left it out.
        if let Some(t) = target_number(&said).filter(|_| said_words.iter().any(|w| w == "from")) {
            for key in COUNTS.iter().filter(|k| props.contains_key(**k)) {
                if !args.contains_key(*key) && said_numbers.len() > 1 {
                    args.insert((*key).to_string(), Value::from(t as i64));
                    break;
                }
            }
        }
        // A choice the person stated that the model left out ("who hasn't replied" → pending).
        for (key, prop) in props {
            let values = allowed(prop);
            if args.contains_key(key) || !values.iter().any(|v| STATED.iter().any(|(x, _)| x == v)) {
                continue;
            }
            let said_values: Vec<&str> = values
                .iter()
                .copied()
                .filter(|v| STATED.iter().any(|(x, _)| x == v) && stated(v, &said_lower, &said_words))
                .collect();
            if let [one] = said_values.as_slice() {
                args.insert(key.clone(), Value::from(*one));
            }
        }
        // Which guest a change is about: the name the model put as the new name, when the
        // person did not ask to rename anyone, or the names they wrote.
        // A fuller name the person wrote than the model's ("Priya" when they answered "Priya
        // Shah" to a question of which Priya).
        if let (Some(Value::String(guest)), Some(names)) = (args.get("guest").cloned(), names_said(&said)) {
            let have = words(&guest);
            let full = words(&names);
            if full.len() > have.len() && have.iter().all(|w| full.contains(w)) {
                args.insert("guest".into(), Value::String(names));
            }
        }
        if props.contains_key("guest") && !args.contains_key("guest") && !args.contains_key("guest_id") {
            let rename = ["rename", "spell", "spelling", "name to", "call her", "call him"]
                .iter()
                .any(|w| said_lower.contains(w));
            match args.get("name").cloned() {
                Some(name) if !rename && props.contains_key("name") => {
                    args.remove("name");
                    args.insert("guest".into(), name);
                }
                _ => {
                    if let Some(names) = names_said(&said) {
                        args.insert("guest".into(), Value::String(names));
                    }
                }
            }
        }
        // A number the person gave that the model left out: the one bare number said goes to the
        // one numeric argument it can be ("120 people" → quantity; "guest count 140").
        let said_plain: Vec<f64> = crate::agent::answer::plain_numbers(&said);
        if let [n] = said_plain.as_slice() {
            let open: Vec<&String> = props
                .iter()
                .filter(|(k, v)| {
                    !k.ends_with("_id")
                        && !args.contains_key(*k)
                        && type_of(v).iter().any(|t| *t == "integer" || *t == "number")
                })
                .map(|(k, _)| k)
                .collect();
            let cued: Vec<&&String> = open
                .iter()
                .filter(|k| {
                    k.split('_').any(|part| part.len() >= 4 && said_words.iter().any(|w| w.starts_with(&part[..4])))
                })
                .collect();
            let target = match (open.as_slice(), cued.as_slice()) {
                (_, [one]) => Some((**one).clone()),
                ([one], []) => Some((*one).clone()),
                _ => None,
            };
            if let Some(k) = target {
                args.insert(k, if n.fract() == 0.0 { Value::from(*n as i64) } else { Value::from(*n) });
            }
        }
    }
}

/// The one moment the person named, as UTC (`2026-11-27T19:00:00Z`): one day (`dates`) and one
/// time of day (`times`) said, read in the venue's time zone `tz`. `None` when either is missing
/// or there are several, or the time does not exist that day (a clock change).
fn moment_said(dates: &[NaiveDate], times: &[(u32, u32)], tz: chrono_tz::Tz) -> Option<String> {
    use chrono::TimeZone;
    let mut dates = dates.to_vec();
    dates.sort_unstable();
    dates.dedup();
    let mut times = times.to_vec();
    times.sort_unstable();
    times.dedup();
    let ([day], [(h, m)]) = (dates.as_slice(), times.as_slice()) else { return None };
    let local = tz.from_local_datetime(&day.and_hms_opt(*h, *m, 0)?).single()?;
    Some(local.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NY: chrono_tz::Tz = chrono_tz::America::New_York;

    #[test]
    fn a_day_and_a_time_said_make_the_moment() {
        let schema = json!({"type": "object", "properties": {
            "type_id": {"type": "integer"}, "starts_at": {"type": "string", "format": "date-time"}},
            "required": ["type_id", "starts_at"]});
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let at = |said: &str, model: &str, facts: &str| {
            let mut a = json!({"type_id": 5, "starts_at": model}).as_object().unwrap().clone();
            arguments(&schema, &mut a, said, facts, today, NY);
            a["starts_at"].clone()
        };
        assert_eq!(at("book the tasting on November 27 at 2pm", "2pm", ""), json!("2026-11-27T19:00:00Z"));
        assert_eq!(
            at("July 4 at 10:30am works", "2027-07-04T10:30:00Z", ""),
            json!("2027-07-04T14:30:00Z"),
            "summer time"
        );
        assert_eq!(at("2pm please", "2pm", ""), json!("2pm"), "no day said: left for the tool to refuse");
        let book = crate::agent::tool("book_appointment").unwrap();
        let mut a = json!({"type_id": 1, "starts_at": "2pm"}).as_object().unwrap().clone();
        arguments(
            &book.schema,
            &mut a,
            "Can you book us a consultation next Friday at 2pm? We can only do afternoons.",
            "",
            today,
            NY,
        );
        let said = "Can you book us a consultation next Friday at 2pm? We can only do afternoons.";
        assert_eq!(a["starts_at"], json!("2026-11-27T19:00:00Z"), "the tool's own schema: {said}");
        let listed = "Free tasting times on 2026-11-25: 2:00 PM (starts_at 2026-11-25T19:00:00Z).";
        assert_eq!(
            at("Wednesday at 2", "2026-11-25T19:00:00Z", listed),
            json!("2026-11-25T19:00:00Z"),
            "a listed slot stays"
        );
        assert_eq!(at("the 27th or the 28th at 2pm", "2pm", ""), json!("2pm"), "two days: not a guess");
        assert_eq!(
            at("a consultation next Friday at 2pm?", "2pm", "The DJ starts at 2pm."),
            json!("2026-11-27T19:00:00Z"),
            "a time the facts happen to hold is not a listed slot"
        );
    }

    #[test]
    fn a_message_is_the_persons_words() {
        let m = |s: &str| super::message_of(s);
        assert_eq!(
            m("Tell Dan the final invoice will be out by Thursday.").as_deref(),
            Some("The final invoice will be out by Thursday.")
        );
        assert_eq!(
            m("please let the florist know that the arch can come at noon").as_deref(),
            Some("The arch can come at noon.")
        );
        assert_eq!(
            m("Could you send Liam a gentle reminder that the balance was due Monday? He can pay online.").as_deref(),
            Some("The balance was due Monday? He can pay online.")
        );
        assert_eq!(
            m("Ask the DJ if they can start an hour later than planned.").as_deref(),
            Some("Could you let us know whether they can start an hour later than planned?")
        );
        assert_eq!(
            m("Message Bloom & Branch: the load-in is at noon, service entrance").as_deref(),
            Some("The load-in is at noon, service entrance.")
        );
        assert_eq!(
            m("Put this in the vendor form: \"We're Harbor Sweets, a bakery in Somerville\"").as_deref(),
            Some("We're Harbor Sweets, a bakery in Somerville.")
        );
        assert_eq!(m("remind them"), None, "nothing left to say");
        assert_eq!(
            m("Make a task for Marco to set up the bar before the guests arrive").as_deref(),
            Some("Set up the bar before the guests arrive.")
        );
        assert_eq!(m("add a todo: print the escort cards").as_deref(), Some("Print the escort cards."));
        // Text the model wrote gives way to the message the person asked to pass on.
        let schema = json!({"type": "object", "properties": {"body": {"type": "string"}}, "required": ["body"]});
        let ground = |body: &str, said: &str| {
            let mut a = json!({"body": body}).as_object().unwrap().clone();
            arguments(&schema, &mut a, said, "", NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(), NY);
            a["body"].as_str().unwrap().to_string()
        };
        let said = "Tell Dan the final invoice will be out by Thursday.";
        assert_eq!(
            ground("The final invoice will be sent by Thursday, 2026-11-26, Tom Becker, 2026-12-03, 2026-12-03", said),
            "The final invoice will be out by Thursday."
        );
        assert_eq!(
            ground("Final invoice out by Thursday", said),
            "The final invoice will be out by Thursday.",
            "a message passed on is the person's words, not a rewording"
        );
        assert_eq!(
            ground("Final invoice out by Thursday", "tell them"),
            "Final invoice out by Thursday",
            "no message said"
        );
        assert_eq!(
            ground("send_client_message", said),
            "The final invoice will be out by Thursday.",
            "its tool's name"
        );
        // An optional text nobody said is dropped, not replaced.
        let optional =
            json!({"type": "object", "properties": {"title": {"type": "string"}, "guest_count": {"type": "integer"}}});
        let mut a = json!({"title": "Wedding reception dinner", "guest_count": 108}).as_object().unwrap().clone();
        arguments(
            &optional,
            &mut a,
            "the final count is 108, pls update the guest number",
            "",
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            NY,
        );
        assert_eq!(Value::Object(a), json!({"guest_count": 108}));
        let said = "Fill the inquiry form from this: \"Jordan Lee, engagement party on June 5, 2027, about 90 guests\"";
        assert_eq!(
            ground("2027-06-05 9:00:00, 90, 10, 11, 12, 13, 14, 15, 16", said),
            "Jordan Lee, engagement party on June 5, 2027, about 90 guests.",
            "numbers nobody said"
        );
    }
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "event_id": {"type": ["integer", "null"]},
                "guest": {"type": ["string", "null"]},
                "party_size": {"type": ["integer", "null"]},
                "rsvp": {"type": ["string", "null"], "enum": ["yes", "no", "maybe", "pending", null]},
                "dietary": {"type": ["string", "null"]},
                "date": {"type": "string", "format": "date"},
                "body": {"type": "string"},
            },
            "required": ["date", "body"],
        })
    }

    fn ground(args: Value, said: &str) -> Value {
        let facts = "Today is 2026-11-22 (Sunday).\nThe event (event_id 3): Clark wedding";
        let mut m = args.as_object().unwrap().clone();
        arguments(&schema(), &mut m, said, facts, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(), NY);
        Value::Object(m)
    }

    #[test]
    fn a_change_goes_to_the_number_after_to() {
        let q = json!({"type": "object", "properties": {"quantity": {"type": "integer"}}, "required": ["quantity"]});
        let run = |model: i64, said: &str| {
            let mut a = json!({ "quantity": model }).as_object().unwrap().clone();
            arguments(&q, &mut a, said, "", NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(), NY);
            a["quantity"].clone()
        };
        assert_eq!(run(10, "Can we bump the table arrangements from 10 up to 12?"), json!(12));
        assert_eq!(run(3, "3 more couples said yes, so make it 14 tables"), json!(14));
        assert_eq!(run(12, "change the 10 centerpieces to 12"), json!(12), "the model's right number stays");
        assert_eq!(
            run(10, "we need 10 centerpieces and 2 arches"),
            json!(10),
            "no 'to': the model's pick of what was said"
        );
        assert_eq!(super::said::target_number("move it to Friday at 2"), None, "not a number after 'to'");
        let mut a = json!({"action": "change_quantity"}).as_object().unwrap().clone();
        let schema =
            json!({"type": "object", "properties": {"action": {"type": "string"}, "quantity": {"type": "integer"}}});
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        arguments(&schema, &mut a, "bump the arrangements from 10 up to 12", "", today, NY);
        assert_eq!(a["quantity"], json!(12), "left out, and said as a change");
    }

    #[test]
    fn invented_arguments_are_dropped() {
        assert_eq!(
            ground(json!({"guest": "Priya", "rsvp": "no", "party_size": 100}), "Priya is vegetarian now"),
            json!({"guest": "Priya"}),
            "an RSVP and a party size nobody said"
        );
        assert_eq!(
            ground(json!({"guest": "Priya", "rsvp": "no"}), "Priya can't come after all"),
            json!({"guest": "Priya", "rsvp": "no"})
        );
        assert_eq!(
            ground(json!({"rsvp": "yes"}), "mark Tom as attending"),
            json!({"guest": "Tom", "rsvp": "yes"}),
            "the guest named"
        );
        assert_eq!(
            ground(json!({"party_size": 3}), "Tom is bringing three people"),
            json!({"guest": "Tom", "party_size": 3})
        );
        assert_eq!(ground(json!({"event_id": 3}), "show the guests"), json!({"event_id": 3}), "an id of the facts");
        assert_eq!(ground(json!({}), "who still hasnt rsvpd??")["rsvp"], "pending", "a stated choice left out");
        assert_eq!(ground(json!({"event_id": 12}), "show the guests"), json!({}), "an id from nowhere");
        assert_eq!(ground(json!({"dietary": "vegan"}), "my uncle is vegetarian now"), json!({}));
        assert_eq!(ground(json!({"dietary": "vegetarian"}), "he's vegetarian"), json!({"dietary": "vegetarian"}));
        assert_eq!(ground(json!({"guest": null}), "hi"), json!({}));
        assert_eq!(
            ground(json!({"rsvp": "no"}), "note that Priya arrives at noon"),
            json!({"guest": "Priya"}),
            "no is a word"
        );
        assert_eq!(
            ground(json!({"rsvp": "yes"}), "Tom isn't coming"),
            json!({"guest": "Tom", "rsvp": "no"}),
            "a negation"
        );
        assert_eq!(ground(json!({"rsvp": "no"}), "Tom can\u{2019}t make it"), json!({"guest": "Tom", "rsvp": "no"}));
        assert_eq!(ground(json!({"party_size": 25000}), "budget about 25k"), json!({"party_size": 25000}));
    }

    #[test]
    fn records_times_statuses_and_numbers_come_from_the_facts_and_the_words() {
        let schema = json!({
            "type": "object",
            "properties": {
                "element_id": {"type": "integer"},
                "status": {"type": "string", "enum": ["requested", "proposed", "approved", "confirmed", "declined"]},
                "quantity": {"type": ["integer", "null"]},
                "starts_at": {"type": ["string", "null"], "format": "date-time"},
                "query": {"type": ["string", "null"]},
            },
            "required": ["element_id", "status"],
        });
        let facts = "Elements:\n- element_id 21: Champagne toast (beverage), 120 × $8.00, proposed\n\
                     - element_id 24: DJ package (music), 1 × $1,200.00, confirmed\n\
                     Menu tasting (type_id 2) has 3 free times: 11:00 AM (starts_at 2026-11-28T16:00:00Z), \
                     1:00 PM (starts_at 2026-11-28T18:00:00Z) and 3:30 PM (starts_at 2026-11-28T20:30:00Z).";
        let g = |args: Value, said: &str| {
            let mut m = args.as_object().unwrap().clone();
            arguments(&schema, &mut m, said, facts, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(), NY);
            Value::Object(m)
        };
        assert_eq!(
            g(json!({"element_id": 21, "status": "proposed"}), "DJ's locked in, mark it confirmed"),
            json!({"element_id": 24, "status": "confirmed"})
        );
        assert_eq!(
            g(json!({"element_id": 24, "status": "approved", "quantity": 5}), "bump the champagne toast to 100"),
            json!({"element_id": 21, "status": "approved", "quantity": 100})
        );
        assert_eq!(
            g(
                json!({"element_id": 21, "status": "approved", "starts_at": "2026-11-28T16:00:00Z"}),
                "the 1pm one works"
            )["starts_at"],
            "2026-11-28T18:00:00Z"
        );
        assert_eq!(
            g(json!({"element_id": 21, "status": "approved"}), "book the last one")["starts_at"],
            "2026-11-28T20:30:00Z"
        );
        assert_eq!(
            g(
                json!({"element_id": 21, "status": "approved", "query": "search_clients"}),
                "Look up Dan Okoye's contact details"
            )["query"],
            "Dan Okoye"
        );
    }

    #[test]
    fn dates_are_the_ones_said_and_required_arguments_stay() {
        assert_eq!(
            ground(json!({"date": "2026-01-01", "body": "ok"}), "any tasting slots next Tuesday?"),
            json!({"date": "2026-11-24", "body": "ok"})
        );
        assert_eq!(
            ground(json!({"date": "2026-01-01", "body": "Please confirm the final count by Friday"}), "tell them"),
            json!({"date": "2026-01-01", "body": "Please confirm the final count by Friday"}),
            "required: left for the tool to judge"
        );
    }
}
