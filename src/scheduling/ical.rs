//! iCalendar (RFC 5545) output: one appointment as a `.ics` file, or a feed of them.
//!
//! * Times are written in UTC (`DTSTART:20261201T190000Z`, RFC 5545 §3.3.5 form #2), which every
//!   calendar app shows in its own zone; no VTIMEZONE is needed and none can be wrong.
//! * `UID` is derived from the appointment's id and the venue, so it never changes; `SEQUENCE` is
//!   the appointment's, bumped on every reschedule and cancellation; a cancelled appointment stays
//!   in the feed as `STATUS:CANCELLED` so subscribed calendars remove it.
//! * Text is escaped (§3.3.11) and lines are folded at 75 octets on character boundaries (§3.1).
//! * [`feed`] maps the store's feed rows to events (what each reader may see of them) and writes
//!   them; the store itself only loads the rows.

use crate::store::feeds::{Calendar, FeedAppointment};
use chrono::{DateTime, Utc};
use std::fmt::Write;

/// One appointment, as a calendar event.
#[derive(Clone, Debug)]
pub struct CalEvent {
    pub uid: String,
    pub sequence: i32,
    pub cancelled: bool,
    pub summary: String,
    pub description: String,
    pub location: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// One stored appointment as an event. Staff (`for_staff`) see the client's name in the summary
/// and description; clients see the type and the venue.
pub fn appointment_event(r: FeedAppointment, for_staff: bool) -> CalEvent {
    let client = r.client_name.unwrap_or_default();
    let summary = if for_staff && !client.is_empty() {
        format!("{} · {client}", r.type_name)
    } else {
        format!("{} at {}", r.type_name, r.venue_name)
    };
    let mut description = String::new();
    if for_staff && !client.is_empty() {
        description.push_str(&format!("Client: {client}\n"));
    }
    if !r.notes.is_empty() {
        description.push_str(&format!("Notes: {}\n", r.notes));
    }
    if r.status != "booked" && r.status != "cancelled" {
        description.push_str(&format!("Status: {}\n", r.status.replace('_', " ")));
    }
    CalEvent {
        uid: format!("appointment-{}@venue-{}.concierge", r.id, r.venue_id),
        sequence: r.sequence,
        cancelled: r.status == "cancelled",
        summary,
        description: description.trim_end().to_string(),
        location: format!(
            "{}{}{}",
            r.venue_name,
            if r.resources.is_empty() { "" } else { ", " },
            r.resources.join(", ")
        ),
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        created: r.created_at,
        updated: r.updated_at,
    }
}

/// A stored calendar (a feed, or one appointment) as an `.ics` body.
pub fn feed(c: Calendar, now: DateTime<Utc>) -> String {
    let events: Vec<CalEvent> = c.appointments.into_iter().map(|r| appointment_event(r, c.for_staff)).collect();
    calendar(&c.name, &c.timezone, &events, now)
}

/// A whole calendar: `name` is what calendar apps show for a subscribed feed.
pub fn calendar(name: &str, timezone: &str, events: &[CalEvent], now: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(256 + events.len() * 400);
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Concierge//Scheduling 1.0//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    line(&mut out, &format!("X-WR-TIMEZONE:{}", text(timezone)));
    // Subscribed calendars check back hourly.
    line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    line(&mut out, "X-PUBLISHED-TTL:PT1H");
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", text(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{}", stamp(now)));
        line(&mut out, &format!("DTSTART:{}", stamp(e.starts_at)));
        line(&mut out, &format!("DTEND:{}", stamp(e.ends_at)));
        line(&mut out, &format!("CREATED:{}", stamp(e.created)));
        line(&mut out, &format!("LAST-MODIFIED:{}", stamp(e.updated)));
        line(&mut out, &format!("SEQUENCE:{}", e.sequence.max(0)));
        line(&mut out, if e.cancelled { "STATUS:CANCELLED" } else { "STATUS:CONFIRMED" });
        line(&mut out, &format!("SUMMARY:{}", text(&e.summary)));
        if !e.description.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", text(&e.description)));
        }
        if !e.location.is_empty() {
            line(&mut out, &format!("LOCATION:{}", text(&e.location)));
        }
        line(&mut out, "TRANSP:OPAQUE");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// `20261201T190000Z`
fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value: backslash, semicolon, comma and newlines escaped; other control characters
/// (not allowed in content lines) dropped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes one content line, folded so no physical line is longer than 75 octets, never inside
/// a UTF-8 character; each continuation starts with a space. Lines end in CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn escapes_text() {
        assert_eq!(text("a;b,c\\d\ne\r\nf"), "a\\;b\\,c\\\\d\\ne\\nf");
        assert_eq!(text("bell\u{7}"), "bell");
    }

    #[test]
    fn folds_long_lines_on_char_boundaries() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        line(&mut out, &long);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets: {physical}", physical.len());
        }
        // Unfolding gives the original back.
        assert_eq!(out.trim_end().replace("\r\n ", ""), long);
    }

    #[test]
    fn writes_an_event() {
        let e = CalEvent {
            uid: "appointment-7@venue-1.concierge".into(),
            sequence: 2,
            cancelled: true,
            summary: "Menu tasting".into(),
            description: String::new(),
            location: "Tasting kitchen, Priya".into(),
            starts_at: at("2026-12-01T19:00:00Z"),
            ends_at: at("2026-12-01T20:30:00Z"),
            created: at("2026-11-20T10:00:00Z"),
            updated: at("2026-11-21T10:00:00Z"),
        };
        let cal = calendar("Harbor Hall", "America/New_York", &[e], at("2026-11-22T00:00:00Z"));
        assert!(cal.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(cal.contains("\r\nDTSTART:20261201T190000Z\r\n"));
        assert!(cal.contains("\r\nSEQUENCE:2\r\n"));
        assert!(cal.contains("\r\nSTATUS:CANCELLED\r\n"));
        assert!(cal.contains("\r\nLOCATION:Tasting kitchen\\, Priya\r\n"));
        assert!(cal.ends_with("END:VCALENDAR\r\n"));
    }
}
