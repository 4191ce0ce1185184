//! Routing for the small embedded model: whether a request goes straight to the document
//! search. Its grammar decision only sees the tools whose descriptions share the request's
//! words, so "can we stay past midnight on the roof?" never reaches `search_knowledge`, and the
//! model then makes an answer up. The engine routes a request to the search when the documents
//! the person may read are close to it and closer than any example request of the agent's other
//! tools (`agent::examples`), both by the local embedding model's cosine similarity. The search
//! then runs as if the model had called it, and its quoted answer, or "not in our documents", is
//! the reply. Hosted models decide for themselves.
//!
//! The same example requests choose the tool for the small model ([`tool_scores`],
//! [`ToolScores::plan`]): the tools whose examples are nearest the request are the only ones
//! offered, one alone when it stands out (the model then only writes its arguments, under the
//! grammar), a few when they are close (the model's grammar decision breaks the tie), none for
//! small talk (`agent::examples::CHAT`). A follow-up ("and the week after?") is also compared
//! after the person's previous message. A linear classifier trained on the same examples
//! (`knowledge::probe`), reading the sentence vector and the request's words ([`probe_input`]),
//! adds its probability to each score ([`PROBE_WEIGHT`]): it weighs what tells one tool's
//! examples from the others' (often one word: "add" or "remove"), where the nearest examples see
//! single wordings.
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
use crate::knowledge::probe::{self, Probe};
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
pub const UNCLAIMED: f32 = 0.4;

/// A request that is not a question ("Show me everyone invited", "Message the florist…") asks
/// for something to be done: a passage must be this much closer than any tool's example.
pub const STATEMENT_MARGIN: f32 = 0.13;

impl RouteScores {
    pub fn routes(&self) -> bool {
        let margin = if self.question { TOOL_MARGIN } else { STATEMENT_MARGIN };
        self.passage >= ROUTE_MIN
            && (self.passage >= self.example + margin || (self.question && self.example < UNCLAIMED))
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

pub use super::acts::acts_on_facts;

/// The name small talk goes by among the example vectors (no tool is called so).
pub const CHAT: &str = "none";

/// A tool's score is the mean cosine of its this many nearest examples (one outlier example
/// near an unrelated request weighs less than with the nearest alone).
pub const NEAREST: usize = 2;

/// Tools within this much of the best are offered with it, for the model to choose among.
/// Measured on the dev split: the router's first tool alone was right more often than the small
/// model's choice among the close ones, so the model only writes the arguments (0 offers one).
pub const ONE_TOOL_GAP: f32 = 0.0;

/// The request is small talk when the chat examples score this much above the best tool (a
/// request that needs a tool answered in words costs more than a tool offered for small talk).
pub const CHAT_MARGIN: f32 = 0.03;

/// Weight of the classifier's probability (`knowledge::probe`, trained on the same examples) in a
/// score, next to the nearest examples' cosine. Measured with the router alone on the dev split
/// (192 cases): 0 (nearest examples only) right tool 83.0%, no tool 23/33; 0.2 with the
/// classifier on sentence vectors at 1,000 steps 83.0%, 28/33; 0.3 81.1%, 28/33. With the
/// request's words in its input too ([`LEXICAL_WEIGHT`] 2.0): 0.5–0.6 86.2%, 30/33; 1.0 84.3%,
/// 30/33.
pub const PROBE_WEIGHT: f32 = 0.5;

/// Added to a tool's score for each word of its name the request says ("book the second one"
/// is about booking whatever the slots before it were about).
pub const NAME_BONUS: f32 = 0.04;

/// Words of tool names that say nothing about which tool is meant.
const GENERIC: &[&str] = &["get", "list", "view", "my", "details", "available", "event", "events", "update", "request"];

/// How many words of the tool's name the request says (by their first five letters), and one
/// more when it says one of the tool's everyday words (`agent::examples::VERBS`).
fn name_words(tool: &str, request: &str) -> usize {
    let stem = |w: &str| w.chars().take(5).collect::<String>();
    let lower = request.to_lowercase();
    let plain: Vec<&str> =
        lower.split(|c: char| !(c.is_alphanumeric() || c == '-')).filter(|w| !w.is_empty()).collect();
    let said: Vec<String> = plain.iter().filter(|w| w.len() >= 3).map(|w| stem(w)).collect();
    let named = tool.split('_').filter(|w| !GENERIC.contains(w)).filter(|w| said.contains(&stem(w))).count();
    named + usize::from(examples::verbs(tool).iter().any(|v| plain.contains(v)))
}

/// Added to a tool's score when a sentence of the request opens with one of the tool's everyday
/// words (`agent::examples::VERBS`): "… the kitchen closes at 11. Decline it." asks for the
/// action, where the rest of the request is about something else. Measured with the router
/// alone on the dev split (192 cases): 0 right tool 88.1%, no tool 30/33; 0.15 89.9%, 30/33;
/// 0.2 90.6%, 29/33; 0.25 90.6%, 28/33 (an erasing verb, "delete", then reaches `remove_guest`
/// over small talk). Sentences only: split at commas too, it was 89.9% with one gained and one
/// lost ("…, so mark the gala as confirmed" went to the elements' status).
pub const IMPERATIVE_BONUS: f32 = 0.15;

/// The words the sentences of `request` open with, after their lead-ins ("… Decline it." →
/// "decline"), read once per request for every tool's [`IMPERATIVE_BONUS`]. A clause after a
/// comma counts when it is only a verb and what it acts on, said before ("the patels one is off,
/// cancel it"); a longer one is often about something else ("…, so mark the gala as confirmed").
pub(super) fn openings(request: &str) -> Vec<String> {
    use crate::domain::text::{verb_of, LEAD_INS};
    const ON_IT: &[&str] = &["it", "them", "that", "this", "those", "these", "one"];
    const AFTER: &[&str] = &["please", "pls", "too", "now", "then", "thanks"];
    let mut out = Vec::new();
    for sentence in request.split(['.', '!', '?', ';', '\n']) {
        out.extend(verb_of(sentence));
        for clause in sentence.split(',').skip(1) {
            let words: Vec<String> = clause
                .split_whitespace()
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
                .filter(|w| !w.is_empty() && !LEAD_INS.contains(&w.as_str()) && !AFTER.contains(&w.as_str()))
                .collect();
            if let [verb, object] = words.as_slice() {
                if ON_IT.contains(&object.as_str()) {
                    out.push(verb.clone());
                }
            }
        }
    }
    out
}

/// Whether `request` says a word of outside tool `exposed`'s own name (`weather__get_forecast`:
/// "forecast"; its server's name and generic words aside).
pub fn names_outside(exposed: &str, request: &str) -> bool {
    let own = exposed.split_once("__").map_or(exposed, |(_, t)| t);
    name_words(own, request) > 0
}

/// A request compared after the previous message scores this much less than alone, so that a
/// request which stands on its own is routed on its own words.
pub const FOLLOW_UP_PENALTY: f32 = 0.1;

/// How the router scored a request among an agent's tools.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolScores {
    /// Each tool with examples and its score, best first.
    pub ranked: Vec<(&'static str, f32)>,
    /// The score of small talk ([`CHAT`]).
    pub chat: f32,
}

/// What the small model is offered for a request.
#[derive(Clone, Debug, PartialEq)]
pub enum ToolPlan {
    /// No tool: small talk, or nothing the agent's tools serve.
    Chat,
    /// These tools, best first; one of them must be called.
    Offer(Vec<&'static str>),
}

impl ToolScores {
    pub fn plan(&self) -> ToolPlan {
        let Some(&(_, best)) = self.ranked.first() else { return ToolPlan::Chat };
        if self.chat >= best + CHAT_MARGIN {
            return ToolPlan::Chat;
        }
        let close: Vec<&'static str> = self
            .ranked
            .iter()
            .take(crate::llm::embedded::MAX_OFFERED)
            .filter(|(_, s)| *s >= best - ONE_TOOL_GAP)
            .map(|(t, _)| *t)
            .collect();
        ToolPlan::Offer(close)
    }

    /// Puts small talk first, above every tool (the engine knows the request needs none).
    pub fn small_talk(&mut self) {
        let top = self.ranked.first().map_or(0.0, |(_, s)| *s);
        self.chat = self.chat.max(top + CHAT_MARGIN + 0.01);
    }

    /// Puts `tool` first, above small talk (the engine knows the request means it).
    pub fn prefer(&mut self, tool: &'static str) {
        let top = self.ranked.first().map_or(0.0, |(_, s)| *s).max(self.chat);
        self.ranked.retain(|(t, _)| *t != tool);
        self.ranked.insert(0, (tool, top + CHAT_MARGIN + 0.01));
    }

    /// The best tool, if any.
    pub fn best(&self) -> Option<&'static str> {
        self.ranked.first().map(|(t, _)| *t)
    }
}

impl ToolPlan {
    /// What the model is offered under this plan, out of the agent's `tools`.
    pub fn offer(&self, tools: &[&'static ToolEntry]) -> (Vec<&'static ToolEntry>, crate::llm::ToolChoice) {
        match self {
            ToolPlan::Chat => (Vec::new(), crate::llm::ToolChoice::Auto),
            ToolPlan::Offer(names) => (
                names.iter().filter_map(|n| tools.iter().find(|t| t.name == *n).copied()).collect(),
                crate::llm::ToolChoice::Required,
            ),
        }
    }
}

/// The score of each of `names` (and of [`CHAT`]) for `vector`: the mean of its [`NEAREST`]
/// example cosines.
fn scores_of(examples: &[(&'static str, Vec<f32>)], names: &[&'static str], vector: &[f32]) -> Vec<f32> {
    names
        .iter()
        .map(|name| {
            let mut sims: Vec<f32> =
                examples.iter().filter(|(t, _)| t == name).map(|(_, v)| embed::dot(vector, v)).collect();
            sims.sort_by(|a, b| b.total_cmp(a));
            let top = &sims[..sims.len().min(NEAREST)];
            if top.is_empty() {
                f32::MIN
            } else {
                top.iter().sum::<f32>() / top.len() as f32
            }
        })
        .collect()
}

/// Weight of the hashed words ([`probe::lexical`]) beside the sentence vector (length 1) in the
/// classifier's input. Measured with the router alone on the dev split (192 cases), with
/// [`PROBE_WEIGHT`]: no words (0.2) right tool 82.4%, no tool 28/33; words at 0.5 (0.2 and 0.4)
/// 82.4%, 28–29/33; at 1.0 (0.2–1.0) 81.8–83.6%, 29/33; at 2.0 (0.5–0.6) 86.2%, 30/33; at 3.0
/// and 4.0 (0.4–0.8) 83.6–86.2%, 30–32/33.
pub const LEXICAL_WEIGHT: f32 = 2.0;

/// The classifier's input for `text` whose sentence vector is `vector`: the vector, then its
/// hashed words at [`LEXICAL_WEIGHT`].
pub fn probe_input(text: &str, vector: &[f32]) -> Vec<f32> {
    let mut f = vector.to_vec();
    f.extend(probe::lexical(text).into_iter().map(|x| x * LEXICAL_WEIGHT));
    f
}

/// Scores `vector` (the vector of `request`) and, for a follow-up, `with_previous` (the text
/// of the request after the person's previous message, and its vector) among `tools`; the
/// document search, which has no examples, is left out (see [`knowledge_scores`]).
pub fn tool_scores(
    examples: &[(&'static str, Vec<f32>)],
    probe: Option<&Probe>,
    tools: &[&'static ToolEntry],
    request: &str,
    vector: &[f32],
    with_previous: Option<(&str, &[f32])>,
) -> ToolScores {
    let mut names: Vec<&'static str> =
        tools.iter().map(|t| t.name).filter(|n| !examples::examples(n).is_empty()).collect();
    names.push(CHAT);
    let scored = |text: &str, v: &[f32]| -> Vec<f32> {
        let near = scores_of(examples, &names, v);
        match probe {
            Some(p) => near
                .iter()
                .zip(p.probabilities(&names, &probe_input(text, v)))
                .map(|(s, p)| s + PROBE_WEIGHT * p)
                .collect(),
            None => near,
        }
    };
    let alone = scored(request, vector);
    let scores: Vec<f32> = match with_previous {
        Some((text, prev)) => alone.iter().zip(scored(text, prev)).map(|(a, p)| a.max(p - FOLLOW_UP_PENALTY)).collect(),
        None => alone,
    };
    let chat = scores.last().copied().unwrap_or(f32::MIN);
    let opened = openings(request);
    let mut ranked: Vec<(&'static str, f32)> = names
        .into_iter()
        .zip(scores)
        .filter(|(n, _)| *n != CHAT)
        .map(|(n, s)| {
            let asked =
                if examples::verbs(n).iter().any(|v| opened.iter().any(|o| o == v)) { IMPERATIVE_BONUS } else { 0.0 };
            (n, s + NAME_BONUS * name_words(n, request) as f32 + asked)
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    ToolScores { ranked, chat }
}

/// The router's scores of `request` (after `previous`, the person's message before it, if any)
/// among `tools`; `None` when the embedding model cannot run.
pub async fn route_tools(
    embedder: &Arc<Embedder>,
    tools: &[&'static ToolEntry],
    request: &str,
    previous: Option<&str>,
    facts: &str,
) -> Option<ToolScores> {
    use crate::domain::text::{clip, spelled_out};
    let (examples, probe) = example_vectors(embedder).await?;
    // Read as the examples are written: "can u check msgs" is "can you check messages".
    let request = spelled_out(clip(request, 1000));
    let request = request.as_ref();
    let mut texts = vec![request.to_string()];
    if let Some(p) = previous.filter(|p| !p.trim().is_empty()) {
        texts.push(format!("{} {}", spelled_out(clip(p, 500)), texts[0]));
    }
    let e = embedder.clone();
    let vectors = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        e.embed(&refs).map(|v| (texts, v))
    })
    .await
    .ok()?
    .ok()?;
    let (texts, vectors) = vectors;
    let with_previous = texts.get(1).zip(vectors.get(1)).map(|(t, v)| (t.as_str(), v.as_slice()));
    let mut scores = tool_scores(examples, probe, tools, request, &vectors[0], with_previous);
    // A message to someone the facts know is a message, whatever records it mentions; else a
    // change to a record the facts list.
    if let Some(tool) = super::recipient::recipient_tool(tools, request, facts) {
        scores.prefer(tool);
    } else if let Some(tool) = super::record::record_tool(tools, request, facts, scores.best()) {
        scores.prefer(tool);
    } else if super::acts::asks_what_was_written(request) && tools.iter().any(|t| t.name == "search_messages") {
        scores.prefer("search_messages");
    }
    // "What can you help me with on this event?" is about the agent, not the event.
    if super::replies::asks_what_agent_does(request) {
        scores.small_talk();
    }
    Some(scores)
}

/// The example requests of every tool as vectors, and the classifier trained on them, made once
/// per process (the model is one per process too).
static EXAMPLES: OnceLock<Router> = OnceLock::new();

/// The example vectors (tool name, vector) and the classifier trained on them.
type Router = (Vec<(&'static str, Vec<f32>)>, Option<Probe>);

async fn example_vectors(
    embedder: &Arc<Embedder>,
) -> Option<(&'static [(&'static str, Vec<f32>)], Option<&'static Probe>)> {
    let of = |(v, p): &'static Router| (v.as_slice(), p.as_ref());
    if let Some(v) = EXAMPLES.get() {
        return Some(of(v));
    }
    let e = embedder.clone();
    let made = tokio::task::spawn_blocking(move || {
        let all: Vec<(&'static str, &'static str)> = examples::EXAMPLES
            .iter()
            .flat_map(|(tool, ex)| ex.iter().map(move |x| (*tool, *x)))
            .chain(examples::CHAT.iter().map(|x| (CHAT, *x)))
            .collect();
        let texts: Vec<&str> = all.iter().map(|(_, x)| *x).collect();
        e.embed(&texts).map(|v| {
            let inputs: Vec<(&'static str, Vec<f32>)> =
                all.iter().zip(&v).map(|((t, x), v)| (*t, probe_input(x, v))).collect();
            let vectors: Vec<(&'static str, Vec<f32>)> = all.into_iter().map(|(t, _)| t).zip(v).collect();
            let started = std::time::Instant::now();
            let probe = Probe::train(&inputs);
            tracing::debug!(ms = started.elapsed().as_millis() as u64, "the router's classifier is trained");
            (vectors, probe)
        })
    })
    .await;
    match made {
        Ok(Ok(v)) => Some(of(EXAMPLES.get_or_init(|| v))),
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
    let spelled = crate::domain::text::spelled_out(request);
    let request: &str = &spelled;
    let scope = Scope { actor, thread_id };
    // One vector of the request serves both comparisons.
    let embedder = k.embedder.clone()?;
    let (e, said) = (embedder.clone(), request.to_string());
    let vector = tokio::task::spawn_blocking(move || e.embed_one(&said)).await.ok()?.ok()?;
    let found = crate::knowledge::search_embedded(pool, k, &scope, request, &vector, 5).await.ok()?;
    let passage = found.passages.iter().filter_map(|p| p.similarity).reduce(f32::max)?;
    let (examples, _) = example_vectors(&embedder).await?;
    let (example, example_tool) = closest_example(examples, tools, &vector);
    Some(RouteScores { passage, example, example_tool, question: is_question(request) })
}

/// The tool whose call the agent asked about, when `history` ends with a short answer to that
/// question: the turn before the person's last message made a call that failed (a name several
/// records share, a missing value) and ended on a question.
pub(super) fn answered_call(
    history: &[crate::store::chat::HistoryItem],
    tools: &[&'static crate::agent::ToolEntry],
) -> Option<&'static crate::agent::ToolEntry> {
    let last = history.iter().rposition(|h| h.kind == crate::domain::chat::ItemKind::User)?;
    if history[last].content.split_whitespace().count() > ANSWER_WORDS {
        return None;
    }
    let before = &history[..last];
    let turn = &before[before.iter().rposition(|h| h.kind == crate::domain::chat::ItemKind::User)? + 1..];
    let asked = turn
        .last()
        .is_some_and(|h| h.kind == crate::domain::chat::ItemKind::Assistant && h.content.trim_end().ends_with('?'));
    let call = turn.iter().rev().find(|h| h.kind == crate::domain::chat::ItemKind::ToolCall)?;
    if !asked || call.status != crate::domain::chat::ItemStatus::Failed {
        return None;
    }
    let name = call.data.as_ref()?.get("tool")?.as_str()?;
    tools.iter().find(|t| t.name == name).copied()
}

/// The most words of a message that answers the agent's question ("Priya Shah", "the one at 2").
const ANSWER_WORDS: usize = 6;

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
    fn a_request_opens_with_its_verb_or_ends_on_one_acting_on_what_it_said() {
        assert_eq!(openings("We can't do the pizza, the kitchen closes at 11. Decline it."), ["we", "decline"]);
        assert_eq!(openings("the patels one is off, cancel it please"), ["the", "cancel"]);
        assert_eq!(openings("the 1pm one works, so book it"), ["the", "book"]);
        // A longer clause after a comma is often about something else.
        assert_eq!(openings("Deposit came in, so mark the gala as confirmed"), ["deposit"]);
    }

    #[test]
    fn unclaimed_questions_go_to_the_documents() {
        let s = |passage, example, question| RouteScores { passage, example, example_tool: "x", question };
        assert!(s(0.6, 0.3, false).routes(), "closer to a passage than to any tool");
        assert!(!s(0.5, 0.7, false).routes(), "a tool's request");
        assert!(s(0.38, 0.39, true).routes(), "a question no tool claims");
        assert!(!s(0.38, 0.39, false).routes());
        assert!(!s(0.58, 0.5, false).routes(), "something to do, near a tool: not a question for the documents");
        assert!(s(0.58, 0.44, false).routes());
        assert!(!s(0.55, 0.6, true).routes(), "a question a tool claims");
        assert!(!s(0.25, 0.1, true).routes(), "too far from every passage");
    }

    /// Needs the embedding model that scripts/setup.sh puts in .data/models (`make test` runs it
    /// first). Requests written for this test, not taken from the examples or the eval.
    #[tokio::test]
    async fn requests_route_to_their_tools_and_small_talk_to_none() {
        use crate::domain::chat::AgentKind;
        use crate::domain::Role;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".data/models/all-MiniLM-L6-v2");
        let e = Embedder::shared(&dir).expect("the embedding model loads (run scripts/setup.sh)");
        let client = crate::agent::tools_for(AgentKind::Client, Role::Client);
        let staff = crate::agent::tools_for(AgentKind::VenueGeneral, Role::Staff);
        // (the agent's tools, the request, the message before it, the tool it must go to)
        type Case<'a> = (&'a [&'static ToolEntry], &'a str, Option<&'a str>, Option<&'a str>);
        let cases: &[Case] = &[
            (&client, "please put my neighbour Ines Ortega on the list", None, Some("add_guest")),
            (&client, "Ines can't make it anymore, take her off", None, Some("remove_guest")),
            (&client, "how much is left to pay on our contract?", None, Some("view_contract")),
            (&client, "we want to get rid of the uplighting", None, Some("request_element_change")),
            (&client, "hey, thanks a lot!", None, None),
            (&staff, "which jobs on the to-do list are late?", None, Some("list_pending_tasks")),
            (&staff, "what's the florist's email", None, Some("list_vendors")),
            (&staff, "can we see free times for a tour on Thursday", None, Some("get_available_slots")),
            (&staff, "good morning", None, None),
            (&staff, "book the first one", Some("any openings for a tasting on Friday?"), Some("book_appointment")),
        ];
        for (tools, said, previous, want) in cases {
            let scores = route_tools(&e, tools, said, *previous, "").await.expect("scores");
            let plan = scores.plan();
            match want {
                Some(tool) => assert!(
                    matches!(&plan, ToolPlan::Offer(t) if t.first() == Some(tool)),
                    "{said:?}: {plan:?} (chat {:.3}, {:?})",
                    scores.chat,
                    scores.ranked.iter().take(3).collect::<Vec<_>>()
                ),
                None => {
                    assert_eq!(
                        plan,
                        ToolPlan::Chat,
                        "{said:?}: chat {:.3}, {:?}",
                        scores.chat,
                        scores.ranked.iter().take(3).collect::<Vec<_>>()
                    )
                }
            }
        }
    }
}
