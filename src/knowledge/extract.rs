//! Text out of uploaded files, for the knowledge base. Pure functions: bytes in, text out, no I/O.
//!
//! [`detect`] checks that a file is what its name says (a `.pdf` that starts with `%PDF-`, a
//! `.docx` that is a zip holding `word/document.xml`, text that is UTF-8 or UTF-16 with a BOM and
//! has no NUL bytes), so a renamed PNG or program gets a clear message instead of garbage.
//! [`extract`] turns each format into one normalised, Markdown-flavoured text that the chunker
//! (`super::chunk`) understands: `#` heading lines, `- ` list items, `| a | b |` table rows (the
//! first row followed by a `| --- |` separator, so it is also a real Markdown table), paragraphs
//! separated by one blank line, no control characters but `\n` and `\t`.
//!
//! * HTML and DOCX are read by small hand-written tag scanners ([`Tags`]) instead of an HTML5 or
//!   XML parser: we only need text, block boundaries, headings, lists and table cells, which is a
//!   few dozen lines, never panics on malformed input, and adds no dependency to the server.
//!   Attribute values never reach the text; `<script>`, `<style>`, `<head>`, comments are dropped.
//! * PDF goes through `pdf-extract` (on lopdf), page by page, so passages can cite their page. It
//!   is known to panic on unusual files: the call runs under `catch_unwind`. Scanned PDFs have no
//!   text at all and get their own message.
//! * DOCX is a zip: the main part is inflated through `Read::take` with a 20 MB cap (the sizes in
//!   the zip headers are not trusted) and archives of more than 2,000 parts are refused, so a zip
//!   bomb costs at most 20 MB and a fraction of a second.
//! * CSV is parsed by the crate's own reader (`crate::domain::csv`) and becomes one Markdown table.
//! * Every result is capped at [`MAX_TEXT_BYTES`].

use crate::domain::csv;
use crate::domain::knowledge::DocFormat;
use std::borrow::Cow;
use std::io::{Cursor, Read};

/// Most text a document may yield (bytes of UTF-8).
pub const MAX_TEXT_BYTES: usize = 2_000_000;
/// Most bytes `word/document.xml` may inflate to.
pub const MAX_DOCX_XML_BYTES: u64 = 20 * 1024 * 1024;
/// Most entries a DOCX zip may have.
pub const MAX_DOCX_ENTRIES: usize = 2_000;
/// `%PDF-` must appear within this many leading bytes.
const PDF_HEADER_WINDOW: usize = 1024;
/// The main part of a Word document.
const DOCX_MAIN: &str = "word/document.xml";

/// The text of a document, with where its pages start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extracted {
    /// Normalised, Markdown-flavoured text (see the module documentation).
    pub text: String,
    /// Byte offsets into `text` where every page starts (the first is 0); empty for formats
    /// without pages (everything but PDF).
    pub pages: Vec<usize>,
    pub format: DocFormat,
}

/// Why a file yields no text. The messages are shown to the person who uploaded it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("This file type is not supported (accepted: Markdown, text, HTML, PDF, Word .docx, CSV).")]
    Unsupported,
    #[error("The file is empty.")]
    Empty,
    /// The content does not match the extension (a PDF or Word file that is something else).
    #[error("The file says it is {} but is not one.", claimed(.0))]
    Mismatch(DocFormat),
    #[error("The file is not text (it looks like a binary file).")]
    NotText,
    #[error("No text found: the PDF may be a scanned image. Upload a PDF with selectable text.")]
    NoText,
    #[error("The PDF is password-protected. Upload a copy without a password.")]
    PdfEncrypted,
    /// `detail` is for logs (what the PDF reader said, or that it panicked).
    #[error("The PDF could not be read (it may be damaged or use features that are not supported).")]
    PdfUnreadable { detail: String },
    #[error("The Word file is damaged: {0}.")]
    DocxDamaged(&'static str),
    #[error("The Word file expands to more than 20 MB of text (refused).")]
    DocxTooLarge,
    #[error("The Word file has more than 2,000 parts (refused).")]
    DocxTooManyParts,
    #[error("No text found in the Word file (it may hold only images).")]
    DocxNoText,
    #[error("The CSV file could not be read. {0}")]
    Csv(#[from] csv::CsvError),
    #[error("The document has more than 2 MB of text.")]
    TooMuchText,
}

/// "a PDF", "a Word document": what a mismatched file claimed to be.
fn claimed(format: &DocFormat) -> &'static str {
    match format {
        DocFormat::Pdf => "a PDF",
        DocFormat::Docx => "a Word document",
        DocFormat::Image => "an image",
        _ => "a text file",
    }
}

/// The format of an upload: the one its name claims, checked against its content.
pub fn detect(bytes: &[u8], filename: &str) -> Result<DocFormat, ExtractError> {
    let format = DocFormat::from_filename(filename).ok_or(ExtractError::Unsupported)?;
    check(bytes, format)?;
    Ok(format)
}

/// Whether `bytes` can hold a document of `format` (the cheap checks, before any extraction).
fn check(bytes: &[u8], format: DocFormat) -> Result<(), ExtractError> {
    if format == DocFormat::Image {
        return Err(ExtractError::Unsupported);
    }
    if bytes.is_empty() {
        return Err(ExtractError::Empty);
    }
    match format {
        DocFormat::Pdf if !is_pdf(bytes) => Err(ExtractError::Mismatch(DocFormat::Pdf)),
        DocFormat::Pdf => Ok(()),
        DocFormat::Docx => open_docx(bytes).map(|_| ()),
        _ => decode_text(bytes).map(|_| ()),
    }
}

/// The text of a document of `format` (as returned by [`detect`]).
pub fn extract(bytes: &[u8], format: DocFormat) -> Result<Extracted, ExtractError> {
    check(bytes, format)?;
    let (text, pages) = match format {
        DocFormat::Markdown | DocFormat::Text => (normalise(&decode_text(bytes)?), Vec::new()),
        DocFormat::Html => (html_to_text(&decode_text(bytes)?), Vec::new()),
        DocFormat::Csv => (csv_to_table(&decode_text(bytes)?)?, Vec::new()),
        DocFormat::Docx => (docx_text(bytes)?, Vec::new()),
        DocFormat::Pdf => pdf_text(bytes)?,
        DocFormat::Image => return Err(ExtractError::Unsupported),
    };
    if text.len() > MAX_TEXT_BYTES {
        return Err(ExtractError::TooMuchText);
    }
    if text.trim().is_empty() {
        return Err(match format {
            DocFormat::Pdf => ExtractError::NoText,
            DocFormat::Docx => ExtractError::DocxNoText,
            _ => ExtractError::Empty,
        });
    }
    Ok(Extracted { text, pages, format })
}

// ---------------------------------------------------------------------------------------------
// Plain text

/// Text from UTF-8 (with or without a BOM) or UTF-16 with a BOM; binary content is refused.
fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, ExtractError> {
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Cow::Borrowed(std::str::from_utf8(rest).map_err(|_| ExtractError::NotText)?)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        Cow::Owned(decode_utf16(rest, u16::from_le_bytes)?)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        Cow::Owned(decode_utf16(rest, u16::from_be_bytes)?)
    } else {
        Cow::Borrowed(std::str::from_utf8(bytes).map_err(|_| ExtractError::NotText)?)
    };
    if text.contains('\0') || mostly_control(&text) {
        return Err(ExtractError::NotText);
    }
    Ok(text)
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, ExtractError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(ExtractError::NotText);
    }
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    char::decode_utf16(units).collect::<Result<String, _>>().map_err(|_| ExtractError::NotText)
}

/// Whether more than a tenth of the first 4,096 characters are control characters (other than
/// line breaks and tabs): valid UTF-8 that is still not text.
fn mostly_control(text: &str) -> bool {
    let (mut total, mut control) = (0usize, 0usize);
    for c in text.chars().take(4096) {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c') {
            control += 1;
        }
    }
    control * 10 > total
}

/// Normalised text: `\n` line ends, no BOM or control characters (but `\n` and `\t`), no
/// trailing spaces, at most one blank line in a row, nothing blank at either end.
pub(crate) fn normalise(text: &str) -> String {
    let mut mapped = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\x0b' | '\x0c' | '\u{2028}' => mapped.push('\n'),
            '\u{2029}' => mapped.push_str("\n\n"),
            '\n' | '\t' => mapped.push(c),
            '\u{feff}' => {}
            c if c.is_control() => {}
            c => mapped.push(c),
        }
    }
    let mut out = String::with_capacity(mapped.len());
    let mut blank = false;
    for line in mapped.split('\n') {
        let line = line.trim_end();
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        out.push_str(line);
        blank = false;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Tags: the scanner HTML and DOCX share

/// A piece of HTML or XML.
#[derive(Debug, PartialEq)]
enum Token<'a> {
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
struct Tags<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Tags<'a> {
    fn new(src: &'a str) -> Self {
        Tags { src, pos: 0 }
    }

    /// Jumps past `</name ...>` (any case), for elements whose content is not markup (`<script>`).
    fn skip_element(&mut self, name: &str) {
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
fn markup_start(s: &str) -> usize {
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
fn skip_past(s: &str, pattern: &str) -> usize {
    s.find(pattern).map_or(s.len(), |i| i + pattern.len())
}

fn tag_name(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))).unwrap_or(s.len());
    &s[..end]
}

/// The index of the `>` that ends a tag's attributes (quotes respected), if any.
fn attributes_end(s: &str) -> Option<usize> {
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

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

/// The value of attribute `name` in a tag's attribute text (`w:val="Heading1"` → `Heading1`).
fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
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
fn decode_entities(s: &str) -> Cow<'_, str> {
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
fn entity(name: &str) -> Option<char> {
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
fn cell_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

/// `| a | b |`, and after the first row of a table its `| --- | --- |` separator.
fn push_row(out: &mut String, cells: &[String], first: bool) {
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

// ---------------------------------------------------------------------------------------------
// HTML

/// Elements whose content is never text.
const HTML_SKIPPED: &[&str] = &["script", "style", "title", "template", "noscript", "svg", "iframe", "object"];
/// Elements that may appear in `<head>`.
const HTML_HEAD: &[&str] = &["head", "meta", "link", "base", "title", "style", "script", "noscript", "template"];
/// Whether an element is a paragraph of its own (a blank line around it).
fn is_html_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "nav"
            | "aside"
            | "blockquote"
            | "figure"
            | "figcaption"
            | "form"
            | "fieldset"
            | "address"
            | "hr"
            | "body"
            | "html"
            | "details"
            | "summary"
            | "dl"
            | "center"
    )
}
/// Elements that start a new line.
const HTML_LINES: &[&str] = &["br", "dt", "dd", "caption", "option", "legend"];

/// The text of an HTML page (see the module documentation).
fn html_to_text(html: &str) -> String {
    let mut w = HtmlWriter::default();
    let mut tags = Tags::new(html);
    while let Some(token) = tags.next() {
        match token {
            Token::Text(t) if !w.in_head => w.text(&decode_entities(t)),
            Token::Cdata(t) if !w.in_head => w.text(t),
            Token::Text(_) | Token::Cdata(_) => {}
            Token::Start { name, closed, .. } => {
                let name = name.to_ascii_lowercase();
                if HTML_SKIPPED.contains(&name.as_str()) {
                    if !closed {
                        tags.skip_element(&name);
                    }
                } else {
                    w.start(&name);
                }
            }
            Token::End(name) => w.end(&name.to_ascii_lowercase()),
        }
    }
    w.finish()
}

/// Markdown-flavoured text written from HTML elements as they open and close.
#[derive(Default)]
struct HtmlWriter {
    out: String,
    /// The current line's text, whitespace collapsed.
    line: String,
    /// What the current line starts with ("## ", "- ").
    prefix: String,
    /// Line breaks owed before the next line (1 = new line, 2 = new paragraph).
    pending: usize,
    /// A space is owed before the next word.
    space: bool,
    in_head: bool,
    lists: usize,
    pre: usize,
    tables: usize,
    /// The row being read in the outermost table, and whether a cell of it is open.
    row: Option<Vec<String>>,
    cell_open: bool,
    rows_written: usize,
}

impl HtmlWriter {
    fn text(&mut self, s: &str) {
        for c in s.chars() {
            if c == '\n' && self.pre > 0 && !self.cell_open {
                self.block(1);
            } else if c.is_whitespace() {
                self.space = true;
            } else {
                if self.space && !self.line.is_empty() {
                    self.line.push(' ');
                }
                self.space = false;
                self.line.push(c);
            }
        }
    }

    /// A block boundary needing `breaks` line breaks (inside a table cell, just a space).
    fn block(&mut self, breaks: usize) {
        if self.cell_open {
            self.space = true;
            return;
        }
        self.flush();
        self.pending = self.pending.max(breaks);
    }

    /// Writes the current line, if it has text.
    fn flush(&mut self) {
        self.space = false;
        if self.line.is_empty() {
            return;
        }
        let line = std::mem::take(&mut self.line);
        let prefix = std::mem::take(&mut self.prefix);
        self.write_line(&format!("{prefix}{line}"));
    }

    fn write_line(&mut self, line: &str) {
        if !self.out.is_empty() {
            self.out.push_str(if self.pending >= 2 { "\n\n" } else { "\n" });
        }
        self.out.push_str(line);
        self.pending = 0;
    }

    /// Paragraph break, or only a line break inside a list item.
    fn paragraph(&self) -> usize {
        if self.lists > 0 {
            1
        } else {
            2
        }
    }

    fn start(&mut self, name: &str) {
        if self.in_head && !HTML_HEAD.contains(&name) {
            // Content without `<body>` (or `</head>`): the head has ended.
            self.in_head = false;
        }
        match name {
            "head" => self.in_head = true,
            "body" => {
                self.in_head = false;
                self.block(2);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.block(2);
                if !self.cell_open {
                    let level = usize::from(name.as_bytes()[1] - b'0');
                    self.prefix = format!("{} ", "#".repeat(level));
                }
            }
            "ul" | "ol" => {
                self.block(self.paragraph());
                self.lists += 1;
            }
            "li" => {
                self.block(1);
                if !self.cell_open {
                    self.prefix = format!("{}- ", "  ".repeat(self.lists.saturating_sub(1)));
                }
            }
            "pre" => {
                self.block(self.paragraph());
                self.pre += 1;
            }
            "table" => self.table_start(),
            "tr" if self.tables == 1 => self.row_start(),
            "td" | "th" if self.tables == 1 => self.cell_start(),
            "tr" | "td" | "th" => self.space = true,
            _ if is_html_block(name) => self.block(self.paragraph()),
            _ if HTML_LINES.contains(&name) => self.block(1),
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "head" => self.in_head = false,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" => {
                self.block(if name == "li" { 1 } else { 2 });
                if !self.cell_open {
                    self.prefix.clear();
                }
            }
            "ul" | "ol" => {
                self.lists = self.lists.saturating_sub(1);
                self.block(self.paragraph());
            }
            "pre" => {
                self.pre = self.pre.saturating_sub(1);
                self.block(self.paragraph());
            }
            "table" => self.table_end(),
            "tr" if self.tables == 1 => self.row_end(),
            "td" | "th" if self.tables == 1 => self.cell_end(),
            _ if is_html_block(name) => self.block(self.paragraph()),
            _ => {}
        }
    }

    fn table_start(&mut self) {
        self.tables += 1;
        if self.tables == 1 {
            self.block(2);
            self.rows_written = 0;
        } else {
            self.space = true;
        }
    }

    fn table_end(&mut self) {
        if self.tables == 1 {
            self.row_end();
            self.block(2);
        }
        self.tables = self.tables.saturating_sub(1);
    }

    fn row_start(&mut self) {
        self.row_end();
        self.flush();
        self.row = Some(Vec::new());
    }

    fn cell_start(&mut self) {
        if self.row.is_none() {
            self.row_start();
        }
        self.cell_end();
        self.line.clear();
        self.cell_open = true;
    }

    fn cell_end(&mut self) {
        if !self.cell_open {
            return;
        }
        self.cell_open = false;
        self.space = false;
        let text = cell_text(&std::mem::take(&mut self.line));
        if let Some(row) = self.row.as_mut() {
            row.push(text);
        }
    }

    fn row_end(&mut self) {
        self.cell_end();
        let Some(cells) = self.row.take() else { return };
        if cells.iter().all(String::is_empty) {
            return;
        }
        let mut line = String::new();
        push_row(&mut line, &cells, self.rows_written == 0);
        self.rows_written += 1;
        self.prefix.clear();
        self.write_line(&line);
    }

    fn finish(mut self) -> String {
        self.row_end();
        self.flush();
        normalise(&self.out)
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

/// A CSV file as one Markdown table: the first row as the header, short rows padded.
fn csv_to_table(text: &str) -> Result<String, ExtractError> {
    let rows = csv::parse(text)?;
    let width = rows.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
    let mut out = String::with_capacity(text.len() + rows.len() * 4);
    for (i, (_, row)) in rows.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut cells: Vec<String> = row.iter().map(|f| cell_text(f)).collect();
        cells.resize(width, String::new());
        push_row(&mut out, &cells, i == 0);
        if out.len() > MAX_TEXT_BYTES {
            return Err(ExtractError::TooMuchText);
        }
    }
    Ok(normalise(&out))
}

// ---------------------------------------------------------------------------------------------
// DOCX

/// The zip of a Word file, checked: a zip, not too many entries, with a main part.
fn open_docx(bytes: &[u8]) -> Result<zip::ZipArchive<Cursor<&[u8]>>, ExtractError> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(ExtractError::Mismatch(DocFormat::Docx));
    }
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| ExtractError::DocxDamaged("it is not a complete zip archive"))?;
    if archive.len() > MAX_DOCX_ENTRIES {
        return Err(ExtractError::DocxTooManyParts);
    }
    if archive.index_for_name(DOCX_MAIN).is_none() {
        // A zip, but another kind (a spreadsheet, an OpenDocument file, an archive).
        return Err(ExtractError::Mismatch(DocFormat::Docx));
    }
    Ok(archive)
}

/// `word/document.xml`, inflated with a cap that does not trust the zip's headers.
fn docx_main_part(bytes: &[u8]) -> Result<String, ExtractError> {
    let mut archive = open_docx(bytes)?;
    let entry = archive.by_name(DOCX_MAIN).map_err(|_| ExtractError::DocxDamaged("its text cannot be unpacked"))?;
    // The header's size is enough to refuse (not to accept): the read below is capped anyway.
    if entry.size() > MAX_DOCX_XML_BYTES {
        return Err(ExtractError::DocxTooLarge);
    }
    let mut xml = Vec::new();
    entry
        .take(MAX_DOCX_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|_| ExtractError::DocxDamaged("its text cannot be unpacked"))?;
    if xml.len() as u64 > MAX_DOCX_XML_BYTES {
        return Err(ExtractError::DocxTooLarge);
    }
    let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&xml).to_vec();
    String::from_utf8(xml).map_err(|_| ExtractError::DocxDamaged("its text is not valid UTF-8"))
}

fn docx_text(bytes: &[u8]) -> Result<String, ExtractError> {
    Ok(docx_xml_to_text(&docx_main_part(bytes)?))
}

/// The text of `word/document.xml` (see the module documentation).
fn docx_xml_to_text(xml: &str) -> String {
    let mut w = DocxWriter::default();
    for token in Tags::new(xml) {
        w.token(token);
    }
    w.finish()
}

/// A `<w:p>` being read.
#[derive(Default)]
struct Paragraph {
    text: String,
    heading: Option<usize>,
    list_level: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Default)]
enum Last {
    #[default]
    Nothing,
    Paragraph,
    ListItem,
    Row,
}

/// Markdown-flavoured text written from WordprocessingML elements.
#[derive(Default)]
struct DocxWriter {
    out: String,
    last: Last,
    /// Open paragraphs: text boxes put paragraphs inside paragraphs.
    paragraphs: Vec<Paragraph>,
    in_text: bool,
    /// Inside `<mc:Fallback>`: a second copy of content already read in `<mc:Choice>`.
    fallback: usize,
    /// Inside `<w:tabs>` (tab stop definitions, not tab characters).
    in_tabs: bool,
    tables: usize,
    row: Option<Vec<String>>,
    cell: Option<String>,
    rows_written: usize,
}

impl DocxWriter {
    fn token(&mut self, token: Token<'_>) {
        match token {
            Token::Start { name: "mc:Fallback", closed: false, .. } => self.fallback += 1,
            Token::End("mc:Fallback") => self.fallback = self.fallback.saturating_sub(1),
            _ if self.fallback > 0 => {}
            Token::Text(t) if self.in_text => self.push_text(&decode_entities(t)),
            Token::Cdata(t) if self.in_text => self.push_text(t),
            Token::Text(_) | Token::Cdata(_) => {}
            Token::Start { name, attrs, closed } => self.start(name, attrs, closed),
            Token::End(name) => self.end(name),
        }
    }

    fn push_text(&mut self, s: &str) {
        if let Some(p) = self.paragraphs.last_mut() {
            p.text.push_str(s);
        }
    }

    fn start(&mut self, name: &str, attrs: &str, closed: bool) {
        match name {
            "w:p" if !closed => self.paragraphs.push(Paragraph::default()),
            "w:t" => self.in_text = !closed,
            "w:tab" if !self.in_tabs => self.push_text("\t"),
            "w:tabs" => self.in_tabs = !closed,
            "w:br" | "w:cr" => self.push_text("\n"),
            "w:noBreakHyphen" => self.push_text("-"),
            "w:pStyle" => {
                let level = attribute(attrs, "w:val").and_then(heading_level);
                if let (Some(p), Some(level)) = (self.paragraphs.last_mut(), level) {
                    p.heading = Some(level);
                }
            }
            "w:outlineLvl" => {
                let level = attribute(attrs, "w:val").and_then(|v| v.parse::<usize>().ok()).filter(|&l| l < 6);
                if let (Some(p), Some(level)) = (self.paragraphs.last_mut(), level) {
                    p.heading.get_or_insert(level + 1);
                }
            }
            "w:numPr" => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.list_level.get_or_insert(0);
                }
            }
            "w:ilvl" => {
                let level = attribute(attrs, "w:val").and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
                if let Some(p) = self.paragraphs.last_mut() {
                    p.list_level = Some(level.min(8));
                }
            }
            "w:tbl" if !closed => {
                self.tables += 1;
                if self.tables == 1 {
                    self.rows_written = 0;
                }
            }
            "w:tr" if !closed && self.tables == 1 => {
                self.row_end();
                self.row = Some(Vec::new());
            }
            "w:tc" if !closed && self.tables == 1 => {
                self.cell_end();
                self.cell = Some(String::new());
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "w:p" => {
                if let Some(p) = self.paragraphs.pop() {
                    self.paragraph(p);
                }
            }
            "w:t" => self.in_text = false,
            "w:tabs" => self.in_tabs = false,
            "w:tc" if self.tables == 1 => self.cell_end(),
            "w:tr" if self.tables == 1 => self.row_end(),
            "w:tbl" => {
                if self.tables == 1 {
                    self.row_end();
                }
                self.tables = self.tables.saturating_sub(1);
            }
            _ => {}
        }
    }

    fn paragraph(&mut self, p: Paragraph) {
        let text = p.text.trim();
        if text.is_empty() {
            return;
        }
        if let Some(cell) = self.cell.as_mut() {
            if !cell.is_empty() {
                cell.push(' ');
            }
            cell.push_str(text);
            return;
        }
        if let Some(level) = p.heading {
            let title = text.split_whitespace().collect::<Vec<_>>().join(" ");
            self.write(&format!("{} {title}", "#".repeat(level)), Last::Paragraph);
        } else if let Some(level) = p.list_level {
            let item = text.replace('\n', " ");
            self.write(&format!("{}- {}", "  ".repeat(level), item.trim()), Last::ListItem);
        } else {
            self.write(text, Last::Paragraph);
        }
    }

    /// Writes a block: list items and table rows follow their kind on the next line, anything
    /// else after a blank line.
    fn write(&mut self, text: &str, kind: Last) {
        if self.last != Last::Nothing {
            let tight = kind == self.last && kind != Last::Paragraph;
            self.out.push_str(if tight { "\n" } else { "\n\n" });
        }
        self.out.push_str(text);
        self.last = kind;
    }

    fn cell_end(&mut self) {
        if let (Some(cell), Some(row)) = (self.cell.take(), self.row.as_mut()) {
            row.push(cell_text(&cell));
        }
    }

    fn row_end(&mut self) {
        self.cell_end();
        let Some(cells) = self.row.take() else { return };
        if cells.iter().all(String::is_empty) {
            return;
        }
        let mut line = String::new();
        push_row(&mut line, &cells, self.rows_written == 0);
        if self.rows_written == 0 {
            // A new table is a block of its own, even right after another table.
            self.last = if self.last == Last::Row { Last::Paragraph } else { self.last };
        }
        self.rows_written += 1;
        self.write(&line, Last::Row);
    }

    fn finish(mut self) -> String {
        while let Some(p) = self.paragraphs.pop() {
            self.paragraph(p);
        }
        self.row_end();
        normalise(&self.out)
    }
}

/// The heading level of a paragraph style: `Title` → 1, `Heading1`..`Heading9` (or `heading 2`)
/// → 1..6.
fn heading_level(style: &str) -> Option<usize> {
    let style = style.to_ascii_lowercase();
    if style == "title" {
        return Some(1);
    }
    let level: usize = style.strip_prefix("heading")?.trim().parse().ok()?;
    (level >= 1).then_some(level.min(6))
}

// ---------------------------------------------------------------------------------------------
// PDF

fn is_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(PDF_HEADER_WINDOW)].windows(5).any(|w| w == b"%PDF-")
}

/// The text of every page, joined by blank lines, with where each page starts.
fn pdf_text(bytes: &[u8]) -> Result<(String, Vec<usize>), ExtractError> {
    let read = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes));
    let pages = match read {
        Err(_) => return Err(ExtractError::PdfUnreadable { detail: "the PDF reader panicked".into() }),
        Ok(Err(pdf_extract::OutputError::PdfError(pdf_extract::Error::Decryption(_)))) => {
            return Err(ExtractError::PdfEncrypted)
        }
        Ok(Err(e)) => return Err(ExtractError::PdfUnreadable { detail: e.to_string() }),
        Ok(Ok(pages)) => pages,
    };
    if pages.is_empty() {
        return Err(ExtractError::PdfUnreadable { detail: "no page could be read".into() });
    }
    let mut text = String::new();
    let mut starts = Vec::with_capacity(pages.len());
    for page in &pages {
        let page = normalise(page);
        if !page.is_empty() && !text.is_empty() {
            text.push_str("\n\n");
        }
        starts.push(text.len());
        text.push_str(&page);
        if text.len() > MAX_TEXT_BYTES {
            return Err(ExtractError::TooMuchText);
        }
    }
    Ok((text, starts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;
    use std::time::{Duration, Instant};

    fn text_of(bytes: &[u8], filename: &str) -> String {
        let format = detect(bytes, filename).unwrap();
        let extracted = extract(bytes, format).unwrap();
        assert_eq!(extracted.format, format);
        assert!(extracted.pages.is_empty() || format == DocFormat::Pdf);
        assert_normalised(&extracted.text);
        extracted.text
    }

    /// No control characters but `\n` and `\t`, no runs of more than two line breaks, no blank
    /// at either end, no trailing spaces.
    fn assert_normalised(text: &str) {
        assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{text:?}");
        assert!(!text.contains("\n\n\n"), "{text:?}");
        assert!(!text.starts_with('\n') && !text.ends_with(char::is_whitespace), "{text:?}");
        assert!(text.lines().all(|l| l == l.trim_end()), "{text:?}");
    }

    // --- Markdown and text

    #[test]
    fn markdown_is_kept_and_normalised() {
        let md = "\u{feff}# Deposits\r\n\r\n\r\n\r\nThe deposit is 30%.  \r\n- one\x07\n- two\t(tab)\x00\n\n\n\n## Refunds\rNone.\n\n";
        // The NUL makes it binary; without it the text is kept, normalised.
        assert_eq!(detect(md.as_bytes(), "policy.md"), Err(ExtractError::NotText));
        let md = md.replace('\0', "");
        assert_eq!(
            text_of(md.as_bytes(), "policy.MD"),
            "# Deposits\n\nThe deposit is 30%.\n- one\n- two\t(tab)\n\n## Refunds\nNone."
        );
    }

    #[test]
    fn plain_text_lines_are_not_turned_into_headings() {
        let text = "IMPORTANT NOTICE\nParking:\nThe garage closes at midnight.\n";
        assert_eq!(text_of(text.as_bytes(), "notes.txt"), "IMPORTANT NOTICE\nParking:\nThe garage closes at midnight.");
    }

    #[test]
    fn utf16_with_a_bom_is_text() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("Café ☕ open".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(text_of(&bytes, "menu.txt"), "Café ☕ open");
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend("Café".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(text_of(&bytes, "menu.txt"), "Café");
        // Odd length or a lone surrogate: not text.
        assert_eq!(detect(&[0xFF, 0xFE, 0x41], "a.txt"), Err(ExtractError::NotText));
        assert_eq!(detect(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00], "a.txt"), Err(ExtractError::NotText));
    }

    // --- Detection

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0";

    #[test]
    fn renamed_binaries_are_refused() {
        assert_eq!(detect(PNG, "menu.txt"), Err(ExtractError::NotText));
        assert_eq!(detect(PNG, "menu.md"), Err(ExtractError::NotText));
        assert_eq!(detect(PNG, "menu.csv"), Err(ExtractError::NotText));
        assert_eq!(detect(ELF, "contract.pdf"), Err(ExtractError::Mismatch(DocFormat::Pdf)));
        assert_eq!(detect(ELF, "contract.docx"), Err(ExtractError::Mismatch(DocFormat::Docx)));
        assert_eq!(detect(ELF, "page.html"), Err(ExtractError::NotText));
        // extract checks the content too, whatever it is told.
        assert_eq!(extract(ELF, DocFormat::Pdf), Err(ExtractError::Mismatch(DocFormat::Pdf)));
        // Valid UTF-8 that is mostly control characters is not text either.
        assert_eq!(detect(&[0x01, 0x02, 0x03, b'a', 0x04, 0x05], "a.txt"), Err(ExtractError::NotText));
        assert_eq!(ExtractError::Mismatch(DocFormat::Pdf).to_string(), "The file says it is a PDF but is not one.");
        assert_eq!(ExtractError::NotText.to_string(), "The file is not text (it looks like a binary file).");
    }

    #[test]
    fn unsupported_and_empty_files() {
        assert_eq!(detect(b"MZ", "setup.exe"), Err(ExtractError::Unsupported));
        assert_eq!(detect(b"x", "README"), Err(ExtractError::Unsupported));
        assert_eq!(detect(PNG, "floor-plan.png"), Err(ExtractError::Unsupported));
        assert_eq!(extract(PNG, DocFormat::Image), Err(ExtractError::Unsupported));
        assert_eq!(
            ExtractError::Unsupported.to_string(),
            "This file type is not supported (accepted: Markdown, text, HTML, PDF, Word .docx, CSV)."
        );
        for name in ["a.txt", "a.md", "a.html", "a.csv", "a.pdf", "a.docx"] {
            assert_eq!(detect(b"", name), Err(ExtractError::Empty), "{name}");
        }
        assert_eq!(ExtractError::Empty.to_string(), "The file is empty.");
        // Only whitespace (or markup) is empty too, once extracted.
        assert_eq!(extract(b" \r\n\t\n", DocFormat::Text), Err(ExtractError::Empty));
        assert_eq!(extract(b"\xEF\xBB\xBF", DocFormat::Markdown), Err(ExtractError::Empty));
        assert_eq!(extract(b"<html><script>x()</script></html>", DocFormat::Html), Err(ExtractError::Empty));
    }

    #[test]
    fn more_than_two_megabytes_of_text_is_refused() {
        let text = "All work and no play. ".repeat(100_000);
        assert_eq!(extract(text.as_bytes(), DocFormat::Text), Err(ExtractError::TooMuchText));
        assert_eq!(ExtractError::TooMuchText.to_string(), "The document has more than 2 MB of text.");
        let csv = "a,b\n".to_string() + &"x,y\n".repeat(250_000);
        assert_eq!(extract(csv.as_bytes(), DocFormat::Csv), Err(ExtractError::TooMuchText));
    }

    // --- HTML

    #[test]
    fn html_to_markdown() {
        let html = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Ignored title</title>
<style>p { color: red; } </style>
<script>var s = "<p>not text</p>"; if (a < b) {}</script></head>
<body class="page" onload="alert('x')">
<!-- a comment <p>hidden</p> -->
<h1 id="top">Deposits &amp; Payments</h1>
<p>Pay   by <b>ACH</b>&nbsp;or
   card.<br>Fees: &lt;3%&gt; &#8364;5 &#x41;&#X42; &unknown; AT&T</p>
<ul><li>First</li><li>Second <a href="http://x/?a=1&amp;b=2" title="attr > text">link</a>
  <ul><li>Nested</li></ul></li></ul>
<table class="rates"><thead><tr><th>Room</th><th>Guests</th></tr></thead>
<tbody><tr><td>Ball<br>room</td><td><p>300</p><p>seated | max</p></td></tr>
<tr><td></td><td></td></tr></tbody></table>
<div>After <SPAN>table</SPAN></div><h3>Small</h3>Loose text
<SCRIPT type="x">document.write("<h1>no</h1>")</SCRIPT><noscript>Enable JS</noscript>
</body></html>"#;
        assert_eq!(
            text_of(html.as_bytes(), "page.html"),
            "# Deposits & Payments\n\n\
             Pay by ACH or card.\nFees: <3%> €5 AB &unknown; AT&T\n\n\
             - First\n- Second link\n  - Nested\n\n\
             | Room | Guests |\n| --- | --- |\n| Ball room | 300 seated \\| max |\n\n\
             After table\n\n### Small\n\nLoose text"
        );
    }

    #[test]
    fn malformed_html_does_not_break_the_extractor() {
        let cases = [
            ("<p>one<p>two < three <!-- never closed <p>gone", "one\n\ntwo < three"),
            ("a <b>bold <i>both</b> italic", "a bold both italic"),
            ("text <a href='x", "text"),
            ("<div>x</span></div></p></li></table></ul>y", "x\n\ny"),
            ("<td>cell</td><td>two</td> after", "cell two after"),
            ("1 <2 and 3> 2 </ and <", "1 <2 and 3> 2 </ and <"),
            ("<h7>not a heading</h7><h2>yes", "not a heading\n\n## yes"),
            ("<ul><li>a<li>b</ul>c", "- a\n- b\n\nc"),
            ("<head><title>t</title><p>no body tag</p>", "no body tag"),
            ("<style>never closed", ""),
            ("<p title=\"a>b\">ok</p><br/><img src=x alt=y/>z", "ok\n\nz"),
            ("<![CDATA[raw <b>]]>text", "raw <b>text"),
            ("<pre>line 1\nline 2</pre>", "line 1\nline 2"),
            (
                "<table><tr><td><table><tr><td>in</td></tr></table></td><td>out</td></tr></table>",
                "| in | out |\n| --- | --- |",
            ),
        ];
        for (html, expected) in cases {
            assert_eq!(html_to_text(html), expected, "{html}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any soup of tags, quotes, entities and text: no panic, normalised output, no markup
        /// characters from attributes.
        #[test]
        fn html_soup_never_panics(html in "(<|>|/|!|--|\"|'|=|&|;|#|x|p|h1|li|td|tr|table|script|head| |\n|é|中|a|amp)*") {
            let text = html_to_text(&html);
            assert_normalised(&text);
        }

        #[test]
        fn docx_soup_never_panics(xml in "(<|>|/|w:p|w:t|w:tab|w:tbl|w:tr|w:tc|w:pStyle w:val=\"Heading1\"|mc:Fallback|\"| |x|é|&amp;)*") {
            let text = docx_xml_to_text(&xml);
            assert_normalised(&text);
        }
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a &amp; b &#169; &#xa9; &#0; &#xD800; &#99999999; &#99999999999; &;&"),
            "a & b © © \u{fffd} \u{fffd} \u{fffd} &#99999999999; &;&"
        );
        assert_eq!(decode_entities("no entities"), "no entities");
        assert_eq!(decode_entities("&ampamp; &AMP; é&eacute;"), "&ampamp; &AMP; éé");
    }

    // --- CSV

    #[test]
    fn csv_becomes_one_markdown_table() {
        let csv = "name,notes,price\r\n\"Wu, James\",\"said \"\"hi\"\"\",10\nAnn,\"two\nlines | more\",\nShort\n";
        assert_eq!(
            text_of(csv.as_bytes(), "guests.csv"),
            "| name | notes | price |\n| --- | --- | --- |\n| Wu, James | said \"hi\" | 10 |\n\
             | Ann | two lines \\| more |  |\n| Short |  |  |"
        );
        let semicolons = "Raum;Gäste\nSaal;300\n";
        assert_eq!(text_of(semicolons.as_bytes(), "r.csv"), "| Raum | Gäste |\n| --- | --- |\n| Saal | 300 |");
        let err = extract(b"a,b\n\"open,c\n", DocFormat::Csv).unwrap_err();
        assert_eq!(err.to_string(), "The CSV file could not be read. Line 2: a quoted field is never closed.");
    }

    // --- DOCX

    /// A zip of `entries`, deflated.
    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn docx(body: &str) -> Vec<u8> {
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document \
             xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
             xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"><w:body>{body}\
             <w:sectPr><w:pgSz w:w=\"12240\"/></w:sectPr></w:body></w:document>"
        );
        zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", xml.as_bytes()),
            ("word/styles.xml", b"<w:styles/>"),
        ])
    }

    fn para(style: Option<&str>, runs: &str) -> String {
        let ppr = style.map(|s| format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>")).unwrap_or_default();
        format!("<w:p>{ppr}{runs}</w:p>")
    }

    fn run(text: &str) -> String {
        format!("<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
    }

    fn cell(paragraphs: &[&str]) -> String {
        let ps: String = paragraphs.iter().map(|t| para(None, &run(t))).collect();
        format!("<w:tc><w:tcPr><w:tcW w:w=\"2000\"/></w:tcPr>{ps}</w:tc>")
    }

    #[test]
    fn docx_headings_lists_tables() {
        let list = |level: usize, text: &str| {
            format!(
                "<w:p><w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>{}</w:p>",
                run(text)
            )
        };
        let body = [
            para(Some("Title"), &run("Harbor Hall")),
            "<w:p><w:pPr><w:pStyle w:val=\"Heading2\"/><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>\
             <w:r><w:t>Deposits &amp; payments</w:t></w:r></w:p>"
                .to_string(),
            para(
                None,
                "<w:r><w:t xml:space=\"preserve\">The deposit is </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>30%</w:t></w:r>\
                 <w:r><w:t xml:space=\"preserve\"> of the total.</w:t><w:br/><w:t>Due</w:t><w:tab/><w:t>at signing.</w:t></w:r>",
            ),
            para(None, ""),
            list(0, "ACH transfer"),
            list(1, "No fee"),
            format!(
                "<w:tbl><w:tblPr><w:tblW w:w=\"0\"/></w:tblPr><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
                cell(&["Room"]),
                cell(&["Guests"]),
                cell(&["Ballroom", "(main floor)"]),
                cell(&["300 | seated"])
            ),
            "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>\
             <w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict>\
             <w:txbxContent><w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>\
             </mc:AlternateContent></w:r></w:p>"
                .to_string(),
            "<w:p><w:r><w:delText>deleted</w:delText><w:instrText>PAGE</w:instrText></w:r></w:p>".to_string(),
            para(Some("heading 3"), &run("Outline &lt;3&gt;")),
            "<w:p><w:pPr><w:outlineLvl w:val=\"1\"/></w:pPr><w:r><w:t>By outline</w:t></w:r></w:p>".to_string(),
            para(None, &run("Last line")),
        ]
        .concat();
        let bytes = docx(&body);
        assert_eq!(
            text_of(&bytes, "policies.docx"),
            "# Harbor Hall\n\n## Deposits & payments\n\nThe deposit is 30% of the total.\nDue\tat signing.\n\n\
             - ACH transfer\n  - No fee\n\n\
             | Room | Guests |\n| --- | --- |\n| Ballroom (main floor) | 300 \\| seated |\n\n\
             Box text\n\n### Outline <3>\n\n## By outline\n\nLast line"
        );
    }

    #[test]
    fn docx_without_text_or_main_part() {
        assert_eq!(extract(&docx(&para(None, "")), DocFormat::Docx), Err(ExtractError::DocxNoText));
        let not_word = zip_of(&[("content.xml", b"<office:document/>"), ("mimetype", b"x")]);
        assert_eq!(detect(&not_word, "minutes.docx"), Err(ExtractError::Mismatch(DocFormat::Docx)));
        assert_eq!(
            ExtractError::Mismatch(DocFormat::Docx).to_string(),
            "The file says it is a Word document but is not one."
        );
        // Cut short: the central directory is missing.
        let bytes = docx(&para(None, &run("text")));
        let err = detect(&bytes[..bytes.len() / 2], "cut.docx").unwrap_err();
        assert_eq!(err, ExtractError::DocxDamaged("it is not a complete zip archive"));
        assert_eq!(err.to_string(), "The Word file is damaged: it is not a complete zip archive.");
    }

    #[test]
    fn docx_with_too_many_parts_is_refused() {
        let names: Vec<String> = (0..=MAX_DOCX_ENTRIES).map(|i| format!("word/media/{i}.bin")).collect();
        let mut entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        entries.push(("word/document.xml", b"<w:document/>"));
        assert_eq!(detect(&zip_of(&entries), "many.docx"), Err(ExtractError::DocxTooManyParts));
    }

    /// A DOCX whose document.xml is 30 MB of spaces (about 30 KB deflated).
    fn zip_bomb() -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", options).unwrap();
        zip.write_all(b"<w:document><w:body><w:p><w:r><w:t>").unwrap();
        let spaces = vec![b' '; 1 << 20];
        for _ in 0..30 {
            zip.write_all(&spaces).unwrap();
        }
        zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>").unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn docx_zip_bomb_is_refused_quickly() {
        let bomb = zip_bomb();
        assert!(bomb.len() < 200_000, "{} bytes", bomb.len());
        let started = Instant::now();
        assert_eq!(detect(&bomb, "bomb.docx"), Ok(DocFormat::Docx));
        assert_eq!(extract(&bomb, DocFormat::Docx), Err(ExtractError::DocxTooLarge));
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        assert_eq!(
            ExtractError::DocxTooLarge.to_string(),
            "The Word file expands to more than 20 MB of text (refused)."
        );
    }

    #[test]
    fn docx_zip_bomb_with_lying_sizes_is_refused_too() {
        // The sizes in both headers say 1,000 bytes: the read is capped regardless of them.
        let mut bomb = zip_bomb();
        let patch = |bytes: &mut Vec<u8>, signature: &[u8], field: usize| {
            let at = bytes.windows(4).position(|w| w == signature).unwrap();
            bytes[at + field..at + field + 4].copy_from_slice(&1000u32.to_le_bytes());
        };
        patch(&mut bomb, b"PK\x03\x04", 22);
        patch(&mut bomb, b"PK\x01\x02", 24);
        let started = Instant::now();
        let err = extract(&bomb, DocFormat::Docx).unwrap_err();
        assert!(matches!(err, ExtractError::DocxTooLarge | ExtractError::DocxDamaged(_)), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    }

    // --- PDF

    /// A PDF with one page per entry: `Some(lines)` draws the lines in Helvetica, `None` draws
    /// only a rectangle (a page without text, like a scan).
    fn pdf(pages: &[Option<&[&str]>]) -> Vec<u8> {
        let mut objects = vec![
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            format!(
                "<< /Type /Pages /Kids [{}] /Count {} >>",
                (0..pages.len()).map(|i| format!("{} 0 R", 4 + 2 * i)).collect::<Vec<_>>().join(" "),
                pages.len()
            ),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        ];
        for (i, page) in pages.iter().enumerate() {
            let content = match page {
                Some(lines) => {
                    let shown: Vec<String> = lines.iter().map(|l| format!("({l}) Tj 0 -20 Td")).collect();
                    format!("BT /F1 12 Tf 72 720 Td {} ET", shown.join(" "))
                }
                None => "0 0 1 RG 72 72 200 200 re S".to_string(),
            };
            objects.push(format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                5 + 2 * i
            ));
            objects.push(format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()));
        }
        let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        let trailer = format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1);
        out.extend_from_slice(trailer.as_bytes());
        out
    }

    #[test]
    fn pdf_pages_and_offsets() {
        let bytes = pdf(&[
            Some(&["Deposits are due in 14 days.", "Cards cost 3% more."]),
            None,
            Some(&["Page three: refunds (rare)."]),
        ]);
        let format = detect(&bytes, "policy.pdf").unwrap();
        assert_eq!(format, DocFormat::Pdf);
        let extracted = extract(&bytes, format).unwrap();
        assert_normalised(&extracted.text);
        assert_eq!(extracted.pages.len(), 3);
        assert_eq!(extracted.pages[0], 0);
        let text = &extracted.text;
        assert!(text.starts_with("Deposits are due in 14 days."), "{text:?}");
        assert!(text.contains("Cards cost 3% more."), "{text:?}");
        // The empty page 2 starts where page 3 does (its text is empty).
        let third = text.find("Page three").unwrap();
        assert_eq!(text[extracted.pages[2]..].trim_start().find("Page three"), Some(0), "{text:?}");
        assert!(extracted.pages[1] <= extracted.pages[2] && extracted.pages[2] <= third);
        assert!(text[..extracted.pages[2]].contains("3% more"));
    }

    #[test]
    fn pdf_with_two_pages_has_two_offsets() {
        let extracted = extract(&pdf(&[Some(&["First page."]), Some(&["Second page."])]), DocFormat::Pdf).unwrap();
        assert_eq!(extracted.text, "First page.\n\nSecond page.");
        assert_eq!(extracted.pages, [0, "First page.\n\n".len()]);
    }

    #[test]
    fn pdf_without_text_is_a_scan() {
        let err = extract(&pdf(&[None, None]), DocFormat::Pdf).unwrap_err();
        assert_eq!(err, ExtractError::NoText);
        assert_eq!(
            err.to_string(),
            "No text found: the PDF may be a scanned image. Upload a PDF with selectable text."
        );
    }

    #[test]
    fn broken_pdfs_are_errors_not_panics() {
        // A header and nothing else; a header then junk; a valid file cut in half.
        let valid = pdf(&[Some(&["Text."])]);
        let cases: [&[u8]; 4] = [
            b"%PDF-1.7\n",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
            &valid[..valid.len() / 2],
            b"junk before %PDF-1.4 and after",
        ];
        for bytes in cases {
            assert_eq!(detect(bytes, "x.pdf"), Ok(DocFormat::Pdf));
            match extract(bytes, DocFormat::Pdf) {
                Err(ExtractError::PdfUnreadable { .. } | ExtractError::NoText) => {}
                other => panic!("{other:?}"),
            }
        }
        // The header must be in the first 1,024 bytes.
        let mut late = vec![b' '; 2000];
        late.extend_from_slice(&valid);
        assert_eq!(detect(&late, "late.pdf"), Err(ExtractError::Mismatch(DocFormat::Pdf)));
    }

    // --- Speed

    #[test]
    fn one_megabyte_is_extracted_quickly() {
        let paragraph = "The deposit is 30% of the contract total, due when you sign. It is credited in full toward your final bill.\n\n";
        let md = format!("# Policies\n\n{}", paragraph.repeat(1_000_000 / paragraph.len()));
        let started = Instant::now();
        let text = extract(md.as_bytes(), DocFormat::Markdown).unwrap().text;
        let markdown = started.elapsed();
        let html =
            format!("<h1>Policies</h1>{}", format!("<p>{}</p>", paragraph.trim()).repeat(1_000_000 / paragraph.len()));
        let started = Instant::now();
        let from_html = extract(html.as_bytes(), DocFormat::Html).unwrap().text;
        let html_time = started.elapsed();
        assert_eq!(text, from_html);
        eprintln!("1 MB: markdown {markdown:?}, HTML {html_time:?}");
        assert!(markdown + html_time < Duration::from_secs(2));
    }

    #[test]
    fn one_megabyte_of_word_is_extracted_quickly() {
        let line = "The deposit is 30% of the contract total, due when you sign &amp; credited in full.";
        let body: String =
            (0..12_500).map(|i| para(if i % 50 == 0 { Some("Heading2") } else { None }, &run(line))).collect();
        let bytes = docx(&body);
        let started = Instant::now();
        let text = extract(&bytes, DocFormat::Docx).unwrap().text;
        let elapsed = started.elapsed();
        eprintln!("1 MB of Word text ({} bytes of docx, {} of text): {elapsed:?}", bytes.len(), text.len());
        assert!(text.len() > 1_000_000);
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    }

    /// Slow in a debug build (pdf-extract itself is not optimised): run with `--ignored`.
    #[test]
    #[ignore]
    fn one_megabyte_of_pdf_text() {
        let line = "The deposit is 30 percent of the contract total, due when you sign and credited in full.";
        let lines = [line; 45];
        let pages: Vec<Option<&[&str]>> = (0..250).map(|_| Some(&lines[..])).collect();
        let bytes = pdf(&pages);
        let started = Instant::now();
        let extracted = extract(&bytes, DocFormat::Pdf).unwrap();
        eprintln!(
            "{} pages, {} bytes of PDF text: {:?}",
            extracted.pages.len(),
            extracted.text.len(),
            started.elapsed()
        );
        assert_eq!(extracted.pages.len(), 250);
    }
}
