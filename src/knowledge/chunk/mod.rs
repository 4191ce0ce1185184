//! Passages of a document for search: structure-aware chunking with overlap. Pure.
//!
//! The input is the normalised text of `super::extract`: `#` heading lines, paragraphs separated
//! by blank lines, `- ` list runs, `|` table rows, fenced code. The text is read as blocks; blocks
//! of one section (the text under one heading) are packed into a chunk up to `target` characters.
//!
//! * A heading starts a new chunk and stays with the text that follows it (headings without text
//!   of their own go with the next text); the chunk's `heading` is the path of headings in force
//!   at its first text block ("Deposits › Refunds").
//! * A block is only split when it alone is longer than `max`: a paragraph at sentence ends, a
//!   table, list or code block at line (row) boundaries; then at line breaks, between words, and
//!   only for a "word" longer than `max` (a URL, a blob) in the middle of it.
//! * A chunk that continues the section of the previous one starts up to `overlap` characters
//!   earlier, at a sentence or line start, so the previous chunk's last sentence is repeated and a
//!   fact that straddles the cut is still found whole.
//! * A chunk's `content` is exactly the text between `char_start` and `char_end` (Unicode scalar
//!   values, not bytes), starting and ending on non-whitespace; chunks are in order, every
//!   non-whitespace character is in at least one, and none is longer than `max + overlap`.
//! * Linear time: byte offsets are turned into character offsets by a cursor that moves forward.

/// Sizes, in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkOptions {
    /// Blocks are packed into a chunk up to this length.
    pub target: usize,
    /// Longer blocks are split.
    pub max: usize,
    /// How far a chunk reaches back into the previous one of the same section.
    pub overlap: usize,
}

impl Default for ChunkOptions {
    fn default() -> Self {
        ChunkOptions { target: 700, max: 1400, overlap: 120 }
    }
}

/// A passage: `content` is `text`'s characters `char_start..char_end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// The headings in force ("Deposits › Refunds"), "" before the first heading.
    pub heading: String,
    /// The page (1-based) the chunk starts on; `None` for texts without pages.
    pub page: Option<i32>,
    pub char_start: usize,
    pub char_end: usize,
    pub content: String,
}

/// Separates the headings of a path.
pub const HEADING_SEPARATOR: &str = " › ";

/// The passages of `text`. `pages` holds the byte offsets where pages start (empty: no pages).
pub fn chunk(text: &str, pages: &[usize], opts: &ChunkOptions) -> Vec<Chunk> {
    let max = opts.max.max(1);
    let limits = Limits { target: opts.target.clamp(1, max), max, overlap: opts.overlap, heading: max / 4 };
    let mut packer = Packer::new(text, pages, limits);
    for block in blocks(text, limits.heading) {
        packer.block(&block);
    }
    packer.finish()
}

#[derive(Clone, Copy)]
struct Limits {
    target: usize,
    max: usize,
    overlap: usize,
    /// Longest heading line, and longest run of headings kept in front of their text.
    heading: usize,
}

// ---------------------------------------------------------------------------------------------
// Blocks

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A heading line, with its level (1 for `#`).
    Heading(usize),
    Paragraph,
    List,
    Table,
    Code,
}

/// A block of text: a byte range that starts and ends on non-whitespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Block {
    kind: Kind,
    start: usize,
    end: usize,
}

/// What a (trimmed, non-blank) line starts.
fn line_kind(line: &str, max_heading: usize) -> Kind {
    if line.starts_with("```") || line.starts_with("~~~") {
        Kind::Code
    } else if let Some(level) = heading_level(line, max_heading) {
        Kind::Heading(level)
    } else if line.starts_with('|') {
        Kind::Table
    } else if is_list_item(line) {
        Kind::List
    } else {
        Kind::Paragraph
    }
}

/// The level of a `#` heading line with a title, not longer than `max_chars`.
fn heading_level(line: &str, max_chars: usize) -> Option<usize> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&level) || heading_title(line).is_empty() {
        return None;
    }
    let after = &line[level..];
    let spaced = after.starts_with(char::is_whitespace);
    (spaced && line.chars().nth(max_chars).is_none()).then_some(level)
}

/// The title of a heading line: `## Refunds ##` → `Refunds`, `## C#` → `C#`.
fn heading_title(line: &str) -> &str {
    let title = line.trim_start_matches('#').trim();
    let unclosed = title.trim_end_matches('#');
    if unclosed.is_empty() || unclosed.ends_with(char::is_whitespace) {
        unclosed.trim_end()
    } else {
        title
    }
}

fn is_list_item(line: &str) -> bool {
    if ["- ", "* ", "+ ", "• ", "-\t", "*\t"].iter().any(|p| line.starts_with(p)) {
        return true;
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits) && [". ", ") "].iter().any(|p| line[digits..].starts_with(p))
}

/// The blocks of `text`, in order. Blank lines end blocks; a heading line is a block; runs of
/// table lines, of list lines (with their continuation lines) and fenced code are blocks.
fn blocks(text: &str, max_heading: usize) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    // The fence of an open code block ("```" or "~~~").
    let mut fence: Option<&str> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim();
        let start = line_start + (raw.len() - raw.trim_start().len());
        let end = line_start + raw.trim_end().len();
        if let Some(marker) = fence {
            if let Some(block) = open.as_mut().filter(|_| !line.is_empty()) {
                block.end = end;
            }
            if line.starts_with(marker) && line.trim_start_matches(&marker[..1]).trim().is_empty() {
                out.extend(open.take());
                fence = None;
            }
            continue;
        }
        if line.is_empty() {
            out.extend(open.take());
            continue;
        }
        let kind = line_kind(line, max_heading);
        match (kind, open.as_mut()) {
            (Kind::Table, Some(b)) if b.kind == Kind::Table => b.end = end,
            (Kind::List, Some(b)) if b.kind == Kind::List => b.end = end,
            (Kind::Paragraph, Some(b)) if matches!(b.kind, Kind::Paragraph | Kind::List) => b.end = end,
            _ => {
                out.extend(open.take());
                if kind == Kind::Code {
                    fence = Some(&line[..3]);
                }
                let block = Block { kind, start, end };
                if let Kind::Heading(_) = kind {
                    out.push(block);
                } else {
                    open = Some(block);
                }
            }
        }
    }
    out.extend(open);
    out
}

// ---------------------------------------------------------------------------------------------
// Splitting a block that is too long

/// A part of the text, in bytes and characters.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    end: usize,
    char_start: usize,
    char_end: usize,
}

/// Where a long block may be cut, most preferred first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cut {
    Sentence,
    Line,
    Word,
}

/// Ends of sentences: after these (and closing quotes or brackets), then whitespace.
const TERMINATORS: &[char] = &['.', '!', '?', '…'];
/// Ends of sentences in scripts that put no space after them.
const WIDE_TERMINATORS: &[char] = &['。', '！', '？'];
const CLOSERS: &[char] = &[')', ']', '"', '\'', '”', '’', '»', '」', '』'];

/// The byte positions in `s` after which a new piece may start, for `cut`.
fn cut_points(s: &str, cut: Cut) -> Vec<usize> {
    match cut {
        Cut::Line => s.match_indices('\n').map(|(i, _)| i).collect(),
        Cut::Word => s.char_indices().filter(|(_, c)| c.is_whitespace()).map(|(i, _)| i).collect(),
        Cut::Sentence => s
            .char_indices()
            .filter(|&(_, c)| TERMINATORS.contains(&c) || WIDE_TERMINATORS.contains(&c))
            .filter_map(|(i, c)| sentence_end(s, i + c.len_utf8(), WIDE_TERMINATORS.contains(&c)))
            .collect(),
    }
}

/// Where a sentence ends whose terminator ends at `after`, if it does: closers are included; a
/// space must follow (unless `wide`), and the next word must not start in lower case ("e.g. this").
fn sentence_end(s: &str, after: usize, wide: bool) -> Option<usize> {
    let rest = &s[after..];
    let end = after + (rest.len() - rest.trim_start_matches(CLOSERS).len());
    let rest = &s[end..];
    let next = rest.trim_start().chars().next();
    let spaced = rest.starts_with(char::is_whitespace);
    ((spaced || wide) && !next.is_some_and(char::is_lowercase)).then_some(end)
}

/// The pieces of `s[start..end]` between cut points, trimmed, empty ones dropped.
fn pieces(s: &str, start: usize, end: usize, points: &[usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = start;
    for p in points.iter().map(|p| p + start).chain(std::iter::once(end)) {
        let piece = &s[from..p];
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            out.push((from + lead, from + lead + trimmed.len()));
        }
        from = p;
    }
    out
}

/// Byte ranges of `text[start..end]`, each at most `cap` characters, cut at the first of `cuts`
/// that works, then the next; a piece no cut can shorten is cut every `cap` characters.
fn split(text: &str, start: usize, end: usize, cap: usize, cuts: &[Cut]) -> Vec<(usize, usize)> {
    let Some((&cut, finer)) = cuts.split_first() else {
        return hard_split(text, start, end, cap);
    };
    let points = cut_points(&text[start..end], cut);
    let mut out = Vec::new();
    for (s, e) in pieces(text, start, end, &points) {
        if text[s..e].chars().nth(cap).is_none() {
            out.push((s, e));
        } else {
            out.extend(split(text, s, e, cap, finer));
        }
    }
    out
}

/// `text[start..end]` cut every `cap` characters.
fn hard_split(text: &str, start: usize, end: usize, cap: usize) -> Vec<(usize, usize)> {
    let points: Vec<usize> = text[start..end].char_indices().skip(cap).step_by(cap).map(|(i, _)| i).collect();
    pieces(text, start, end, &points)
}

/// How a block of `kind` is cut when it is too long.
fn cuts_for(kind: Kind) -> &'static [Cut] {
    match kind {
        Kind::Paragraph | Kind::Heading(_) => &[Cut::Sentence, Cut::Line, Cut::Word],
        Kind::List | Kind::Table | Kind::Code => &[Cut::Line, Cut::Sentence, Cut::Word],
    }
}

// ---------------------------------------------------------------------------------------------
// Packing

/// Character offsets of byte offsets, counted incrementally (it moves either way, cheaply when
/// the offsets asked for are close to each other).
struct CharCursor<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharCursor<'a> {
    fn new(text: &'a str) -> Self {
        CharCursor { text, byte: 0, chars: 0 }
    }

    fn at(&mut self, byte: usize) -> usize {
        if byte >= self.byte {
            self.chars += self.text[self.byte..byte].chars().count();
        } else {
            self.chars -= self.text[byte..self.byte].chars().count();
        }
        self.byte = byte;
        self.chars
    }
}

/// The chunk being filled.
struct Open {
    /// Where the chunk starts (with its overlap), in bytes and characters.
    start: usize,
    char_start: usize,
    /// Where the packing budget is counted from: its first heading or first text.
    base: usize,
    /// Where its first text block starts (`None` while it holds only headings).
    content: Option<usize>,
    end: usize,
    char_end: usize,
    heading: String,
    section: usize,
}

struct Packer<'a> {
    text: &'a str,
    pages: &'a [usize],
    limits: Limits,
    cursor: CharCursor<'a>,
    /// The headings in force: (level, title).
    path: Vec<(usize, &'a str)>,
    heading: String,
    /// Counts headings: a section is the text under one heading.
    section: usize,
    open: Option<Open>,
    /// The last chunk written: its section, text start and start. An overlap may reach back to
    /// its text start, but not to its start (it would hold all of it).
    previous: Option<(usize, Option<usize>, usize)>,
    chunks: Vec<Chunk>,
}

impl<'a> Packer<'a> {
    fn new(text: &'a str, pages: &'a [usize], limits: Limits) -> Self {
        Packer {
            text,
            pages,
            limits,
            cursor: CharCursor::new(text),
            path: Vec::new(),
            heading: String::new(),
            section: 0,
            open: None,
            previous: None,
            chunks: Vec::new(),
        }
    }

    fn span(&mut self, start: usize, end: usize) -> Span {
        let char_start = self.cursor.at(start);
        let char_end = self.cursor.at(end);
        Span { start, end, char_start, char_end }
    }

    fn block(&mut self, block: &Block) {
        let span = self.span(block.start, block.end);
        match block.kind {
            Kind::Heading(level) => self.heading_line(level, span),
            kind => self.text_block(kind, span),
        }
    }

    fn heading_line(&mut self, level: usize, span: Span) {
        while self.path.last().is_some_and(|&(l, _)| l >= level) {
            self.path.pop();
        }
        let text = self.text;
        self.path.push((level, heading_title(&text[span.start..span.end])));
        self.heading = self.path.iter().map(|(_, t)| *t).collect::<Vec<_>>().join(HEADING_SEPARATOR);
        self.section += 1;
        let keep =
            self.open.as_ref().is_some_and(|o| o.content.is_none() && span.char_end - o.base <= self.limits.heading);
        if !keep {
            self.close();
        }
        match self.open.as_mut() {
            Some(open) => {
                open.end = span.end;
                open.char_end = span.char_end;
                open.heading.clone_from(&self.heading);
                open.section = self.section;
            }
            None => self.open = Some(self.start_at(span, None, false)),
        }
    }

    fn text_block(&mut self, kind: Kind, span: Span) {
        let Limits { max, overlap, .. } = self.limits;
        let mut cap = max;
        if let Some(open) = self.open.as_ref().filter(|o| o.content.is_none()) {
            // Headings in front of their text: no overlap there, so they may use its allowance.
            let prefix = span.char_start - open.base;
            if prefix > max / 2 {
                self.close();
            } else {
                cap = (max + overlap).saturating_sub(prefix).clamp(1, max);
            }
        }
        if span.char_end - span.char_start <= cap {
            self.place(span);
            return;
        }
        let mut cursor = CharCursor { text: self.text, byte: span.start, chars: span.char_start };
        for (start, end) in split(self.text, span.start, span.end, cap, cuts_for(kind)) {
            let piece = Span { start, end, char_start: cursor.at(start), char_end: cursor.at(end) };
            self.place(piece);
        }
    }

    /// Adds text to the open chunk, or closes it and starts the next with this text.
    fn place(&mut self, span: Span) {
        let target = self.limits.target;
        let section = self.section;
        match self.open.as_mut() {
            Some(open) if open.content.is_none() => {
                open.content = Some(span.start);
                open.end = span.end;
                open.char_end = span.char_end;
            }
            Some(open) if open.section == section && span.char_end - open.base <= target => {
                open.end = span.end;
                open.char_end = span.char_end;
            }
            _ => {
                self.close();
                let reach = self
                    .previous
                    .filter(|&(s, _, _)| s == section)
                    .and_then(|(_, content, start)| Some((content?, start)));
                self.open = Some(self.start_at(span, reach, true));
            }
        }
    }

    /// A chunk starting with `span` (text, or a heading when `is_text` is false), reaching back
    /// by up to `overlap` characters into the previous chunk when `reach` gives its text start and
    /// start.
    fn start_at(&self, span: Span, reach: Option<(usize, usize)>, is_text: bool) -> Open {
        let (start, char_start) = reach
            .and_then(|(floor, after)| overlap_start(self.text, floor, after, span.start, self.limits.overlap))
            .map_or((span.start, span.char_start), |(byte, back)| (byte, span.char_start - back));
        Open {
            start,
            char_start,
            base: span.char_start,
            content: is_text.then_some(span.start),
            end: span.end,
            char_end: span.char_end,
            heading: self.heading.clone(),
            section: self.section,
        }
    }

    fn close(&mut self) {
        let Some(open) = self.open.take() else { return };
        self.previous = Some((open.section, open.content, open.start));
        self.chunks.push(Chunk {
            heading: open.heading,
            page: page_of(self.pages, open.start),
            char_start: open.char_start,
            char_end: open.char_end,
            content: self.text[open.start..open.end].to_string(),
        });
    }

    fn finish(mut self) -> Vec<Chunk> {
        self.close();
        self.chunks
    }
}

/// The earliest sentence or line start within `overlap` characters before `start`, at or after
/// `floor` and after `after`, with how many characters before `start` it is.
fn overlap_start(text: &str, floor: usize, after: usize, start: usize, overlap: usize) -> Option<(usize, usize)> {
    let mut best = None;
    for (count, (i, c)) in text[floor..start].char_indices().rev().enumerate() {
        let back = count + 1;
        if back > overlap || floor + i <= after {
            break;
        }
        if !c.is_whitespace() && starts_sentence(text, floor + i) {
            best = Some((floor + i, back));
        }
    }
    best
}

/// Whether a sentence or a line starts at `pos` (a non-whitespace character).
fn starts_sentence(text: &str, pos: usize) -> bool {
    let before = &text[..pos];
    let trimmed = before.trim_end();
    if trimmed.len() == before.len() {
        return before.ends_with(WIDE_TERMINATORS);
    }
    if before[trimmed.len()..].contains('\n') {
        return true;
    }
    let lower = text[pos..].starts_with(char::is_lowercase);
    trimmed.trim_end_matches(CLOSERS).ends_with(TERMINATORS) && !lower
}

/// The page (1-based) holding byte `pos`, from the byte offsets where pages start.
fn page_of(pages: &[usize], pos: usize) -> Option<i32> {
    if pages.is_empty() {
        return None;
    }
    let page = pages.partition_point(|&p| p <= pos).max(1);
    Some(i32::try_from(page).unwrap_or(i32::MAX))
}

#[cfg(test)]
mod tests;
