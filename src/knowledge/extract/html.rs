//! HTML → text: blocks, headings, lists and tables from the tag scanner; scripts, styles and
//! the head dropped.

use super::markup::*;
use super::*;

/// Elements whose content is never text.
pub(super) const HTML_SKIPPED: &[&str] =
    &["script", "style", "title", "template", "noscript", "svg", "iframe", "object"];
/// Elements that may appear in `<head>`.
pub(super) const HTML_HEAD: &[&str] =
    &["head", "meta", "link", "base", "title", "style", "script", "noscript", "template"];
/// Whether an element is a paragraph of its own (a blank line around it).
pub(super) fn is_html_block(name: &str) -> bool {
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
pub(super) const HTML_LINES: &[&str] = &["br", "dt", "dd", "caption", "option", "legend"];

/// Elements of a web page around its reading matter: menus, sidebars, forms, footers.
pub(super) const PAGE_CHROME: &[&str] = &["nav", "aside", "footer", "form", "button", "select", "dialog"];

/// The text of an HTML page (see the module documentation).
pub(super) fn html_to_text(html: &str) -> String {
    html_text_without(html, &[])
}

/// The reading matter of a web page: its text without [`PAGE_CHROME`].
pub(super) fn readable_text(html: &str) -> String {
    html_text_without(html, PAGE_CHROME)
}

/// A page's `<title>`, decoded and on one line.
pub(super) fn html_title(html: &str) -> Option<String> {
    let start = find_ignore_case(html, "<title")?;
    let open_end = start + html[start..].find('>')? + 1;
    let len = find_ignore_case(&html[open_end..], "</title")?;
    let title = decode_entities(&html[open_end..open_end + len]).split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

fn html_text_without(html: &str, also_skipped: &[&str]) -> String {
    let mut w = HtmlWriter::default();
    let mut tags = Tags::new(html);
    while let Some(token) = tags.next() {
        match token {
            Token::Text(t) if !w.in_head => w.text(&decode_entities(t)),
            Token::Cdata(t) if !w.in_head => w.text(t),
            Token::Text(_) | Token::Cdata(_) => {}
            Token::Start { name, closed, .. } => {
                let name = name.to_ascii_lowercase();
                if HTML_SKIPPED.contains(&name.as_str()) || also_skipped.contains(&name.as_str()) {
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
pub(super) struct HtmlWriter {
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
        let Some((line, _)) = row_line(&cells, &mut self.rows_written) else { return };
        self.prefix.clear();
        self.write_line(&line);
    }

    fn finish(mut self) -> String {
        self.row_end();
        self.flush();
        normalise(&self.out)
    }
}
