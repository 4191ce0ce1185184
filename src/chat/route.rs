//! Routing for the small embedded model: whether a request goes straight to the document
//! search. Its grammar decision only sees the tools whose descriptions share the request's
//! words, so "can we stay past midnight on the roof?" never reaches `search_knowledge`, and the
//! model then makes an answer up. The engine routes a request to the search when the documents
//! the person may read are close to it and closer than any example request of the agent's other
//! tools (`agent::examples`), both by the local embedding model's cosine similarity. The search
//! then runs as if the model had called it, and its quoted answer, or "not in our documents", is
//! the reply. Hosted models decide for themselves.
//!
//! Measured with `make eval` (examples/knowledge_eval.rs) on the dev splits of eval/knowledge.json
//! (questions the documents answer, or do not) and eval/tool_calls.json (requests meant for other
//! tools, which must not be routed). The tools' descriptions alone routed 32 of 53 of those (a
//! short description is far from any request); the overlap of the request's words with the
//! descriptions routed 23 of 38 answerable dev questions and 4 of the 32 dev tool requests;
//! example requests per tool with [`TOOL_MARGIN`] route 32 of 38 and 2; adding the unclaimed
//! questions ([`UNCLAIMED`]), 36 of 38 and 3 (heldout: 25 of 25 and 3 of 21).

use crate::agent::examples;
use crate::agent::tools::SearchKnowledge;
use crate::agent::{Tool, ToolEntry};
use crate::knowledge::embed::{self, Embedder};
use crate::knowledge::{Knowledge, Scope};
use crate::store::Actor;
use sqlx::PgPool;
use std::sync::{Arc, OnceLock};

/// The closest passage must be at least this similar to the request.
pub const ROUTE_MIN: f32 = 0.30;

/// The closest passage must be this much closer to the request than the closest example request
/// of another tool (tuned on the dev splits: 0.03 routed 3 dev tool requests, 0.10 lost 4 more
/// answerable questions than 0.05).
pub const TOOL_MARGIN: f32 = 0.05;

/// How close a request is to the documents and to the other tools.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteScores {
    /// Cosine similarity of the closest passage the person may read.
    pub passage: f32,
    /// Cosine similarity of the closest example request of another of the agent's tools
    /// (`agent::examples`), and that tool.
    pub example: f32,
    pub example_tool: &'static str,
    /// Whether the request asks something (see [`is_question`]).
    pub question: bool,
}

/// A question whose closest tool example is below this goes to the documents even when a
/// passage is not closer by [`TOOL_MARGIN`]: no tool claims it, and the small model would make an
/// answer up (tuned on the dev splits: it routed 5 more dev questions, 2 of them with no answer
/// in the documents that are now answered so, and 1 more dev tool request).
pub const UNCLAIMED: f32 = 0.5;

impl RouteScores {
    pub fn routes(&self) -> bool {
        self.passage >= ROUTE_MIN
            && (self.passage >= self.example + TOOL_MARGIN || (self.question && self.example < UNCLAIMED))
    }
}

/// Whether `request` asks a question (a question mark, or a question word first) rather than
/// asking for something to be done.
pub fn is_question(request: &str) -> bool {
    const FIRST: &[&str] = &[
        "what", "whats", "what's", "when", "where", "who", "whom", "whose", "which", "why", "how", "is", "are", "can",
        "could", "do", "does", "did", "will", "would", "should", "may", "am", "was", "were", "any",
    ];
    let r = request.trim();
    r.ends_with('?')
        || r.split_whitespace().next().is_some_and(|w| {
            FIRST.contains(&w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_lowercase().as_str())
        })
}

/// The example requests of every tool as vectors, embedded once per process (the model is one
/// per process too).
static EXAMPLES: OnceLock<Vec<(&'static str, Vec<f32>)>> = OnceLock::new();

async fn example_vectors(embedder: &Arc<Embedder>) -> Option<&'static [(&'static str, Vec<f32>)]> {
    if let Some(v) = EXAMPLES.get() {
        return Some(v);
    }
    let e = embedder.clone();
    let made = tokio::task::spawn_blocking(move || {
        let all: Vec<(&'static str, &'static str)> =
            examples::EXAMPLES.iter().flat_map(|(tool, ex)| ex.iter().map(move |x| (*tool, *x))).collect();
        let texts: Vec<&str> = all.iter().map(|(_, x)| *x).collect();
        e.embed(&texts).map(|v| all.into_iter().map(|(t, _)| t).zip(v).collect::<Vec<_>>())
    })
    .await;
    match made {
        Ok(Ok(v)) => Some(EXAMPLES.get_or_init(|| v)),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "the tools' example requests could not be embedded");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "embedding the tools' example requests stopped");
            None
        }
    }
}

/// The closest example request of `tools` to `vector`: (cosine, tool). The document search has
/// no examples (`agent::examples`), so only the other tools count.
fn closest_example(
    examples: &[(&'static str, Vec<f32>)],
    tools: &[&'static ToolEntry],
    vector: &[f32],
) -> (f32, &'static str) {
    examples
        .iter()
        .filter(|(t, _)| tools.iter().any(|x| x.name == *t))
        .map(|(t, v)| (embed::dot(vector, v), *t))
        .fold((0.0, ""), |best, x| if x.0 > best.0 { x } else { best })
}

/// The scores of `request` among `tools` (those of the agent), or `None` when the agent has no
/// document search, no embedding model is loaded or the person may read no passage.
pub async fn knowledge_scores(
    pool: &PgPool,
    k: &Knowledge,
    actor: &Actor,
    thread_id: Option<i64>,
    tools: &[&'static ToolEntry],
    request: &str,
) -> Option<RouteScores> {
    if !tools.iter().any(|t| t.name == SearchKnowledge::NAME) || request.trim().is_empty() {
        return None;
    }
    let scope = Scope { actor, thread_id };
    // One vector of the request serves both comparisons.
    let embedder = k.embedder.clone()?;
    let (e, said) = (embedder.clone(), request.to_string());
    let vector = tokio::task::spawn_blocking(move || e.embed_one(&said)).await.ok()?.ok()?;
    let found = crate::knowledge::search_embedded(pool, k, &scope, request, &vector, 5).await.ok()?;
    let passage = found.passages.iter().filter_map(|p| p.similarity).reduce(f32::max)?;
    let examples = example_vectors(&embedder).await?;
    let (example, example_tool) = closest_example(examples, tools, &vector);
    Some(RouteScores { passage, example, example_tool, question: is_question(request) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_told_from_requests() {
        assert!(is_question("Can we stay past midnight on the roof?"));
        assert!(is_question("whats the deadline for the final headcount"));
        assert!(is_question("Where do vendors park"));
        assert!(!is_question("Add my cousin Laura to the guest list."));
        assert!(!is_question("cancel our tasting"));
        assert!(!is_question(""));
    }

    #[test]
    fn unclaimed_questions_go_to_the_documents() {
        let s = |passage, example, question| RouteScores { passage, example, example_tool: "x", question };
        assert!(s(0.6, 0.3, false).routes(), "closer to a passage than to any tool");
        assert!(!s(0.5, 0.7, false).routes(), "a tool's request");
        assert!(s(0.44, 0.45, true).routes(), "a question no tool claims");
        assert!(!s(0.44, 0.45, false).routes());
        assert!(!s(0.55, 0.6, true).routes(), "a question a tool claims");
        assert!(!s(0.25, 0.1, true).routes(), "too far from every passage");
    }
}
