//! Text in the standard Helvetica faces: its encoding (WinAnsi), its widths, and lines broken
//! to a width.

use super::markdown::{Face, Run};

/// A character in the fonts' encoding (WinAnsi, Windows-1252): `None` to leave it out (emoji,
/// control characters), `?` for anything else it lacks.
pub(super) fn win_ansi(c: char) -> Option<u8> {
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
pub(super) const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];
pub(super) const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611,
    556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389,
    280, 389, 584,
];

/// The width of an encoded byte in points at `size`.
pub(super) fn byte_width(b: u8, face: Face, size: f32) -> f32 {
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

pub(super) fn encode(text: &str) -> Vec<u8> {
    text.chars().filter_map(win_ansi).collect()
}

/// A piece of a laid-out line: encoded text in one face, at an offset from the line's start.
#[derive(Clone, Debug)]
pub(super) struct Piece {
    pub(super) x: f32,
    pub(super) face: Face,
    pub(super) bytes: Vec<u8>,
}

/// Breaks runs into lines no wider than `width`, at spaces (a word longer than a line is cut).
pub(super) fn wrap(runs: &[Run], size: f32, width: f32) -> Vec<Vec<Piece>> {
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
