//! Cited answers from passages.
//!
//! [`compose`] answers without a language model: it picks the one or two sentences of the found
//! passages closest to the question (by the embedding model, with a nudge for shared words) and
//! quotes them with their markers ("[1]"). Every word of such an answer is the document's own, so
//! it cannot state a fact the documents do not hold: that is what the small embedded model
//! cannot promise. When no passage is close enough, it says so instead of guessing.
//!
//! [`cited`] reads the markers out of any answer (a hosted model's, told to cite), so the
//! reply can keep what it cites.

use super::embed::{self, Embedder};
use crate::domain::knowledge::{Citation, Passage};
use std::sync::Arc;

/// Below this similarity (cosine, query to passage) a passage does not answer the question.
/// Tuned on the dev split of eval/knowledge.json (`make eval`).
pub const SUPPORT: f32 = 0.45;
/// Sentences quoted at most.
const MAX_SENTENCES: usize = 2;
/// A second sentence must score at least this close to the best one.
const SECOND_WITHIN: f32 = 0.06;
/// Passages whose sentences are considered.
const CONSIDER: usize = 3;

/// What is said when the documents do not answer.
pub const NOT_FOUND: &str = "I couldn't find that in our documents. The venue team can answer it directly.";

/// An answer and the passage numbers (1-based, in `passages` order) it cites.
#[derive(Clone, Debug, PartialEq)]
pub struct Composed {
    pub text: String,
    pub cited: Vec<u32>,
    pub found: bool,
}

/// Whether a passage is close enough to the question to answer it.
pub fn supports(p: &Passage) -> bool {
    match p.similarity {
        Some(s) => s >= SUPPORT,
        // Without vectors, a full-text hit near the top is the best evidence there is.
        None => p.text_rank.is_some_and(|r| r <= 3),
    }
}

/// The sentences (or list items, or table rows) of a passage.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
            continue;
        }
        if line.starts_with('|') {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
            if !cells.is_empty() {
                out.push(cells.join(", "));
            }
            continue;
        }
        let line = line.trim_start_matches(['-', '*', '•']).trim();
        let mut start = 0;
        let bytes: Vec<(usize, char)> = line.char_indices().collect();
        for (i, &(at, c)) in bytes.iter().enumerate() {
            let next = bytes.get(i + 1).map(|x| x.1);
            let ends = matches!(c, '.' | '!' | '?') && next.is_none_or(|n| n == ' ');
            // "approx. 5" or "a.m." are not ends; a number like "2.5" never has a space after.
            if ends && !abbreviation(&line[start..at]) {
                let s = line[start..at + c.len_utf8()].trim();
                if s.chars().count() > 3 {
                    out.push(s.to_string());
                }
                start = at + c.len_utf8();
            }
        }
        let rest = line[start..].trim();
        if rest.chars().count() > 3 {
            out.push(rest.to_string());
        }
    }
    out
}

fn abbreviation(before: &str) -> bool {
    let last = before.rsplit(' ').next().unwrap_or("").to_ascii_lowercase();
    matches!(last.as_str(), "e.g" | "i.e" | "approx" | "no" | "mr" | "mrs" | "ms" | "dr" | "st" | "a.m" | "p.m" | "vs")
}

/// Lower-case words of three letters or more, with a plural "s" dropped.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 || (!w.is_empty() && w.chars().all(|c| c.is_ascii_digit())))
        .map(|w| {
            let w = w.to_lowercase();
            if w.len() > 4 && w.ends_with('s') {
                w[..w.len() - 1].to_string()
            } else {
                w
            }
        })
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect()
}

const STOP: &[&str] = &[
    "the", "and", "for", "are", "was", "what", "when", "where", "which", "who", "how", "can", "our", "you", "your",
    "with", "doe", "does", "did", "this", "that", "there", "have", "has", "any", "from", "about", "into", "will",
    "much", "many", "there", "tell", "please", "know", "need", "want", "would", "could", "should",
];

/// Nudge for a sentence with a figure in it when the question asks for one.
const NUMBER_BONUS: f32 = 0.08;

/// Whether a question asks for an amount, a count, a time or a date ("how much", "when").
fn asks_for_a_number(question: &str) -> bool {
    let q = question.to_lowercase();
    [
        "how much",
        "how many",
        "how long",
        "how late",
        "how early",
        "what time",
        "when ",
        "cost",
        "price",
        "minimum",
        "maximum",
        "min ",
        "max ",
        "fee",
        "deadline",
        "per person",
        "per head",
        "percent",
        "%",
    ]
    .iter()
    .any(|k| q.contains(k))
}

/// Share of the question's words found in `sentence`.
fn overlap(question: &[String], sentence: &str) -> f32 {
    if question.is_empty() {
        return 0.0;
    }
    let have = words(sentence);
    question.iter().filter(|w| have.contains(w)).count() as f32 / question.len() as f32
}

/// A cited answer to `question` from `passages` (best first, numbered from 1 in that order).
pub async fn compose(embedder: Option<Arc<Embedder>>, question: &str, passages: &[Passage]) -> Composed {
    let usable: Vec<(u32, &Passage)> = passages
        .iter()
        .enumerate()
        .take(CONSIDER)
        .filter(|(_, p)| supports(p))
        .map(|(i, p)| (i as u32 + 1, p))
        .collect();
    if usable.is_empty() {
        return Composed { text: NOT_FOUND.to_string(), cited: Vec::new(), found: false };
    }
    let mut candidates: Vec<(u32, usize, String)> = Vec::new(); // (passage n, rank among usable, sentence)
    for (rank, (n, p)) in usable.iter().enumerate() {
        for s in sentences(&p.content) {
            candidates.push((*n, rank, s));
        }
    }
    if candidates.is_empty() {
        return Composed { text: NOT_FOUND.to_string(), cited: Vec::new(), found: false };
    }
    let q_words = words(question);
    let wants_number = asks_for_a_number(question);
    let semantic = match embedder {
        Some(e) => {
            // Each sentence with where it stands, as passages are indexed: "8 weatherproof outlets"
            // says little until it is under "Floor plans › Garden Terrace".
            let mut texts = vec![question.to_string()];
            texts.extend(candidates.iter().map(|(n, _, s)| {
                let p = &passages[*n as usize - 1];
                super::index::embed_input(&p.title, &p.heading, s)
            }));
            tokio::task::spawn_blocking(move || {
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                e.embed(&refs)
            })
            .await
            .ok()
            .and_then(Result::ok)
            .map(|v| v[1..].iter().map(|s| embed::dot(&v[0], s)).collect::<Vec<f32>>())
        }
        None => None,
    };
    let mut scored: Vec<(f32, usize)> = candidates
        .iter()
        .enumerate()
        .map(|(i, (_, rank, s))| {
            let sem = semantic.as_ref().map(|v| v[i]).unwrap_or(0.0);
            let number = if wants_number && s.chars().any(|c| c.is_ascii_digit()) { NUMBER_BONUS } else { 0.0 };
            (sem + 0.25 * overlap(&q_words, s) + number - 0.03 * *rank as f32, i)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let best = scored[0].0;
    let mut chosen: Vec<usize> = scored
        .iter()
        .take(MAX_SENTENCES)
        .enumerate()
        .filter(|(k, (score, _))| *k == 0 || *score >= best - SECOND_WITHIN)
        .map(|(_, (_, i))| *i)
        .collect();
    // In the documents' order, so two sentences of one passage read as written.
    chosen.sort();
    let mut text = String::new();
    let mut cited = Vec::new();
    for i in chosen {
        let (n, _, s) = &candidates[i];
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(s);
        text.push_str(&format!(" [{n}]"));
        if !cited.contains(n) {
            cited.push(*n);
        }
    }
    let first = usable.iter().find(|(n, _)| Some(n) == cited.first()).map(|(_, p)| p.title.clone()).unwrap_or_default();
    Composed { text: format!("From *{first}*: {text}"), cited, found: true }
}

/// The markers "[n]" in `text`, in order of first appearance, that name one of `count` sources.
pub fn markers(text: &str, count: usize) -> Vec<u32> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find(']') else { break };
        for part in rest[..close].split(',') {
            if let Ok(n) = part.trim().parse::<u32>() {
                if n >= 1 && n as usize <= count && !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        rest = &rest[close..];
    }
    out
}

/// The citations of `text`: each marker's passage, its quote capped.
pub fn cited(text: &str, passages: &[Passage]) -> Vec<Citation> {
    markers(text, passages.len())
        .into_iter()
        .map(|n| {
            let p = &passages[n as usize - 1];
            Citation {
                n,
                document_id: p.document_id,
                chunk_id: p.chunk_id,
                title: p.title.clone(),
                heading: p.heading.clone(),
                page: p.page,
                quote: crate::domain::text::clip(&p.content, 1500).to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(n: i64, content: &str, similarity: f32) -> Passage {
        Passage {
            chunk_id: n,
            document_id: 100 + n,
            title: format!("Doc {n}"),
            heading: "Section".into(),
            page: None,
            content: content.into(),
            score: 0.0,
            text_rank: Some(n as u32),
            vector_rank: Some(n as u32),
            similarity: Some(similarity),
        }
    }

    #[test]
    fn sentences_split_prose_lists_and_tables() {
        let s = sentences(
            "## Deposits\nA 30% deposit is due at signing. The rest is due 14 days before, approx. 2 weeks.\n\
             - Cards accepted!\n| Item | Price |\n|---|---|\n| Plated dinner | $95.00 |",
        );
        assert_eq!(
            s,
            [
                "A 30% deposit is due at signing.",
                "The rest is due 14 days before, approx. 2 weeks.",
                "Cards accepted!",
                "Item, Price",
                "Plated dinner, $95.00"
            ]
        );
    }

    #[tokio::test]
    async fn composes_from_the_closest_sentence_with_its_marker() {
        let passages = [
            passage(1, "Parking is free after 6pm. The garage is on Pier Street.", 0.6),
            passage(2, "A 30% deposit is due when you sign the contract. Cards are accepted.", 0.7),
        ];
        // Without the model, shared words decide.
        let c = compose(None, "When is the deposit due?", &passages).await;
        assert!(c.found);
        assert!(c.text.contains("A 30% deposit is due when you sign the contract. [2]"), "{}", c.text);
        assert_eq!(c.cited[0], 2);
        assert_eq!(cited(&c.text, &passages)[0].document_id, 102);
    }

    #[tokio::test]
    async fn says_so_when_nothing_supports_an_answer() {
        let passages = [passage(1, "Parking is free after 6pm.", 0.2)];
        let c = compose(None, "Can we bring fireworks?", &passages).await;
        assert!(!c.found);
        assert_eq!(c.text, NOT_FOUND);
        assert!(c.cited.is_empty());
        assert!(!compose(None, "anything", &[]).await.found);
    }

    #[test]
    fn figures_are_preferred_when_the_question_asks_for_one() {
        assert!(asks_for_a_number("How much does the Signature cost per head?"));
        assert!(asks_for_a_number("when is the balance due"));
        assert!(!asks_for_a_number("Can we bring our dog?"));
    }

    #[test]
    fn markers_are_read_in_order_and_bounded() {
        assert_eq!(markers("Yes [2]. Also [1, 2] and [7] and [x] [", 3), [2, 1]);
        assert!(markers("no markers", 3).is_empty());
    }
}
