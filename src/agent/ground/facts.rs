//! The records and time slots the agent's facts list, and which of them a person named.

use super::said::{times_said, words};

/// Records the facts list with their ids: "element_id 21: Champagne toast (beverage)…",
/// "service_id 4 Late-night pizza (…)", "The event (event_id 3): Clark wedding on …" →
/// (`element_id`, 21, "Champagne toast").
pub(super) fn entities(facts: &str) -> Vec<(String, f64, String)> {
    let mut out = Vec::new();
    let mut rest = facts;
    while let Some(at) = rest.find("_id ") {
        let key_start = rest[..at].rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
        let key = rest[key_start..at + 3].to_string();
        let after = &rest[at + 4..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        rest = &after[digits.len()..];
        let Ok(id) = digits.parse::<f64>() else { continue };
        // "Leo Brandt (guest_id 318, party of 2)", "Champagne toast (element_id 21) requested":
        // the name is the one before the brackets (but "The event (event_id 3): Clark wedding").
        let before = facts[..facts.len() - after.len() - key.len() - 1].trim_end();
        if let Some(head) = before.strip_suffix('(').filter(|_| !rest.starts_with("):")) {
            let from = head.rfind([',', ';', ':', '\n', ')']).map_or(0, |i| i + 1);
            let name = head[from..].trim();
            let name = name.strip_prefix("and ").unwrap_or(name).trim();
            if !key.is_empty() && !name.is_empty() && name.len() <= 60 {
                out.push((key, id, name.to_string()));
            }
            continue;
        }
        // "appointment_id 53, Menu tasting with the Patel family on …": the name after the comma.
        let name_start = rest.trim_start_matches([')', ':', ' ']);
        let name_start = name_start.strip_prefix(", ").unwrap_or(name_start);
        let end = name_start.find(['(', ',', ';', '\n', '—']).unwrap_or(name_start.len());
        let name = name_start[..end].split(" on ").next().unwrap_or("").trim();
        // What the record is, written after its name in brackets, names it too ("Spin City DJs
        // (music)", "Bloom & Branch (florist)": "the florist").
        let kind = name_start[end..]
            .strip_prefix('(')
            .and_then(|r| r.split_once(')'))
            .map(|(k, _)| k.trim_matches(['“', '”', ' ']))
            .filter(|k| k.len() <= 40 && !k.contains('\n'));
        if !key.is_empty() && !name.is_empty() {
            out.push((key, id, kind.map_or_else(|| name.to_string(), |k| format!("{name} {k}"))));
        }
    }
    for value in results(facts) {
        records(&value, None, &mut out);
    }
    carried(facts, &mut out);
    out
}

/// The items of a list written compactly, whose kind only its first item says: "Champagne toast
/// (element_id 21) requested, Plated dinner (22) confirmed, Wedding cake (26) requested" lists
/// elements 22 and 26 too. A bare number in brackets after a name is of the kind the line's
/// first record is, when the line has one.
fn carried(facts: &str, out: &mut Vec<(String, f64, String)>) {
    for line in facts.lines() {
        let Some(key) = line.find("_id ").and_then(|at| {
            let head = &line[..at];
            let start = head.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
            // Only a kind written in brackets ("(element_id 21)") starts such a list.
            (start > 0 && line[..start].ends_with('(')).then(|| format!("{}_id", &head[start..]))
        }) else {
            continue;
        };
        let mut rest = line;
        while let Some(open) = rest.find('(') {
            let after = &rest[open + 1..];
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            let closed = !digits.is_empty() && after[digits.len()..].starts_with(')');
            if let (true, Ok(id)) = (closed, digits.parse::<f64>()) {
                let head = rest[..open].trim_end();
                let from = head.rfind([',', ';', ':', ')']).map_or(0, |i| i + 1);
                let name = head[from..].trim();
                let name = name.strip_prefix("and ").unwrap_or(name).trim();
                let listed = out.iter().any(|(k, n, _)| *k == key && *n == id);
                if !name.is_empty() && name.len() <= 60 && !listed {
                    out.push((key.clone(), id, name.to_string()));
                }
            }
            rest = after;
        }
    }
}

/// The earlier tool results among the facts: each is one line of JSON (a result cut to size no
/// longer parses, and is read as text only).
fn results(facts: &str) -> impl Iterator<Item = serde_json::Value> + '_ {
    facts
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('{') || l.starts_with('['))
        .filter_map(|l| serde_json::from_str(l).ok())
}

/// The records of a tool result, as [`entities`] lists them: an object with a `*_id` number, or
/// an `id` under a key naming its kind (`"elements": [{"id": 21, …}]` → `element_id`, `"event":
/// {"id": 3, …}` → `event_id`), named by
/// its short texts ({"appointment_id": 53, "type": "Menu tasting", "client": "Patel family"} →
/// "Menu tasting Patel family").
fn records(value: &serde_json::Value, list: Option<&str>, out: &mut Vec<(String, f64, String)>) {
    use serde_json::Value;
    match value {
        Value::Array(items) => items.iter().for_each(|v| records(v, list, out)),
        Value::Object(map) => {
            let own = list
                .map(|l| l.strip_suffix('s').unwrap_or(l))
                .and_then(|kind| map.get("id").and_then(Value::as_f64).map(|id| (format!("{kind}_id"), id)));
            let keyed = map
                .iter()
                .filter(|(k, _)| k.ends_with("_id") && !map.contains_key(k.trim_end_matches("_id")))
                .find_map(|(k, v)| v.as_f64().map(|id| (k.clone(), id)));
            // The texts that name it: short ones that are not a time or a date.
            let name: Vec<&str> = map
                .iter()
                .filter(|(k, _)| {
                    !["status", "when", "date", "due", "starts_at", "sent_at", "body", "rsvp"].contains(&k.as_str())
                })
                .filter_map(|(_, v)| v.as_str())
                .filter(|t| t.len() <= 60 && !t.starts_with(|c: char| c.is_ascii_digit()))
                .collect();
            if let Some((key, id)) = own.or(keyed).filter(|_| !name.is_empty()) {
                out.push((key, id, name.join(" ")));
            }
            for (k, v) in map {
                if matches!(v, Value::Array(_) | Value::Object(_)) {
                    records(v, Some(k), out);
                }
            }
        }
        _ => {}
    }
}

/// Words too common to name a record.
pub(super) const COMMON: &[&str] = &[
    "the", "and", "for", "our", "you", "can", "please", "with", "from", "this", "that", "add", "set", "mark", "change",
    "event", "list", "all", "new", "one", "to", "of", "on", "in", "a", "an", "is", "it", "be", "we", "my", "me",
];

/// How many of the request's words name `name` ("the DJ" names "DJ package", "pizza" names
/// "Late-night pizza").
pub(super) fn naming(name: &str, said: &[String]) -> usize {
    words(name)
        .iter()
        .filter(|n| n.chars().count() >= 2 && !COMMON.contains(&n.as_str()))
        .filter(|n| {
            said.iter().any(|w| {
                let (short, long) =
                    if w.len() <= n.len() { (w.as_str(), n.as_str()) } else { (n.as_str(), w.as_str()) };
                // "DJ" names "DJs"; four letters or more name a longer word ("roof", "rooftop").
                short == long || long.strip_suffix('s') == Some(short) || (short.len() >= 4 && long.starts_with(short))
            })
        })
        .count()
}

/// The record of kind `key` the person named: the one whose name shares the most words with
/// what they said, if it is the only one with that many.
pub(super) fn named(key: &str, known: &[(String, f64, String)], said: &[String]) -> Option<f64> {
    let scored: Vec<(usize, f64)> =
        known.iter().filter(|(k, _, _)| k == key).map(|(_, id, n)| (naming(n, said), *id)).collect();
    let best = scored.iter().map(|(s, _)| *s).max().filter(|s| *s > 0)?;
    let top: Vec<f64> = scored.iter().filter(|(s, _)| *s == best).map(|(_, id)| *id).collect();
    (top.len() == 1).then(|| top[0])
}

/// The times the facts list with their `starts_at`: "1:00 PM (starts_at 2026-11-28T18:00:00Z)",
/// or a free-times result's `{"starts_at": "2026-11-28T18:00:00Z", "local": "1:00 PM"}`.
pub(super) fn slots(facts: &str) -> Vec<((u32, u32), String)> {
    let mut out = Vec::new();
    for value in results(facts) {
        let slots = value.get("slots").and_then(serde_json::Value::as_array).cloned().unwrap_or_default();
        for slot in slots {
            let (Some(at), Some(local)) = (slot["starts_at"].as_str(), slot["local"].as_str()) else { continue };
            if let Some(hm) = times_said(local).first() {
                out.push((*hm, at.to_string()));
            }
        }
    }
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
pub(super) fn slot_said(said: &str, listed: &[((u32, u32), String)]) -> Option<String> {
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
