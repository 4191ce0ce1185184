//! Domain types shared by the server and the browser, serialised the same on both sides.
//!
//! Enumerations mirror the `check` constraints in `migrations/`; the parsers in [`parse`] turn raw
//! form input into values the store accepts, and run unchanged in the browser for instant feedback.

pub mod api_keys;
pub mod csv;
pub mod embed;
pub mod forms;
pub mod guest_import;
pub mod parse;
pub mod records;

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares a string-backed enum: its wire/database spelling, a human label, and parsing.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($db:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling stored in the database and sent over the wire.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $db),+ }
            }

            /// A label for people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($db => Ok($name::$variant),)+ _ => Err(UnknownValue(s.chars().take(40).collect())) }
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownValue;
            fn try_from(s: String) -> Result<Self, UnknownValue> { s.parse() }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.label()) }
        }
    };
}

/// A value that is not one of an enumeration's spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value {0:?}")]
pub struct UnknownValue(pub String);

string_enum!(
    /// A member's role in a venue.
    Role { Owner => ("owner", "Owner"), Staff => ("staff", "Staff"), Client => ("client", "Client"), Vendor => ("vendor", "Vendor") }
);

impl Role {
    /// Owners and staff run the venue and see all of its events.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Owner | Role::Staff)
    }
}

string_enum!(
    EventStatus { Inquiry => ("inquiry", "Inquiry"), Tentative => ("tentative", "Tentative"), Confirmed => ("confirmed", "Confirmed"), Completed => ("completed", "Completed"), Cancelled => ("cancelled", "Cancelled") }
);

string_enum!(
    ElementStatus { Proposed => ("proposed", "Proposed"), Requested => ("requested", "Requested"), Approved => ("approved", "Approved"), Confirmed => ("confirmed", "Confirmed"), Declined => ("declined", "Declined") }
);

string_enum!(
    Rsvp { Pending => ("pending", "Pending"), Yes => ("yes", "Attending"), No => ("no", "Declined"), Maybe => ("maybe", "Maybe") }
);

string_enum!(
    TaskStatus { Open => ("open", "Open"), InProgress => ("in_progress", "In progress"), Done => ("done", "Done") }
);

string_enum!(
    ThreadKind { Client => ("client", "Client"), Vendor => ("vendor", "Vendor"), Internal => ("internal", "Internal") }
);

string_enum!(
    /// Roles an owner or staff member can invite.
    InviteRole { Staff => ("staff", "Staff"), Client => ("client", "Client"), Vendor => ("vendor", "Vendor") }
);

// Declared after `string_enum!` so that the macro is in scope there.
pub mod assist;
pub mod audit;
pub mod automations;
pub mod chat;
pub mod chat_export;
pub mod insights;
pub mod knowledge;
pub mod markdown;
pub mod mcp_servers;
pub mod queue;
pub mod scheduling;
pub mod studio;
pub mod text;
pub mod webhooks;
pub mod when;

/// Formats integer cents as dollars, e.g. `1234567` → `$12,345.67`.
pub fn format_money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}${}.{:02}", group_digits(cents / 100), cents % 100)
}

/// A count with thousands separators: `5,000,000`.
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    grouped
}

/// Cases per property test of a parser of outside text: `FUZZ_CASES`, else 10,000 (`make fuzz`
/// sets a million; see `agent/fuzz.rs`).
#[cfg(test)]
pub(crate) fn fuzz_config() -> proptest::prelude::ProptestConfig {
    let cases = std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    proptest::prelude::ProptestConfig { cases, failure_persistence: None, ..Default::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped() {
        assert_eq!(format_money(0), "$0.00");
        assert_eq!(format_money(5), "$0.05");
        assert_eq!(format_money(123_456_789), "$1,234,567.89");
        assert_eq!(format_money(-100_000), "-$1,000.00");
    }

    #[test]
    fn enums_round_trip() {
        for s in EventStatus::ALL {
            assert_eq!(s.as_str().parse::<EventStatus>().unwrap(), *s);
        }
        assert!("bogus".parse::<Rsvp>().is_err());
        assert_eq!("in_progress".parse::<TaskStatus>().unwrap(), TaskStatus::InProgress);
    }
}
