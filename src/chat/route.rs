//! Routing for the small embedded model: whether a request goes straight to the document
//! search. Its grammar decision only sees the tools whose descriptions share the request's
//! words, so "can we stay past midnight on the roof?" never reaches `search_knowledge`, and the
//! model then makes an answer up. The engine routes a request to the search when the documents
//! the person may read are close to it (the local embedding model's cosine similarity) and no
//! other tool claims it by its words as much as the search does (the same word overlap the
//! embedded model's decision ranks tools by). The search then runs as if the model had called
//! it, and its quoted answer, or "not in our documents", is the reply. Hosted models decide for
//! themselves.
//!
//! Measured on eval/knowledge.json (dev split) and eval/tool_calls.json (requests meant for other
//! tools, which must not be routed): comparing the request's embedding with the tools'
//! descriptions instead routed 32 of 53 of those (the short descriptions are far from any
//! request), so the words decide which tool, the embedding whether the documents answer.

use crate::agent::tools::SearchKnowledge;
use crate::agent::{Tool, ToolEntry};
use crate::knowledge::{Knowledge, Scope};
use crate::store::Actor;
use sqlx::PgPool;

/// The closest passage must be at least this similar to the request.
pub const ROUTE_MIN: f32 = 0.30;

/// How close a request is to the documents and to the other tools.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteScores {
    /// Cosine similarity of the closest passage the person may read.
    pub passage: f32,
    /// The request's words in the search's description, name and parameters.
    pub search_words: usize,
    /// The same for the other tool that holds most of them, and its name.
    pub tool_words: usize,
    pub tool_name: &'static str,
}

impl RouteScores {
    pub fn routes(&self) -> bool {
        // No other tool claims the request by its words, or the search claims more of them.
        self.passage >= ROUTE_MIN && (self.tool_words == 0 || self.search_words > self.tool_words)
    }
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
    let found = crate::knowledge::search(pool, k, &scope, request, 5).await.ok()?;
    let passage = found.passages.iter().filter_map(|p| p.similarity).reduce(f32::max)?;
    let specs: Vec<crate::llm::ToolSpec> = tools.iter().map(|t| t.spec()).collect();
    let words = crate::llm::embedded::word_scores(request, &specs);
    let mut search_words = 0;
    let mut best = (0, "");
    for (t, w) in tools.iter().zip(words) {
        if t.name == SearchKnowledge::NAME {
            search_words = w;
        } else if w > best.0 {
            best = (w, t.name);
        }
    }
    Some(RouteScores { passage, search_words, tool_words: best.0, tool_name: best.1 })
}
