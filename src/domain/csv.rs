//! Delimited text as people paste or export it: CSV from a spreadsheet, semicolon-separated
//! exports from European locales, and tab-separated rows copied straight out of a spreadsheet.
//! Runs in the browser (preview) and on the server (import) alike.
//!
//! * The delimiter is the one of `,` `;` `\t` that appears most, outside quotes, in the first line.
//! * RFC 4180 quoting: a quoted field may hold delimiters, line breaks and `""` for a quote.
//! * A UTF-8 byte-order mark is dropped; `\r\n`, `\n` and `\r` all end a row; empty lines are
//!   skipped; fields are trimmed of surrounding spaces (not inside quotes).

/// Why text could not be read as rows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("Line {0}: a quoted field is never closed.")]
    UnclosedQuote(usize),
    #[error("Line {line}: unexpected text after a closing quote.")]
    AfterQuote { line: usize },
}

/// One cell of a CSV file we write: quoted when it must be, and a leading `=`, `+`, `-`, `@`,
/// tab or CR defused with a `'` (spreadsheets would run it as a formula).
pub fn cell(raw: &str) -> String {
    let guarded = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{raw}") } else { raw.to_string() };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The delimiter of `text`, from its first line.
pub fn sniff(text: &str) -> char {
    let first = text.trim_start_matches('\u{feff}').lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in first.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(entry) = counts.iter_mut().find(|(d, _)| *d == c) {
                entry.1 += 1;
            }
        }
    }
    // Ties go to the comma (first in the list).
    counts.iter().fold((',', 0), |best, &(d, n)| if n > best.1 { (d, n) } else { best }).0
}

/// Rows of fields, with the line each row starts on (1-based, for error reports).
pub fn parse(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = sniff(text);
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut row_line = 1;
    // Whether the current field was quoted (its spaces are kept), and whether we are inside quotes.
    let (mut was_quoted, mut in_quotes) = (false, false);
    let mut chars = text.chars().peekable();
    let end_field = |field: &mut String, row: &mut Vec<String>, was_quoted: &mut bool| {
        let value = if *was_quoted { std::mem::take(field) } else { std::mem::take(field).trim().to_string() };
        row.push(value);
        *was_quoted = false;
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    in_quotes = false;
                    // Only spaces may sit between the closing quote and the delimiter or line end.
                    while chars.peek() == Some(&' ') {
                        chars.next();
                    }
                    match chars.peek() {
                        None | Some('\r') | Some('\n') => {}
                        Some(&d) if d == delimiter => {}
                        Some(_) => return Err(CsvError::AfterQuote { line }),
                    }
                }
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                '\r' => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    line += 1;
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
                was_quoted = true;
            }
            d if d == delimiter => end_field(&mut field, &mut row, &mut was_quoted),
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                end_field(&mut field, &mut row, &mut was_quoted);
                if !(row.len() == 1 && row[0].is_empty()) {
                    rows.push((row_line, std::mem::take(&mut row)));
                }
                row.clear();
                line += 1;
                row_line = line;
            }
            c => field.push(c),
        }
    }
    if in_quotes {
        return Err(CsvError::UnclosedQuote(row_line));
    }
    if !field.is_empty() || was_quoted || !row.is_empty() {
        end_field(&mut field, &mut row, &mut was_quoted);
        if !(row.len() == 1 && row[0].is_empty()) {
            rows.push((row_line, row));
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        parse(text).unwrap().into_iter().map(|(_, r)| r).collect()
    }

    #[test]
    fn quoted_fields_bom_and_empty_lines() {
        let text = "\u{feff}name,email,notes\r\n\r\n\"Wu, James\",james@example.com,\"said \"\"hi\"\"\nthen left\"\r\n  Ann  , ann@example.com ,\n";
        assert_eq!(
            fields(text),
            [
                vec!["name", "email", "notes"],
                vec!["Wu, James", "james@example.com", "said \"hi\"\nthen left"],
                vec!["Ann", "ann@example.com", ""],
            ]
        );
        // The row after a field with a line break starts on line 5.
        let lines: Vec<usize> = parse(text).unwrap().into_iter().map(|(l, _)| l).collect();
        assert_eq!(lines, [1, 3, 5]);
    }

    #[test]
    fn semicolons_and_tabs() {
        assert_eq!(sniff("name;email;party\nAnn;a@x.io;2"), ';');
        assert_eq!(fields("name;email\nAnn;a@x.io"), [vec!["name", "email"], vec!["Ann", "a@x.io"]]);
        assert_eq!(fields("name\temail\r\nAnn\ta@x.io"), [vec!["name", "email"], vec!["Ann", "a@x.io"]]);
        // A comma inside quotes does not count towards the guess.
        assert_eq!(sniff("\"Wu, James\";email"), ';');
    }

    #[test]
    fn broken_quotes_are_reported_with_their_line() {
        assert_eq!(parse("a,b\n\"open,c\nd"), Err(CsvError::UnclosedQuote(2)));
        assert_eq!(parse("a,b\n\"x\"y,c"), Err(CsvError::AfterQuote { line: 2 }));
    }

    #[test]
    fn ten_thousand_rows() {
        let mut text = String::from("name,email,party size\n");
        for i in 0..10_000 {
            text.push_str(&format!("\"Guest {i}, Jr.\",guest{i}@example.com,{}\n", i % 6 + 1));
        }
        let rows = parse(&text).unwrap();
        assert_eq!(rows.len(), 10_001);
        assert_eq!(rows[10_000].1, ["Guest 9999, Jr.", "guest9999@example.com", "4"]);
    }

    /// A field as a spreadsheet writes it: quoted when it must be.
    fn write(field: &str, delimiter: char) -> String {
        if field.contains([delimiter, '"', '\n', '\r']) || field != field.trim() {
            format!("\"{}\"", field.replace('"', "\"\""))
        } else {
            field.to_string()
        }
    }

    proptest! {
        #![proptest_config(crate::domain::fuzz_config())]

        /// Whatever is written (quotes, delimiters, line breaks, spaces inside fields) reads back.
        #[test]
        fn round_trips(rows in proptest::collection::vec(proptest::collection::vec("[a-zA-Z0-9 ,;\\t\"\\n]{0,12}", 3), 1..20), d in 0usize..3) {
            let delimiter = [',', ';', '\t'][d];
            // The header decides the delimiter: three plain names.
            let mut text = ["name", "email", "notes"].join(&delimiter.to_string());
            text.push_str("\r\n");
            for r in &rows {
                let line: Vec<String> = r.iter().map(|f| write(f, delimiter)).collect();
                text.push_str(&line.join(&delimiter.to_string()));
                text.push_str("\r\n");
            }
            let got = fields(&text);
            let expected: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(|f| f.replace("\r\n", "\n")).collect())
                .filter(|r: &Vec<String>| !(r.len() == 1 && r[0].is_empty()))
                .collect();
            prop_assert_eq!(&got[1..], &expected[..]);
        }
    }
}
