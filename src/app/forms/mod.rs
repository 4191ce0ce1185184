//! Forms the assist can fill in, and their plumbing. A box beside a form takes pasted text (or a
//! dropped text file) that the venue's model reads into the form's fields. Each proposed value
//! lands in its field marked "Suggested", with the words it came from shown on hover and focus;
//! the person accepts or rejects it (or all), or edits it, which makes it theirs. A form with
//! suggestions still pending does not submit. Nothing is stored until the person submits.
//!
//! [`Suggested`] is the state one form keeps; [`AssistPanel`] the box; [`field::Field`] a
//! labelled control that shows its field's suggestion; [`SuggestionNote`] the mark alone, for
//! forms with their own controls. The forms on their own pages are here too: the new inquiry and
//! the vendor directory's.

mod assist;
mod field;
pub mod inquiry;
mod suggested;
pub mod vendors;

pub use assist::AssistPanel;
pub use field::SuggestionNote;
pub use suggested::{space_id, space_name, Suggested};
