//! A deliverable's Markdown read into the blocks the layout sets out, with its inline runs of
//! regular, bold and italic text.

use pulldown_cmark::{Alignment, Event, Options, Parser, Tag, TagEnd};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Face {
    Regular,
    Bold,
    Italic,
}

/// A stretch of text in one face.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Run {
    pub(super) text: String,
    pub(super) face: Face,
}

/// A block of the document, in the order it is laid out.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Block {
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
pub(super) fn blocks(markdown: &str) -> Vec<Block> {
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
