//! A deliverable as a PDF: its Markdown laid out on A4 pages in Helvetica.
//!
//! `pdf-writer` (typst's) writes the file; the layout is ours, because a deliverable is a short
//! Markdown document (headings, paragraphs, lists, tables, rules) and a layout engine or an HTML
//! renderer would add far more weight than these few hundred lines. The text uses the PDF's
//! standard Helvetica faces, which every reader has, so no font is embedded and the file stays
//! small; their encoding (WinAnsi) covers Western European text. A character outside it prints
//! as `?`, and emoji are left out.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use pulldown_cmark::{Alignment, Event, Options, Parser, Tag, TagEnd};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const BODY: f32 = 10.5;
const LEADING: f32 = 1.4;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;
const CELL_PAD: f32 = 4.0;
const GREY: (f32, f32, f32) = (0.45, 0.45, 0.45);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
    Italic,
}

impl Face {
    fn resource(self) -> Name<'static> {
        match self {
            Face::Regular => Name(b"F1"),
            Face::Bold => Name(b"F2"),
            Face::Italic => Name(b"F3"),
        }
    }
}

/// A stretch of text in one face.
#[derive(Clone, Debug, PartialEq)]
struct Run {
    text: String,
    face: Face,
}

/// A block of the document, in the order it is laid out.
#[derive(Clone, Debug, PartialEq)]
enum Block {
    Heading(u8, Vec<Run>),
    Paragraph(Vec<Run>),
    /// A list item: its marker ("•", "3."), nesting depth and text.
    Item(String, usize, Vec<Run>),
    /// Rows of cells, and which columns are right-aligned (amounts, counts).
    Table(Vec<Vec<Vec<Run>>>, Vec<bool>),
    Code(String),
    Rule,
}

/// Reads the Markdown into blocks. Inline code, links and the like keep only their text; HTML
/// is dropped (a deliverable is read as text, never as markup to obey).
fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    let (mut bold, mut italic) = (0u32, 0u32);
    // Lists: for each open list, its next number (None for bullets).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut item_marker: Option<(String, usize)> = None;
    let mut table: Option<Vec<Vec<Vec<Run>>>> = None;
    let mut right: Vec<bool> = Vec::new();
    let mut row: Vec<Vec<Run>> = Vec::new();
    let mut code: Option<String> = None;
    let mut heading: Option<u8> = None;

    let push_text = |runs: &mut Vec<Run>, text: &str, bold: u32, italic: u32| {
        let face = if bold > 0 {
            Face::Bold
        } else if italic > 0 {
            Face::Italic
        } else {
            Face::Regular
        };
        match runs.last_mut() {
            Some(last) if last.face == face => last.text.push_str(text),
            _ => runs.push(Run { text: text.to_string(), face }),
        }
    };
    // Ends the text gathered so far as the block it belongs to.
    let flush = |out: &mut Vec<Block>, runs: &mut Vec<Run>, heading: Option<u8>, item: &mut Option<(String, usize)>| {
        if runs.iter().all(|r| r.text.trim().is_empty()) {
            runs.clear();
            return;
        }
        let taken = std::mem::take(runs);
        out.push(match (heading, item.take()) {
            (Some(level), _) => Block::Heading(level, taken),
            (None, Some((marker, depth))) => Block::Item(marker, depth, taken),
            (None, None) => Block::Paragraph(taken),
        });
    };

    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut out, &mut runs, None, &mut item_marker);
                heading = Some(level as u8);
            }
            Event::End(TagEnd::Heading(_)) => {
                flush(&mut out, &mut runs, heading, &mut item_marker);
                heading = None;
            }
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) if table.is_none() => flush(&mut out, &mut runs, None, &mut item_marker),
            Event::Start(Tag::List(first)) => {
                flush(&mut out, &mut runs, None, &mut item_marker);
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut out, &mut runs, None, &mut item_marker);
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut out, &mut runs, None, &mut item_marker);
                let depth = lists.len().saturating_sub(1);
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}.");
                        *n += 1;
                        m
                    }
                    _ => "\u{2022}".to_string(),
                };
                item_marker = Some((marker, depth));
            }
            Event::End(TagEnd::Item) => flush(&mut out, &mut runs, None, &mut item_marker),
            Event::Start(Tag::Table(aligned)) => {
                flush(&mut out, &mut runs, None, &mut item_marker);
                table = Some(Vec::new());
                right = aligned.iter().map(|a| *a == Alignment::Right).collect();
            }
            Event::End(TagEnd::Table) => {
                if let Some(t) = table.take() {
                    if !t.is_empty() {
                        out.push(Block::Table(t, std::mem::take(&mut right)));
                    }
                }
            }
            Event::Start(Tag::TableHead) => bold += 1,
            Event::End(TagEnd::TableHead) => {
                bold = bold.saturating_sub(1);
                if let Some(t) = table.as_mut() {
                    t.push(std::mem::take(&mut row));
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = table.as_mut() {
                    t.push(std::mem::take(&mut row));
                }
            }
            Event::End(TagEnd::TableCell) => row.push(std::mem::take(&mut runs)),
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut out, &mut runs, None, &mut item_marker);
                code = Some(String::new());
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(c) = code.take() {
                    out.push(Block::Code(c.trim_end().to_string()));
                }
            }
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic = italic.saturating_sub(1),
            Event::Text(t) => match code.as_mut() {
                Some(c) => c.push_str(&t),
                None => push_text(&mut runs, &t, bold, italic),
            },
            Event::Code(t) => push_text(&mut runs, &t, bold, italic),
            Event::SoftBreak | Event::HardBreak => push_text(&mut runs, " ", bold, italic),
            Event::Rule => {
                flush(&mut out, &mut runs, None, &mut item_marker);
                out.push(Block::Rule);
            }
            _ => {}
        }
    }
    flush(&mut out, &mut runs, heading, &mut item_marker);
    out
}

/// A character in the fonts' encoding (WinAnsi, Windows-1252): `None` to leave it out (emoji,
/// control characters), `?` for anything else it lacks.
fn win_ansi(c: char) -> Option<u8> {
    let code = c as u32;
    Some(match c {
        ' '..='~' => code as u8,
        '\u{a0}'..='\u{ff}' => code as u8,
        '\u{20ac}' => 0x80,
        '\u{201a}' => 0x82,
        '\u{201e}' => 0x84,
        '\u{2026}' => 0x85,
        '\u{2020}' => 0x86,
        '\u{2021}' => 0x87,
        '\u{2030}' => 0x89,
        '\u{0160}' => 0x8a,
        '\u{2039}' => 0x8b,
        '\u{0152}' => 0x8c,
        '\u{017d}' => 0x8e,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201c}' => 0x93,
        '\u{201d}' => 0x94,
        '\u{2022}' => 0x95,
        '\u{2013}' => 0x96,
        '\u{2014}' => 0x97,
        '\u{2122}' => 0x99,
        '\u{0161}' => 0x9a,
        '\u{203a}' => 0x9b,
        '\u{0153}' => 0x9c,
        '\u{017e}' => 0x9e,
        '\u{0178}' => 0x9f,
        '\t' | '\n' | '\r' => b' ',
        _ if c.is_control() || code >= 0x1f000 || ('\u{2600}'..='\u{27bf}').contains(&c) || c == '\u{fe0f}' => {
            return None
        }
        _ => b'?',
    })
}

/// Helvetica's advance widths (thousandths of the size) for the printable ASCII characters,
/// from the font's published metrics; Bold differs in a few.
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];
const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611,
    556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389,
    280, 389, 584,
];

/// The width of an encoded byte in points at `size`.
fn byte_width(b: u8, face: Face, size: f32) -> f32 {
    let table = if face == Face::Bold { &BOLD } else { &REGULAR };
    let units = match b {
        0x20..=0x7e => table[(b - 0x20) as usize],
        0x95 => 350,
        0x85 | 0x97 | 0x89 => 1000,
        0x91 | 0x92 => 222,
        0x93 | 0x94 => 333,
        _ => 556,
    };
    f32::from(units) * size / 1000.0
}

fn encode(text: &str) -> Vec<u8> {
    text.chars().filter_map(win_ansi).collect()
}

/// A piece of a laid-out line: encoded text in one face, at an offset from the line's start.
#[derive(Clone, Debug)]
struct Piece {
    x: f32,
    face: Face,
    bytes: Vec<u8>,
}

/// Breaks runs into lines no wider than `width`, at spaces (a word longer than a line is cut).
fn wrap(runs: &[Run], size: f32, width: f32) -> Vec<Vec<Piece>> {
    // Words with their face; a space before a word is kept as a flag.
    let mut words: Vec<(Face, Vec<u8>, bool)> = Vec::new();
    let mut space_before = false;
    for run in runs {
        let bytes = encode(&run.text);
        let mut word = Vec::new();
        for b in bytes {
            if b == b' ' {
                if !word.is_empty() {
                    words.push((run.face, std::mem::take(&mut word), space_before));
                }
                space_before = true;
            } else {
                word.push(b);
            }
        }
        if !word.is_empty() {
            words.push((run.face, word, space_before));
            space_before = false;
        }
    }
    let mut lines: Vec<Vec<Piece>> = Vec::new();
    let mut line: Vec<Piece> = Vec::new();
    let mut x = 0.0f32;
    for (face, word, space) in words {
        let w: f32 = word.iter().map(|b| byte_width(*b, face, size)).sum();
        let gap = if space && !line.is_empty() { byte_width(b' ', face, size) } else { 0.0 };
        if !line.is_empty() && x + gap + w > width {
            lines.push(std::mem::take(&mut line));
            x = 0.0;
        }
        if line.is_empty() && w > width {
            // A word wider than the line: cut it where it overflows.
            let mut part = Vec::new();
            let mut pw = 0.0;
            for b in word {
                let bw = byte_width(b, face, size);
                if pw + bw > width && !part.is_empty() {
                    lines.push(vec![Piece { x: 0.0, face, bytes: std::mem::take(&mut part) }]);
                    pw = 0.0;
                }
                part.push(b);
                pw += bw;
            }
            line.push(Piece { x: 0.0, face, bytes: part });
            x = pw;
            continue;
        }
        let gap = if line.is_empty() { 0.0 } else { gap };
        match line.last_mut() {
            Some(last) if last.face == face => {
                if gap > 0.0 {
                    last.bytes.push(b' ');
                }
                last.bytes.extend_from_slice(&word);
            }
            _ => line.push(Piece { x: x + gap, face, bytes: word }),
        }
        x += gap + w;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// What is drawn on a page.
enum Op {
    Text { x: f32, y: f32, size: f32, face: Face, bytes: Vec<u8>, grey: bool },
    Line { x1: f32, y1: f32, x2: f32, y2: f32 },
    Fill { x: f32, y: f32, w: f32, h: f32 },
}

/// Lays blocks out top to bottom, starting a page whenever the next line would not fit.
struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Layout { pages: vec![Vec::new()], y: PAGE_H - MARGIN }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a layout has a page")
    }

    /// Makes room for `height` points, on a new page if this one is full.
    fn room(&mut self, height: f32) {
        if self.y - height < MARGIN && self.y < PAGE_H - MARGIN {
            self.pages.push(Vec::new());
            self.y = PAGE_H - MARGIN;
        }
    }

    fn lines(&mut self, lines: Vec<Vec<Piece>>, x: f32, size: f32, grey: bool) {
        let step = size * LEADING;
        for line in lines {
            self.room(step);
            self.y -= step;
            let y = self.y + (step - size) / 2.0;
            for p in line {
                self.ops().push(Op::Text { x: x + p.x, y, size, face: p.face, bytes: p.bytes, grey });
            }
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading(level, runs) => {
                let size = match level {
                    1 => 20.0,
                    2 => 15.0,
                    _ => 12.5,
                };
                let bold: Vec<Run> = runs.iter().map(|r| Run { text: r.text.clone(), face: Face::Bold }).collect();
                // Keep a heading with the line after it.
                self.room(size * LEADING * 2.0 + BODY * LEADING * 2.0);
                self.y -= size * 0.5;
                self.lines(wrap(&bold, size, TEXT_W), MARGIN, size, false);
                self.y -= size * 0.2;
            }
            Block::Paragraph(runs) => {
                self.lines(wrap(runs, BODY, TEXT_W), MARGIN, BODY, false);
                self.y -= BODY * 0.6;
            }
            Block::Item(marker, depth, runs) => {
                let indent = MARGIN + 16.0 * (*depth as f32 + 1.0);
                let lines = wrap(runs, BODY, PAGE_W - MARGIN - indent);
                // The first line fits on this page once room is made, so the marker goes beside it.
                let step = BODY * LEADING;
                self.room(step);
                let marker = encode(marker);
                let w: f32 = marker.iter().map(|b| byte_width(*b, Face::Regular, BODY)).sum();
                let y = self.y - step + (step - BODY) / 2.0;
                self.ops().push(Op::Text {
                    x: indent - w - 5.0,
                    y,
                    size: BODY,
                    face: Face::Regular,
                    bytes: marker,
                    grey: false,
                });
                self.lines(lines, indent, BODY, false);
                self.y -= BODY * 0.25;
            }
            Block::Code(text) => {
                for line in text.lines() {
                    let runs = [Run { text: line.to_string(), face: Face::Regular }];
                    self.lines(wrap(&runs, BODY - 1.0, TEXT_W - 12.0), MARGIN + 12.0, BODY - 1.0, true);
                }
                self.y -= BODY * 0.6;
            }
            Block::Rule => {
                self.room(BODY);
                self.y -= BODY / 2.0;
                let y = self.y;
                self.ops().push(Op::Line { x1: MARGIN, y1: y, x2: PAGE_W - MARGIN, y2: y });
                self.y -= BODY / 2.0;
            }
            Block::Table(rows, right) => self.table(rows, right),
        }
    }

    /// A table: columns share the width by how much text they hold (each at least a fair share
    /// of what is left), the header row is shaded, and a row never splits across pages.
    fn table(&mut self, rows: &[Vec<Vec<Run>>], right: &[bool]) {
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        let natural: Vec<f32> = (0..cols)
            .map(|c| {
                rows.iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| {
                        cell.iter()
                            .map(|r| encode(&r.text).iter().map(|b| byte_width(*b, r.face, BODY)).sum::<f32>())
                            .sum::<f32>()
                    })
                    .fold(0.0f32, f32::max)
                    + 2.0 * CELL_PAD
            })
            .collect();
        let total: f32 = natural.iter().sum();
        let widths: Vec<f32> = if total <= TEXT_W {
            natural.iter().map(|w| w + (TEXT_W - total) / cols as f32).collect()
        } else {
            let floor = TEXT_W / cols as f32 * 0.5;
            let rest = TEXT_W - floor * cols as f32;
            natural.iter().map(|w| floor + rest * w / total).collect()
        };
        let step = BODY * LEADING;
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<Vec<Vec<Piece>>> = (0..cols)
                .map(|c| row.get(c).map(|cell| wrap(cell, BODY, widths[c] - 2.0 * CELL_PAD)).unwrap_or_default())
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * step + CELL_PAD;
            self.room(height);
            let top = self.y;
            if i == 0 {
                self.ops().push(Op::Fill { x: MARGIN, y: top - height, w: TEXT_W, h: height });
            }
            let mut x = MARGIN;
            for (c, lines) in cells.into_iter().enumerate() {
                let mut y = top - CELL_PAD / 2.0;
                for line in lines {
                    y -= step;
                    let base = y + (step - BODY) / 2.0;
                    // A right-aligned column's line ends at the cell's right edge.
                    let shift = if right.get(c).copied().unwrap_or(false) {
                        let end = line
                            .iter()
                            .map(|p| p.x + p.bytes.iter().map(|b| byte_width(*b, p.face, BODY)).sum::<f32>())
                            .fold(0.0f32, f32::max);
                        (widths[c] - 2.0 * CELL_PAD - end).max(0.0)
                    } else {
                        0.0
                    };
                    for p in line {
                        self.ops().push(Op::Text {
                            x: x + CELL_PAD + shift + p.x,
                            y: base,
                            size: BODY,
                            face: p.face,
                            bytes: p.bytes,
                            grey: false,
                        });
                    }
                }
                x += widths[c];
            }
            self.y = top - height;
            let y = self.y;
            self.ops().push(Op::Line { x1: MARGIN, y1: y, x2: PAGE_W - MARGIN, y2: y });
        }
        self.y -= BODY * 0.8;
    }
}

/// The PDF of a deliverable: `title` (the specialist and what it is for) heads the first page
/// and names the document; each page's foot says "page N of M".
pub fn render(title: &str, markdown: &str) -> Vec<u8> {
    let mut layout = Layout::new();
    let heading = [Run { text: title.to_string(), face: Face::Regular }];
    layout.lines(wrap(&heading, 9.0, TEXT_W), MARGIN, 9.0, true);
    layout.y -= 6.0;
    for block in blocks(markdown) {
        layout.block(&block);
    }
    let pages = layout.pages;
    let count = pages.len();

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let info = Ref::new(3);
    let fonts = [
        (Face::Regular, Ref::new(4), "Helvetica"),
        (Face::Bold, Ref::new(5), "Helvetica-Bold"),
        (Face::Italic, Ref::new(6), "Helvetica-Oblique"),
    ];
    let first = 7;
    let page_ids: Vec<Ref> = (0..count).map(|i| Ref::new(first + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(count as i32);
    pdf.document_info(info).title(TextStr(title)).creator(TextStr("Concierge"));
    for (_, id, base) in fonts {
        pdf.type1_font(id).base_font(Name(base.as_bytes())).encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (i, ops) in pages.into_iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(first + 2 * i as i32 + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(content_id);
        {
            let mut resources = page.resources();
            let mut f = resources.fonts();
            for (face, id, _) in fonts {
                f.pair(face.resource(), id);
            }
        }
        page.finish();

        let mut content = Content::new();
        for op in &ops {
            match op {
                Op::Fill { x, y, w, h } => {
                    content.save_state();
                    content.set_fill_rgb(0.94, 0.93, 0.92);
                    content.rect(*x, *y, *w, *h);
                    content.fill_nonzero();
                    content.restore_state();
                }
                Op::Line { x1, y1, x2, y2 } => {
                    content.save_state();
                    content.set_stroke_rgb(0.8, 0.8, 0.8);
                    content.set_line_width(0.5);
                    content.move_to(*x1, *y1);
                    content.line_to(*x2, *y2);
                    content.stroke();
                    content.restore_state();
                }
                Op::Text { .. } => {}
            }
        }
        let foot = encode(&format!("Page {} of {count}", i + 1));
        let foot_w: f32 = foot.iter().map(|b| byte_width(*b, Face::Regular, 8.0)).sum();
        let texts = ops.iter().filter_map(|op| match op {
            Op::Text { x, y, size, face, bytes, grey } => Some((*x, *y, *size, *face, bytes.as_slice(), *grey)),
            _ => None,
        });
        let footer =
            std::iter::once((PAGE_W - MARGIN - foot_w, MARGIN / 2.0, 8.0, Face::Regular, foot.as_slice(), true));
        for (x, y, size, face, bytes, grey) in texts.chain(footer) {
            let (r, g, b) = if grey { GREY } else { (0.1, 0.1, 0.1) };
            content.set_fill_rgb(r, g, b);
            content.begin_text();
            content.set_font(face.resource(), size);
            content.next_line(x, y);
            content.show(Str(bytes));
            content.end_text();
        }
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(pdf: &[u8]) -> String {
        pdf_extract::extract_text_from_mem(pdf).expect("a readable PDF")
    }

    #[test]
    fn a_deliverable_reads_back_with_its_headings_lists_and_table() {
        let md = "# Proposal for the Clark wedding\n\nDear Emma, thank you for **choosing** Harbor Hall.\n\n\
                  ## Pricing\n\n| Item | Qty | Amount |\n|---|--:|--:|\n| Plated dinner | 120 | $7,800.00 |\n| Champagne toast | 120 | $960.00 |\n\n\
                  - Deposit due on signing\n- Balance 14 days before\n\n1. First\n2. Second\n\n---\n\nCafé crème – “quoted” 🎉 日本";
        let pdf = render("Proposal Writer · Clark wedding", md);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = text_of(&pdf);
        for want in [
            "Proposal for the Clark wedding",
            "choosing",
            "Plated dinner",
            "$7,800.00",
            "Deposit due on signing",
            "Page 1 of 1",
            "Proposal Writer",
        ] {
            assert!(text.contains(want), "{want:?} not in {text:?}");
        }
        // Western European text survives; what the fonts cannot show is a `?`, and emoji go.
        assert!(text.contains("Café crème"), "{text:?}");
        assert!(text.contains("??"), "{text:?}");
        assert!(!text.contains('🎉'));
    }

    #[test]
    fn a_long_deliverable_flows_onto_numbered_pages_within_the_margins() {
        let para = "The kitchen plates every course at the pass and the captains serve each table together. ".repeat(6);
        let md = (1..=40).map(|i| format!("## Section {i}\n\n{para}\n")).collect::<String>();
        let pdf = render("Timeline Planner", &md);
        let text = text_of(&pdf);
        let pages = text.matches("Page ").count();
        assert!(pages >= 5, "{pages} pages");
        assert!(text.contains(&format!("Page {pages} of {pages}")), "{text:?}");
        assert!(text.contains("Section 40"));
        // Every line fits the text width.
        let runs = [Run { text: para.clone(), face: Face::Regular }];
        for line in wrap(&runs, BODY, TEXT_W) {
            let w: f32 = line
                .iter()
                .map(|p| p.x + p.bytes.iter().map(|b| byte_width(*b, p.face, BODY)).sum::<f32>())
                .fold(0.0, f32::max);
            assert!(w <= TEXT_W + 0.01, "{w}");
        }
    }

    #[test]
    fn markdown_becomes_blocks_and_a_word_too_long_for_a_line_is_cut() {
        let b = blocks("# T\n\nSome *soft* and **bold** words.\n\n- a\n  - b\n\n<script>x</script>\n");
        assert_eq!(b[0], Block::Heading(1, vec![Run { text: "T".into(), face: Face::Regular }]));
        assert!(
            matches!(&b[1], Block::Paragraph(r) if r.len() == 5 && r[1].face == Face::Italic && r[3].face == Face::Bold)
        );
        assert!(matches!(&b[2], Block::Item(m, 0, _) if m == "\u{2022}"));
        assert!(matches!(&b[3], Block::Item(_, 1, _)));
        assert_eq!(b.len(), 4, "{b:?}");
        let long = [Run { text: "x".repeat(400), face: Face::Regular }];
        assert!(wrap(&long, BODY, 100.0).len() > 3);
        assert!(wrap(&[], BODY, 100.0).is_empty());
    }
}
