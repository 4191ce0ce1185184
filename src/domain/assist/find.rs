//! Finding values in a text: folding for comparison (case, typographic quotes and dashes,
//! whitespace) with each character's place in the original, and the finders for numbers,
//! amounts, phones and written dates that grounding checks a model's answer against.

use crate::domain::parse;
use chrono::NaiveDate;

/// Text folded for comparison (lowercase, typographic quotes and dashes made plain, runs of
/// whitespace made one space), with each folded character's byte range in the original.
pub(super) struct Folded<'a> {
    pub(super) original: &'a str,
    pub(super) chars: Vec<char>,
    pub(super) spans: Vec<(usize, usize)>,
}

fn fold_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' => '"',
        '\u{2013}' | '\u{2014}' => '-',
        c => c,
    }
}

pub(super) fn fold_str(s: &str) -> String {
    Folded::new(s).chars.into_iter().collect()
}

impl<'a> Folded<'a> {
    pub(super) fn new(original: &'a str) -> Self {
        let mut chars = Vec::with_capacity(original.len());
        let mut spans = Vec::with_capacity(original.len());
        let mut space = true;
        for (i, c) in original.char_indices() {
            let end = i + c.len_utf8();
            if c.is_whitespace() {
                if !space {
                    chars.push(' ');
                    spans.push((i, end));
                    space = true;
                }
                continue;
            }
            space = false;
            for l in fold_char(c).to_lowercase() {
                chars.push(l);
                spans.push((i, end));
            }
        }
        if chars.last() == Some(&' ') {
            chars.pop();
            spans.pop();
        }
        Self { original, chars, spans }
    }

    pub(super) fn range(&self, at: usize, len: usize) -> (usize, usize) {
        (self.spans[at].0, self.spans[at + len - 1].1)
    }

    /// The first occurrence of `needle`, anywhere.
    pub(super) fn find(&self, needle: &Folded) -> Option<(usize, usize)> {
        let n = needle.chars.len();
        if n == 0 || n > self.chars.len() {
            return None;
        }
        self.chars.windows(n).position(|w| w == needle.chars.as_slice()).map(|at| self.range(at, n))
    }

    /// The first occurrence of `needle` that starts and ends at word boundaries.
    pub(super) fn find_word(&self, needle: &str) -> Option<(usize, usize)> {
        let needle: Vec<char> = Folded::new(needle).chars;
        let n = needle.len();
        if n == 0 || n > self.chars.len() {
            return None;
        }
        let boundary = |i: Option<&char>| i.is_none_or(|c| !c.is_alphanumeric());
        (0..=self.chars.len() - n)
            .find(|&at| {
                self.chars[at..at + n] == needle[..]
                    && (!needle[0].is_alphanumeric() || at == 0 || boundary(self.chars.get(at - 1)))
                    && (!needle[n - 1].is_alphanumeric() || boundary(self.chars.get(at + n)))
            })
            .map(|at| self.range(at, n))
    }
}

pub(super) struct Number {
    pub(super) value: i64,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Written as money (`$12,000`, `12k`).
    pub(super) money: bool,
}

/// The digits of a number written with thousands separators (`1,200`), from `at`; and its end.
fn digit_run(bytes: &[u8], at: usize) -> (String, usize) {
    let mut digits = String::new();
    let mut i = at;
    while i < bytes.len()
        && (bytes[i].is_ascii_digit() || (bytes[i] == b',' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
    {
        if bytes[i] != b',' {
            digits.push(bytes[i] as char);
        }
        i += 1;
    }
    (digits, i)
}

/// Whole numbers in a text (`1,200` is one number), with where they are. Numbers joined to
/// other digits by `-`, `/`, `:` or `.` are parts of phones, dates and times, not counts.
pub(super) fn numbers(text: &str) -> Vec<Number> {
    let bytes = text.as_bytes();
    let joined = |b: Option<&u8>| b.is_some_and(|b| matches!(b, b'-' | b'/' | b':' | b'.'));
    let digit = |b: Option<&u8>| b.is_some_and(u8::is_ascii_digit);
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let (digits, end) = digit_run(bytes, i);
        i = end;
        let dollar = start > 0 && bytes[start - 1] == b'$';
        let k = matches!(bytes.get(end), Some(b'k' | b'K')) && !bytes.get(end + 1).is_some_and(u8::is_ascii_alphabetic);
        let decimal = bytes.get(end) == Some(&b'.') && digit(bytes.get(end + 1));
        let after_other = start >= 2 && joined(bytes.get(start - 1)) && digit(bytes.get(start - 2));
        let before_other = joined(bytes.get(end)) && digit(bytes.get(end + 1)) && !(decimal && dollar);
        if after_other || before_other {
            continue;
        }
        if let Ok(value) = digits.parse::<i64>() {
            out.push(Number { value, start: if dollar { start - 1 } else { start }, end, money: dollar || k });
        }
    }
    out
}

/// The first whole number in a value ("about 120 guests", "120-150").
pub(super) fn first_number(raw: &str) -> Option<i64> {
    let bytes = raw.as_bytes();
    let at = bytes.iter().position(u8::is_ascii_digit)?;
    digit_run(bytes, at).0.parse().ok()
}

pub(super) struct Amount {
    pub(super) cents: i64,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Words near a plain number that make it an amount of money.
const MONEY_WORDS: [&str; 8] = ["budget", "spend", "rate", "price", "cost", "fee", "charge", "quote"];

/// Amounts of money in a text: `$45,000`, `$1,250.50`, `45k`, `3000 dollars`, or a plain number
/// shortly after a word like "budget" or "rate".
pub(super) fn amounts(text: &str) -> Vec<Amount> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && (bytes[i - 1].is_ascii_digit() || bytes[i - 1] == b'.')) {
            i += 1;
            continue;
        }
        let dollar = i > 0 && bytes[i - 1] == b'$';
        let start = if dollar { i - 1 } else { i };
        let mut end = i;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit()
                || (matches!(bytes[end], b',' | b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
        {
            end += 1;
        }
        let number = &text[i..end];
        let k = matches!(bytes.get(end), Some(b'k' | b'K')) && !bytes.get(end + 1).is_some_and(u8::is_ascii_alphabetic);
        let after = text[end..].trim_start().to_ascii_lowercase();
        let named = ["dollar", "usd", "bucks"].iter().any(|w| after.starts_with(w));
        let near = {
            let mut from = start.saturating_sub(25);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let before = text[from..start].to_lowercase();
            MONEY_WORDS.iter().any(|w| before.contains(w))
        };
        if dollar || k || named || near {
            if let Ok(cents) = parse::money_cents(number) {
                let (cents, end) = if k { (cents * 1000, end + 1) } else { (cents, end) };
                out.push(Amount { cents, start, end });
            }
        }
        i = end.max(i + 1);
    }
    out
}

/// Phone numbers in a text, canonical, with where they are. A run of digits and separators
/// is tried whole and from each of its later groups ("in 2027 617-555-0142").
pub(super) fn phones(text: &str) -> Vec<(String, usize, usize)> {
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '+');
    let mut runs = Vec::new();
    let mut run_start = None;
    for (i, c) in text.char_indices() {
        if run_start.is_none() && (c.is_ascii_digit() || c == '+' || c == '(') {
            run_start = Some(i);
        } else if run_start.is_some() && !allowed(c) {
            runs.push((run_start.take().unwrap_or(i), i));
        }
    }
    if let Some(s) = run_start {
        runs.push((s, text.len()));
    }
    let mut out = Vec::new();
    for (s, e) in runs {
        let run = text[s..e].trim_end_matches([' ', '-', '.', '(', '+']);
        let starts = std::iter::once(0).chain(run.match_indices(' ').map(|(i, _)| i + 1));
        for from in starts {
            let part = &run[from..];
            if part.chars().filter(char::is_ascii_digit).count() >= 7 {
                if let Ok(p) = parse::phone(part) {
                    out.push((p, s + from, s + run.len()));
                }
            }
        }
    }
    out
}

/// Dates written in a text, with where they are: every run of one to six words that
/// [`parse::written_date`] reads (runs may overlap: "40 on February 26" is a date too, of 2040,
/// and must not hide "February 26, 2027" after it). A run does not start with "on" or "of".
pub(crate) fn dates(text: &str, today: NaiveDate) -> Vec<(NaiveDate, usize, usize)> {
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                words.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push((s, text.len()));
    }
    let clean = |s: &str| s.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let mut out = Vec::new();
    for w in 0..words.len() {
        let first = clean(&text[words[w].0..words[w].1]).to_lowercase();
        if first == "on" || first == "of" {
            continue;
        }
        // The longest run from each word ("June 12th 2027", not "June 12th").
        for len in (1..=6.min(words.len() - w)).rev() {
            let (s, _) = words[w];
            let (_, e) = words[w + len - 1];
            let phrase = &text[s..e];
            // A date has a digit; sentence punctuation at the end is not part of it.
            if !phrase.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            let trimmed = phrase.trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
            let lead = phrase.len() - phrase.trim_start_matches(['(', '"', '\'']).len();
            if let Ok(d) = parse::written_date(&clean(trimmed), today) {
                out.push((d, s + lead, s + trimmed.len()));
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finders() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let text =
            "On 6/12/2027, or Saturday, June 12th 2027 (or the 3rd of July). Dinner for 40 on February 26, 2027.";
        let found: Vec<String> =
            dates(text, today).into_iter().map(|(d, s, e)| format!("{d}@{}", &text[s..e])).collect();
        for want in [
            "2027-06-12@6/12/2027",
            "2027-06-12@Saturday, June 12th 2027",
            "2027-07-03@the 3rd of July",
            "2027-02-26@February 26, 2027",
        ] {
            assert!(found.iter().any(|f| f == want), "{want} in {found:?}");
        }
        let p: Vec<String> = phones("Call 617.555.0142 or +44 20 7946 0958, ext 12; in 2027 617-555-0199.")
            .into_iter()
            .map(|x| x.0)
            .collect();
        for want in ["(617) 555-0142", "+442079460958", "(617) 555-0199"] {
            assert!(p.iter().any(|x| x == want), "{want} in {p:?}");
        }
        let a: Vec<i64> = amounts("$45,000 or 45k, $1,250.50 and 3000 dollars; 120 guests; budget: 9,000")
            .iter()
            .map(|a| a.cents)
            .collect();
        assert_eq!(a, [4_500_000, 4_500_000, 125_050, 300_000, 900_000]);
        let n: Vec<i64> = numbers("120 guests, 1,200 chairs, 617-555-0142, 7:30").iter().map(|n| n.value).collect();
        assert_eq!(n, [120, 1200]);
    }
}
