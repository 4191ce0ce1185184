//! One page per file.

pub mod approvals;
pub mod book;
pub mod calendar;
pub mod dashboard;
pub mod embed;
pub mod event;
pub mod inquiry;
pub mod invite;
pub mod login;
pub mod my_event;
pub mod scheduling_settings;
pub mod settings;
pub mod signup;
pub mod team;
pub mod usage;
pub mod vendors;
