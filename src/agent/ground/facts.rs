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
        let name_start = rest.trim_start_matches([')', ':', ' ']);
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
    out
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

/// The times the facts list with their `starts_at` ("1:00 PM (starts_at 2026-11-28T18:00:00Z)").
pub(super) fn slots(facts: &str) -> Vec<((u32, u32), String)> {
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
