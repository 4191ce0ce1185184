//! Scheduling (server only): appointment types, resources with working hours, appointments, and
//! the free slots between them. [`availability`] is the pure core; the store keeps the data and
//! the database itself refuses double bookings (an exclusion constraint over each resource's
//! blocked time, buffers included).

pub mod availability;
pub mod ical;
pub mod reminders;
