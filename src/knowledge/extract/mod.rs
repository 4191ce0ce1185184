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
//! * HTML and DOCX are read by small hand-written tag scanners (`markup::Tags`) instead of an HTML5 or
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

/// Word (DOCX).
mod docx;
/// HTML.
mod html;
/// The tag scanner HTML and DOCX share.
mod markup;
/// PDF.
mod pdf;
#[cfg(test)]
mod tests;

use docx::*;
use html::*;
use markup::{cell_text, push_row};
use pdf::*;

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

/// A web page's title and reading matter (menus, sidebars, forms and footers left out), as
/// Markdown-flavoured text.
pub fn web_page(html: &str) -> (Option<String>, String) {
    (html_title(html), readable_text(html))
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
