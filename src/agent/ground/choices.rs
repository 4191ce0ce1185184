//! Which of an argument's few values the person chose: by its name or stem ("confirm it" →
//! confirmed), or by the everyday words for it ("desserts" → catering), and which numeric
//! argument a number is for by the words around it ("the headcount" → the guest count).

use super::said::{stem_says, words};

/// Everyday words for what a numeric argument counts, beyond its own name's ("the headcount"
/// is the guest count).
pub(super) const NUMBER_CUES: &[(&str, &[&str])] = &[
    ("guest_count", &["headcount", "heads", "people", "attendees", "pax", "guests"]),
    ("budget_dollars", &["budget", "spend", "dollars", "usd"]),
    ("party_size", &["people", "plus"]),
];

/// Everyday words for the venue's categories (of a service, an element or a vendor), when the
/// person names the kind of thing rather than the category ("what desserts could we add?").
pub(super) const CATEGORY_CUES: &[(&str, &[&str])] = &[
    (
        "catering",
        &[
            "food",
            "dessert",
            "desserts",
            "menu",
            "dinner",
            "lunch",
            "brunch",
            "breakfast",
            "snack",
            "snacks",
            "cake",
            "appetizers",
            "canapes",
            "buffet",
            "meal",
            "meals",
            "eat",
        ],
    ),
    (
        "beverage",
        &["drink", "drinks", "bar", "cocktail", "cocktails", "wine", "beer", "coffee", "champagne", "mocktails"],
    ),
    ("decor", &["decoration", "decorations", "flowers", "florals", "centerpieces", "lighting", "balloons", "linens"]),
    ("music", &["dj", "band", "musician", "musicians", "entertainment", "guitarist", "jazz", "songs", "live"]),
    ("staffing", &["waiters", "servers", "bartenders", "bartender", "waitstaff"]),
    ("florist", &["flowers", "florals", "bouquets"]),
    ("caterer", &["food", "catering", "cake", "desserts", "bakery", "baker"]),
    ("photographer", &["photos", "photography", "pictures", "photo"]),
    ("rentals", &["chairs", "tables", "tents", "tent", "linens"]),
];

/// The one category of `values` (of a `category` argument) whose everyday words the person used.
pub(super) fn category_said<'a>(values: &[&'a str], key: &str, said_words: &[String]) -> Option<&'a str> {
    if key != "category" {
        return None;
    }
    let cued: Vec<&str> = values
        .iter()
        .copied()
        .filter(|v| {
            CATEGORY_CUES.iter().any(|(c, cues)| c == v && said_words.iter().any(|w| cues.contains(&w.as_str())))
        })
        .collect();
    match cued.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}
/// The one of an argument's `values` that the person said (by its stem), or, when several are,
/// the one the request's verb says ("Approve the … request"), the one said outside a text the
/// request quotes, or the one said right before the argument's name (`key`, "form" in "the guest
/// form").
pub(super) fn value_said<'a>(
    values: &[&'a str],
    key: &str,
    said_lower: &str,
    said_words: &[String],
) -> Option<&'a str> {
    // Values that are everyday words whatever is meant ("our other clients").
    const VAGUE: &[&str] = &["other", "none", "all", "any"];
    let said_values: Vec<&str> =
        values.iter().copied().filter(|v| !VAGUE.contains(v) && said_words.iter().any(|w| stem_says(v, w))).collect();
    match said_values.as_slice() {
        [one] => Some(*one),
        [] => None,
        many => {
            // The request's own verb ("Approve the open bar request": approved, not requested).
            let verb = crate::domain::text::verb_of(said_lower.lines().next().unwrap_or_default());
            if let Some(v) = many.iter().copied().find(|v| verb.as_deref().is_some_and(|w| stem_says(v, w))) {
                return Some(v);
            }
            // Not the words of a text it quotes (an email pasted in to fill a form from).
            let outside: String = said_lower.split('"').step_by(2).collect::<Vec<_>>().join(" ");
            let outside_words = words(&outside);
            let unquoted: Vec<&str> =
                many.iter().copied().filter(|v| outside_words.iter().any(|w| stem_says(v, w))).collect();
            if let [one] = unquoted.as_slice() {
                return Some(one);
            }
            let noun = key.rsplit('_').next().unwrap_or(key);
            let before: Vec<&str> = many
                .iter()
                .copied()
                .filter(|v| said_lower.contains(&format!("{} {noun}", v.replace('_', " "))))
                .collect();
            match before.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        }
    }
}
