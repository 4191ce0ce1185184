//! The forms a model may fill in and their fields: each field's kind (text, email, phone, date,
//! count, amount, one of some options), what the model is told about it, and the options' words.

// `string_enum!` names these where it expands.
use crate::domain::{parse, UnknownValue};
use serde::{Deserialize, Serialize};
use std::fmt;

string_enum!(
    /// The forms the assist can fill in.
    FormKind { Inquiry => ("inquiry", "New inquiry"), Guest => ("guest", "Guest"), Vendor => ("vendor", "Vendor"), Event => ("event", "Event details") }
);

impl FormKind {
    /// The fields the model fills in, in the order it writes them.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            FormKind::Inquiry => INQUIRY,
            FormKind::Guest => GUEST,
            FormKind::Vendor => VENDOR,
            FormKind::Event => EVENT,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.name == name)
    }

    /// What the form records, for the model.
    pub(super) fn about(self) -> &'static str {
        match self {
            FormKind::Inquiry => "a new client's inquiry about holding an event at the venue",
            FormKind::Guest => "one guest on an event's guest list",
            FormKind::Vendor => "a vendor (florist, caterer, photographer, band...) the venue works with",
            FormKind::Event => "the details of an event",
        }
    }
}

/// One option of a choice: its value in the form and the words that name it in a text.
#[derive(Debug, PartialEq, Eq)]
pub struct Opt {
    pub value: &'static str,
    pub words: &'static [&'static str],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text of at most this many characters.
    Text(usize),
    /// A person's name: no digits, no email address, not the name of a space.
    Person,
    Email,
    Phone,
    /// A date, written any way [`parse::written_date`] reads.
    Date,
    /// A whole number (guests, party size).
    Count,
    /// An amount of dollars.
    Money,
    Choice(&'static [Opt]),
    /// One of the venue's spaces, by name.
    Space,
}

#[derive(Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The form's field (the key of the model's answer).
    pub name: &'static str,
    pub kind: FieldKind,
    /// What the field holds, for the model.
    pub about: &'static str,
}

const fn f(name: &'static str, kind: FieldKind, about: &'static str) -> FieldSpec {
    FieldSpec { name, kind, about }
}

pub const EVENT_TYPE_OPTIONS: &[Opt] = &[
    Opt { value: "Wedding", words: &["wedding", "married", "marry", "bride", "groom", "nuptials"] },
    Opt { value: "Engagement party", words: &["engagement", "engaged"] },
    Opt {
        value: "Corporate event",
        words: &["corporate", "company", "offsite", "off-site", "conference", "team dinner", "client appreciation"],
    },
    Opt { value: "Birthday", words: &["birthday", "bday", "b-day"] },
    Opt { value: "Family reunion", words: &["reunion"] },
    Opt { value: "Fundraiser", words: &["fundraiser", "fundraising", "gala", "charity", "benefit dinner"] },
];

pub const RSVP_OPTIONS: &[Opt] = &[
    Opt {
        value: "yes",
        words: &[
            "will attend",
            "will be there",
            "we'll be there",
            "i'll be there",
            "accept",
            "attending",
            "count me in",
            "rsvp yes",
        ],
    },
    Opt {
        value: "no",
        words: &[
            "cannot attend",
            "can't attend",
            "can't make it",
            "cannot make it",
            "won't be able",
            "decline",
            "regret",
            "not attending",
            "rsvp no",
        ],
    },
    Opt { value: "maybe", words: &["maybe", "not sure yet", "might", "tentative"] },
];

pub const CATEGORY_OPTIONS: &[Opt] = &[
    Opt { value: "florist", words: &["florist", "flowers", "floral", "bouquet", "bouquets"] },
    Opt { value: "caterer", words: &["caterer", "catering", "chef", "menu", "food"] },
    Opt { value: "photographer", words: &["photographer", "photography", "photos", "photo booth", "videographer"] },
    Opt { value: "music", words: &["music", "dj", "band", "quartet", "musician", "musicians"] },
    Opt { value: "decor", words: &["decor", "décor", "decoration", "decorations", "lighting", "draping"] },
    Opt { value: "rentals", words: &["rentals", "rental", "chairs", "tents", "linens"] },
];

pub const RATE_UNIT_OPTIONS: &[Opt] = &[
    Opt { value: "per_hour", words: &["per hour", "an hour", "/hour", "/hr", "hourly", "per hr"] },
    Opt { value: "per_guest", words: &["per guest", "per person", "per head", "a head", "/person", "/guest", "pp"] },
    Opt { value: "flat", words: &["per event", "flat", "flat fee", "package", "all-in"] },
];

const INQUIRY: &[FieldSpec] = &[
    f("name", FieldKind::Person, "the client's full name"),
    f("email", FieldKind::Email, "the client's email address"),
    f("phone", FieldKind::Phone, "the client's phone number"),
    f("event_type", FieldKind::Choice(EVENT_TYPE_OPTIONS), "the kind of event"),
    f("event_date", FieldKind::Date, "the date of the event"),
    f("guest_count", FieldKind::Count, "how many guests are expected"),
    f("budget", FieldKind::Money, "the budget in dollars"),
    f("space", FieldKind::Space, "the room or space they would like"),
    f("notes", FieldKind::Text(300), "anything else they ask for"),
];

const GUEST: &[FieldSpec] = &[
    f("name", FieldKind::Person, "the guest's full name"),
    f("email", FieldKind::Email, "the guest's email address"),
    f("party_size", FieldKind::Count, "how many people come in the guest's party"),
    f("dietary", FieldKind::Text(200), "dietary needs or allergies"),
    f("rsvp", FieldKind::Choice(RSVP_OPTIONS), "whether the guest will attend"),
    f("notes", FieldKind::Text(300), "anything else about the guest"),
];

const VENDOR: &[FieldSpec] = &[
    f("name", FieldKind::Text(parse::MAX_NAME), "the vendor's company name"),
    f("contact", FieldKind::Person, "the contact person's name"),
    f("category", FieldKind::Choice(CATEGORY_OPTIONS), "what the vendor provides"),
    f("email", FieldKind::Email, "the vendor's email address"),
    f("phone", FieldKind::Phone, "the vendor's phone number"),
    f("rate", FieldKind::Money, "the vendor's price in dollars"),
    f("rate_unit", FieldKind::Choice(RATE_UNIT_OPTIONS), "what the price is per"),
    f("notes", FieldKind::Text(300), "anything else about the vendor"),
];

const EVENT: &[FieldSpec] = &[
    f("title", FieldKind::Text(parse::MAX_TITLE), "the event's name"),
    f("event_date", FieldKind::Date, "the date of the event"),
    f("guest_count", FieldKind::Count, "how many guests are expected"),
    f("budget", FieldKind::Money, "the budget in dollars"),
    f("space", FieldKind::Space, "the room or space for the event"),
    f("notes", FieldKind::Text(300), "anything else about the event"),
];
