//! Answers that state only what the tools returned.
//!
//! - [`compose`]: on the small embedded model the answer after a tool is written from the tool's
//!   result, not by the model: a 135M model restating a guest count or a contract total gets the
//!   number wrong often enough to make every answer suspect. The result is shown as Markdown
//!   under the tool's one-line summary; a failed call says why, and a name that matched several
//!   records becomes a question with the choices.
//! - [`ungrounded`]: the numbers, amounts and dates of any model's answer that none of its
//!   sources hold (the tools' results, the person's words, the facts the agent was given). The
//!   chat notes them under a hosted model's answer.

use chrono::NaiveDate;
use serde_json::Value;

/// Items of a list shown at most.
const LIST_MAX: usize = 25;
/// Fields of a record shown at most.
const FIELDS_MAX: usize = 12;

fn label(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A scalar as people read it; `None` for what is not worth a line (null, empty).
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().replace('\n', " ")),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.into()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Whether a key is an internal id (shown to the model, not to people).
fn hidden(key: &str) -> bool {
    key == "id" || key.ends_with("_id") || key == "more"
}

/// The fields that name a record, in the order one is picked as its title.
const TITLES: &[&str] = &["name", "title", "label", "description", "type", "subject"];

/// One record on one line: its title first (a name, a title), then its other scalar fields.
fn line(item: &Value) -> String {
    match item {
        Value::Object(map) => {
            let title = TITLES.iter().find_map(|t| map.get(*t).and_then(scalar).map(|s| (*t, s)));
            let mut parts: Vec<String> = title.iter().map(|(_, s)| format!("**{s}**")).collect();
            parts.extend(
                map.iter()
                    .filter(|(k, _)| !hidden(k) && title.as_ref().is_none_or(|(t, _)| *t != k.as_str()))
                    .filter_map(|(k, v)| scalar(v).map(|s| format!("{}: {s}", label(k).to_lowercase())))
                    .take(FIELDS_MAX),
            );
            parts.join(" · ")
        }
        v => scalar(v).unwrap_or_default(),
    }
}

fn render(key: Option<&str>, v: &Value, out: &mut String) {
    match v {
        Value::Array(items) if items.is_empty() => {
            if let Some(k) = key {
                out.push_str(&format!("- {}: none\n", label(k)));
            }
        }
        Value::Array(items) => {
            if let Some(k) = key {
                out.push_str(&format!("\n**{}**\n", label(k)));
            }
            for item in items.iter().take(LIST_MAX) {
                out.push_str(&format!("- {}\n", line(item)));
            }
            if items.len() > LIST_MAX {
                out.push_str(&format!("- … and {} more\n", items.len() - LIST_MAX));
            }
        }
        Value::Object(map) => {
            if let Some(k) = key {
                out.push_str(&format!("\n**{}**\n", label(k)));
            }
            // Scalars first, then lists and records.
            for (k, v) in map.iter().filter(|(k, v)| !hidden(k) && !v.is_array() && !v.is_object()) {
                if let Some(s) = scalar(v) {
                    out.push_str(&format!("- {}: {s}\n", label(k)));
                }
            }
            for (k, v) in map.iter().filter(|(k, v)| !hidden(k) && (v.is_array() || v.is_object())) {
                render(Some(k), v, out);
            }
        }
        v => {
            if let Some(s) = scalar(v) {
                out.push_str(&format!("{s}\n"));
            }
        }
    }
}

/// The answer after a tool, from its result: the summary, then the result as Markdown; an error
/// as a sentence, a choice between records as a question.
pub fn compose(summary: &str, result: &Value) -> String {
    if let Some(error) = result.get("error").and_then(Value::as_str) {
        return failure(error);
    }
    let mut out = String::new();
    let summary = summary.trim();
    if !summary.is_empty() {
        out.push_str(summary);
        if !summary.ends_with(['.', '!', '?', ':']) {
            out.push('.');
        }
        out.push_str("\n\n");
    }
    render(None, result, &mut out);
    out.trim_end().to_string()
}

/// A failed call as the person should read it: a question when the tool found several records
/// or none by the name given ("Several guests match "Priya": A, B. Ask which one.").
fn failure(error: &str) -> String {
    if let Some(rest) = error.strip_prefix("Several ") {
        // "{what}s match \"{asked}\": {choices}. Ask which one."
        if let Some((head, choices)) = rest.split_once("\": ") {
            let choices = choices.trim_end_matches(". Ask which one.").trim_end_matches('.');
            let what = head.split(" match").next().unwrap_or("");
            let what = what.strip_suffix('s').unwrap_or(what);
            let asked = head.split('"').nth(1).unwrap_or("");
            let list: Vec<&str> = choices.split(", ").collect();
            let options = match list.as_slice() {
                [] => String::new(),
                [one] => one.to_string(),
                [init @ .., last] => format!("{} or {last}", init.join(", ")),
            };
            return format!("Which {what} do you mean by \"{asked}\": {options}?");
        }
    }
    if error.starts_with("No ") && error.contains("The choices: ") {
        let (head, choices) = error.split_once("The choices: ").unwrap_or((error, ""));
        return format!("{} Did you mean one of these: {}?", head.trim(), choices.trim_end_matches('.'));
    }
    // A required argument the request did not give: ask for it.
    if let Some(field) = error.split('`').nth(1).filter(|_| error.ends_with("` is required")) {
        return format!("What {} should I use?", field.replace('_', " "));
    }
    format!("I couldn't do that: {}.", error.trim_end_matches('.'))
}

/// The numbers in `text` with how they were written ("$1,200.00" → 1200, "25k" → 25000),
/// leaving out what is not a fact worth checking: the parts of a date or a time ("2026-12-12",
/// "17:00", "11 am"), a list's numbering ("3." or "3)" first on a line) and a reference ("#12").
fn numbers(text: &str) -> Vec<(f64, String, usize)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let digit = |j: usize| chars.get(j).is_some_and(|(_, c)| c.is_ascii_digit());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].1.is_ascii_digit() || (matches!(chars[i].1, ',' | '.') && digit(i + 1))) {
            i += 1;
        }
        let raw: String = chars[start..i].iter().map(|(_, c)| c).collect();
        let before = start.checked_sub(1).map(|j| chars[j].1);
        let after = chars.get(i).map(|(_, c)| *c);
        // Joined to another number by a date's or a time's separator.
        let joined_before = matches!(before, Some('-' | ':' | '/')) && start >= 2 && digit(start - 2);
        let joined_after = matches!(after, Some('-' | ':' | '/')) && digit(i + 1);
        let rest: String = chars[i..chars.len().min(i + 12)].iter().map(|(_, c)| c).collect::<String>().to_lowercase();
        let rest = rest.trim_start();
        let time = ["am", "pm", "a.m", "p.m", "o'clock"].iter().any(|t| rest.starts_with(t));
        let line_start = text[..chars[start].0].rsplit('\n').next().is_some_and(|l| l.trim().is_empty());
        let numbering = line_start && matches!(after, Some('.' | ')'));
        if joined_before || joined_after || time || numbering || before == Some('#') {
            continue;
        }
        if let Ok(n) = raw.replace(',', "").parse::<f64>() {
            let scale = [("k", 1e3), ("thousand", 1e3), ("m", 1e6), ("million", 1e6)]
                .iter()
                .find(|(w, _)| rest.strip_prefix(w).is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric())))
                .map_or(1.0, |(_, s)| *s);
            out.push((n * scale, raw, chars[start].0));
        }
    }
    out
}

/// The numbers of `text` that are quantities: not parts of dates or times, not list numbering,
/// not references (what a person means by "make it 140").
pub fn plain_numbers(text: &str) -> Vec<f64> {
    let today = chrono::Utc::now().date_naive();
    let written = crate::domain::assist::find::dates(text, today);
    numbers(text)
        .into_iter()
        .filter(|(_, _, at)| !written.iter().any(|(_, s, e)| (*s..*e).contains(at)))
        .map(|(n, _, _)| n)
        .collect()
}

/// Every number a source holds: in JSON, its number leaves and the numbers in its strings; in
/// text, its numbers; and the year, month and day of its dates.
fn known_numbers(sources: &[&str], today: NaiveDate) -> Vec<f64> {
    fn text(s: &str, today: NaiveDate, out: &mut Vec<f64>) {
        use chrono::Datelike;
        out.extend(numbers(s).into_iter().map(|(n, _, _)| n));
        for d in crate::domain::when::dates_in(s, today) {
            out.extend([f64::from(d.year()), f64::from(d.month()), f64::from(d.day())]);
        }
    }
    fn leaves(v: &Value, today: NaiveDate, out: &mut Vec<f64>) {
        match v {
            Value::Number(n) => out.extend(n.as_f64()),
            Value::String(s) => text(s, today, out),
            // How many a list holds is a fact of the result too ("27 times free").
            Value::Array(a) => {
                out.push(a.len() as f64);
                a.iter().for_each(|x| leaves(x, today, out))
            }
            Value::Object(m) => m.values().for_each(|x| leaves(x, today, out)),
            _ => {}
        }
    }
    let mut known = Vec::new();
    for s in sources {
        match serde_json::from_str::<Value>(s) {
            Ok(v @ (Value::Object(_) | Value::Array(_))) => leaves(&v, today, &mut known),
            _ => text(s, today, &mut known),
        }
    }
    // Amounts in cents in a result are dollars in an answer.
    let dollars: Vec<f64> = known.iter().map(|n| n / 100.0).collect();
    known.extend(dollars);
    known
}

/// The facts of `answer` that no source holds: numbers (amounts too) and dates. Small numbers
/// (0 to 10) are left out: "two of them" and "1 more" are how people write.
pub fn ungrounded(answer: &str, sources: &[&str], today: NaiveDate) -> Vec<String> {
    let known = known_numbers(sources, today);
    let source_dates: Vec<NaiveDate> = sources.iter().flat_map(|s| crate::domain::when::dates_in(s, today)).collect();
    let written = crate::domain::assist::find::dates(answer, today);
    let mut missing: Vec<String> = Vec::new();
    for (n, raw, at) in numbers(answer) {
        let in_date = written.iter().any(|(_, s, e)| (*s..*e).contains(&at));
        if in_date || n <= 10.0 || known.iter().any(|k| (k - n).abs() < 0.005) {
            continue;
        }
        missing.push(raw);
    }
    for d in crate::domain::when::dates_in(answer, today) {
        if !source_dates.contains(&d) && !sources.iter().any(|s| s.contains(&d.to_string())) {
            missing.push(d.format("%B %-d, %Y").to_string());
        }
    }
    let mut seen = std::collections::HashSet::new();
    missing.retain(|m| seen.insert(m.clone()));
    missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_result_becomes_an_answer() {
        let result = json!({
            "total_guests": 3, "attending_people": 4, "more": 0,
            "shown": [
                {"guest_id": 7, "name": "Priya Shah", "rsvp": "yes", "party_size": 2, "dietary": "vegetarian"},
                {"guest_id": 8, "name": "Tom Baker", "rsvp": "no", "party_size": 1, "dietary": null},
            ],
        });
        let a = compose("3 guests", &result);
        assert!(a.starts_with("3 guests.\n\n"), "{a}");
        assert!(a.contains("- Total guests: 3"), "{a}");
        assert!(a.contains("- **Priya Shah** · dietary: vegetarian · party size: 2 · rsvp: yes"), "{a}");
        assert!(!a.contains("guest_id") && !a.contains('7'), "ids are not shown: {a}");
        assert!(ungrounded(&a, &[&result.to_string()], NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).is_empty());
    }

    #[test]
    fn failures_read_as_sentences_and_questions() {
        assert_eq!(
            compose("", &json!({"error": "Several guests match \"Priya\": Priya Shah, Priya Patel. Ask which one."})),
            "Which guest do you mean by \"Priya\": Priya Shah or Priya Patel?"
        );
        assert_eq!(
            compose(
                "",
                &json!({"error": "No space is called \"the roof\". The choices: Grand Ballroom, Rooftop Terrace."})
            ),
            "No space is called \"the roof\". Did you mean one of these: Grand Ballroom, Rooftop Terrace?"
        );
        assert_eq!(
            compose("", &json!({"error": "not found, or not yours to see"})),
            "I couldn't do that: not found, or not yours to see."
        );
    }

    #[test]
    fn facts_not_in_the_sources_are_caught() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let result = r#"{"total_guests":96,"attending_people":71,"budget":"$28,000.00","date":"2026-12-12","paid_cents":500000}"#;
        let ok = "You have 96 guests invited and 71 attending; the budget is $28,000.00 and the wedding is on December 12. Paid: $5,000.";
        assert_eq!(ungrounded(ok, &[result], today), Vec::<String>::new());
        let wrong = "You have 120 guests attending, on December 14.";
        assert_eq!(ungrounded(wrong, &[result], today), ["120", "December 14, 2026"]);
        assert!(ungrounded("Here are 3 options: 1. pizza 2. tacos", &[result], today).is_empty(), "small numbers");
        assert!(ungrounded("Add 140 guests", &[result, "make it 140"], today).is_empty(), "the person said it");
        let list = "Your milestones:\n11. Deposit at 11 am\n12) Final on 2026-12-12 at 17:00, ref #4411";
        assert!(ungrounded(list, &[result], today).is_empty(), "numbering, times, ISO dates, references");
        assert!(ungrounded("a budget of $28k in your 2026 wedding", &[result], today).is_empty(), "k, a date's year");
        assert_eq!(ungrounded("120 guests, 120 chairs", &[result], today), ["120"], "each once");
    }
}
