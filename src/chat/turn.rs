//! A turn's task and its tool loop: stream the model into the reply (saving the text every
//! `flush_every`), run the tool calls it makes, feed the results back and stream again, until it
//! answers, is stopped, fails or waits for an approval; then store the reply's end and usage.

use super::ending::{keep_ending, Ending};
use super::live::Live;
use super::{Hub, MAX_STEPS};
use crate::agent::tools::{KnowledgeOut, SearchKnowledge};
use crate::agent::Tool;
use crate::domain::chat::{AgentKind, ChatEvent, ChatItem, ItemKind, ItemStatus};
use crate::llm::{ChatRequest, Message, ResolvedModel, Speaker, ToolCall, Usage};
use crate::store::chat::{self as store};
use crate::store::Actor;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

mod stream;

/// Items of history sent to the model at most (the provider trims further to its window).
const HISTORY: i64 = 60;

/// A turn to write: whose, in which thread and scope, into which reply, with which model.
pub(super) struct ReplyTask {
    pub(super) actor: Actor,
    pub(super) thread_id: i64,
    pub(super) agent: AgentKind,
    /// The event the thread is about (client and event agents).
    pub(super) event_id: Option<i64>,
    pub(super) reply: ChatItem,
    pub(super) model: ResolvedModel,
    /// The thread's first message, when this turn is the first exchange.
    pub(super) first_message: Option<String>,
    /// Only the tools that read are offered (a turn through an API key that may not act).
    pub(super) read_only: bool,
}

#[derive(Default)]
/// What one model call produced: its text, tool calls, usage, and how it ended.
struct Generated {
    text: String,
    chunks: u32,
    usage: Option<Usage>,
    stopped: bool,
    error: Option<String>,
    calls: Vec<ToolCall>,
    /// The document passages the reply cites.
    citations: Vec<crate::domain::knowledge::Citation>,
}

impl Generated {
    fn status(&self) -> ItemStatus {
        match &self.error {
            Some(_) => ItemStatus::Failed,
            None if self.stopped => ItemStatus::Stopped,
            None => ItemStatus::Done,
        }
    }
}

impl Hub {
    /// The turn's task: the tool loop, the last reply's end, the title after a first exchange,
    /// then `done`.
    pub(super) async fn generate(self: Arc<Self>, job: ReplyTask, live: Arc<Live>) {
        let end = self.run_turn(&job, &live).await;
        let mut title_due = false;
        if let Some((reply_id, outcome)) = end {
            let status = outcome.status();
            let final_item = self.end_reply(&job, &live, reply_id, &outcome, false).await;
            live.finish(Some(final_item));
            title_due = status == ItemStatus::Done && !live.fenced();
        } else {
            // Ended on tool calls (an approval waits, or Stop came while tools ran): the thread's
            // mark between two items goes before the end is told.
            if self.cluster.joined() && !live.fenced() {
                if let Err(e) = crate::store::instances::end_turn(&self.pool, job.thread_id).await {
                    tracing::warn!(error = %e, "the turn's mark was not cleared (it lapses within seconds)");
                }
            }
            live.finish(None);
        }
        if title_due {
            if let Some(first) = &job.first_message {
                self.title(&job, first).await;
            }
        }
        live.close();
        self.retire(job.thread_id, &live).await;
    }

    /// Stores a reply's end (text, status, usage) and records its usage. If the database does
    /// not answer (an outage as the reply ends), the watchers get the reply as it ended and the
    /// write goes on in the background until it lands ([`keep_ending`]), so the thread does not
    /// stay `streaming`, refusing messages, until a restart. `more`: the turn goes on after it
    /// (it asked for tools).
    async fn end_reply(
        &self,
        job: &ReplyTask,
        live: &Live,
        reply_id: i64,
        outcome: &Generated,
        more: bool,
    ) -> ChatItem {
        let status = outcome.status();
        let usage = outcome.usage.unwrap_or(Usage {
            // Without a count from the provider (stopped, failed), count what was streamed.
            prompt_tokens: 0,
            completion_tokens: outcome.chunks,
        });
        let sources = (!outcome.citations.is_empty()).then(|| {
            serde_json::to_value(crate::domain::knowledge::ReplySources { citations: outcome.citations.clone() })
                .unwrap_or_default()
        });
        let ending = Ending {
            item_id: reply_id,
            status,
            content: outcome.text.clone(),
            error: outcome.error.clone(),
            usage,
            data: sources,
            venue_id: job.actor.venue_id,
            user_id: job.actor.user_id,
            thread_id: job.thread_id,
            model: job.model.info.id.clone(),
            more,
        };
        for attempt in 0..3u64 {
            match ending.write(&self.pool).await {
                Ok(item) => return item,
                // Ended by another instance (this one was given up for dead): the turn stops, and
                // the watchers here get the reply as stored, interrupted, for the person to retry.
                Err(crate::store::StoreError::Conflict(why)) => {
                    tracing::warn!(item = reply_id, why, "this reply was ended elsewhere: left as stored");
                    live.fence();
                    match crate::store::instances::item(&self.pool, reply_id).await {
                        Ok(item) => return item,
                        Err(e) => {
                            tracing::warn!(error = %e, item = reply_id, "the reply could not be read back");
                            break;
                        }
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, attempt, item = reply_id, "saving a reply failed");
                    tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await;
                }
            }
        }
        let mut item = live.subscribe().snapshot;
        item.status = status;
        item.content = outcome.text.clone();
        item.error = outcome.error.clone();
        tokio::spawn(keep_ending(self.pool.clone(), ending));
        item
    }

    /// The turn's opening: the system prompt (who is talking, the agent's instructions, the
    /// scope's facts), then, when people's writing belongs to the context, a data turn that
    /// quotes it (never in the system prompt: see `agent::context`).
    async fn opening(&self, job: &ReplyTask) -> Vec<Message> {
        let window = job.model.info.context_window as usize;
        // A quarter of the window for the context, at least enough for an event's basics.
        let budget = (window / 4).clamp(300, 6000);
        let context = match crate::agent::context::build(&self.pool, &job.actor, job.agent, job.event_id, budget).await
        {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "agent context not built");
                crate::agent::context::AgentContext::default()
            }
        };
        // What every person of the venue is told by this agent comes first, who is talking and
        // today's facts after: the embedded model shares a prompt's cached start between
        // conversations, so a new thread decodes only from the person onwards.
        let system = format!(
            "{}\n\n{}\n\n{}\n\n{}",
            super::prompt::system_prompt(&job.actor),
            crate::agent::instructions(job.agent),
            super::prompt::who(&job.actor),
            context.facts.trim_end()
        );
        let mut opening = vec![Message::new(Speaker::System, system)];
        if let Some(written) = context.written {
            opening.push(Message::new(Speaker::User, crate::agent::context::data_turn(&written)));
        }
        opening
    }

    /// The turn loop: stream the model; when it calls tools, run them (approvals pause the turn),
    /// feed the results back and stream again, until it answers or [`MAX_STEPS`] is reached.
    /// Returns the last reply and how it ended, or `None` when the turn ended on tool calls
    /// (waiting for an approval, or stopped while a tool ran).
    async fn run_turn(&self, job: &ReplyTask, live: &Live) -> Option<(i64, Generated)> {
        let history = match store::history(&self.pool, job.reply.id, HISTORY).await {
            Ok(h) => h,
            Err(e) => {
                tracing::error!(error = %e, "history not loaded");
                let out = Generated {
                    error: Some("The conversation could not be loaded. Please retry.".into()),
                    ..Generated::default()
                };
                live.event(ChatEvent::Error { message: out.error.clone().unwrap_or_default() });
                return Some((job.reply.id, out));
            }
        };
        let tools = self.offered_tools(&job.model, job.agent, &job.actor, job.read_only).await;
        let clip = if job.model.info.local { 1500 } else { 12_000 };
        let files = self.files(job.thread_id, &job.model, &history).await;
        // What the person wrote last, without the files it carries.
        let last = history.last().filter(|h| h.kind == ItemKind::User);
        let said = last.map(|h| h.content.trim().to_string());
        // The person's message before it (what a follow-up such as "and the week after?" is about).
        let previous =
            history.iter().rev().filter(|h| h.kind == ItemKind::User).nth(1).map(|h| h.content.trim().to_string());
        // A message that carries documents asks about them.
        let about_files = last.is_some_and(|h| super::files::attached(h).iter().any(|a| !a.is_image()));
        let mut messages = self.opening(job).await;
        messages.extend(super::prompt::to_messages(&history, clip, &files));
        let mut reply = job.reply.clone();
        // The last document search of the turn: what the answer may cite.
        let mut sources: Option<KnowledgeOut> = None;
        // Every tool result of the turn: what the answer's facts must come from.
        let mut results: Vec<String> = Vec::new();
        for step in 1..=MAX_STEPS {
            let mut request = ChatRequest {
                model: job.model.model.clone(),
                messages: messages.clone(),
                tools: tools.iter().map(|t| t.spec()).collect(),
                tool_choice: crate::llm::ToolChoice::Auto,
                max_tokens: if job.model.info.provider == "embedded" { 512 } else { 2048 },
                temperature: None,
                user_key: job.actor.user_id.to_string(),
                cache_key: Some(format!("thread-{}", job.thread_id)),
                response_schema: None,
            };
            // The small model's question about its last call ("Which guest do you mean by
            // 'Priya'?") is answered by this message: the same tool again.
            let answering =
                if step == 1 && small_model(&job.model) { super::route::answered_call(&history, &tools) } else { None };
            // What the agent was shown: the system prompt's facts.
            let facts: Vec<&str> =
                request.messages.iter().filter(|m| m.role == Speaker::System).map(|m| m.content.as_str()).collect();
            let facts = facts.join("\n");
            let routed = match (step, &said) {
                // The small model cannot read the files: the search in this thread does.
                (1, Some(said)) if about_files && small_model(&job.model) => Some(search_call(job, said)),
                (1, Some(_)) if answering.is_some() => None,
                (1, Some(said)) if super::route::acts_on_facts(&tools, said, &facts) => None,
                (1, Some(said)) => self.route_to_knowledge(job, &tools, said).await,
                _ => None,
            };
            let small_first = step == 1 && small_model(&job.model) && routed.is_none();
            if let (Some(tool), true) = (answering, small_first) {
                request.tools = vec![tool.spec()];
                request.tool_choice = crate::llm::ToolChoice::Required;
            } else if let (true, Some(said)) = (small_first, &said) {
                if let Some(text) = self.route_tools(&tools, said, previous.as_deref(), &facts, &mut request).await {
                    // Small talk, or a change none of the agent's tools makes: a composed line.
                    live.delta(&text);
                    return Some((reply.id, Generated { text, ..Generated::default() }));
                }
            }
            // What the small model's call is grounded in: the person's words (this message, then
            // the one before), the facts it had (the system prompt and the thread's earlier tool
            // results), the venue's day, time zone and names.
            let grounding = match small_first {
                true => Some(self.grounding(job, &messages, said.as_deref(), previous.as_deref()).await),
                false => None,
            };
            // The one tool routed to, when nothing in it is for the model to write: the engine's
            // call, without the model's second or more of reading its prompt.
            let engine = match (&grounding, request.tools.as_slice(), &request.tool_choice) {
                (Some(g), [one], crate::llm::ToolChoice::Required) => tools
                    .iter()
                    .find(|t| t.name == one.name)
                    .and_then(|t| crate::agent::ground::engine_arguments(t, g.heard(), &g.facts, g.when, &g.names))
                    .map(|args| ToolCall {
                        id: format!("engine-{}-{step}", reply.id),
                        name: one.name.clone(),
                        arguments: Value::Object(args).to_string(),
                    }),
                _ => None,
            };
            let mut out = match routed.or(engine) {
                Some(call) => Generated { calls: vec![call], ..Generated::default() },
                None => self.stream_step(job, live, reply.id, request).await,
            };
            if let Some(g) = &grounding {
                for call in &mut out.calls {
                    ground_call(&tools, call, g);
                }
            }
            if let Some(found) = &sources {
                out.citations = found.citations(&out.text);
            }
            if out.stopped || out.error.is_some() || out.calls.is_empty() {
                if out.error.is_none() && !out.stopped && out.text.trim().is_empty() {
                    out.error = Some("The model ended without answering. Try again or pick another model.".into());
                }
                if out.error.is_none() && !out.stopped && !results.is_empty() {
                    self.check_facts(job, live, &messages, &results, &mut out).await;
                }
                if let Some(e) = &out.error {
                    live.event(ChatEvent::Error { message: e.clone() });
                }
                return Some((reply.id, out));
            }
            if step == MAX_STEPS {
                out.error = Some(format!(
                    "Stopped after {MAX_STEPS} rounds of tool calls without an answer. Ask again more specifically."
                ));
                live.event(ChatEvent::Error { message: out.error.clone().unwrap_or_default() });
                return Some((reply.id, out));
            }
            // This reply is complete: it asked for tools.
            let calls = std::mem::take(&mut out.calls);
            let done = self.end_reply(job, live, reply.id, &out, true).await;
            live.item_done(done);
            if live.fenced() {
                // Its tools never run: another instance ended this turn.
                return None;
            }
            let mut assistant = Message::new(Speaker::Assistant, out.text.clone());
            assistant.tool_calls = calls.clone();
            messages.push(assistant);
            let said = messages.iter().rev().find(|m| m.role == Speaker::User).map(|m| m.content.clone());
            let step_result = self.run_tools(job, live, &tools, reply.id, &calls, said.as_deref()).await;
            for (call, result) in calls.iter().zip(&step_result.results) {
                results.push(result.to_string());
                let mut m = Message::new(Speaker::Tool, clip_text(&result.to_string(), clip));
                m.tool_call_id = Some(call.id.clone());
                messages.push(m);
            }
            if step_result.paused || step_result.stopped || live.fenced() {
                return None;
            }
            let searched: Vec<KnowledgeOut> = calls
                .iter()
                .zip(&step_result.results)
                .filter(|(c, _)| c.name == SearchKnowledge::NAME)
                .filter_map(|(_, r)| serde_json::from_value(r.clone()).ok())
                .collect();
            let only_searches = !searched.is_empty() && searched.len() == calls.len();
            if let Some(last) = searched.into_iter().last() {
                sources = Some(last);
            }
            let next = store::NewItem {
                thread_id: job.thread_id,
                parent_id: step_result.last_item,
                kind: ItemKind::Assistant,
                status: ItemStatus::Streaming,
                content: "",
                data: None,
                model: Some(&job.model.info.id),
            };
            match store::add_item(&self.pool, &next).await {
                Ok(item) => {
                    reply = item.clone();
                    live.next_reply(item);
                    // A small local model would paraphrase the passages into facts they do not
                    // hold: its answer is the search's own, quoted with markers.
                    if let (true, true, Some(found)) = (small_model(&job.model), only_searches, &sources) {
                        live.delta(&found.answer);
                        let out = Generated {
                            text: found.answer.clone(),
                            citations: found.citations(&found.answer),
                            ..Generated::default()
                        };
                        return Some((reply.id, out));
                    }
                    // Nor would it restate a count or a total right: its answer is the results'
                    // own (`agent::answer`).
                    if small_model(&job.model) {
                        let text: Vec<String> = step_result
                            .summaries
                            .iter()
                            .zip(&step_result.results)
                            .map(|(summary, result)| crate::agent::answer::compose(summary, result))
                            .collect();
                        let text = text.join("\n\n");
                        live.delta(&text);
                        return Some((reply.id, Generated { text, ..Generated::default() }));
                    }
                }
                Err(crate::store::StoreError::Conflict(why)) => {
                    tracing::warn!(why, "the turn was ended elsewhere: it stops");
                    live.fence();
                    return None;
                }
                Err(e) => {
                    tracing::error!(error = %e, "next reply not stored");
                    live.event(ChatEvent::Error {
                        message: "The conversation could not be saved. Please retry.".into(),
                    });
                    return None;
                }
            }
        }
        None
    }

    /// On the small embedded model, a request the person's documents are closer to than any other
    /// tool goes to the document search directly, as if the model had called it (see
    /// [`super::route`]).
    async fn route_to_knowledge(
        &self,
        job: &ReplyTask,
        tools: &[&'static crate::agent::ToolEntry],
        said: &str,
    ) -> Option<ToolCall> {
        if !small_model(&job.model) || said.is_empty() {
            return None;
        }
        let scores =
            super::route::knowledge_scores(&self.pool, &self.knowledge, &job.actor, Some(job.thread_id), tools, said)
                .await?;
        tracing::debug!(?scores, routes = scores.routes(), "knowledge routing");
        scores.routes().then(|| search_call(job, said))
    }

    /// Notes under an answer the numbers and dates that none of the turn's tool results, the
    /// person's words or the agent's facts hold (see `agent::answer::ungrounded`): the model
    /// may have made them up, and the person should know before relying on them.
    async fn check_facts(
        &self,
        job: &ReplyTask,
        live: &Live,
        messages: &[Message],
        results: &[String],
        out: &mut Generated,
    ) {
        let mut sources: Vec<&str> = results.iter().map(String::as_str).collect();
        sources.extend(messages.iter().filter(|m| m.role != Speaker::Assistant).map(|m| m.content.as_str()));
        let missing = crate::agent::answer::ungrounded(&out.text, &sources, self.today(&job.actor).await);
        if missing.is_empty() {
            return;
        }
        tracing::warn!(model = %job.model.info.id, ?missing, "answer states facts its sources do not hold");
        let note = format!(
            "\n\n_Check before relying on it: {} {} not in the records this answer looked up._",
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" }
        );
        live.delta(&note);
        out.text.push_str(&note);
    }

    /// On the small embedded model, the tools offered for a request are the router's: the few
    /// nearest it, one of which must be called, or none for small talk (see [`super::route`]).
    /// Without the embedding model, every tool is offered and the model narrows them by words.
    /// `Some(reply)` instead when no tool serves it: a change none of the tools makes
    /// ([`super::replies::out_of_reach`]), or small talk ([`super::replies::small_talk_reply`]).
    /// Outside tools (an MCP server's) have no example requests: the ones whose names the request
    /// says ("the forecast" for `weather__get_forecast`) are offered instead.
    async fn route_tools(
        &self,
        tools: &[&'static crate::agent::ToolEntry],
        said: &str,
        previous: Option<&str>,
        facts: &str,
        request: &mut ChatRequest,
    ) -> Option<String> {
        let named: Vec<&'static crate::agent::ToolEntry> = tools
            .iter()
            .filter(|t| t.outside().is_some() && super::route::names_outside(t.name, said))
            .take(crate::llm::embedded::MAX_OFFERED)
            .copied()
            .collect();
        if !named.is_empty() {
            request.tools = named.iter().map(|t| t.spec()).collect();
            request.tool_choice = crate::llm::ToolChoice::Required;
            return None;
        }
        let embedder = self.knowledge.embedder.as_ref()?;
        let scores = super::route::route_tools(embedder, tools, said, previous, facts).await?;
        let plan = scores.plan();
        tracing::debug!(?scores, ?plan, "tool routing");
        let (offered, choice) = plan.offer(tools);
        if offered.first().is_some_and(|t| super::replies::out_of_reach(said, t)) {
            tracing::debug!(tool = offered[0].name, "the request is out of the tools' reach");
            return Some(super::replies::beyond_reach_reply(tools));
        }
        if offered.is_empty() {
            return Some(super::replies::small_talk_reply(said, tools));
        }
        request.tools = offered.iter().map(|t| t.spec()).collect();
        request.tool_choice = choice;
        None
    }

    /// What a small model's call in this turn is grounded in: `said` and `previous` (the person's
    /// last two messages), the system prompt and tool results among `messages`, the venue's day,
    /// time zone and the names of its records that `job`'s person may choose among.
    async fn grounding(
        &self,
        job: &ReplyTask,
        messages: &[crate::llm::Message],
        said: Option<&str>,
        previous: Option<&str>,
    ) -> Grounding {
        let facts: Vec<&str> = messages
            .iter()
            .filter(|m| m.role == Speaker::System || m.role == Speaker::Tool)
            .map(|m| m.content.as_str())
            .collect();
        let today = self.today(&job.actor).await;
        let tz = crate::store::scheduling::venue_tz(&self.pool, job.actor.venue_id).await.unwrap_or(chrono_tz::UTC);
        Grounding {
            now: said.unwrap_or_default().to_string(),
            before: previous.map(str::to_string),
            facts: facts.join("\n"),
            when: (today, tz),
            names: crate::agent::ground::Names::load(&self.pool, &job.actor).await,
        }
    }

    /// The venue's today, in its time zone.
    async fn today(&self, actor: &Actor) -> chrono::NaiveDate {
        crate::store::events::today(&self.pool, actor).await.unwrap_or_else(|_| chrono::Utc::now().date_naive())
    }
}

/// What a small model's call is grounded in (see `agent::ground`).
struct Grounding {
    now: String,
    before: Option<String>,
    facts: String,
    when: (chrono::NaiveDate, chrono_tz::Tz),
    names: crate::agent::ground::Names,
}

impl Grounding {
    fn heard(&self) -> crate::agent::ground::Heard<'_> {
        crate::agent::ground::Heard { now: &self.now, before: self.before.as_deref() }
    }
}

/// A small model's call with its arguments grounded (`g`). A call whose arguments do not parse
/// is left to the tool's own check.
fn ground_call(tools: &[&'static crate::agent::ToolEntry], call: &mut ToolCall, g: &Grounding) {
    let Some(tool) = tools.iter().find(|t| t.name == call.name) else { return };
    let Ok(Value::Object(mut args)) = serde_json::from_str::<Value>(&call.arguments) else { return };
    crate::agent::ground::arguments(&tool.schema, &mut args, g.heard(), &g.facts, g.when.0, g.when.1);
    crate::agent::ground::resolve_names(&tool.schema, &mut args, &g.now, g.before.as_deref(), &g.names);
    call.arguments = Value::Object(args).to_string();
}

/// A document search for what the person said, as if the model had called it.
fn search_call(job: &ReplyTask, said: &str) -> ToolCall {
    ToolCall {
        id: format!("route-{}", job.reply.id),
        name: SearchKnowledge::NAME.to_string(),
        arguments: json!({ "query": crate::domain::text::clip(said, 300) }).to_string(),
    }
}

/// The small embedded model: the engine routes for it and quotes documents instead of letting
/// it paraphrase them. Hosted models, and capable local servers, write their own answers.
pub(super) fn small_model(model: &ResolvedModel) -> bool {
    model.info.provider == "embedded"
}

/// A tool result or call arguments cut to `max` bytes for the model, saying that it was cut.
pub(super) fn clip_text(s: &str, max: usize) -> String {
    let kept = crate::domain::text::clip_bytes(s, max);
    if kept.len() == s.len() {
        s.to_string()
    } else {
        format!("{kept}… (cut)")
    }
}
