//! Chunk boundaries, overlap, pages, offsets, and the invariants on random texts.

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
    let chunks = defaults("# Policies\n\n## Deposits\n\nThe deposit is 30%.\n\n## Payments\n\n### Cards\n\n3% fee.");
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
            c.content.lines().all(|l| l.is_empty() || l == "## Capacities" || (l.starts_with('|') && l.ends_with('|'))),
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
