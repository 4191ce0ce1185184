//! Dates as people say them in a chat, relative to the venue's today: "tomorrow", "next
//! Tuesday", "this Friday", "the 14th", "in 3 days", "New Year's Eve", and every written date the shared parser
//! reads ("June 12", "6/12/2027": `parse::written_date`). Used to ground a small model's date
//! arguments in what the person said (`agent::ground`).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The weekdays' names, Monday first.
pub(crate) const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// A weekday's name or its usual abbreviation ("tues", "thurs"); not "sat", "sun" or "wed",
/// which are everyday words more often than days.
fn weekday(word: &str) -> Option<Weekday> {
    const SHORT: [(&str, Weekday); 7] = [
        ("mon", Weekday::Mon),
        ("tue", Weekday::Tue),
        ("tues", Weekday::Tue),
        ("thu", Weekday::Thu),
        ("thur", Weekday::Thu),
        ("thurs", Weekday::Thu),
        ("fri", Weekday::Fri),
    ];
    let w = word.strip_suffix('s').filter(|w| w.ends_with("day")).unwrap_or(word); // "tuesdays"
    WEEKDAYS.iter().chain(SHORT.iter()).find(|(name, _)| *name == w).map(|(_, d)| *d)
}

/// The next `day` after `today` (a week on when `today` is that day). "next Thursday" means the
/// one in the coming week: said on a Monday, not this week's Thursday but the one after; said
/// on a Sunday, the coming Thursday.
fn next_weekday(today: NaiveDate, day: Weekday, next: bool) -> NaiveDate {
    let ahead = (day.num_days_from_monday() as i64 - today.weekday().num_days_from_monday() as i64).rem_euclid(7);
    let ahead = if ahead == 0 { 7 } else { ahead };
    let date = today + Duration::days(ahead);
    if next && date.iso_week() == today.iso_week() {
        date + Duration::days(7)
    } else {
        date
    }
}

/// The most days ahead a relative date may reach ("in 40 weeks").
const MAX_AHEAD: i64 = 3660;

/// The dates `text` names, in order of appearance (a date may appear twice).
pub fn dates_in(text: &str, today: NaiveDate) -> Vec<NaiveDate> {
    dates_at(text, today).into_iter().map(|(_, d)| d).collect()
}

/// A date said relative to another date of the conversation: "the Friday after", "the week
/// after", "the day after", "same day".
enum After {
    Weekday(Weekday),
    Days(u64),
}

/// The dates `text` names with the byte offset where each is said, in order of appearance. A
/// date said relative to another ("the Friday after", "the week after") counts from the date
/// said last before it, else the first said after it (a follow-up's "what about the Friday
/// after?" before the earlier message's "any tour times on Friday?").
pub fn dates_at(text: &str, today: NaiveDate) -> Vec<(usize, NaiveDate)> {
    let mut written = crate::domain::assist::find::dates(text, today);
    // Runs may overlap ("Saturday, June 12th 2027" and "June 12th 2027"): keep the longest.
    let all = written.clone();
    written.retain(|(_, s, e)| !all.iter().any(|(_, s2, e2)| s2 <= s && e <= e2 && (s2, e2) != (s, e)));
    let inside = |at: usize| written.iter().any(|(_, s, e)| (*s..*e).contains(&at));
    let mut found: Vec<(usize, NaiveDate)> = written.iter().map(|(d, s, _)| (*s, *d)).collect();
    // Words with where they start in `text` (each lowercased on its own, so offsets stay
    // offsets of `text`).
    let mut words: Vec<(usize, String)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '\'' {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            words.push((s, text[s..i].to_lowercase()));
        }
    }
    if let Some(s) = start {
        words.push((s, text[s..].to_lowercase()));
    }
    let word = |i: usize| words.get(i).map(|(_, w)| w.as_str()).unwrap_or("");
    let ahead = |days: i64| {
        (0..=MAX_AHEAD).contains(&days).then(|| today.checked_add_days(chrono::Days::new(days as u64))).flatten()
    };
    let mut after: Vec<(usize, After)> = Vec::new();
    for (i, (at, w)) in words.iter().enumerate() {
        if inside(*at) {
            continue; // part of a written date ("Saturday, June 12th")
        }
        let prev = if i > 0 { word(i - 1) } else { "" };
        if let Some((month, day)) = holiday(prev, w, word(i + 1)) {
            found.extend(next_on(today, month, day).map(|d| (*at, d)));
            continue;
        }
        // "the Friday after", "the week after", "the day after": counted from another date, unless
        // "next" follows ("the Friday after next") or a day does ("the day after tomorrow").
        let relative = prev == "the" && word(i + 1) == "after" && !matches!(word(i + 2), "next" | "tomorrow");
        match w.as_str() {
            "week" | "day" if relative => after.push((*at, After::Days(if w == "week" { 7 } else { 1 }))),
            // "same day", "the same date": the other date itself.
            "same" if matches!(word(i + 1), "day" | "date") => after.push((*at, After::Days(0))),
            _ if relative && weekday(w).is_some() => {
                after.push((*at, After::Weekday(weekday(w).unwrap_or(Weekday::Mon))))
            }
            "today" | "tonight" => found.push((*at, today)),
            "tomorrow" | "tmrw" | "tomorow" | "tommorow" | "tommorrow" => {
                let after = prev == "after" && i >= 2 && word(i - 2) == "day";
                found.extend(ahead(if after { 2 } else { 1 }).map(|d| (*at, d)));
            }
            _ => {
                if let Some(day) = weekday(w) {
                    // "next Tuesday", "this Friday", "on Saturday"; "last Monday" is in the past;
                    // "the Friday after next" is a week after the coming one.
                    if prev != "last" {
                        let date = next_weekday(today, day, prev == "next");
                        let later = word(i + 1) == "after" && word(i + 2) == "next";
                        found.push((*at, if later { date + Duration::days(7) } else { date }));
                    }
                } else if let Some(n) = ordinal(w) {
                    // "the 14th" without a month: the next 14th ("the 2nd floor" is not a date).
                    let next = word(i + 1);
                    let ends = i + 1 == words.len()
                        || matches!(next, "at" | "of" | "for" | "in" | "or" | "and" | "instead" | "then" | "please");
                    if prev == "the" && ends {
                        if let Some(d) = next_day_of_month(today, n) {
                            found.push((*at, d));
                        }
                    }
                } else if w == "in" {
                    // "in 3 days", "in two weeks".
                    if let Some(n) = number(word(i + 1)) {
                        let unit = word(i + 2);
                        let days = if unit.starts_with("day") {
                            Some(n)
                        } else if unit.starts_with("week") {
                            n.checked_mul(7)
                        } else {
                            None
                        };
                        found.extend(days.and_then(ahead).map(|d| (*at, d)));
                    }
                }
            }
        }
    }
    found.sort_by_key(|(at, _)| *at);
    let counted: Vec<(usize, NaiveDate)> = after
        .into_iter()
        .filter_map(|(at, rel)| {
            let from = found.iter().rev().find(|(a, _)| *a < at).or_else(|| found.iter().find(|(a, _)| *a > at))?.1;
            let date = match rel {
                After::Weekday(day) => next_weekday(from, day, false),
                After::Days(n) => from.checked_add_days(chrono::Days::new(n))?,
            };
            Some((at, date))
        })
        .collect();
    found.extend(counted);
    found.sort_by_key(|(at, _)| *at);
    found
}

/// The month `text` names on its own ("in January", "this month", "next month", "March 2027"),
/// as its first and last days: the next such month from `today` (this one if it is now). A
/// month inside a written date ("June 12") is a day, not a month.
pub fn month_in(text: &str, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    use crate::domain::parse::MONTHS;
    let written = crate::domain::assist::find::dates(text, today);
    let lower = text.to_lowercase();
    let words: Vec<(usize, &str)> = lower
        .split(|c: char| !c.is_alphanumeric())
        .scan(0usize, |_, w| Some(w))
        .filter(|w| !w.is_empty())
        .map(|w| (w.as_ptr() as usize - lower.as_ptr() as usize, w))
        .collect();
    let first_of = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1);
    let span = |start: NaiveDate| {
        let next =
            if start.month() == 12 { first_of(start.year() + 1, 1) } else { first_of(start.year(), start.month() + 1) };
        next.map(|n| (start, n - Duration::days(1)))
    };
    for (i, (at, w)) in words.iter().enumerate() {
        let next = words.get(i + 1).map(|x| x.1).unwrap_or("");
        if *w == "month" {
            let prev = if i > 0 { words[i - 1].1 } else { "" };
            match prev {
                "this" => return span(first_of(today.year(), today.month())?),
                "next" if today.month() == 12 => return span(first_of(today.year() + 1, 1)?),
                "next" => return span(first_of(today.year(), today.month() + 1)?),
                _ => {}
            }
            continue;
        }
        let Some(m) = MONTHS
            .iter()
            .position(|x| x == w || (w.len() >= 3 && *w != "may" && *w != "mar" && x.starts_with(w) && w.len() == 3))
        else {
            continue;
        };
        // "may" is a month only before a year or after "in"/"of".
        if *w == "may" && !(next.parse::<i32>().is_ok() || (i > 0 && matches!(words[i - 1].1, "in" | "of" | "during")))
        {
            continue;
        }
        // Original offsets equal lowercased ones for ASCII; skip a month inside a written date.
        if text.is_char_boundary(*at) && written.iter().any(|(_, s, e)| (*s..*e).contains(at)) {
            continue;
        }
        let m = m as u32 + 1;
        let year = match next.parse::<i32>() {
            Ok(y) if (2000..=2200).contains(&y) => y,
            _ if m >= today.month() => today.year(),
            _ => today.year() + 1,
        };
        return span(first_of(year, m)?);
    }
    None
}

/// A week-sized range `text` names, as its first and last days: "the first week of December"
/// (its 1st to 7th), "the second week of …" (8th to 14th), "the last week of …" (its last seven
/// days), "the first two weeks of …" (1st to 14th), "this week" and "next week" (Monday to
/// Sunday), "this weekend" and "next weekend" (Saturday and Sunday; on a Sunday, this weekend is
/// today). `None` when it names none.
pub fn week_in(text: &str, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    for (i, w) in words.iter().enumerate() {
        let prev = if i > 0 { words[i - 1] } else { "" };
        match (*w, prev) {
            ("week", "this") => return Some((monday, monday + Duration::days(6))),
            ("week", "next") => return Some((monday + Duration::days(7), monday + Duration::days(13))),
            ("weekend", "this") | ("weekend", "next") => {
                let saturday = monday + Duration::days(5);
                let (sat, sun) = if today.weekday() == chrono::Weekday::Sun {
                    (today, today)
                } else {
                    (saturday.max(today), saturday + Duration::days(1))
                };
                let later = if prev == "next" { 7 } else { 0 };
                let sat = if later > 0 { saturday + Duration::days(later) } else { sat };
                return Some((sat, sun + Duration::days(later)));
            }
            ("week" | "weeks", _) if matches!(words.get(i + 1), Some(&"of") | Some(&"in")) => {
                let (first, last) = month_in(&words[i + 1..].join(" "), today)?;
                // "the first two weeks": a count between the ordinal and "weeks".
                let count = match prev {
                    "two" | "2" => 2,
                    "three" | "3" => 3,
                    _ => 1,
                };
                let ordinal = if count > 1 && i >= 2 { words[i - 2] } else { prev };
                let nth = match ordinal {
                    "first" | "1st" => 0,
                    "second" | "2nd" => 1,
                    "third" | "3rd" => 2,
                    "fourth" | "4th" => 3,
                    "last" | "final" => {
                        return Some(((last - Duration::days(7 * count - 1)).max(first), last));
                    }
                    _ => return None,
                };
                let start = first + Duration::days(7 * nth);
                return Some((start, (start + Duration::days(7 * count - 1)).min(last))).filter(|(s, _)| *s <= last);
            }
            _ => {}
        }
    }
    None
}

/// "14th", "1st", "22nd" → the number.
/// The holiday of a fixed date that the word `w` names with its neighbours ("new year's
/// eve", "christmas eve", "valentine's day", "halloween"), as (month, day). Only where the day
/// itself is meant: a "Christmas party" is some evening in December, and "New Year's" alone could
/// be either end of the night.
fn holiday(prev: &str, w: &str, next: &str) -> Option<(u32, u32)> {
    let year = |x: &str| matches!(x, "year's" | "years" | "year" | "yr's");
    match (w, next) {
        ("eve", _) if year(prev) => Some((12, 31)),
        ("day", _) if year(prev) => Some((1, 1)),
        ("christmas" | "xmas", "eve") => Some((12, 24)),
        ("christmas" | "xmas", "day") => Some((12, 25)),
        ("christmas" | "xmas", _) if prev == "on" => Some((12, 25)),
        ("valentine's" | "valentines", "day") => Some((2, 14)),
        ("halloween", n) if !matches!(n, "party" | "parties" | "themed" | "theme" | "costume") => Some((10, 31)),
        ("independence", "day") => Some((7, 4)),
        _ => None,
    }
}

/// The next `month`/`day` on or after `today`.
fn next_on(today: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let this = NaiveDate::from_ymd_opt(today.year(), month, day)?;
    if this >= today {
        Some(this)
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, month, day)
    }
}

fn ordinal(w: &str) -> Option<u32> {
    let digits = ["st", "nd", "rd", "th"].iter().find_map(|s| w.strip_suffix(s))?;
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn number(w: &str) -> Option<i64> {
    const WORDS: [&str; 11] = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    w.parse().ok().or_else(|| WORDS.iter().position(|x| *x == w).map(|i| i as i64)).or((w == "a").then_some(1))
}

/// The next day `day` of a month on or after `today`.
fn next_day_of_month(today: NaiveDate, day: u32) -> Option<NaiveDate> {
    let mut y = today.year();
    let mut m = today.month();
    for _ in 0..13 {
        if let Some(d) = NaiveDate::from_ymd_opt(y, m, day).filter(|d| *d >= today) {
            return Some(d);
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_people_say() {
        let sunday = ymd(2026, 11, 22);
        let one = |t: &str| dates_in(t, sunday);
        assert_eq!(one("tomorrow at 3"), [ymd(2026, 11, 23)]);
        assert_eq!(one("the day after tomorrow"), [ymd(2026, 11, 24)]);
        assert_eq!(one("can we do tommorow?"), [ymd(2026, 11, 23)]);
        assert_eq!(one("this Friday"), [ymd(2026, 11, 27)]);
        assert_eq!(one("next Tuesday afternoon"), [ymd(2026, 11, 24)], "said on a Sunday: the coming one");
        let monday = ymd(2026, 11, 23);
        assert_eq!(dates_in("next Thursday", monday), [ymd(2026, 12, 3)], "not this week's");
        assert_eq!(dates_in("Thursday", monday), [ymd(2026, 11, 26)]);
        assert_eq!(one("on the 14th"), [ymd(2026, 12, 14)]);
        assert_eq!(one("move it to December 14"), [ymd(2026, 12, 14)]);
        assert_eq!(one("in 3 days"), [ymd(2026, 11, 25)]);
        assert_eq!(one("in two weeks"), [ymd(2026, 12, 6)]);
        assert_eq!(one("between 2026-12-01 and 2026-12-31"), [ymd(2026, 12, 1), ymd(2026, 12, 31)]);
        assert!(one("last Monday was fun").is_empty());
        assert!(one("add 14 chairs").is_empty());
        assert!(one("the 2nd floor, I sat in the sun on wed").is_empty(), "not dates");
        assert_eq!(one("Saturday, June 12th 2027"), [ymd(2027, 6, 12)], "one date, not two");
        assert!(one("in 100000000000 days").is_empty(), "too far: no date, no panic");
        let month = |t: &str| month_in(t, sunday).map(|(a, b)| (a.to_string(), b.to_string()));
        assert_eq!(month("what's on in January?"), Some(("2027-01-01".into(), "2027-01-31".into())));
        assert_eq!(month("events this month"), Some(("2026-11-01".into(), "2026-11-30".into())));
        assert_eq!(month("next month please"), Some(("2026-12-01".into(), "2026-12-31".into())));
        assert_eq!(month("feb 2028"), Some(("2028-02-01".into(), "2028-02-29".into())));
        assert_eq!(month("we may come on June 12"), None, "a day, and a verb");
        assert_eq!(dates_in("İİİİİ 1st€ \u{212A}€ on the 1st", sunday), [ymd(2026, 12, 1)]);
        assert_eq!(dates_in("today", sunday), [sunday]);
        assert_eq!(one("anything booked on new year's eve?"), [ymd(2026, 12, 31)]);
        assert_eq!(one("New Years Day brunch"), [ymd(2027, 1, 1)]);
        assert_eq!(one("the christmas eve dinner"), [ymd(2026, 12, 24)]);
        assert_eq!(one("closed on Christmas?"), [ymd(2026, 12, 25)]);
        assert_eq!(one("valentines day"), [ymd(2027, 2, 14)], "the next one");
        assert!(one("our christmas party").is_empty(), "some evening in December");
        assert!(one("a halloween party").is_empty());
        // Counted from another date of the conversation.
        let sunday_jan = ymd(2027, 1, 10);
        let follow = |t: &str| dates_in(t, sunday_jan);
        assert_eq!(
            follow("what about the friday after?\nAny tour times on Friday?"),
            [ymd(2027, 1, 22), ymd(2027, 1, 15)]
        );
        assert_eq!(follow("and the week after?\nanything on the 14th?"), [ymd(2027, 1, 21), ymd(2027, 1, 14)]);
        assert_eq!(follow("Friday, or the day after"), [ymd(2027, 1, 15), ymd(2027, 1, 16)]);
        assert_eq!(follow("the Friday after next"), [ymd(2027, 1, 22)]);
        assert!(follow("what about the friday after?").is_empty(), "after nothing: no guess");
        assert_eq!(follow("the day after tomorrow"), [ymd(2027, 1, 12)]);
        assert_eq!(
            follow("And one for Priya, same day.\nA task for Tom, due Jan 28"),
            [ymd(2027, 1, 28), ymd(2027, 1, 28)]
        );
    }

    #[test]
    fn a_week_or_a_weekend_is_a_range() {
        let sunday = ymd(2026, 11, 22);
        let monday = ymd(2027, 1, 11);
        assert_eq!(
            week_in("What's booked for the first week of December?", sunday),
            Some((ymd(2026, 12, 1), ymd(2026, 12, 7)))
        );
        assert_eq!(week_in("the first two weeks of December", sunday), Some((ymd(2026, 12, 1), ymd(2026, 12, 14))));
        assert_eq!(week_in("last week of February", monday), Some((ymd(2027, 2, 22), ymd(2027, 2, 28))));
        assert_eq!(week_in("the third week in january", monday), Some((ymd(2027, 1, 15), ymd(2027, 1, 21))));
        assert_eq!(week_in("anything this week?", monday), Some((ymd(2027, 1, 11), ymd(2027, 1, 17))));
        assert_eq!(week_in("and next week", sunday), Some((ymd(2026, 11, 23), ymd(2026, 11, 29))));
        assert_eq!(week_in("What's happening this weekend?", monday), Some((ymd(2027, 1, 16), ymd(2027, 1, 17))));
        assert_eq!(week_in("this weekend", sunday), Some((sunday, sunday)));
        assert_eq!(week_in("next weekend", monday), Some((ymd(2027, 1, 23), ymd(2027, 1, 24))));
        assert_eq!(week_in("our curfew on weekends", monday), None);
        assert_eq!(week_in("over the next couple of weeks", monday), None);
        assert_eq!(week_in("it's been a rough week", monday), None);
    }
}
