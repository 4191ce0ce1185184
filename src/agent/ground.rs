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

/// Words that state a choice, for the values a person must say themselves: whole words or
/// phrases, or (ending in `*`) word stems.
const STATED: &[(&str, &[&str])] = &[
    (
        "yes",
        &[
            "yes",
            "attending",
            "attend",
            "coming",
            "accept*",
            "will come",
            "can come",
            "will be there",
            "confirm*",
            "rsvp'd yes",
            "is in",
            "are in",
        ],
    ),
    (
        "no",
        &[
            "no",
            "not coming",
            "can't",
            "cannot",
            "can not",
            "won't",
            "declin*",
            "isn't coming",
            "aren't coming",
            "not attend*",
            "not make it",
            "can't make",
        ],
    ),
    ("maybe", &["maybe", "might", "not sure", "unsure", "tentative*"]),
    ("pending", &["pending", "hasn't replied", "haven't replied", "not replied", "no answer", "no reply", "waiting"]),
];

/// Whether `said` (lowercased, its words in `words`) states a cue of [`STATED`].
fn says(cue: &str, said: &str, words: &[String]) -> bool {
    if let Some(stem) = cue.strip_suffix('*') {
        words.iter().any(|w| w.starts_with(stem))
    } else if cue.contains([' ', '\'']) {
        said.contains(cue)
    } else {
        words.iter().any(|w| w == cue)
    }
}

/// Whether the person stated `value` (one of [`STATED`]'s): one of its cues, and no cue of a
/// choice that contradicts it ("isn't coming" holds "coming", and means no).
fn stated(value: &str, said: &str, words: &[String]) -> bool {
    let hit = |v: &str| {
        STATED.iter().find(|(x, _)| *x == v).is_some_and(|(_, cues)| cues.iter().any(|c| says(c, said, words)))
    };
    let negative = STATED[1].1.iter().filter(|c| c.contains(' ') || c.contains('\'')).any(|c| said.contains(c));
    hit(value) && !(value == "yes" && negative)
}

/// Number words a request may use for a number.
const NUMBER_WORDS: &[(&str, i64)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("dozen", 12),
    ("fifteen", 15),
    ("twenty", 20),
    ("thirty", 30),
    ("fifty", 50),
    ("hundred", 100),
    ("couple", 2),
    ("pair", 2),
    ("plus one", 2),
    ("plus-one", 2),
];

/// Multipliers written after a number ("25k", "25 thousand").
const SCALES: &[(&str, f64)] = &[("k", 1e3), ("thousand", 1e3), ("m", 1e6), ("million", 1e6)];

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace('\u{2019}', "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .map(|w| w.strip_suffix("'s").unwrap_or(w)) // "the DJ's set": the DJ
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The numbers written in `text` as digits ("$1,200.50" → 1200.5, "25k" → 25000) or words.
fn numbers_in(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], '.' | ',') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())))
        {
            i += 1;
        }
        let raw: String = chars[start..i].iter().filter(|c| **c != ',').collect();
        if let Ok(n) = raw.parse::<f64>() {
            out.push(n);
            // A scale right after it ("25k", "25 thousand").
            let rest: String = chars[i..chars.len().min(i + 10)].iter().collect::<String>().to_lowercase();
            let rest = rest.trim_start();
            for (word, scale) in SCALES {
                if rest.strip_prefix(word).is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric())) {
                    out.push(n * scale);
                }
            }
        }
    }
    let lower = text.to_lowercase();
    let ws = words(&lower);
    for (w, n) in NUMBER_WORDS {
        let hit = if w.contains([' ', '-']) { lower.contains(w) } else { ws.iter().any(|x| x == w) };
        if hit {
            out.push(*n as f64);
        }
    }
    out
}

fn type_of(prop: &Value) -> Vec<&str> {
    match prop.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether the words of `value` are in `text` (half of them at least; a word matches one that
/// starts the same way for four letters or more, so "vegetarians" grounds "vegetarian" and "roof"
/// grounds "rooftop").
fn words_grounded(value: &str, text: &[String]) -> bool {
    let near = |a: &str, b: &str| {
        let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        short == long || (short.len() >= 4 && long.starts_with(short))
    };
    let wanted: Vec<String> = words(value).into_iter().filter(|w| w.chars().count() >= 3).collect();
    if wanted.is_empty() {
        return true;
    }
    let found = wanted.iter().filter(|w| text.iter().any(|t| near(w, t))).count();
    found * 2 >= wanted.len()
}

/// Whether word `w` says value `v` ("confirm" says confirmed, "declining" declined).
fn stem_says(v: &str, w: &str) -> bool {
    let stem: String = v.chars().take(6).collect();
    w.starts_with(&stem) || (w.len() >= 5 && stem.starts_with(w))
}

/// Records the facts list with their ids: "element_id 21: Champagne toast (beverage)…",
/// "service_id 4 Late-night pizza (…)", "The event (event_id 3): Clark wedding on …" →
/// (`element_id`, 21, "Champagne toast").
fn entities(facts: &str) -> Vec<(String, f64, String)> {
    let mut out = Vec::new();
    let mut rest = facts;
    while let Some(at) = rest.find("_id ") {
        let key_start = rest[..at].rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
        let key = rest[key_start..at + 3].to_string();
        let after = &rest[at + 4..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        rest = &after[digits.len()..];
        let Ok(id) = digits.parse::<f64>() else { continue };
        let name_start = rest.trim_start_matches([')', ':', ' ']);
        let end = name_start.find(['(', ',', ';', '\n', '—']).unwrap_or(name_start.len());
        let name = name_start[..end].split(" on ").next().unwrap_or("").trim();
        if !key.is_empty() && !name.is_empty() {
            out.push((key, id, name.to_string()));
        }
    }
    out
}

/// Words too common to name a record.
const COMMON: &[&str] = &[
    "the", "and", "for", "our", "you", "can", "please", "with", "from", "this", "that", "add", "set", "mark", "change",
    "event", "list", "all", "new", "one", "to", "of", "on", "in", "a", "an", "is", "it", "be", "we", "my", "me",
];

/// How many of the request's words name `name` ("the DJ" names "DJ package", "pizza" names
/// "Late-night pizza").
fn naming(name: &str, said: &[String]) -> usize {
    words(name)
        .iter()
        .filter(|n| n.chars().count() >= 2 && !COMMON.contains(&n.as_str()))
        .filter(|n| {
            said.iter().any(|w| {
                let (short, long) =
                    if w.len() <= n.len() { (w.as_str(), n.as_str()) } else { (n.as_str(), w.as_str()) };
                short == long || (short.len() >= 4 && long.starts_with(short))
            })
        })
        .count()
}

/// The record of kind `key` the person named: the one whose name shares the most words with
/// what they said, if it is the only one with that many.
fn named(key: &str, known: &[(String, f64, String)], said: &[String]) -> Option<f64> {
    let scored: Vec<(usize, f64)> =
        known.iter().filter(|(k, _, _)| k == key).map(|(_, id, n)| (naming(n, said), *id)).collect();
    let best = scored.iter().map(|(s, _)| *s).max().filter(|s| *s > 0)?;
    let top: Vec<f64> = scored.iter().filter(|(s, _)| *s == best).map(|(_, id)| *id).collect();
    (top.len() == 1).then(|| top[0])
}

/// The value a person chose among an action's few values by their words ("drop the DJ" →
/// remove), when exactly one value's cues are said.
const ACTIONS: &[(&str, &[&str])] = &[
    ("add", &["add", "include", "get", "want", "love", "book", "order", "upgrade"]),
    ("remove", &["remove", "drop", "delete", "cancel", "scrap", "off", "rid", "without", "nix"]),
    (
        "change_quantity",
        &[
            "change", "bump", "increase", "reduce", "lower", "raise", "make", "up", "down", "more", "fewer", "less",
            "instead",
        ],
    ),
];

fn action_said(values: &[&str], said: &[String]) -> Option<&'static str> {
    let hits: Vec<&'static str> = ACTIONS
        .iter()
        .filter(|(v, _)| values.contains(v))
        .filter(|(_, cues)| cues.iter().any(|c| said.iter().any(|w| w == c)))
        .map(|(v, _)| *v)
        .collect();
    match hits.as_slice() {
        [one] => Some(one),
        // "cut the canapés to 45": a number with a change word is a quantity change.
        [..] if hits.contains(&"change_quantity") => Some("change_quantity"),
        _ => None,
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

/// Arguments the model writes in its own words (a message, a note, the text of a form): not
/// checked word by word.
const WRITTEN: &[&str] = &["body", "text", "note", "notes", "reason", "title", "description"];

/// Words that ask for a search rather than name what to search for.
const ASKING: &[&str] = &[
    "find",
    "look",
    "up",
    "search",
    "show",
    "get",
    "message",
    "messages",
    "msg",
    "email",
    "emails",
    "mail",
    "contact",
    "details",
    "client",
    "clients",
    "phone",
    "number",
    "the",
    "for",
    "our",
    "me",
    "a",
    "an",
    "what",
    "what's",
    "whats",
    "who",
    "did",
    "does",
    "any",
    "anything",
    "about",
    "mentioning",
    "mentioned",
    "where",
    "said",
    "say",
    "says",
    "is",
    "of",
    "with",
    "in",
    "to",
    "please",
    "can",
    "you",
    "their",
    "his",
    "her",
    "family",
    "people",
    "info",
    "address",
    "which",
    "that",
    "this",
    "word",
    "words",
    "from",
    "by",
];

/// Whether a capitalised word is a day or a month rather than a name.
fn calendar_word(w: &str) -> bool {
    crate::domain::parse::MONTHS.contains(&w) || crate::domain::when::WEEKDAYS.iter().any(|(d, _)| *d == w)
}

/// Words that start a request with a capital without being a name.
const STARTERS: &[&str] = &[
    "please", "can", "could", "would", "add", "mark", "show", "take", "remove", "drop", "put", "change", "set",
    "update", "let", "tell", "send", "ask", "book", "move", "cancel", "find", "look", "search", "list", "who", "what",
    "when", "where", "how", "is", "are", "do", "does", "did", "my", "our", "the", "we", "hi", "hey", "ok", "okay",
    "yes", "no", "thanks", "and", "also", "just", "for", "in", "on", "make", "give", "get", "delete", "invite", "oh",
    "so", "actually", "i", "i'm", "i'll", "i've", "i'd",
];

/// The names a person wrote: capitalised words that are not days, months or a request's
/// opening word ("Tom is bringing three" → "Tom"; "Please add Dana Lee" → "Dana Lee").
fn names_said(said: &str) -> Option<String> {
    let first_line = said.lines().next().unwrap_or("");
    let clean = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s")).unwrap_or(w).to_string()
    };
    let names: Vec<String> = first_line
        .split_whitespace()
        .map(clean)
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter(|w| {
            let l = w.to_lowercase();
            !ASKING.contains(&l.as_str()) && !calendar_word(&l) && !STARTERS.contains(&l.as_str())
        })
        .collect();
    (!names.is_empty()).then(|| names.join(" "))
}

/// What a search is for, in the person's words: the names they wrote, else what is left once
/// the words that ask for a search are gone ("Look up Dan Okoye's contact details" → "Dan Okoye").
fn salient(said: &str) -> Option<String> {
    if let Some(names) = names_said(said) {
        return Some(names);
    }
    let first_line = said.lines().next().unwrap_or("");
    let rest: Vec<String> = first_line
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty() && !ASKING.contains(&w.as_str()) && !STARTERS.contains(&w.as_str()))
        .collect();
    (!rest.is_empty()).then(|| rest.join(" "))
}

/// Whether a search's words are the person's: those that are not asking words ("search",
/// "messages": a small model writes its tool's name) must be there, and there must be some.
fn query_grounded(query: &str, said: &[String]) -> bool {
    let content: Vec<String> =
        words(&query.replace('_', " ")).into_iter().filter(|w| !ASKING.contains(&w.as_str()) && w.len() >= 3).collect();
    !content.is_empty() && words_grounded(&content.join(" "), said)
}

/// Times said, as (hour 0–23, minute): "1pm", "4 o'clock", "at 2", "10:30", "noon".
fn times_said(said: &str) -> Vec<(u32, u32)> {
    let lower = said.to_lowercase();
    let mut out = Vec::new();
    if lower.contains("noon") {
        out.push((12, 0));
    }
    let ws: Vec<&str> = lower.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    for (i, w) in ws.iter().enumerate() {
        let next = ws.get(i + 1).copied().unwrap_or("");
        let (num, suffix) = match w.find(|c: char| !c.is_ascii_digit() && c != ':') {
            Some(p) => (&w[..p], &w[p..]),
            None => (*w, ""),
        };
        if num.is_empty() || !num.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        let (h, m) = match num.split_once(':') {
            Some((h, m)) => (h.parse::<u32>().ok(), m.parse::<u32>().ok()),
            None => (num.parse::<u32>().ok(), Some(0)),
        };
        let (Some(h), Some(m)) = (h, m) else { continue };
        let marker = if suffix.is_empty() { next } else { suffix };
        let prev = if i > 0 { ws[i - 1] } else { "" };
        let hour = if marker.starts_with("pm") || marker.starts_with("p.m") {
            (h % 12) + 12
        } else if marker.starts_with("am") || marker.starts_with("a.m") {
            h % 12
        } else if marker.starts_with("o'clock")
            || num.contains(':')
            || matches!(prev, "at" | "the" | "do" | "to" | "for")
        {
            // Without am/pm, a venue's hours: 1 to 7 are afternoon.
            if (1..=7).contains(&h) {
                h + 12
            } else {
                h
            }
        } else {
            continue;
        };
        if hour < 24 && m < 60 {
            out.push((hour, m));
        }
    }
    out
}

/// The times the facts list with their `starts_at` ("1:00 PM (starts_at 2026-11-28T18:00:00Z)").
fn slots(facts: &str) -> Vec<((u32, u32), String)> {
    let mut out = Vec::new();
    let mut rest = facts;
    while let Some(at) = rest.find("(starts_at ") {
        let before = &rest[..at];
        let value: String = rest[at + 11..].chars().take_while(|c| *c != ')').collect();
        // The time written just before it ("…, 1:00 PM (starts_at …)").
        let tail_start = before.char_indices().rev().nth(11).map_or(0, |(i, _)| i);
        if let Some(hm) = times_said(&before[tail_start..]).last() {
            out.push((*hm, value.trim().to_string()));
        }
        rest = &rest[at + 11..];
    }
    out
}

/// Which slot of the facts' list the person chose: by its time, or by its place ("the second one").
fn slot_said(said: &str, listed: &[((u32, u32), String)]) -> Option<String> {
    if listed.is_empty() {
        return None;
    }
    let times = times_said(said);
    if let Some(hit) = listed.iter().find(|(t, _)| times.contains(t)) {
        return Some(hit.1.clone());
    }
    let ws = words(said);
    let place = [("first", 0usize), ("second", 1), ("third", 2), ("fourth", 3)]
        .iter()
        .find(|(w, _)| ws.iter().any(|x| x == w))
        .map(|(_, i)| *i)
        .or_else(|| ws.iter().any(|x| x == "last").then(|| listed.len() - 1));
    place.and_then(|i| listed.get(i)).map(|(_, v)| v.clone())
}

/// Checks the model's `args` against `said` (the person's words: this message, then the one
/// before it) and `facts` (the system prompt and the turn's earlier tool results), and drops or
/// fixes what is not grounded. `schema` is the tool's argument schema; `today` is the venue's.
pub fn arguments(schema: &Value, args: &mut Map<String, Value>, said: &str, facts: &str, today: NaiveDate) {
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
            Value::Number(_) if key.ends_with("_id") && known.iter().any(|(k, _, _)| *k == key) => true,
            Value::Number(n) => {
                let n = n.as_f64().unwrap_or(f64::NAN);
                if key.ends_with("_id") {
                    // No record of its kind is listed: an id the person gave, or one the facts
                    // name as this kind ("client_id 57").
                    said_numbers.contains(&n) || facts.contains(&format!("{key} {n}"))
                } else {
                    said_numbers.contains(&n)
                }
            }
            Value::String(_) if month.is_some() && (key == "from" || key == "to") => true,
            // A moment is one the facts list (a free slot), or the model's own reading of the
            // request's time, which the tool checks against the free slots.
            Value::String(s) if prop.get("format").and_then(Value::as_str) == Some("date-time") => {
                facts.contains(s.get(..16).unwrap_or(s)) || !times_said(&said).is_empty()
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
            _ => true,
        };
        if !keep && optional {
            tracing::debug!(argument = %key, value = %value, "argument not grounded in the request: dropped");
            args.remove(&key);
        }
    }
    if let Some(props) = props {
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

#[cfg(test)]
mod tests {
    use super::*;
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
        arguments(&schema(), &mut m, said, facts, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        Value::Object(m)
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
            arguments(&schema, &mut m, said, facts, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
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
