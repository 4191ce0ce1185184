//! Parse, don't validate: raw form input (strings, as typed) becomes checked values or a list of
//! field errors. The same functions run in the browser (instant feedback next to the field) and in
//! every server function (the authority), so the two can never disagree.

use super::{ElementStatus, EventStatus, InviteRole, Rsvp, TaskStatus};
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
    errors: FieldErrors,
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
fn has_stray_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
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

const MONTHS: [&str; 12] = [
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

// ---- Forms --------------------------------------------------------------------------------------

/// The guest form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GuestForm {
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub party_size: String,
    #[serde(default)]
    pub rsvp: String,
    #[serde(default)]
    pub dietary: String,
    #[serde(default)]
    pub notes: String,
}

/// A guest ready to store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GuestDraft {
    pub name: String,
    pub email: String,
    pub party_size: i32,
    pub rsvp: Rsvp,
    pub dietary: String,
    pub notes: String,
}

impl GuestForm {
    pub fn parse(&self) -> Result<GuestDraft, FieldErrors> {
        let mut p = Parser::new();
        let name = p.text("name", &self.name, MAX_NAME);
        let email = p.optional_email("email", &self.email);
        let party = if self.party_size.trim().is_empty() { 1 } else { p.int("party_size", &self.party_size, 1, 20) };
        let rsvp =
            if self.rsvp.trim().is_empty() { Rsvp::Pending } else { p.choice("rsvp", &self.rsvp, Rsvp::Pending) };
        let dietary = p.optional_text("dietary", &self.dietary, 500);
        let notes = p.optional_text("notes", &self.notes, MAX_NOTES);
        p.finish(|| GuestDraft { name, email, party_size: party as i32, rsvp, dietary, notes })
    }
}

/// The event overview form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventForm {
    pub title: String,
    pub event_date: String,
    #[serde(default)]
    pub space_id: String,
    pub guest_count: String,
    pub budget: String,
    pub status: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventDraft {
    pub title: String,
    pub event_date: NaiveDate,
    pub space_id: Option<i64>,
    pub guest_count: i32,
    pub budget_cents: i64,
    pub status: EventStatus,
    pub notes: String,
}

impl EventForm {
    pub fn parse(&self) -> Result<EventDraft, FieldErrors> {
        let mut p = Parser::new();
        let title = p.text("title", &self.title, MAX_TITLE);
        let event_date = p.date("event_date", &self.event_date);
        let space_id = p.optional_id("space_id", &self.space_id);
        let guest_count = p.int("guest_count", &self.guest_count, 0, 100_000);
        let budget_cents = p.money("budget", &self.budget);
        if budget_cents > 100_000_000_000 {
            p.errors.add("budget", "Must be at most $1,000,000,000.");
        }
        let status = p.choice("status", &self.status, EventStatus::Inquiry);
        let notes = p.optional_text("notes", &self.notes, MAX_NOTES);
        p.finish(|| EventDraft {
            title,
            event_date: event_date.unwrap_or_default(),
            space_id,
            guest_count: guest_count as i32,
            budget_cents,
            status,
            notes,
        })
    }
}

/// What an inquiry can be about (it names the new event).
pub const EVENT_TYPES: [&str; 7] =
    ["Wedding", "Engagement party", "Corporate event", "Birthday", "Family reunion", "Fundraiser", "Other"];

/// A new client's event inquiry as typed (by staff, or filled in from an email).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InquiryForm {
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub event_type: String,
    #[serde(default)]
    pub event_date: String,
    #[serde(default)]
    pub guest_count: String,
    #[serde(default)]
    pub budget: String,
    #[serde(default)]
    pub space_id: String,
    #[serde(default)]
    pub notes: String,
}

/// An inquiry ready to store: a client (found by email, or new) and an event in `inquiry`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InquiryDraft {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub event_type: String,
    pub event_date: NaiveDate,
    pub guest_count: i32,
    pub budget_cents: i64,
    pub space_id: Option<i64>,
    pub notes: String,
}

impl InquiryForm {
    /// `today` decides dates written without a year, and that the date is not past.
    pub fn parse(&self, today: NaiveDate) -> Result<InquiryDraft, FieldErrors> {
        let mut p = Parser::new();
        let name = p.text("name", &self.name, MAX_NAME);
        let email = p.optional_email("email", &self.email);
        let phone = if self.phone.trim().is_empty() {
            String::new()
        } else {
            phone(&self.phone).unwrap_or_else(|m| p.fail("phone", m))
        };
        let event_type = match EVENT_TYPES.iter().find(|t| t.eq_ignore_ascii_case(self.event_type.trim())) {
            Some(t) => t.to_string(),
            None => p.fail("event_type", "Choose one of the listed options."),
        };
        let event_date = match written_date(&self.event_date, today) {
            Ok(d) if d < today => p.fail("event_date", "That date has passed."),
            Ok(d) => Some(d),
            Err(m) => p.fail("event_date", m),
        };
        let guest_count = p.int("guest_count", &self.guest_count, 1, 100_000);
        let budget_cents = if self.budget.trim().is_empty() { 0 } else { p.money("budget", &self.budget) };
        if budget_cents > 100_000_000_000 {
            p.errors.add("budget", "Must be at most $1,000,000,000.");
        }
        let space_id = p.optional_id("space_id", &self.space_id);
        let notes = p.optional_text("notes", &self.notes, MAX_NOTES);
        p.finish(|| InquiryDraft {
            name,
            email,
            phone,
            event_type,
            event_date: event_date.unwrap_or_default(),
            guest_count: guest_count as i32,
            budget_cents,
            space_id,
            notes,
        })
    }
}

/// What a vendor provides (the `vendors.category` check).
pub const VENDOR_CATEGORIES: [&str; 7] = ["florist", "caterer", "photographer", "music", "decor", "rentals", "other"];
/// What a vendor's rate is per (spelled like `services.unit`), with labels.
pub const RATE_UNITS: [(&str, &str); 3] = [("flat", "per event"), ("per_hour", "per hour"), ("per_guest", "per guest")];

/// The vendor form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VendorForm {
    pub name: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub rate: String,
    #[serde(default)]
    pub rate_unit: String,
    #[serde(default)]
    pub notes: String,
}

/// A vendor ready to store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VendorDraft {
    pub name: String,
    pub contact: String,
    pub category: String,
    pub email: String,
    pub phone: String,
    pub rate_cents: i64,
    pub rate_unit: String,
    pub notes: String,
}

impl VendorForm {
    pub fn parse(&self) -> Result<VendorDraft, FieldErrors> {
        let mut p = Parser::new();
        let name = p.text("name", &self.name, MAX_NAME);
        let contact = p.optional_text("contact", &self.contact, MAX_NAME);
        let category = match VENDOR_CATEGORIES.iter().find(|c| c.eq_ignore_ascii_case(self.category.trim())) {
            Some(c) => c.to_string(),
            None => p.fail("category", "Choose one of the listed options."),
        };
        let email = p.optional_email("email", &self.email);
        let phone = if self.phone.trim().is_empty() {
            String::new()
        } else {
            phone(&self.phone).unwrap_or_else(|m| p.fail("phone", m))
        };
        let rate_cents = if self.rate.trim().is_empty() { 0 } else { p.money("rate", &self.rate) };
        if rate_cents > 100_000_000_000 {
            p.errors.add("rate", "Must be at most $1,000,000,000.");
        }
        let unit = if self.rate_unit.trim().is_empty() { "flat" } else { self.rate_unit.trim() };
        let rate_unit = match RATE_UNITS.iter().find(|(u, _)| *u == unit) {
            Some((u, _)) => u.to_string(),
            None => p.fail("rate_unit", "Choose one of the listed options."),
        };
        let notes = p.optional_text("notes", &self.notes, MAX_NOTES);
        p.finish(|| VendorDraft { name, contact, category, email, phone, rate_cents, rate_unit, notes })
    }
}

/// The task form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskForm {
    pub title: String,
    #[serde(default)]
    pub assignee_id: String,
    #[serde(default)]
    pub due_date: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskDraft {
    pub title: String,
    pub assignee_id: Option<i64>,
    pub due_date: Option<NaiveDate>,
}

impl TaskForm {
    pub fn parse(&self) -> Result<TaskDraft, FieldErrors> {
        let mut p = Parser::new();
        let title = p.text("title", &self.title, 200);
        let assignee_id = p.optional_id("assignee_id", &self.assignee_id);
        let due_date = p.optional_date("due_date", &self.due_date);
        p.finish(|| TaskDraft { title, assignee_id, due_date })
    }
}

/// Signing up creates a venue and its owner.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SignupForm {
    pub venue_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SignupDraft {
    pub venue_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

impl SignupForm {
    pub fn parse(&self) -> Result<SignupDraft, FieldErrors> {
        let mut p = Parser::new();
        let venue_name = p.text("venue_name", &self.venue_name, MAX_NAME);
        let name = p.text("name", &self.name, MAX_NAME);
        let email = p.email("email", &self.email);
        let password = p.password("password", &self.password);
        p.finish(|| SignupDraft { venue_name, name, email, password })
    }
}

/// An invite as typed by staff.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InviteForm {
    pub role: String,
    pub name: String,
    pub email: String,
    /// For a client: an existing client record, or empty to create one.
    #[serde(default)]
    pub client_id: String,
    /// For a vendor: the vendor record the account speaks for.
    #[serde(default)]
    pub vendor_id: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InviteDraft {
    pub role: InviteRole,
    pub name: String,
    pub email: String,
    pub client_id: Option<i64>,
    pub vendor_id: Option<i64>,
}

impl InviteForm {
    pub fn parse(&self) -> Result<InviteDraft, FieldErrors> {
        let mut p = Parser::new();
        let role = p.choice("role", &self.role, InviteRole::Staff);
        let name = p.text("name", &self.name, MAX_NAME);
        let email = p.email("email", &self.email);
        let client_id = p.optional_id("client_id", &self.client_id);
        let vendor_id = p.optional_id("vendor_id", &self.vendor_id);
        if role == InviteRole::Vendor && vendor_id.is_none() && !p.errors.0.iter().any(|e| e.field == "vendor_id") {
            p.errors.add("vendor_id", "Choose the vendor this person works for.");
        }
        p.finish(|| InviteDraft { role, name, email, client_id, vendor_id })
    }
}

/// Checks a status chosen from a list; the UI offers only valid ones, the server trusts none.
pub fn element_status(raw: &str) -> Result<ElementStatus, FieldErrors> {
    let mut p = Parser::new();
    let s = p.choice("status", raw, ElementStatus::Proposed);
    p.finish(|| s)
}

pub fn task_status(raw: &str) -> Result<TaskStatus, FieldErrors> {
    let mut p = Parser::new();
    let s = p.choice("status", raw, TaskStatus::Open);
    p.finish(|| s)
}

pub fn rsvp(raw: &str) -> Result<Rsvp, FieldErrors> {
    let mut p = Parser::new();
    let s = p.choice("rsvp", raw, Rsvp::Pending);
    p.finish(|| s)
}

pub fn message_body(raw: &str) -> Result<String, FieldErrors> {
    let mut p = Parser::new();
    let v = raw.trim();
    let body = if v.is_empty() {
        p.fail("body", "Write a message first.")
    } else if v.chars().count() > MAX_MESSAGE {
        p.fail("body", format!("Must be at most {MAX_MESSAGE} characters."))
    } else if has_stray_control(v) {
        p.fail("body", "Must not contain control characters.")
    } else {
        v.to_string()
    };
    p.finish(|| body)
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
    fn inquiry_form() {
        let today = ymd(2026, 11, 22);
        let form = InquiryForm {
            name: " Maya Patel ".into(),
            email: "Maya.Patel@Example.com".into(),
            phone: "617.555.0199".into(),
            event_type: "wedding".into(),
            event_date: "June 12".into(),
            guest_count: "120".into(),
            budget: "$45,000".into(),
            space_id: String::new(),
            notes: "Saw us at the fair.".into(),
        };
        let d = form.parse(today).unwrap();
        assert_eq!(
            (d.name.as_str(), d.email.as_str(), d.phone.as_str(), d.event_type.as_str()),
            ("Maya Patel", "maya.patel@example.com", "(617) 555-0199", "Wedding")
        );
        assert_eq!((d.event_date, d.guest_count, d.budget_cents), (ymd(2027, 6, 12), 120, 4_500_000));
        let bad = InquiryForm {
            name: String::new(),
            email: "maya".into(),
            phone: "call me".into(),
            event_type: "rave".into(),
            event_date: "2026-01-02".into(),
            guest_count: "0".into(),
            budget: "lots".into(),
            ..form
        }
        .parse(today)
        .unwrap_err();
        for field in ["name", "email", "phone", "event_type", "event_date", "guest_count", "budget"] {
            assert!(bad.get(field).is_some(), "{field}: {bad:?}");
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
        #![proptest_config(ProptestConfig::with_cases(300))]

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
    fn guest_form_reports_each_field() {
        let form = GuestForm {
            name: "   ".into(),
            email: "nope".into(),
            party_size: "-1".into(),
            rsvp: "perhaps".into(),
            dietary: "x".repeat(501),
            notes: String::new(),
        };
        let errs = form.parse().unwrap_err();
        for f in ["name", "email", "party_size", "rsvp", "dietary"] {
            assert!(errs.get(f).is_some(), "missing error for {f}: {errs}");
        }
        let ok = GuestForm {
            name: " Ada Lovelace ".into(),
            party_size: "2".into(),
            rsvp: "yes".into(),
            ..Default::default()
        };
        let g = ok.parse().unwrap();
        assert_eq!((g.name.as_str(), g.party_size, g.rsvp), ("Ada Lovelace", 2, Rsvp::Yes));
    }

    #[test]
    fn oversized_name_is_refused() {
        let form = GuestForm { name: "a".repeat(1_000_000), ..Default::default() };
        assert_eq!(form.parse().unwrap_err().get("name"), Some("Must be at most 120 characters."));
    }

    #[test]
    fn event_form() {
        let form = EventForm {
            title: "Gala".into(),
            event_date: "2026-12-31".into(),
            space_id: "".into(),
            guest_count: "-3".into(),
            budget: "12,000".into(),
            status: "confirmed".into(),
            notes: "".into(),
        };
        assert_eq!(form.parse().unwrap_err().get("guest_count"), Some("Must be at least 0."));
        let ok = EventForm { guest_count: "150".into(), ..form };
        let d = ok.parse().unwrap();
        assert_eq!((d.guest_count, d.budget_cents, d.status), (150, 1_200_000, EventStatus::Confirmed));
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(message_body("hi\u{0}").is_err());
        assert!(message_body("line one\nline two").is_ok());
        let form = GuestForm { name: "Ann".into(), dietary: "nuts\u{1b}[31m".into(), ..Default::default() };
        assert_eq!(form.parse().unwrap_err().get("dietary"), Some("Must not contain control characters."));
        assert!(required_text("a\u{0}b", 10).is_err());
    }

    #[test]
    fn passwords() {
        assert!(password("short").is_err());
        assert!(password("long enough pass").is_ok());
    }
}
