//! Grounding a small model's call in what the person said. The grammar makes every call parse
//! and follow its schema, but a 135M model still fills optional arguments with values nobody
//! gave (an RSVP of "no", a guest count of 100, an id from nowhere). Before a call runs, each
//! argument is checked against the person's words (`said`) and the facts the agent was given
//! (`facts`):
//! - an id (`*_id`) must appear in the facts or the request; one the person gives by its kind
//!   ("(event 32)", "client #64") is the id;
//! - another number must appear in the request (as digits or a number word);
//! - a date is the one the request names ("next Tuesday", "the 14th", "June 3": `domain::when`),
//!   replacing the model's when they differ; a range (`from`, `to`) is the one day said alone,
//!   the month said, or both of a day and a month;
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

mod choices;
mod facts;
mod names;
mod said;

use choices::{category_said, value_said, NUMBER_CUES};

pub use names::{resolve as resolve_names, Names};

use facts::{entities, named, slot_said, slots};
use said::{
    action_said, machinery, message_of, names_said, numbers_in, passes_on, query_grounded, salient, stated,
    target_number, text_grounded, times_said, words, words_grounded, STATED,
};

/// The id of the kind `key` names (`event_id`: "event") that `said` (lower-cased) gives by that
/// kind: "event 32", "(event #32)", "client_id 88", "appointment no. 53". `None` when it gives
/// none, or two different ones.
fn id_said(key: &str, said: &str) -> Option<i64> {
    let kind = key.strip_suffix("_id")?;
    let words: Vec<&str> = said
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ':' | '#'))
        .map(|w| w.trim_end_matches(['.', '?', '!', ';']))
        .filter(|w| !w.is_empty())
        .collect();
    let mut found: Vec<i64> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if *w != kind && *w != key {
            continue;
        }
        let mut next = words[i + 1..].iter().skip_while(|x| matches!(**x, "id" | "no" | "number" | "is"));
        let n = next.next().and_then(|x| x.parse::<i64>().ok()).filter(|n| *n > 0);
        // "the event 2 weeks out" counts weeks.
        let counts = next.next().is_some_and(|u| {
            ["day", "week", "month", "hour", "minute", "people", "guest", "person", "pm", "am", "o'clock"]
                .iter()
                .any(|x| u.starts_with(x))
        });
        if let Some(n) = n.filter(|_| !counts) {
            found.push(n);
        }
    }
    found.dedup();
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

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

/// What the person said: this message, and the one before it in a follow-up.
#[derive(Debug, Clone, Copy)]
pub struct Heard<'a> {
    pub now: &'a str,
    pub before: Option<&'a str>,
}

impl<'a> From<&'a str> for Heard<'a> {
    fn from(now: &'a str) -> Self {
        Self { now, before: None }
    }
}

/// Whether `request` names a record of one of `keys` ("element_id", "service_id") that `facts`
/// list, by two words of its name or all of them ("the acoustic guitarist" names "Acoustic
/// guitarist", "the late-night pizza" "Late-night pizza"; "pizza" alone does not). The router
/// reads it: what is added or declined is then one of those records.
pub fn names_record(facts: &str, request: &str, keys: &[&str]) -> bool {
    let said = said::words(request);
    entities(facts).iter().filter(|(k, _, _)| keys.contains(&k.as_str())).any(|(_, _, name)| {
        let n = facts::naming(name, &said);
        n >= 2 || (n > 0 && n == facts::naming(name, &said::words(name)))
    })
}

/// Whether `request` names one record of kind `key` that `facts` list, by any word of its name
/// that no other record of the kind shares more of ("the DJ" names "DJ package"): the record a
/// removal is about.
pub fn names_one(facts: &str, request: &str, key: &str) -> bool {
    named(key, &entities(facts), &said::words(request)).is_some()
}

/// Checks the model's `args` against `said` (the person's words: this message, then the one
/// before it) and `facts` (the system prompt and the turn's earlier tool results), and drops or
/// fixes what is not grounded. `schema` is the tool's argument schema; `today` and `tz` are the
/// venue's.
pub fn arguments<'a>(
    schema: &Value,
    args: &mut Map<String, Value>,
    said: impl Into<Heard<'a>>,
    facts: &str,
    today: NaiveDate,
    tz: chrono_tz::Tz,
) {
    let heard = said.into();
    let said = match heard.before {
        Some(before) => format!("{}\n{before}", heard.now),
        None => heard.now.to_string(),
    };
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
    // Ids of records the person named, resolved from the facts' lists ("the DJ" → its element),
    // or gave by their kind ("(event 32)", "client #64").
    if let Some(props) = props {
        for key in props.keys().filter(|k| k.ends_with("_id")) {
            if let Some(id) = id_said(key, &said_lower) {
                args.insert(key.clone(), Value::from(id));
                continue;
            }
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
            } else if !values.iter().any(|v| STATED.iter().any(|(x, _)| x == v)) {
                // A value the person said ("confirm it" → confirmed, "party rentals" → rentals,
                // "the guest form" → guest), when only one is, or one is said right before the
                // argument's own name ("fill the guest form for event 32": guest, not event).
                // (Values said in other forms, an RSVP's "can't come", are `STATED`'s: below.)
                if let Some(v) = value_said(&values, key, &said_lower, &said_words)
                    .or_else(|| category_said(&values, key, &said_words))
                {
                    args.insert(key.clone(), Value::from(v));
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
    // The dates said, this message's before the earlier one's ("what about the Friday after?"
    // after "any tour times on Friday?" is the later Friday).
    let dates: Vec<NaiveDate> = {
        let all = crate::domain::when::dates_at(&said, today);
        let now_end = heard.now.replace(['\u{2019}', '\u{2018}'], "'").len();
        let now: Vec<NaiveDate> = all.iter().filter(|(at, _)| *at < now_end).map(|(_, d)| *d).collect();
        if now.is_empty() {
            all.into_iter().map(|(_, d)| d).collect()
        } else {
            now
        }
    };
    // The date arguments, in the schema's order: the first date said goes to the first.
    let date_keys: Vec<&String> = props
        .map(|p| {
            p.iter().filter(|(_, v)| v.get("format").and_then(Value::as_str) == Some("date")).map(|(k, _)| k).collect()
        })
        .unwrap_or_default();
    // A month said on its own is a range: "events in January" is from its first to its last day;
    // so is a week ("the first week of December", "this weekend"), the days said within it.
    let from_to = date_keys.iter().any(|k| *k == "from") && date_keys.iter().any(|k| *k == "to");
    let week = crate::domain::when::week_in(&said, today)
        .filter(|(first, last)| from_to && dates.iter().all(|d| first <= d && d <= last));
    let month = week.or_else(|| crate::domain::when::month_in(&said, today).filter(|_| dates.is_empty() && from_to));
    if let Some((first, last)) = month {
        args.insert("from".into(), Value::String(first.to_string()));
        args.insert("to".into(), Value::String(last.to_string()));
    }
    // A day said on its own is a range of one day ("anything booked on New Year's Eve?"), unless
    // the words make it an end ("from Friday", "until the 14th").
    const ENDS: &[&str] =
        &["from", "after", "since", "until", "till", "til", "before", "through", "thru", "starting", "onwards", "by"];
    let ranged = date_keys.iter().any(|k| *k == "from") && date_keys.iter().any(|k| *k == "to");
    // A day and a month ("between Valentine's Day and the end of March"): the range spans both.
    let span = crate::domain::when::month_in(&said, today).filter(|_| week.is_none() && ranged && dates.len() == 1);
    if let Some((first, last)) = span {
        args.insert("from".into(), Value::String(dates[0].min(first).to_string()));
        args.insert("to".into(), Value::String(dates[0].max(last).to_string()));
    }
    let one_day = dates.len() == 1
        && month.is_none()
        && span.is_none()
        && ranged
        && !said_words.iter().any(|w| ENDS.contains(&w.as_str()));
    if one_day {
        args.insert("from".into(), Value::String(dates[0].to_string()));
        args.insert("to".into(), Value::String(dates[0].to_string()));
    }
    // A day or a moment the model left out, when the person said one: the one day said goes to
    // the one date argument; a day and a time make a moment.
    if let Some(props) = props {
        let mut days = dates.clone();
        days.sort_unstable();
        days.dedup();
        let missing: Vec<(&String, &Value)> = props.iter().filter(|(k, _)| !args.contains_key(*k)).collect();
        for (key, prop) in missing {
            let format = prop.get("format").and_then(Value::as_str);
            let at = date_keys.iter().position(|k| *k == key);
            if format == Some("date") && date_keys.len() == 1 && days.len() == 1 {
                args.insert(key.clone(), Value::String(days[0].to_string()));
            } else if let (Some("date"), Some(i), true) = (format, at, dates.len() == date_keys.len()) {
                // "between Dec 10 and Dec 20": the days said, in the arguments' order.
                args.insert(key.clone(), Value::String(dates[i].to_string()));
            } else if format == Some("date-time") || key.ends_with("_at") {
                if let Some(at) = moment_said(&days, &times_said(&said), tz) {
                    args.insert(key.clone(), Value::String(at));
                }
            }
        }
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
            Value::String(_) if (month.is_some() || span.is_some()) && (key == "from" || key == "to") => true,
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
            // A name the model took from its own tools ("add_guest" for the guest's name): the
            // names the person wrote, when it is required.
            Value::String(s) if machinery(s) && !WRITTEN.contains(&key.as_str()) => {
                match names_said(&said).filter(|_| !optional && key.contains("name")) {
                    Some(names) => {
                        args.insert(key.clone(), Value::String(names));
                        true
                    }
                    None => false,
                }
            }
            // An address is one written out in the request or the facts, never one made up from
            // a name ("jordan kim@gmail.com").
            Value::String(s) if key == "email" || prop.get("format").and_then(Value::as_str) == Some("email") => {
                let s = s.trim().to_lowercase();
                s.contains('@') && (said_lower.contains(&s) || facts.to_lowercase().contains(&s))
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
        // "Jordan Kim +1" is a party of two, whatever the model read into the "1".
        if props.contains_key("party_size") {
            if let Some(n) = said::plus_ones(&said_lower) {
                let model = args.get("party_size").and_then(Value::as_i64);
                if model.is_none_or(|m| m == n - 1 || m == 1) {
                    args.insert("party_size".into(), Value::from(n));
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
                        || NUMBER_CUES.iter().any(|(key, cues)| {
                            *key == k.as_str() && said_words.iter().any(|w| cues.contains(&w.as_str()))
                        })
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

/// The call the engine makes on its own for `tool`: every argument grounded from nothing (what
/// the person said, the facts, the venue's names), when that gives each required argument and
/// the whole passes the schema. A small model is then not asked: it would only write what the
/// grounding replaces, in a second or more of reading its prompt. `None` when something required
/// is left (free text, a record nobody named), and for a change whose arguments are all optional
/// (what an "update" changes is the model's to write) or an outside tool: the model writes it.
pub fn engine_arguments(
    tool: &crate::agent::ToolEntry,
    heard: Heard<'_>,
    facts: &str,
    when: (NaiveDate, chrono_tz::Tz),
    names: &Names,
) -> Option<Map<String, Value>> {
    let schema = &tool.schema;
    let required = schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
    if tool.outside().is_some() || (tool.approval.is_some() && required.is_empty()) {
        return None;
    }
    let mut args = Map::new();
    arguments(schema, &mut args, heard, facts, when.0, when.1);
    resolve_names(schema, &mut args, heard.now, heard.before, names);
    // A required record nobody named, when the facts list one of its kind only (the type of the
    // free times just listed, for a booking).
    let known = entities(facts);
    let missing: Vec<&str> =
        required.iter().filter_map(Value::as_str).filter(|k| k.ends_with("_id") && !args.contains_key(*k)).collect();
    for key in missing {
        let mut ids: Vec<f64> = known.iter().filter(|(k, _, _)| k == key).map(|(_, id, _)| *id).collect();
        ids.sort_by(f64::total_cmp);
        ids.dedup();
        if let [only] = ids.as_slice() {
            args.insert(key.to_string(), Value::from(*only as i64));
        }
    }
    let complete = required.iter().filter_map(Value::as_str).all(|k| args.contains_key(k));
    let args = Value::Object(args);
    (complete && tool.check(&args).is_ok() && tool.decodes(&args).is_ok()).then(|| args.as_object().cloned()).flatten()
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
mod tests;
