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
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    fn defaults(text: &str) -> Vec<Chunk> {
        let chunks = chunk(text, &[], &ChunkOptions::default());
        check(text, &chunks, &ChunkOptions::default());
        chunks
    }

    /// The invariants every chunking keeps.
    fn check(text: &str, chunks: &[Chunk], opts: &ChunkOptions) {
        let chars: Vec<char> = text.chars().collect();
        let mut covered = vec![false; chars.len()];
        let mut previous: Option<&Chunk> = None;
        for c in chunks {
            assert!(c.char_start < c.char_end && c.char_end <= chars.len(), "{c:?}");
            let slice: String = chars[c.char_start..c.char_end].iter().collect();
            assert_eq!(c.content, slice, "content is not its slice");
            assert_eq!(c.content.trim(), c.content, "not trimmed: {c:?}");
            let len = c.char_end - c.char_start;
            assert!(len <= opts.max.max(1) + opts.overlap, "{len} chars: {c:?}");
            if let Some(p) = previous {
                assert!(p.char_start < c.char_start && p.char_end < c.char_end, "out of order: {p:?} {c:?}");
            }
            covered[c.char_start..c.char_end].iter_mut().for_each(|x| *x = true);
            previous = Some(c);
        }
        for (i, ch) in chars.iter().enumerate() {
            assert!(covered[i] || ch.is_whitespace(), "char {i} {ch:?} not covered");
        }
    }

    fn contents(chunks: &[Chunk]) -> Vec<&str> {
        chunks.iter().map(|c| c.content.as_str()).collect()
    }

    fn headings(chunks: &[Chunk]) -> Vec<&str> {
        chunks.iter().map(|c| c.heading.as_str()).collect()
    }

    #[test]
    fn headings_start_sections_with_their_path() {
        let text = "Welcome to Harbor Hall.\n\n# Deposits\n\nIntro text.\n\n## Refunds in C#\n\nRefund text.\n\n\
                    ### Exceptions ###\n\nRare.\n\n## Holds\n\nHold text.\n\n# Rules\n\nRule text.";
        let chunks = defaults(text);
        assert_eq!(
            contents(&chunks),
            [
                "Welcome to Harbor Hall.",
                "# Deposits\n\nIntro text.",
                "## Refunds in C#\n\nRefund text.",
                "### Exceptions ###\n\nRare.",
                "## Holds\n\nHold text.",
                "# Rules\n\nRule text."
            ]
        );
        assert_eq!(
            headings(&chunks),
            [
                "",
                "Deposits",
                "Deposits › Refunds in C#",
                "Deposits › Refunds in C# › Exceptions",
                "Deposits › Holds",
                "Rules"
            ]
        );
        assert!(chunks.iter().all(|c| c.page.is_none()));
    }

    #[test]
    fn a_heading_without_text_goes_with_the_next_text() {
        let chunks =
            defaults("# Policies\n\n## Deposits\n\nThe deposit is 30%.\n\n## Payments\n\n### Cards\n\n3% fee.");
        assert_eq!(
            contents(&chunks),
            ["# Policies\n\n## Deposits\n\nThe deposit is 30%.", "## Payments\n\n### Cards\n\n3% fee."]
        );
        assert_eq!(headings(&chunks), ["Policies › Deposits", "Policies › Payments › Cards"]);
        // Only headings: they are the text.
        let chunks = defaults("# Title\n\n## Empty");
        assert_eq!(contents(&chunks), ["# Title\n\n## Empty"]);
        assert_eq!(headings(&chunks), ["Title › Empty"]);
    }

    #[test]
    fn small_blocks_of_a_section_are_packed() {
        let text = "# FAQ\n\nQ one? Yes.\n\n- a\n- b\n\n| x | y |\n\nLast paragraph.";
        assert_eq!(contents(&defaults(text)), [text]);
    }

    #[test]
    fn not_headings() {
        // Inside code fences, without a space, seven hashes, too long.
        let long = format!("# {}", "word ".repeat(80));
        let text = format!("# Real\n\n```sh\n# a comment\necho hi\n```\n\n#hashtag\n\n####### seven\n\n{long}");
        let chunks = chunk(&text, &[], &ChunkOptions { target: 50, max: 1400, overlap: 0 });
        check(&text, &chunks, &ChunkOptions { target: 50, max: 1400, overlap: 0 });
        assert!(chunks.iter().all(|c| c.heading == "Real"), "{chunks:?}");
        assert!(chunks[0].content.contains("# a comment\necho hi\n```"), "{chunks:?}");
    }

    #[test]
    fn a_table_is_kept_whole() {
        let intro = "Our rooms and their capacities are listed below for planning. ".repeat(8);
        let rows: String = (0..25).map(|i| format!("| Room {i:02} | {} guests | ${},000 |\n", 50 + i, 3 + i)).collect();
        let table = format!("| Room | Guests | Price |\n| --- | --- | --- |\n{}", rows.trim_end());
        let text = format!("# Rooms\n\n{}\n\n{table}\n\nAsk your planner.", intro.trim());
        let table_chars = table.chars().count();
        assert!(table_chars > 700 && table_chars <= 1400, "{table_chars}");
        let chunks = defaults(&text);
        // Whole in one chunk (which may start with the intro's last sentence, as overlap).
        let holding = chunks.iter().filter(|c| c.content.contains("| Room 12 |")).collect::<Vec<_>>();
        assert!(holding.iter().any(|c| c.content.ends_with(&table)), "{:#?}", contents(&chunks));
        assert!(chunks.iter().all(|c| c.heading == "Rooms"));
        assert!(chunks.last().is_some_and(|c| c.content.ends_with("\n\nAsk your planner.")));
    }

    #[test]
    fn a_long_table_is_split_at_rows() {
        let rows: String = (0..120).map(|i| format!("| Room {i:03} | {} guests |\n", 50 + i)).collect();
        let text = format!("## Capacities\n\n| Room | Guests |\n| --- | --- |\n{}", rows.trim_end());
        let chunks = defaults(&text);
        assert!(chunks.len() > 2);
        for c in &chunks {
            assert!(
                c.content
                    .lines()
                    .all(|l| l.is_empty() || l == "## Capacities" || (l.starts_with('|') && l.ends_with('|'))),
                "{c:?}"
            );
            assert_eq!(c.heading, "Capacities");
        }
    }

    fn sentence(i: usize) -> String {
        format!("Sentence number {i} explains one more rule about deposits and refunds in detail.")
    }

    #[test]
    fn a_long_paragraph_is_split_at_sentence_ends() {
        let paragraph: Vec<String> = (0..60).map(sentence).collect();
        let text = format!("# Deposits\n\n{}", paragraph.join(" "));
        let chunks = defaults(&text);
        assert!(chunks.len() >= 5, "{}", chunks.len());
        for c in &chunks {
            assert!(c.content.chars().count() <= 1400, "{c:?}");
            assert!(c.content.ends_with('.'), "{c:?}");
            assert!(c.content.starts_with("Sentence number") || c.content.starts_with("# Deposits"), "{c:?}");
            assert_eq!(c.heading, "Deposits");
        }
        // Packed up to about the target, not to the maximum.
        assert!(chunks.iter().all(|c| c.content.chars().count() <= 700 + 120));
    }

    #[test]
    fn overlap_repeats_the_last_sentence() {
        let paragraph: Vec<String> = (0..30).map(sentence).collect();
        let text = paragraph.join(" ");
        let chunks = defaults(&text);
        assert!(chunks.len() > 2);
        for pair in chunks.windows(2) {
            let last = pair[0].content.rsplit(". ").next().unwrap();
            assert!(pair[1].content.starts_with(last), "{:?} / {:?}", pair[0].content, pair[1].content);
            assert!(pair[1].char_start < pair[0].char_end);
        }
        // No overlap across sections, or when asked for none.
        let two = format!("# A\n\n{text}\n\n# B\n\n{text}");
        let chunks = defaults(&two);
        let b = chunks.iter().position(|c| c.heading == "B").unwrap();
        assert!(chunks[b].content.starts_with("# B"));
        assert!(chunks[b].char_start > chunks[b - 1].char_end);
        let none = ChunkOptions { overlap: 0, ..ChunkOptions::default() };
        let chunks = chunk(&text, &[], &none);
        check(&text, &chunks, &none);
        assert!(chunks.windows(2).all(|p| p[0].char_end < p[1].char_start));
    }

    #[test]
    fn a_short_lead_in_is_repeated_before_its_list() {
        let items: String =
            (0..12).map(|i| format!("- Rule {i}: nothing may be attached to walls, paneling or doors.\n")).collect();
        let text = format!("## Decorations\n\nOur walls are part of the building, so:\n\n{}", items.trim_end());
        let chunks = defaults(&text);
        assert_eq!(chunks.len(), 2, "{chunks:#?}");
        assert_eq!(chunks[0].content, "## Decorations\n\nOur walls are part of the building, so:");
        assert!(chunks[1].content.starts_with("Our walls are part of the building, so:\n\n- Rule 0"), "{chunks:#?}");
        // But a chunk never repeats all of the previous one.
        let text = "Short one.\n\n".to_string() + &"A much longer paragraph that will not fit. ".repeat(17);
        let chunks = defaults(text.trim_end());
        assert_eq!(chunks[0].content, "Short one.");
        assert!(chunks[1].content.starts_with("A much longer"));
    }

    #[test]
    fn long_words_and_lines_without_sentences() {
        let blob = "x".repeat(3000);
        let words = "word ".repeat(600);
        let text = format!("{blob}\n\n{}", words.trim());
        let chunks = defaults(&text);
        assert!(chunks.iter().take_while(|c| c.content.starts_with('x')).count() >= 3);
        for c in chunks.iter().filter(|c| c.content.starts_with("word")) {
            assert!(c.content.ends_with("word"));
        }
    }

    #[test]
    fn page_numbers_come_from_page_offsets() {
        let p1 = "Page one text.";
        let p2 = "# Refunds\n\nPage two text.";
        let p3 = "More on page three.";
        let text = format!("{p1}\n\n{p2}\n\n{p3}");
        let pages = [0, p1.len() + 2, p1.len() + 2 + p2.len() + 2];
        let opts = ChunkOptions { target: 20, max: 100, overlap: 0 };
        let chunks = chunk(&text, &pages, &opts);
        check(&text, &chunks, &opts);
        let found: Vec<(&str, Option<i32>)> = chunks.iter().map(|c| (c.content.as_str(), c.page)).collect();
        assert_eq!(found, [(p1, Some(1)), (p2, Some(2)), (p3, Some(3))]);
        assert_eq!(page_of(&[0, 10, 10, 20], 10), Some(3));
        assert_eq!(page_of(&[0, 10], 9), Some(1));
        assert_eq!(page_of(&[], 9), None);
    }

    #[test]
    fn offsets_are_in_characters() {
        let text = "# Café ☕\n\nCrème brûlée, 中文 and 🎉 emoji. Second sentence here.\n\n## Über\n\nÄ.";
        let chunks = defaults(text);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].char_start, 0);
        assert_eq!(chunks[1].heading, "Café ☕ › Über");
        assert_eq!(chunks[1].char_end, text.chars().count());
    }

    #[test]
    fn empty_and_blank_texts_have_no_chunks() {
        assert!(defaults("").is_empty());
        assert!(defaults(" \n\n\t \n").is_empty());
        assert_eq!(contents(&defaults("  one  ")), ["one"]);
    }

    #[test]
    fn one_megabyte_is_chunked_quickly() {
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 1_000_000 {
            text.push_str(&format!("## Section {i}\n\n"));
            for j in 0..8 {
                text.push_str(&format!("{} Crème brûlée {j}. ", sentence(i)));
            }
            text.push_str("\n\n- item one\n- item two\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n");
            text.push_str(&format!("{}\n\n", (0..40).map(sentence).collect::<Vec<_>>().join(" ")));
            i += 1;
        }
        let started = Instant::now();
        let chunks = chunk(&text, &[0, text.len() / 2], &ChunkOptions::default());
        let elapsed = started.elapsed();
        eprintln!("1 MB ({} chars): {} chunks in {elapsed:?}", text.chars().count(), chunks.len());
        assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
        check(&text, &chunks, &ChunkOptions::default());
        // A single 1 MB paragraph (the worst case: everything is split).
        let paragraph = (0..12_000).map(sentence).collect::<Vec<_>>().join(" ");
        let started = Instant::now();
        let chunks = chunk(&paragraph, &[], &ChunkOptions::default());
        let elapsed = started.elapsed();
        eprintln!("1 MB paragraph: {} chunks in {elapsed:?}", chunks.len());
        assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    }

    /// Pieces of text in the shape the extractor writes, and some it does not.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            (1usize..5, "[A-Za-zé]{1,10}( [a-z]{1,8}){0,3}").prop_map(|(l, t)| format!("{} {t}\n\n", "#".repeat(l))),
            "[A-Z][a-z]{0,8}( [a-zü中]{1,9}){0,12}[.!?] ",
            "[a-z]{1,8}( [a-z]{1,8}){0,20}\n",
            "- [a-z]{1,8}( [a-z]{1,8}){0,5}\n",
            "\\| [a-z]{1,6} \\| [0-9]{1,4} \\|\n",
            Just("\n\n".to_string()),
            Just("\n".to_string()),
            "[a-z]{20,60}",
            "[ \t\u{a0}]{1,5}",
            Just("```\n# not a heading\n\n```\n".to_string()),
            "[😀é. \n]{1,10}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn invariants_hold(parts in proptest::collection::vec(piece(), 0..80), target in 10usize..400, extra in 0usize..400, overlap in 0usize..150) {
            let text = parts.concat();
            let opts = ChunkOptions { target, max: target + extra, overlap };
            let chunks = chunk(&text, &[], &opts);
            check(&text, &chunks, &opts);
        }

        /// With words shorter than the limits, no chunk starts or ends inside a word.
        #[test]
        fn never_mid_word(parts in proptest::collection::vec(piece(), 0..80), target in 60usize..400, overlap in 0usize..100) {
            // Separated, so that no word is longer than a piece.
            let text = parts.join(" ");
            let opts = ChunkOptions { target, max: target * 2, overlap };
            let chars: Vec<char> = text.chars().collect();
            for c in chunk(&text, &[], &opts) {
                let before = c.char_start.checked_sub(1).map(|i| chars[i]);
                let after = chars.get(c.char_end);
                prop_assert!(before.is_none_or(char::is_whitespace), "starts mid-word: {:?}", c);
                prop_assert!(after.is_none_or(|c| c.is_whitespace()), "ends mid-word: {:?}", c);
            }
        }

        /// Pages: each chunk's page holds its first character.
        #[test]
        fn pages_hold_the_chunk_start(parts in proptest::collection::vec(piece(), 1..40), cuts in proptest::collection::vec(0usize..1000, 0..5)) {
            let text = parts.concat();
            let mut pages: Vec<usize> = cuts.iter().map(|c| c % (text.len() + 1)).filter(|&c| text.is_char_boundary(c)).collect();
            pages.push(0);
            pages.sort_unstable();
            let chunks = chunk(&text, &pages, &ChunkOptions::default());
            for c in chunks {
                let byte = text.char_indices().nth(c.char_start).map(|(b, _)| b).unwrap();
                let page = usize::try_from(c.page.unwrap()).unwrap();
                prop_assert!(pages[page - 1] <= byte);
                prop_assert!(pages.get(page).is_none_or(|&next| next > byte));
            }
        }
    }
}
