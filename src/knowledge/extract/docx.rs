//! Word (DOCX) → text: the zip opened with caps (parts, inflated size), the main part's
//! paragraphs, heading styles, lists and tables.

use super::markup::*;
use super::*;
use std::io::{Cursor, Read};

/// The zip of a Word file, checked: a zip, not too many entries, with a main part.
pub(super) fn open_docx(bytes: &[u8]) -> Result<zip::ZipArchive<Cursor<&[u8]>>, ExtractError> {
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
pub(super) fn docx_main_part(bytes: &[u8]) -> Result<String, ExtractError> {
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

pub(super) fn docx_text(bytes: &[u8]) -> Result<String, ExtractError> {
    Ok(docx_xml_to_text(&docx_main_part(bytes)?))
}

/// The text of `word/document.xml` (see the module documentation).
pub(super) fn docx_xml_to_text(xml: &str) -> String {
    let mut w = DocxWriter::default();
    for token in Tags::new(xml) {
        w.token(token);
    }
    w.finish()
}

/// A `<w:p>` being read.
#[derive(Default)]
pub(super) struct Paragraph {
    text: String,
    heading: Option<usize>,
    list_level: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Default)]
pub(super) enum Last {
    #[default]
    Nothing,
    Paragraph,
    ListItem,
    Row,
}

/// Markdown-flavoured text written from WordprocessingML elements.
#[derive(Default)]
pub(super) struct DocxWriter {
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
        let Some((line, first)) = row_line(&cells, &mut self.rows_written) else { return };
        if first {
            // A new table is a block of its own, even right after another table.
            self.last = if self.last == Last::Row { Last::Paragraph } else { self.last };
        }
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
pub(super) fn heading_level(style: &str) -> Option<usize> {
    let style = style.to_ascii_lowercase();
    if style == "title" {
        return Some(1);
    }
    let level: usize = style.strip_prefix("heading")?.trim().parse().ok()?;
    (level >= 1).then_some(level.min(6))
}
