//! A deliverable as a PDF: its Markdown laid out on A4 pages in Helvetica.
//!
//! `pdf-writer` (typst's) writes the file; the layout is ours, because a deliverable is a short
//! Markdown document (headings, paragraphs, lists, tables, rules) and a layout engine or an HTML
//! renderer would add far more weight than these few hundred lines. The text uses the PDF's
//! standard Helvetica faces, which every reader has, so no font is embedded and the file stays
//! small; their encoding (WinAnsi) covers Western European text. A character outside it prints
//! as `?`, and emoji are left out.
//!
//! [`markdown`] reads the deliverable into blocks, [`text`] measures and breaks its lines, and
//! this module lays the blocks out on pages and writes the file.

mod markdown;
mod text;

use markdown::{blocks, Block, Face, Run};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use text::{byte_width, encode, wrap, Piece};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const BODY: f32 = 10.5;
const LEADING: f32 = 1.4;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;
const CELL_PAD: f32 = 4.0;
const GREY: (f32, f32, f32) = (0.45, 0.45, 0.45);

impl Face {
    /// The page resource name of the face's font.
    fn resource(self) -> Name<'static> {
        match self {
            Face::Regular => Name(b"F1"),
            Face::Bold => Name(b"F2"),
            Face::Italic => Name(b"F3"),
        }
    }
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
