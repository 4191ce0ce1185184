//! Parse, don't validate: raw form input (strings, as typed) becomes checked values or a list of
//! field errors. The same functions run in the browser (instant feedback next to the field) and in
//! every server function (the authority), so the two can never disagree.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Longest free text we accept in a single-line field.
pub const MAX_NAME: usize = 120;
pub const MAX_TITLE: usize = 160;
pub const MAX_NOTES: usize = 2000;
pub const MAX_MESSAGE: usize = 10_000;
pub const MIN_PASSWORD: usize = 10;
pub const MAX_PASSWORD: usize = 256;

/// Errors keyed by the form field they belong to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_string(), message: message.into() });
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when no error was recorded.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        f.write_str(&parts.join("; "))
    }
}

/// Collects field errors while parsing one form.
#[derive(Default)]
pub struct Parser {
    pub(super) errors: FieldErrors,
}

impl Parser {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        self.errors.finish(value)
    }

    pub fn fail<T: Default>(&mut self, field: &str, message: impl Into<String>) -> T {
        self.errors.add(field, message);
        T::default()
    }

    /// Required single-line text, trimmed, 1..=max characters.
    pub fn text(&mut self, field: &str, raw: &str, max: usize) -> String {
        match required_text(raw, max) {
            Ok(v) => v,
            Err(m) => self.fail(field, m),
        }
    }

    /// Optional text, trimmed, at most `max` characters (empty is fine).
    pub fn optional_text(&mut self, field: &str, raw: &str, max: usize) -> String {
        let v = raw.trim();
        if v.chars().count() > max {
            return self.fail(field, format!("Must be at most {max} characters."));
        }
        if has_stray_control(v) {
            return self.fail(field, "Must not contain control characters.");
        }
        v.to_string()
    }

    pub fn email(&mut self, field: &str, raw: &str) -> String {
        match email(raw) {
            Ok(v) => v,
            Err(m) => self.fail(field, m),
        }
    }

    /// An email that may be left empty.
    pub fn optional_email(&mut self, field: &str, raw: &str) -> String {
        if raw.trim().is_empty() {
            String::new()
        } else {
            self.email(field, raw)
        }
    }

    pub fn password(&mut self, field: &str, raw: &str) -> String {
        match password(raw) {
            Ok(()) => raw.to_string(),
            Err(m) => self.fail(field, m),
        }
    }

    pub fn date(&mut self, field: &str, raw: &str) -> Option<NaiveDate> {
        match date(raw) {
            Ok(v) => Some(v),
            Err(m) => self.fail(field, m),
        }
    }

    pub fn optional_date(&mut self, field: &str, raw: &str) -> Option<NaiveDate> {
        if raw.trim().is_empty() {
            None
        } else {
            self.date(field, raw)
        }
    }

    pub fn int(&mut self, field: &str, raw: &str, min: i64, max: i64) -> i64 {
        match int_in(raw, min, max) {
            Ok(v) => v,
            Err(m) => self.fail(field, m),
        }
    }

    pub fn money(&mut self, field: &str, raw: &str) -> i64 {
        match money_cents(raw) {
            Ok(v) => v,
            Err(m) => self.fail(field, m),
        }
    }

    pub fn choice<T: std::str::FromStr + Copy>(&mut self, field: &str, raw: &str, fallback: T) -> T {
        match raw.trim().parse::<T>() {
            Ok(v) => v,
            Err(_) => {
                self.errors.add(field, "Choose one of the listed options.");
                fallback
            }
        }
    }

    /// An optional id chosen from a list (`""` = none).
    pub fn optional_id(&mut self, field: &str, raw: &str) -> Option<i64> {
        let v = raw.trim();
        if v.is_empty() {
            return None;
        }
        match v.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => self.fail(field, "Choose one of the listed options."),
        }
    }
}

/// Control characters other than line breaks and tabs (NUL, escapes...) have no place in text
/// people type, and Postgres refuses NUL outright.
pub(super) fn has_stray_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// The shape of a URL the server calls (a webhook, an MCP server): scheme, host, no user or
/// fragment. Written by hand rather than with the `url` crate, which the browser build does not
/// otherwise carry.
pub fn http_url(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("Give an address that starts with https:// (or http://).")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.starts_with(':') {
        return Err("The address needs a host name.");
    }
    if authority.contains('@') {
        return Err("Put no user name or password in the address.");
    }
    if url.contains('#') {
        return Err("An address with a # part cannot be called.");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("The address has spaces in it.");
    }
    Ok(())
}

pub fn required_text(raw: &str, max: usize) -> Result<String, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err("Required.".into());
    }
    if v.chars().count() > max {
        return Err(format!("Must be at most {max} characters."));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err("Must not contain control characters.".into());
    }
    Ok(v.to_string())
}

/// A plausible email address, lower-cased. Deliverability is not our business here.
pub fn email(raw: &str) -> Result<String, String> {
    let v = raw.trim().to_lowercase();
    if v.is_empty() {
        return Err("Required.".into());
    }
    if v.len() > 254 {
        return Err("Must be at most 254 characters.".into());
    }
    let Some((local, domain)) = v.split_once('@') else {
        return Err("Enter an email address like name@example.com.".into());
    };
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@');
    if ok {
        Ok(v)
    } else {
        Err("Enter an email address like name@example.com.".into())
    }
}

pub fn password(raw: &str) -> Result<(), String> {
    let n = raw.chars().count();
    if n < MIN_PASSWORD {
        return Err(format!("Use at least {MIN_PASSWORD} characters."));
    }
    if n > MAX_PASSWORD {
        return Err(format!("Use at most {MAX_PASSWORD} characters."));
    }
    Ok(())
}

/// An ISO date, `YYYY-MM-DD` (what `<input type=date>` sends).
pub fn date(raw: &str) -> Result<NaiveDate, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err("Required.".into());
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2200).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| "Enter a date as YYYY-MM-DD.".into())
}

pub fn int_in(raw: &str, min: i64, max: i64) -> Result<i64, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err("Required.".into());
    }
    match v.parse::<i64>() {
        Ok(n) if n < min => Err(format!("Must be at least {min}.")),
        Ok(n) if n > max => Err(format!("Must be at most {max}.")),
        Ok(n) => Ok(n),
        Err(_) => Err("Enter a whole number.".into()),
    }
}

/// Dollars as typed (`1,250.50`, `$300`, `75`) to integer cents.
pub fn money_cents(raw: &str) -> Result<i64, String> {
    let v: String = raw.trim().trim_start_matches('$').chars().filter(|c| *c != ',').collect();
    if v.is_empty() {
        return Err("Required.".into());
    }
    if v.starts_with('-') {
        return Err("Must not be negative.".into());
    }
    let (whole, frac) = v.split_once('.').unwrap_or((&v, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || (!frac.is_empty() && !digits(frac)) || frac.len() > 2 || whole.len() > 10 {
        return Err("Enter an amount like 1250 or 1250.50.".into());
    }
    let whole: i64 = whole.parse().map_err(|_| "Enter an amount like 1250 or 1250.50.")?;
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().unwrap_or(0) };
    Ok(whole * 100 + frac)
}

/// A phone number as people write it (`(617) 555-0142`, `617.555.0142`, `+44 20 7946 0958`),
/// in one canonical form: North American numbers as `(617) 555-0142`, others as `+` and digits.
/// 7 to 15 digits (E.164's most); letters and stray symbols are refused.
pub fn phone(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err("Required.".into());
    }
    let bad = || "Enter a phone number like (617) 555-0142 or +44 20 7946 0958.".to_string();
    let international = v.starts_with('+');
    let body = if international { &v[1..] } else { v };
    if !body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')')) {
        return Err(bad());
    }
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    let nanp = |d: &str| format!("({}) {}-{}", &d[0..3], &d[3..6], &d[6..10]);
    match (international, digits.len()) {
        (false, 10) => Ok(nanp(&digits)),
        (false, 11) if digits.starts_with('1') => Ok(nanp(&digits[1..])),
        (true, 11) if digits.starts_with('1') => Ok(nanp(&digits[1..])),
        (true, 7..=15) => Ok(format!("+{digits}")),
        (false, 7..=15) => Ok(digits),
        _ => Err(bad()),
    }
}

/// The months' names, January first (the date parsers and `domain::when` read them).
pub(crate) const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    // "jun", "Sept.", "december": any prefix of three letters or more.
    MONTHS.iter().position(|m| m.starts_with(&w)).map(|i| i as u32 + 1)
}

/// A date as people write it in an email: `2027-06-12`, `6/12/2027`, `06/12/27` (US order),
/// `June 12, 2027`, `Saturday, June 12th 2027`, `12 June 2027`, `Jun 12`. Without a year it is
/// the next such day on or after `today`.
pub fn written_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err("Required.".into());
    }
    let bad = || "Enter a date like 2027-06-12 or June 12, 2027.".to_string();
    if let Ok(d) = date(v) {
        return Ok(d);
    }
    let in_range = |d: NaiveDate| (2000..=2200).contains(&chrono::Datelike::year(&d));
    let full_year = |y: i32| if y < 100 { 2000 + y } else { y };
    // Numeric US order: month/day/year.
    let numeric: Vec<&str> = v.split(['/', '-', '.']).collect();
    if numeric.len() == 3 && numeric.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())) {
        let (m, d, y) = (numeric[0].parse::<u32>(), numeric[1].parse::<u32>(), numeric[2].parse::<i32>());
        if let (Ok(m), Ok(d), Ok(y)) = (m, d, y) {
            return NaiveDate::from_ymd_opt(full_year(y), m, d).filter(|d| in_range(*d)).ok_or_else(bad);
        }
    }
    // Words: drop a weekday, commas and ordinal suffixes, then find month, day and maybe year.
    let words: Vec<String> = v
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            let trimmed = ["st", "nd", "rd", "th"]
                .iter()
                .find_map(|suffix| {
                    w.strip_suffix(suffix).filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                })
                .map(str::to_string);
            trimmed.unwrap_or(w)
        })
        .collect();
    let mut month = None;
    let mut numbers = Vec::new();
    for w in &words {
        if let Ok(n) = w.parse::<i32>() {
            numbers.push(n);
        } else if let Some(m) = month_number(w) {
            if month.replace(m).is_some() {
                return Err(bad());
            }
        } else if ![
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "mon",
            "tue",
            "tues",
            "wed",
            "thu",
            "thur",
            "thurs",
            "fri",
            "sat",
            "sun",
            "the",
            "of",
            "on",
        ]
        .contains(&w.trim_end_matches('.'))
        {
            return Err(bad());
        }
    }
    let month = month.ok_or_else(bad)?;
    let (day, year) = match numbers.as_slice() {
        [d] => (*d, None),
        [d, y] if *d <= 31 => (*d, Some(*y)),
        [y, d] if *y > 31 => (*d, Some(*y)),
        _ => return Err(bad()),
    };
    let day = u32::try_from(day).map_err(|_| bad())?;
    match year {
        Some(y) => NaiveDate::from_ymd_opt(full_year(y), month, day).filter(|d| in_range(*d)).ok_or_else(bad),
        None => {
            let this = chrono::Datelike::year(&today);
            (this..=this + 4)
                .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
                .find(|d| *d >= today)
                .ok_or_else(bad)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn written_dates() {
        let today = ymd(2026, 11, 22);
        for raw in [
            "2027-06-12",
            "6/12/2027",
            "06/12/27",
            "June 12, 2027",
            "Saturday, June 12th 2027",
            "12 June 2027",
            "Jun. 12 2027",
            "the 12th of June, 2027",
        ] {
            assert_eq!(written_date(raw, today), Ok(ymd(2027, 6, 12)), "{raw}");
        }
        // No year: the next one.
        assert_eq!(written_date("June 12", today), Ok(ymd(2027, 6, 12)));
        assert_eq!(written_date("Nov 30", today), Ok(ymd(2026, 11, 30)));
        assert_eq!(written_date("Feb 29", today), Ok(ymd(2028, 2, 29)));
        for bad in ["", "soon", "June", "13/45/2027", "June 31, 2027", "Junk 12, 2027", "12 June 1850", "June May 3"] {
            assert!(written_date(bad, today).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones() {
        for raw in ["(617) 555-0142", "617-555-0142", "617.555.0142", "6175550142", "+1 617 555 0142", "1-617-555-0142"]
        {
            assert_eq!(phone(raw).as_deref(), Ok("(617) 555-0142"), "{raw}");
        }
        assert_eq!(phone("+44 20 7946 0958").as_deref(), Ok("+442079460958"));
        for bad in ["", "555", "call me", "617-555-O142", "+1 617 555 0142 ext 3", "12345678901234567"] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #![proptest_config(crate::domain::fuzz_config())]

        /// Any day of 2000–2199, written any of the ways people do, reads back as itself.
        #[test]
        fn dates_read_back(days in 0i64..73_000, style in 0usize..6) {
            let d = ymd(2000, 1, 1) + chrono::Duration::days(days);
            let written = match style {
                0 => d.format("%Y-%m-%d").to_string(),
                1 => d.format("%-m/%-d/%Y").to_string(),
                2 => d.format("%B %-d, %Y").to_string(),
                3 => d.format("%A, %b %-d %Y").to_string(),
                4 => d.format("%-d %B %Y").to_string(),
                _ => d.format("%m.%d.%Y").to_string(),
            };
            prop_assert_eq!(written_date(&written, ymd(2026, 1, 1)), Ok(d), "{}", written);
        }

        /// A North American number, however it is punctuated, is one canonical number.
        #[test]
        fn phones_read_back(area in 200u32..1000, exchange in 200u32..1000, line in 0u32..10_000, style in 0usize..5) {
            let written = match style {
                0 => format!("({area}) {exchange}-{line:04}"),
                1 => format!("{area}-{exchange}-{line:04}"),
                2 => format!("{area}.{exchange}.{line:04}"),
                3 => format!("+1 {area} {exchange} {line:04}"),
                _ => format!("{area}{exchange}{line:04}"),
            };
            prop_assert_eq!(phone(&written), Ok(format!("({area}) {exchange}-{line:04}")));
        }

        /// Text with a letter in it is never a phone number.
        #[test]
        fn letters_are_not_phones(s in "[0-9 ()+.-]{0,8}[a-zA-Z][0-9 ()+.-]{0,8}") {
            prop_assert!(phone(&s).is_err());
        }

        /// Amounts as typed, with or without `$` and thousands separators, read back in cents.
        #[test]
        fn money_reads_back(cents in 0i64..10_000_000_000, style in 0usize..3) {
            let (whole, frac) = (cents / 100, cents % 100);
            let grouped = {
                let digits = whole.to_string();
                let mut out = String::new();
                for (i, c) in digits.chars().enumerate() {
                    if i > 0 && (digits.len() - i) % 3 == 0 {
                        out.push(',');
                    }
                    out.push(c);
                }
                out
            };
            let written = match style {
                0 => format!("{whole}.{frac:02}"),
                1 => format!("${grouped}.{frac:02}"),
                _ if frac == 0 => format!("${grouped}"),
                _ => format!("{grouped}.{frac:02}"),
            };
            prop_assert_eq!(money_cents(&written), Ok(cents), "{}", written);
        }

        /// Generated addresses are accepted (lower-cased); without an `@` nothing is.
        #[test]
        fn emails_read_back(local in "[a-zA-Z0-9._+-]{1,20}", domain in "[a-z0-9-]{1,15}", tld in "[a-z]{2,6}") {
            let raw = format!("{local}@{domain}.{tld}");
            prop_assert_eq!(email(&raw), Ok(raw.to_lowercase()));
            prop_assert!(email(&raw.replace('@', " at ")).is_err());
        }
    }

    #[test]
    fn emails() {
        assert_eq!(email(" Ann@Example.COM ").unwrap(), "ann@example.com");
        for bad in ["", "ann", "ann@", "@x.io", "a b@x.io", "ann@x", "ann@.io", "a@b@c.io"] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert!(email(&format!("{}@x.io", "a".repeat(260))).is_err());
    }

    #[test]
    fn money() {
        assert_eq!(money_cents("1,250.5").unwrap(), 125_050);
        assert_eq!(money_cents("$300").unwrap(), 30_000);
        assert_eq!(money_cents("0.07").unwrap(), 7);
        for bad in ["", "-5", "1.234", "abc", "1.2.3", "12345678901"] {
            assert!(money_cents(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(date("2026-12-05").unwrap(), NaiveDate::from_ymd_opt(2026, 12, 5).unwrap());
        for bad in ["", "05/12/2026", "2026-13-01", "2026-02-30", "1999-01-01", "tomorrow"] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(password("short").is_err());
        assert!(password("long enough pass").is_ok());
    }
}
