//! Guest lists from a spreadsheet: which column is which (suggested from the headers, changed by
//! the person), and each row checked by the same guest parser the form uses. Pure, so the
//! browser previews exactly what the server will import.

use super::csv;
use super::forms::{GuestDraft, GuestForm};
use super::parse::FieldErrors;
use serde::{Deserialize, Serialize};

/// Where a column goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Name,
    FirstName,
    LastName,
    Email,
    PartySize,
    Rsvp,
    Dietary,
    Notes,
}

impl Target {
    pub const ALL: [Target; 8] = [
        Target::Name,
        Target::FirstName,
        Target::LastName,
        Target::Email,
        Target::PartySize,
        Target::Rsvp,
        Target::Dietary,
        Target::Notes,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Target::Name => "Name",
            Target::FirstName => "First name",
            Target::LastName => "Last name",
            Target::Email => "Email",
            Target::PartySize => "Party size",
            Target::Rsvp => "RSVP",
            Target::Dietary => "Dietary needs",
            Target::Notes => "Notes",
        }
    }

    /// Header words that mean this column, most specific first.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Target::Name => &["name", "guest name", "full name", "guest", "names"],
            Target::FirstName => &["first name", "first", "given name", "firstname"],
            Target::LastName => &["last name", "last", "surname", "family name", "lastname"],
            Target::Email => &["email", "e mail", "email address", "mail"],
            Target::PartySize => {
                &["party size", "party", "pax", "number of guests", "guests", "count", "size", "seats"]
            }
            Target::Rsvp => &["rsvp", "response", "attending", "reply"],
            Target::Dietary => &["dietary", "dietary needs", "dietary restrictions", "diet", "allergies", "meal"],
            Target::Notes => &["notes", "note", "comments", "comment", "remarks"],
        }
    }
}

/// `"E-Mail Address:"` → `"e mail address"`.
fn normalise(header: &str) -> String {
    header
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A suggested target per column: exact synonyms first, then headers that contain one; each
/// target at most once. Columns nothing matches stay unmapped (`None`).
pub fn suggest(headers: &[String]) -> Vec<Option<Target>> {
    let norm: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut out = vec![None; headers.len()];
    let mut taken = Vec::new();
    // Whole header equal to a synonym first; then a header containing one as whole words.
    let matches =
        |h: &str, s: &str, exact: bool| if exact { h == s } else { format!(" {h} ").contains(&format!(" {s} ")) };
    for exact in [true, false] {
        for t in Target::ALL {
            if taken.contains(&t) {
                continue;
            }
            let found = t
                .synonyms()
                .iter()
                .find_map(|s| (0..norm.len()).find(|&i| out[i].is_none() && matches(&norm[i], s, exact)));
            if let Some(i) = found {
                out[i] = Some(t);
                taken.push(t);
            }
        }
    }
    out
}

/// Whether the first row names columns rather than being a guest: some cell is a known header
/// and none is an email address.
pub fn looks_like_header(row: &[String]) -> bool {
    let known = suggest(row).iter().any(Option::is_some);
    known && !row.iter().any(|c| super::parse::email(c).is_ok())
}

/// One row of the preview: its line in the pasted text, and the guest or what is wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowCheck {
    pub line: usize,
    pub result: Result<GuestDraft, FieldErrors>,
}

/// Why pasted text could not be previewed at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Csv(#[from] csv::CsvError),
    #[error("Map a column to Name, or to First and Last name.")]
    NoName,
    #[error("Nothing to import.")]
    Empty,
}

/// Each data row (the header row, if `has_header`, skipped) as the guest it would be.
pub fn check(text: &str, mapping: &[Option<Target>], has_header: bool) -> Result<Vec<RowCheck>, ImportError> {
    let has = |t: Target| mapping.contains(&Some(t));
    if !(has(Target::Name) || has(Target::FirstName) || has(Target::LastName)) {
        return Err(ImportError::NoName);
    }
    let rows = csv::parse(text)?;
    // Rows with every cell empty (`;;;` lines from a spreadsheet) are not guests.
    let data = rows
        .into_iter()
        .skip(usize::from(has_header))
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .collect::<Vec<_>>();
    if data.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(data
        .into_iter()
        .map(|(line, cells)| {
            let cell = |t: Target| -> String {
                mapping
                    .iter()
                    .position(|m| *m == Some(t))
                    .and_then(|i| cells.get(i))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let name = if has(Target::Name) {
                cell(Target::Name)
            } else {
                format!("{} {}", cell(Target::FirstName), cell(Target::LastName)).trim().to_string()
            };
            let form = GuestForm {
                name,
                email: cell(Target::Email),
                party_size: cell(Target::PartySize),
                rsvp: cell(Target::Rsvp).to_lowercase(),
                dietary: cell(Target::Dietary),
                notes: cell(Target::Notes),
            };
            RowCheck { line, result: form.parse() }
        })
        .collect())
}

/// A row an import refused, with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub line: usize,
    pub errors: FieldErrors,
}

/// What an import did: the import (for undo; none when no row was valid), how many guests it
/// added, and each row it refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub import_id: Option<i64>,
    pub imported: usize,
    pub rejected: Vec<RejectedRow>,
}

/// Splits checked rows into the guests to add and the rows refused.
pub fn split(rows: Vec<RowCheck>) -> (Vec<GuestDraft>, Vec<RejectedRow>) {
    let mut ok = Vec::new();
    let mut rejected = Vec::new();
    for r in rows {
        match r.result {
            Ok(g) => ok.push(g),
            Err(errors) => rejected.push(RejectedRow { line: r.line, errors }),
        }
    }
    (ok, rejected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn suggests_columns_from_headers() {
        let headers =
            strings(&["Guest Name", "E-Mail Address", "Party Size", "Dietary restrictions", "RSVP?", "Table"]);
        assert_eq!(
            suggest(&headers),
            [
                Some(Target::Name),
                Some(Target::Email),
                Some(Target::PartySize),
                Some(Target::Dietary),
                Some(Target::Rsvp),
                None
            ]
        );
        let split = strings(&["First", "Last", "Email", "Notes", "Comments"]);
        assert_eq!(
            suggest(&split),
            [Some(Target::FirstName), Some(Target::LastName), Some(Target::Email), Some(Target::Notes), None],
            "each target once"
        );
        assert!(looks_like_header(&headers));
        assert!(!looks_like_header(&strings(&["Ann Lee", "ann@example.com", "2"])));
    }

    #[test]
    fn checks_each_row_like_the_form() {
        let text =
            "First;Last;Email;Party\nAnn;Lee;ann@example.com;2\nBo;;not-an-email;1\n;;;\nCy;Park;cy@example.com;40\n";
        let headers: Vec<String> = csv::parse(text).unwrap()[0].1.clone();
        let mapping = suggest(&headers);
        let rows = check(text, &mapping, true).unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 5], "the empty line is skipped");
        let ann = rows[0].result.as_ref().unwrap();
        assert_eq!((ann.name.as_str(), ann.email.as_str(), ann.party_size), ("Ann Lee", "ann@example.com", 2));
        assert!(rows[1].result.as_ref().unwrap_err().get("email").is_some());
        assert!(rows[2].result.as_ref().unwrap_err().get("party_size").is_some());
        assert_eq!(check(text, &[None, None, Some(Target::Email), None], true), Err(ImportError::NoName));
        assert_eq!(check("Name\n", &[Some(Target::Name)], true), Err(ImportError::Empty));
    }
}
