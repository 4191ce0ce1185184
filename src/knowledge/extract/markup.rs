//! The tag scanner HTML and DOCX share: tokens (text, tags, comments), entity decoding, and
//! table rows as Markdown lines.

use std::borrow::Cow;

/// A piece of HTML or XML.
#[derive(Debug, PartialEq)]
pub(super) enum Token<'a> {
    /// Text between tags, entities not yet decoded.
    Text(&'a str),
    /// The content of `<![CDATA[...]]>`, taken literally.
    Cdata(&'a str),
    /// `<name attrs>`; `closed` for `<name ... />`.
    Start { name: &'a str, attrs: &'a str, closed: bool },
    /// `</name>`.
    End(&'a str),
}

/// Tags and text of markup, in order. Comments, `<!DOCTYPE>` and `<?xml?>` are skipped; a `<`
/// that opens no tag is text; an unterminated tag ends the input. Never panics: it only cuts at
/// ASCII bytes, which are always character boundaries.
pub(super) struct Tags<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Tags<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Tags { src, pos: 0 }
    }

    /// Jumps past `</name ...>` (any case), for elements whose content is not markup (`<script>`).
    pub(super) fn skip_element(&mut self, name: &str) {
        let rest = &self.src[self.pos..];
        let closing = format!("</{name}");
        self.pos = match find_ignore_case(rest, &closing) {
            Some(i) => self.pos + i + skip_past(&rest[i..], ">"),
            None => self.src.len(),
        };
    }
}

impl<'a> Iterator for Tags<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let rest = &self.src[self.pos..];
            if rest.is_empty() {
                return None;
            }
            let text_len = markup_start(rest);
            if text_len > 0 {
                self.pos += text_len;
                return Some(Token::Text(&rest[..text_len]));
            }
            if let Some(comment) = rest.strip_prefix("<!--") {
                self.pos += 4 + skip_past(comment, "-->");
                continue;
            }
            if let Some(body) = rest.strip_prefix("<![CDATA[") {
                let end = body.find("]]>").unwrap_or(body.len());
                self.pos += 9 + skip_past(body, "]]>");
                return Some(Token::Cdata(&body[..end]));
            }
            if rest.starts_with("<!") || rest.starts_with("<?") {
                self.pos += skip_past(rest, ">");
                continue;
            }
            if let Some(body) = rest.strip_prefix("</") {
                self.pos += 2 + skip_past(body, ">");
                return Some(Token::End(tag_name(body)));
            }
            let body = &rest[1..];
            let name = tag_name(body);
            let after_name = &body[name.len()..];
            let Some(end) = attributes_end(after_name) else {
                self.pos = self.src.len();
                return None;
            };
            let attrs = &after_name[..end];
            self.pos += 1 + name.len() + end + 1;
            return Some(Token::Start { name, attrs, closed: attrs.trim_end().ends_with('/') });
        }
    }
}

/// Where the next markup starts in `s`: a `<` followed by a letter, `/letter`, `!` or `?`.
pub(super) fn markup_start(s: &str) -> usize {
    let bytes = s.as_bytes();
    for (i, _) in s.match_indices('<') {
        let next = bytes.get(i + 1).copied().unwrap_or(b' ');
        let after = bytes.get(i + 2).copied().unwrap_or(b' ');
        if next.is_ascii_alphabetic() || next == b'!' || next == b'?' || (next == b'/' && after.is_ascii_alphabetic()) {
            return i;
        }
    }
    s.len()
}

/// The length of `s` up to and including the first `pattern`, or all of it.
pub(super) fn skip_past(s: &str, pattern: &str) -> usize {
    s.find(pattern).map_or(s.len(), |i| i + pattern.len())
}

pub(super) fn tag_name(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))).unwrap_or(s.len());
    &s[..end]
}

/// The index of the `>` that ends a tag's attributes (quotes respected), if any.
pub(super) fn attributes_end(s: &str) -> Option<usize> {
    let mut quote: Option<u8> = None;
    let mut after_equals = false;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'>' => return Some(i),
            None if after_equals && (b == b'"' || b == b'\'') => quote = Some(b),
            None if b == b'=' => {
                after_equals = true;
                continue;
            }
            None if b.is_ascii_whitespace() && after_equals => continue,
            None => {}
        }
        after_equals = false;
    }
    None
}

pub(super) fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

/// The value of attribute `name` in a tag's attribute text (`w:val="Heading1"` → `Heading1`).
pub(super) fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = attrs[from..].find(name).map(|i| from + i) {
        from = i + name.len();
        let starts_word = attrs[..i].chars().next_back().is_none_or(char::is_whitespace);
        let Some(value) = attrs[from..].trim_start().strip_prefix('=').map(str::trim_start) else { continue };
        if !starts_word {
            continue;
        }
        let quote = value.chars().next().filter(|&q| q == '"' || q == '\'')?;
        let value = &value[1..];
        return value.find(quote).map(|end| &value[..end]);
    }
    None
}

/// `s` with HTML/XML character references decoded (`&amp;`, `&#233;`, `&#xE9;`, `&nbsp;`, ...).
/// Unknown or malformed references stay as they are.
pub(super) fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // A reference is short: look for its `;` in the next few bytes only (no quadratic scan).
        let end = rest.as_bytes()[1..].iter().take(33).position(|&b| b == b';');
        let reference = end.map(|end| &rest[1..1 + end]);
        match reference.and_then(entity) {
            Some(c) => {
                out.push(c);
                rest = &rest[reference.map_or(0, str::len) + 2..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character a reference (between `&` and `;`) stands for.
pub(super) fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        return Some(char::from_u32(code).filter(|&c| c != '\0').unwrap_or('\u{fffd}'));
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "sect" => '§',
        "deg" => '°',
        "plusmn" => '±',
        "times" => '×',
        "divide" => '÷',
        "frac12" => '½',
        "frac14" => '¼',
        "frac34" => '¾',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "agrave" => 'à',
        "ccedil" => 'ç',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        "ntilde" => 'ñ',
        _ => return None,
    })
}

/// A table cell's text on one line, with `|` escaped so it cannot end the cell.
pub(super) fn cell_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

/// `| a | b |`, and after the first row of a table its `| --- | --- |` separator.
pub(super) fn push_row(out: &mut String, cells: &[String], first: bool) {
    out.push('|');
    for cell in cells {
        out.push(' ');
        out.push_str(cell);
        out.push_str(" |");
    }
    if first {
        out.push_str("\n|");
        out.push_str(&" --- |".repeat(cells.len()));
    }
}

/// A finished table row as its Markdown line, or `None` for a row with no text. The first row
/// of a table (`*rows_written == 0`) gets the separator line; the count moves on. Returns the
/// line and whether it was the first.
pub(super) fn row_line(cells: &[String], rows_written: &mut usize) -> Option<(String, bool)> {
    if cells.iter().all(String::is_empty) {
        return None;
    }
    let first = *rows_written == 0;
    let mut line = String::new();
    push_row(&mut line, cells, first);
    *rows_written += 1;
    Some((line, first))
}
