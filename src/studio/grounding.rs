//! Check and repair of the model's prose: a sentence is kept only when every number and every
//! name in it (a capitalised word that does not start the sentence) is in what the model was
//! given (the facts, the brief, the feedback, the last version, the instructions); a sentence
//! said twice is kept once. The embedded model invents freely ("Wednesday, January 20th at the
//! library lobby in Santa Maria del Mar"); what it invents is dropped, not shown to a client.
//!
//! Written here rather than shared with the chat's grounding (`agent::answer`): that one checks a
//! reply against a tool's JSON result, field by field; this one checks free prose against text.

use std::collections::HashSet;

/// The words and digit runs of `sources`, lowercased, that a sentence may use.
pub struct Known {
    words: HashSet<String>,
    numbers: HashSet<String>,
}

impl Known {
    pub fn new<'a>(sources: impl IntoIterator<Item = &'a str>) -> Self {
        let mut words = HashSet::new();
        let mut numbers = HashSet::new();
        for s in sources {
            for w in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
                words.insert(w.to_lowercase());
            }
            numbers.extend(digit_runs(s));
        }
        Self { words, numbers }
    }

    /// Whether every number and name of `sentence` is known.
    fn grounded(&self, sentence: &str) -> bool {
        if digit_runs(sentence).iter().any(|n| !self.numbers.contains(n)) {
            return false;
        }
        let mut first = true;
        for raw in sentence.split_whitespace() {
            // Hashtags and @handles are the post's own; markdown marks are not words.
            if raw.starts_with('#') || raw.starts_with('@') {
                first = false;
                continue;
            }
            for w in raw.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
                let capital = w.chars().next().is_some_and(char::is_uppercase);
                if capital && !first && w.chars().count() > 1 && !self.words.contains(&w.to_lowercase()) {
                    return false;
                }
                first = false;
            }
        }
        true
    }
}

/// Runs of digits, without leading zeros ("07:30" → "7", "30"; "2026" → "2026").
fn digit_runs(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .map(|r| {
            let t = r.trim_start_matches('0');
            if t.is_empty() {
                "0".to_string()
            } else {
                t.to_string()
            }
        })
        .collect()
}

/// Splits a line into sentences, keeping each one's end mark.
fn sentences(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes: Vec<(usize, char)> = line.char_indices().collect();
    for (i, &(at, c)) in bytes.iter().enumerate() {
        let next_is_space = bytes.get(i + 1).is_none_or(|(_, n)| n.is_whitespace());
        if matches!(c, '.' | '!' | '?') && next_is_space {
            let end = at + c.len_utf8();
            out.push(&line[start..end]);
            start = end;
        }
    }
    if start < line.len() {
        out.push(&line[start..]);
    }
    out.into_iter().map(str::trim).filter(|s| !s.is_empty()).collect()
}

/// The prose with ungrounded and repeated sentences removed (lines and paragraphs kept), and how
/// many sentences were dropped.
pub fn repair(prose: &str, known: &Known) -> (String, usize) {
    let mut seen: HashSet<String> = HashSet::new();
    let mut dropped = 0;
    let mut lines: Vec<String> = Vec::new();
    for line in prose.lines() {
        if line.trim().is_empty() {
            if lines.last().is_some_and(|l| !l.is_empty()) {
                lines.push(String::new());
            }
            continue;
        }
        // A code fence or a table row is the model's formatting, never a claim worth keeping.
        if line.trim_start().starts_with("```") || line.trim_start().starts_with('|') {
            dropped += 1;
            continue;
        }
        let mut kept: Vec<&str> = Vec::new();
        for s in sentences(line) {
            let key: String = s
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if known.grounded(s) && seen.insert(key) {
                kept.push(s);
            } else {
                dropped += 1;
            }
        }
        if !kept.is_empty() {
            // A list item's marker stays with its text.
            let marker: String = line.chars().take_while(|c| c.is_whitespace()).collect();
            lines.push(format!("{marker}{}", kept.join(" ")));
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    (lines.join("\n"), dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        Known::new([
            "- Venue: Harbor Hall\n- Event: Emma & Daniel's Wedding (Confirmed)\n- Date: Thursday, December 17, 2026\n- Time: 4:00 PM to 11:00 PM\n- Space: Garden Terrace\n- Guests expected: 110",
            "Mention the terrace ceremony.",
        ])
    }

    #[test]
    fn invented_names_dates_and_numbers_are_dropped() {
        let prose = "Thank you for choosing Harbor Hall. The ceremony starts at 4:00 PM on the Garden Terrace. \
                     It will be held on Wednesday, January 20th at the Oceanview Estate. We expect 40 guests.";
        let (kept, dropped) = repair(prose, &known());
        assert_eq!(kept, "Thank you for choosing Harbor Hall. The ceremony starts at 4:00 PM on the Garden Terrace.");
        assert_eq!(dropped, 2);
    }

    #[test]
    fn repeats_fences_and_tables_go_but_paragraphs_and_lists_stay() {
        let prose = "We look forward to Thursday.\n\nWe look forward to Thursday.\n```\n| a | b |\n- The terrace is ready.\n- The terrace is ready!";
        let (kept, _) = repair(prose, &known());
        assert_eq!(kept, "We look forward to Thursday.\n\n- The terrace is ready.");
    }

    #[test]
    fn hashtags_and_sentence_starts_are_the_writers_own() {
        let (kept, dropped) = repair("Summer is here on the Garden Terrace! #Weddings #HarborHall", &known());
        assert_eq!((kept.as_str(), dropped), ("Summer is here on the Garden Terrace! #Weddings #HarborHall", 0));
        assert_eq!(digit_runs("07:30 on 2026"), vec!["7", "30", "2026"]);
    }
}
