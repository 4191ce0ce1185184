//! Scheduling (server only): appointment types, resources with working hours, appointments, and
//! the free slots between them. [`availability`] is the pure core; [`booking`] holds the rules
//! for booking, moving and cancelling (over the store, which only runs SQL); the database itself
//! refuses double bookings (an exclusion constraint over each resource's blocked time, buffers
//! included). [`calendar`] and [`ical`] turn stored rows into the staff calendar and `.ics` files.

pub mod availability;
pub mod booking;
pub mod calendar;
pub mod ical;
pub mod reminders;
