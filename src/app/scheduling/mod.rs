//! Scheduling: a client's booking flow, the staff calendar, the calendar feeds both offer, and
//! the owners' scheduling settings. Times show in the viewer's own time zone (the browser's).

pub mod booking;
pub mod calendar;
mod feeds;
pub mod settings;
mod slot_picker;
mod upcoming;

use chrono::{DateTime, Local, Utc};

fn local(t: DateTime<Utc>) -> DateTime<Local> {
    t.with_timezone(&Local)
}

/// "Tuesday 1 December at 2:00 PM", in the viewer's zone.
fn long_time(t: DateTime<Utc>) -> String {
    local(t).format("%A %-d %B at %-I:%M %p").to_string()
}
