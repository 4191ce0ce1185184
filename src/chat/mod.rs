//! The chat engine (server only): sends a turn, runs the model in a server task that does not
//! depend on any browser connection, writes the reply to the store as it streams, and fans its
//! events out to whoever is watching the thread.
//!
//! Why a server task and an SSE route (and not a streaming server function): the reply must go
//! on when the tab closes, and a reloaded page must pick it up where it is. So generation
//! belongs to the thread, not to a request. The browser sends with an ordinary server function
//! (which stores the message and starts the task), then watches `GET /api/chat/{id}/events`,
//! an axum SSE route that first replays the thread's items after the last one the page has
//! (the one being written with its text so far), then follows the live deltas until `done`.
//!
//! Nothing is lost between the replay and the live part: a [`Live`] reply keeps its text and
//! its broadcast channel under one lock, so a subscriber gets a snapshot and exactly the deltas
//! after it. A subscriber that falls behind the channel gets a fresh snapshot
//! (`thread.item.updated`) instead of a gap.

use crate::agent::{ToolCx, ToolEntry, ToolError};
use crate::domain::chat::{
    fallback_title, AgentKind, ApprovalInfo, ApprovalStatus, Approver, ChatEvent, ChatItem, ItemKind, ItemStatus, Sent,
    ToolCallData,
};
use crate::llm::{Catalog, ChatRequest, Llm, Message, ResolvedModel, Role, StreamEvent, ToolCall, Usage};
use crate::store::approvals;
use crate::store::chat::{self as store, Finish, Turn, UsageRecord};
use crate::store::{Actor, StoreError};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, Notify};

/// Deltas a slow subscriber may fall behind before it is re-synced with a snapshot.
const BROADCAST: usize = 1024;
/// Items of history sent to the model at most (the provider trims further to its window).
const HISTORY: i64 = 60;
/// The system prompt of title requests (the scripted provider recognises it).
pub const TITLE_SYSTEM: &str = "You write short titles for conversations.";
/// How long a finished reply stays in memory for late watchers.
const GRACE: Duration = Duration::from_secs(30);
/// Model calls in one turn at most (each may call tools): a model that keeps calling tools is
/// stopped with an error instead of looping.
pub const MAX_STEPS: usize = 6;
/// How long a venue's provider list is reused before it is read again.
const CATALOG_TTL: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no model is configured: run `make setup` for the embedded model, or set a hosted provider")]
    NoModel,
    #[error("model {0:?} is not available")]
    UnknownModel(String),
}

/// A turn being written right now (or finished in the last [`GRACE`]: a watcher arriving just
/// after the end is then served from memory too). A turn with tools writes several items: the
/// reply, its tool calls, the next reply…; the live state follows the reply being written.
pub struct Live {
    /// The thread's owner: the only person who may watch it.
    pub owner: i64,
    state: Mutex<LiveState>,
    events: broadcast::Sender<ChatEvent>,
    stop: Notify,
}

struct LiveState {
    item: ChatItem,
    /// The turn wrote items other than its first reply (tool calls, later replies).
    grew: bool,
    finished: bool,
    /// `done` was sent: nothing more will come.
    closed: bool,
}

/// What a new watcher of a live turn gets.
pub struct Subscription {
    /// The reply being written so far (its final form when `finished`).
    pub snapshot: ChatItem,
    pub finished: bool,
    /// The stream is over (`done` already sent): do not wait for more.
    pub closed: bool,
    /// The turn so far is this one reply (no tool calls, no later reply): the snapshot is all
    /// a watcher from the turn's start needs before the live events.
    pub single: bool,
    pub events: broadcast::Receiver<ChatEvent>,
}

impl Live {
    fn new(item: ChatItem, owner: i64) -> Self {
        let (events, _) = broadcast::channel(BROADCAST);
        Self {
            owner,
            state: Mutex::new(LiveState { item, grew: false, finished: false, closed: false }),
            events,
            stop: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LiveState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the turn is still being written.
    pub fn writing(&self) -> bool {
        !self.lock().finished
    }

    pub fn subscribe(&self) -> Subscription {
        let s = self.lock();
        Subscription {
            snapshot: s.item.clone(),
            finished: s.finished,
            closed: s.closed,
            single: !s.grew,
            events: self.events.subscribe(),
        }
    }

    fn delta(&self, text: &str) {
        let mut s = self.lock();
        s.item.content.push_str(text);
        let _ = self.events.send(ChatEvent::ItemDelta { item_id: s.item.id, delta: text.to_string() });
    }

    /// A new reply of the turn starts (after tool calls).
    fn next_reply(&self, item: ChatItem) {
        let mut s = self.lock();
        s.item = item.clone();
        s.grew = true;
        let _ = self.events.send(ChatEvent::ItemAdded { item });
    }

    fn event(&self, event: ChatEvent) {
        let mut s = self.lock();
        if matches!(event, ChatEvent::ItemAdded { .. }) {
            s.grew = true;
        }
        let _ = self.events.send(event);
    }

    /// An item of the turn is final (a reply before tool calls, a tool call).
    fn item_done(&self, item: ChatItem) {
        let mut s = self.lock();
        if s.item.id == item.id {
            s.item = item.clone();
        }
        let _ = self.events.send(ChatEvent::ItemDone { item });
    }

    fn close(&self) {
        let mut s = self.lock();
        s.finished = true;
        s.closed = true;
        let _ = self.events.send(ChatEvent::Done);
    }

    fn finish(&self, item: Option<ChatItem>) {
        let mut s = self.lock();
        s.finished = true;
        if let Some(item) = item {
            s.item = item.clone();
            let _ = self.events.send(ChatEvent::ItemDone { item });
        }
    }
}

/// The engine: the model registry, the live replies, and the store.
pub struct Hub {
    pool: PgPool,
    llm: Arc<Llm>,
    live: Mutex<HashMap<i64, Arc<Live>>>,
    /// Each venue's own providers, read at most every [`CATALOG_TTL`] (changes evict at once).
    venue_providers: Mutex<HashMap<i64, (std::time::Instant, Vec<crate::llm::catalog::HostedConfig>)>>,
    /// How often streamed text is written to the store.
    pub flush_every: Duration,
}

impl Hub {
    pub fn new(pool: PgPool, llm: Arc<Llm>) -> Self {
        Self {
            pool,
            llm,
            live: Mutex::new(HashMap::new()),
            venue_providers: Mutex::new(HashMap::new()),
            flush_every: Duration::from_millis(250),
        }
    }

    pub fn llm(&self) -> &Llm {
        &self.llm
    }

    /// The models the actor's venue can use.
    pub async fn catalog(&self, venue_id: i64) -> Result<Catalog, ChatError> {
        let cached = {
            let map = self.venue_providers.lock().unwrap_or_else(|p| p.into_inner());
            map.get(&venue_id).filter(|(at, _)| at.elapsed() < CATALOG_TTL).map(|(_, v)| v.clone())
        };
        let venue = match cached {
            Some(v) => v,
            None => {
                let v: Vec<_> =
                    store::venue_providers(&self.pool, venue_id).await?.into_iter().map(|(_, p)| p).collect();
                let mut map = self.venue_providers.lock().unwrap_or_else(|p| p.into_inner());
                map.insert(venue_id, (std::time::Instant::now(), v.clone()));
                v
            }
        };
        Ok(self.llm.catalog(&venue))
    }

    /// Forgets a venue's cached providers (after one was added or removed).
    pub fn providers_changed(&self, venue_id: i64) {
        self.venue_providers.lock().unwrap_or_else(|p| p.into_inner()).remove(&venue_id);
    }

    /// Whether a reply is being written in the thread right now.
    pub fn writing(&self, thread_id: i64) -> bool {
        self.live(thread_id).is_some_and(|l| l.writing())
    }

    /// Drops what is kept in memory for a thread (it was deleted).
    pub fn forget(&self, thread_id: i64) {
        self.lives().remove(&thread_id);
    }

    fn lives(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Live>>> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn live(&self, thread_id: i64) -> Option<Arc<Live>> {
        self.lives().get(&thread_id).cloned()
    }

    /// Asks the reply being written in the thread to stop. Returns whether one was running.
    pub fn stop(&self, thread_id: i64) -> bool {
        match self.live(thread_id).filter(|l| l.writing()) {
            Some(live) => {
                live.stop.notify_one();
                true
            }
            None => false,
        }
    }

    /// Stores the turn and starts writing the reply with `model` (else the thread's model).
    pub async fn send(
        self: &Arc<Self>,
        actor: &Actor,
        thread_id: i64,
        turn: Turn,
        model: Option<&str>,
    ) -> Result<Sent, ChatError> {
        let thread = store::thread(&self.pool, actor, thread_id).await?;
        let catalog = self.catalog(actor.venue_id).await?;
        let wanted = model.unwrap_or(&thread.model);
        let resolved = match model {
            Some(m) => catalog.resolve(m).ok_or_else(|| ChatError::UnknownModel(m.to_string()))?,
            None => catalog.resolve_or_default(Some(wanted)).ok_or(ChatError::NoModel)?,
        };
        let sent = store::begin_turn(&self.pool, actor, thread_id, &turn, &resolved.info.id).await?;
        let job = Job {
            actor: actor.clone(),
            thread_id,
            agent: thread.agent_kind,
            event_id: thread.event_id,
            reply: sent.reply.clone(),
            model: resolved,
            first_message: match (&turn, sent.user_item.as_ref()) {
                (Turn::Message(_), Some(u)) if u.parent_id.is_none() => Some(u.content.clone()),
                _ => None,
            },
        };
        self.start(job);
        Ok(sent)
    }

    fn start(self: &Arc<Self>, job: Job) {
        let live = Arc::new(Live::new(job.reply.clone(), job.actor.user_id));
        self.lives().insert(job.thread_id, live.clone());
        let hub = self.clone();
        tokio::spawn(async move { hub.generate(job, live).await });
    }

    async fn generate(self: Arc<Self>, job: Job, live: Arc<Live>) {
        let end = self.run_turn(&job, &live).await;
        let mut title_due = false;
        if let Some((reply_id, outcome)) = end {
            let status = outcome.status();
            let final_item = self.end_reply(&job, &live, reply_id, &outcome).await;
            live.finish(Some(final_item));
            title_due = status == ItemStatus::Done;
        } else {
            live.finish(None);
        }
        if title_due {
            if let Some(first) = &job.first_message {
                self.title(&job, first).await;
            }
        }
        live.close();
        tokio::time::sleep(GRACE).await;
        let mut lives = self.lives();
        if lives.get(&job.thread_id).is_some_and(|l| Arc::ptr_eq(l, &live)) {
            lives.remove(&job.thread_id);
        }
    }

    /// Stores a reply's end (text, status, usage) and records its usage.
    async fn end_reply(&self, job: &Job, live: &Live, reply_id: i64, outcome: &Outcome) -> ChatItem {
        let status = outcome.status();
        let usage = outcome.usage.unwrap_or(Usage {
            // Without a count from the provider (stopped, failed), count what was streamed.
            prompt_tokens: 0,
            completion_tokens: outcome.chunks,
        });
        let finish = Finish {
            item_id: reply_id,
            status,
            content: &outcome.text,
            error: outcome.error.as_deref(),
            prompt_tokens: Some(usage.prompt_tokens as i32),
            completion_tokens: Some(usage.completion_tokens as i32),
        };
        let item = match self.finish_with_retry(&finish).await {
            Some(item) => item,
            None => {
                let mut item = live.subscribe().snapshot;
                item.status = status;
                item.content = outcome.text.clone();
                item.error = Some("The reply could not be saved.".into());
                item
            }
        };
        let record = UsageRecord {
            venue_id: job.actor.venue_id,
            user_id: job.actor.user_id,
            thread_id: Some(job.thread_id),
            item_id: Some(reply_id),
            purpose: "reply",
            model: &job.model.info.id,
            prompt_tokens: usage.prompt_tokens as i32,
            completion_tokens: usage.completion_tokens as i32,
        };
        if let Err(e) = store::record_usage(&self.pool, &record).await {
            tracing::error!(error = %e, "usage not recorded");
        }
        item
    }

    async fn finish_with_retry(&self, finish: &Finish<'_>) -> Option<ChatItem> {
        for attempt in 0..3u64 {
            match store::finish(&self.pool, finish).await {
                Ok(item) => return Some(item),
                Err(e) => {
                    tracing::error!(error = %e, attempt, item = finish.item_id, "saving a reply failed");
                    tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await;
                }
            }
        }
        None
    }

    /// The system prompt: who is talking, the agent's instructions and its scope's context.
    async fn system(&self, job: &Job) -> String {
        let window = job.model.info.context_window as usize;
        // A quarter of the window for the context, at least enough for an event's basics.
        let budget = (window / 4).clamp(300, 6000);
        let context = match crate::agent::context::build(&self.pool, &job.actor, job.agent, job.event_id, budget).await
        {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "agent context not built");
                String::new()
            }
        };
        format!("{}\n\n{}\n\n{}", system_prompt(&job.actor), crate::agent::instructions(job.agent), context.trim_end())
    }

    /// The turn loop: stream the model; when it calls tools, run them (approvals pause the turn),
    /// feed the results back and stream again, until it answers or [`MAX_STEPS`] is reached.
    /// Returns the last reply and how it ended, or `None` when the turn ended on tool calls
    /// (waiting for an approval, or stopped while a tool ran).
    async fn run_turn(&self, job: &Job, live: &Live) -> Option<(i64, Outcome)> {
        let history = match store::history(&self.pool, job.reply.id, HISTORY).await {
            Ok(h) => h,
            Err(e) => {
                tracing::error!(error = %e, "history not loaded");
                let out = Outcome {
                    error: Some("The conversation could not be loaded. Please retry.".into()),
                    ..Outcome::default()
                };
                live.event(ChatEvent::Error { message: out.error.clone().unwrap_or_default() });
                return Some((job.reply.id, out));
            }
        };
        let tools =
            if job.model.info.supports_tools { crate::agent::tools_for(job.agent, job.actor.role) } else { Vec::new() };
        let clip = if job.model.info.local { 1500 } else { 12_000 };
        let mut messages = vec![Message::new(Role::System, self.system(job).await)];
        messages.extend(to_messages(&history, clip));
        let mut reply = job.reply.clone();
        for step in 1..=MAX_STEPS {
            let request = ChatRequest {
                model: job.model.model.clone(),
                messages: messages.clone(),
                tools: tools.iter().map(|t| t.spec()).collect(),
                max_tokens: if job.model.info.provider == "embedded" { 512 } else { 2048 },
                temperature: None,
                user_key: job.actor.user_id.to_string(),
                cache_key: Some(format!("thread-{}", job.thread_id)),
                response_schema: None,
            };
            let mut out = self.stream_step(job, live, reply.id, request).await;
            if out.stopped || out.error.is_some() || out.calls.is_empty() {
                if out.error.is_none() && !out.stopped && out.text.trim().is_empty() {
                    out.error = Some("The model ended without answering. Try again or pick another model.".into());
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
            let done = self.end_reply(job, live, reply.id, &out).await;
            live.item_done(done);
            let mut assistant = Message::new(Role::Assistant, out.text.clone());
            assistant.tool_calls = calls.clone();
            messages.push(assistant);
            let said = messages.iter().rev().find(|m| m.role == Role::User).map(|m| m.content.clone());
            let step_result = self.run_tools(job, live, &tools, reply.id, &calls, said.as_deref()).await;
            for (call, result) in calls.iter().zip(&step_result.results) {
                let mut m = Message::new(Role::Tool, clip_text(&result.to_string(), clip));
                m.tool_call_id = Some(call.id.clone());
                messages.push(m);
            }
            if step_result.paused || step_result.stopped {
                return None;
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

    /// Streams one model call into reply `reply_id`; collects the tool calls it makes.
    async fn stream_step(&self, job: &Job, live: &Live, reply_id: i64, request: ChatRequest) -> Outcome {
        let mut out = Outcome::default();
        let mut rx = job.model.provider.stream(request);
        let mut tick = tokio::time::interval(self.flush_every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut dirty = false;
        loop {
            tokio::select! {
                biased;
                _ = live.stop.notified() => {
                    out.stopped = true;
                    break;
                }
                event = rx.recv() => match event {
                    None => break,
                    Some(Ok(StreamEvent::Text(t))) => {
                        live.delta(&t);
                        out.text.push_str(&t);
                        out.chunks += 1;
                        dirty = true;
                    }
                    Some(Ok(StreamEvent::Usage(u))) => out.usage = Some(u),
                    Some(Ok(StreamEvent::ToolCall(call))) => out.calls.push(call),
                    Some(Ok(StreamEvent::Finished(_))) => break,
                    Some(Err(e)) => {
                        out.error = Some(e.to_string());
                        break;
                    }
                },
                _ = tick.tick(), if dirty => {
                    if let Err(e) = store::flush(&self.pool, reply_id, &out.text).await {
                        tracing::warn!(error = %e, "flushing a reply failed (retried at the next tick)");
                    } else {
                        dirty = false;
                    }
                }
            }
        }
        drop(rx); // cancels the provider if it is still going
        out
    }

    /// Runs one step's tool calls: each becomes an item (in the order the model asked), calls that
    /// need approval wait for it, the others run at the same time. Returns what the model is told
    /// for each call, in order.
    async fn run_tools(
        &self,
        job: &Job,
        live: &Live,
        offered: &[&'static ToolEntry],
        parent: i64,
        calls: &[ToolCall],
        said: Option<&str>,
    ) -> StepResult {
        let cx = ToolCx { pool: &self.pool, actor: &job.actor, event_id: job.event_id, model: Some(&job.model), said };
        let mut last = parent;
        let mut items: Vec<Option<ChatItem>> = Vec::with_capacity(calls.len());
        // Each call's tool (only one this turn offered) and its checked arguments.
        let mut parsed: Vec<Result<(&'static ToolEntry, Value), ToolError>> = Vec::with_capacity(calls.len());
        for call in calls {
            let tool = offered.iter().copied().find(|t| t.name == call.name);
            let args = parse_arguments(&call.arguments);
            let data = ToolCallData {
                call_id: call.id.clone(),
                tool: call.name.clone(),
                label: tool.map(|t| t.label.to_string()).unwrap_or_else(|| call.name.clone()),
                arguments: args.as_ref().cloned().unwrap_or_else(|_| Value::String(clip_text(&call.arguments, 2000))),
                result: None,
                approval: None,
            };
            let checked = match (tool, args) {
                (None, _) => Err(ToolError::UnknownTool(call.name.clone())),
                (Some(_), Err(e)) => Err(e),
                (Some(t), Ok(a)) => t.check(&a).map(|_| (t, a)),
            };
            let new = store::NewItem {
                thread_id: job.thread_id,
                parent_id: last,
                kind: ItemKind::ToolCall,
                status: ItemStatus::Running,
                content: "",
                data: Some(&serde_json::to_value(&data).unwrap_or_default()),
                model: None,
            };
            match store::add_item(&self.pool, &new).await {
                Ok(item) => {
                    last = item.id;
                    live.event(ChatEvent::ItemAdded { item: item.clone() });
                    items.push(Some(item));
                }
                Err(e) => {
                    tracing::error!(error = %e, "tool call not stored");
                    items.push(None);
                }
            }
            parsed.push(checked);
        }

        // Calls that need approval are previewed and wait; the others run together.
        let mut results: Vec<Option<Value>> = vec![None; calls.len()];
        let mut paused = false;
        let mut runs = Vec::new();
        for (i, checked) in parsed.into_iter().enumerate() {
            let Some(item) = items[i].clone() else {
                results[i] = Some(json!({"error": "The call could not be recorded, so it did not run."}));
                continue;
            };
            let (tool, args) = match checked {
                Ok(found) => found,
                Err(e) => {
                    results[i] = Some(self.tool_failed(Some(live), &item, &e.to_string()).await);
                    continue;
                }
            };
            match tool.approval {
                Some(approver) => match self.propose(job, live, &cx, tool, &item, &args, approver).await {
                    Ok(pending) => {
                        paused = true;
                        results[i] = Some(pending);
                    }
                    Err(e) => results[i] = Some(self.tool_failed(Some(live), &item, &e.to_string()).await),
                },
                None => runs.push((i, item, tool, args)),
            }
        }
        let cx = &cx;
        let running = futures_util::future::join_all(runs.iter().map(|(i, item, tool, args)| async move {
            let started = std::time::Instant::now();
            let res = tool.run(cx, args).await;
            tracing::info!(tool = tool.name, ms = started.elapsed().as_millis() as u64, ok = res.is_ok(), "tool ran");
            (*i, item, res)
        }));
        let finished = tokio::select! {
            biased;
            _ = live.stop.notified() => None,
            done = running => Some(done),
        };
        let stopped = finished.is_none();
        match finished {
            Some(done) => {
                for (i, item, res) in done {
                    results[i] = Some(self.tool_finished(Some(live), item, res).await);
                }
            }
            None => {
                for (i, item, _, _) in &runs {
                    results[*i] = Some(self.tool_failed(Some(live), item, "Stopped before it finished.").await);
                }
            }
        }
        StepResult {
            results: results.into_iter().map(|r| r.unwrap_or_else(|| json!({"error": "did not run"}))).collect(),
            last_item: last,
            paused,
            stopped,
        }
    }

    /// Stores a tool's outcome on its item and tells the watchers; returns what the model sees.
    async fn tool_finished(
        &self,
        live: Option<&Live>,
        item: &ChatItem,
        res: Result<(Value, String), ToolError>,
    ) -> Value {
        match res {
            Ok((value, summary)) => {
                let mut data = item.tool().map(|d| serde_json::to_value(d).unwrap_or_default()).unwrap_or_default();
                data["result"] = value.clone();
                match store::update_tool_item(&self.pool, item.id, ItemStatus::Done, &summary, None, &data).await {
                    Ok(i) => {
                        if let Some(live) = live {
                            live.item_done(i);
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "tool result not stored"),
                }
                value
            }
            Err(e) => self.tool_failed(live, item, &e.to_string()).await,
        }
    }

    async fn tool_failed(&self, live: Option<&Live>, item: &ChatItem, message: &str) -> Value {
        let result = json!({"error": message});
        let mut data = item.data.clone().unwrap_or_else(|| json!({}));
        data["result"] = result.clone();
        match store::update_tool_item(&self.pool, item.id, ItemStatus::Failed, "", Some(message), &data).await {
            Ok(i) => {
                if let Some(live) = live {
                    live.item_done(i);
                }
            }
            Err(e) => tracing::error!(error = %e, "tool failure not stored"),
        }
        result
    }

    /// Records an action that needs approval: previews it (as the requester, so it cannot reach
    /// what they cannot), stores the approval and marks the item as waiting.
    #[allow(clippy::too_many_arguments)]
    async fn propose(
        &self,
        job: &Job,
        live: &Live,
        cx: &ToolCx<'_>,
        tool: &'static ToolEntry,
        item: &ChatItem,
        args: &Value,
        approver: Approver,
    ) -> Result<Value, ToolError> {
        let preview = tool.preview(cx, args).await?;
        let mut tx = self.pool.begin().await.map_err(|e| ToolError::Internal(e.to_string()))?;
        let new = approvals::NewApproval {
            thread_id: job.thread_id,
            item_id: item.id,
            event_id: job.event_id,
            tool: tool.name,
            arguments: args,
            preview: &preview,
            approver,
        };
        let id = approvals::create(&mut tx, &job.actor, &new).await?;
        let mut data = item.tool().ok_or_else(|| ToolError::Internal("tool item without data".into()))?;
        data.approval = Some(ApprovalInfo {
            id,
            approver,
            status: ApprovalStatus::Pending,
            preview: preview.clone(),
            decided_by: None,
            note: String::new(),
        });
        let waiting = match approver {
            Approver::Requester => "Waiting for the person to approve this action in the chat.",
            Approver::Venue => "Sent to the venue's staff for approval; they will decide soon.",
        };
        data.result = Some(json!({"status": "waiting for approval", "note": waiting}));
        let data = serde_json::to_value(&data).unwrap_or_default();
        let updated =
            store::update_tool_item(&mut *tx, item.id, ItemStatus::AwaitingApproval, &preview.summary, None, &data)
                .await?;
        tx.commit().await.map_err(|e| ToolError::Internal(e.to_string()))?;
        // Not final: it waits for a person.
        live.event(ChatEvent::ItemUpdated { item: updated });
        Ok(json!({"status": "waiting for approval", "note": waiting}))
    }

    /// A person approves or rejects an action. On approval it runs (as the requester, or for the
    /// venue's queue as the staff member deciding); either way the item is updated and, once no
    /// call of its step waits any more, the agent continues in its thread.
    pub async fn decide(
        self: &Arc<Self>,
        actor: &Actor,
        approval_id: i64,
        approve: bool,
        note: &str,
    ) -> Result<ChatItem, ChatError> {
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        let pending = approvals::lock_for_decision(&mut tx, actor, approval_id).await?;
        let requester = crate::store::users::actor_for_member(&self.pool, pending.requested_by, pending.venue_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let item = store::item(&mut tx, pending.item_id).await?;
        let mut data = item.tool().ok_or(StoreError::NotFound)?;
        let decided_by =
            (pending.approver == Approver::Venue || actor.user_id != requester.user_id).then(|| actor.name.clone());
        let note = note.trim().chars().take(1000).collect::<String>();
        let status = if approve { ApprovalStatus::Approved } else { ApprovalStatus::Rejected };
        approvals::set_status(&mut tx, pending.id, status, actor.user_id, &note).await?;
        if let Some(a) = data.approval.as_mut() {
            a.status = status;
            a.decided_by = decided_by.clone();
            a.note = note.clone();
        }
        let item = if approve {
            data.result = None;
            let value = serde_json::to_value(&data).unwrap_or_default();
            let text = item.content.clone();
            store::update_tool_item(&mut *tx, item.id, ItemStatus::Running, &text, None, &value).await?
        } else {
            let who = decided_by.clone().unwrap_or_else(|| "the person".into());
            let reason = if note.is_empty() { String::new() } else { format!(": {note}") };
            data.result = Some(json!({"error": format!("Rejected by {who}{reason}. Do not retry unless asked.")}));
            let value = serde_json::to_value(&data).unwrap_or_default();
            let text = item.content.clone();
            store::update_tool_item(&mut *tx, item.id, ItemStatus::Rejected, &text, None, &value).await?
        };
        tx.commit().await.map_err(StoreError::from)?;

        let item = if approve {
            let runner = if pending.approver == Approver::Venue { actor } else { &requester };
            let cx = ToolCx { pool: &self.pool, actor: runner, event_id: pending.event_id, model: None, said: None };
            let res = match crate::agent::tool(&pending.tool) {
                Some(t) => t.run(&cx, &pending.arguments).await,
                None => Err(ToolError::UnknownTool(pending.tool.clone())),
            };
            let failed = res.as_ref().err().map(ToString::to_string);
            self.tool_finished(None, &item, res).await;
            if let Some(msg) = failed {
                let _ = approvals::mark_failed(&self.pool, pending.id, &msg).await;
            }
            let mut conn = self.pool.acquire().await.map_err(StoreError::from)?;
            store::item(&mut conn, item.id).await?
        } else {
            item
        };
        self.continue_after_tools(&requester, pending.thread_id).await;
        Ok(item)
    }

    /// Continues a turn that waited on approvals, once none of its last step's calls waits.
    async fn continue_after_tools(self: &Arc<Self>, owner: &Actor, thread_id: i64) {
        let store::Scope { agent_kind: agent, event_id, model, leaf_item_id: leaf, .. } =
            match store::scope(&self.pool, thread_id).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "thread scope not loaded");
                    return;
                }
            };
        let Some(leaf) = leaf else { return };
        match store::step_waiting(&self.pool, leaf).await {
            Ok(Some(false)) => {}
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "step state not loaded");
                return;
            }
        }
        let resolved = match self.catalog(owner.venue_id).await {
            Ok(c) => c.resolve_or_default(Some(&model)),
            Err(_) => None,
        };
        let Some(resolved) = resolved else { return };
        let reply = match store::begin_continuation(&self.pool, owner, thread_id, leaf, &resolved.info.id).await {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "continuation not started");
                return;
            }
        };
        self.start(Job {
            actor: owner.clone(),
            thread_id,
            agent,
            event_id,
            reply,
            model: resolved,
            first_message: None,
        });
    }

    /// Names the thread after its first exchange: the model's title, else the first words.
    async fn title(&self, job: &Job, first: &str) {
        match store::needs_title(&self.pool, job.thread_id).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                tracing::warn!(error = %e, "title check failed");
                return;
            }
        }
        let fallback = fallback_title(first);
        let _ = store::set_generated_title(&self.pool, job.thread_id, &fallback, "fallback").await;
        let clip = |s: &str, n: usize| s.chars().take(n).collect::<String>();
        let request = ChatRequest {
            model: job.model.model.clone(),
            // Small models follow an instruction in the user turn better than in the system one,
            // and continue the conversation if shown the reply: show them only the question.
            messages: vec![
                Message::new(Role::System, TITLE_SYSTEM),
                Message::new(
                    Role::User,
                    format!(
                        "Write a title of at most six words for a conversation that starts with the message below. \
                         Answer with the title only.\n\nMessage: {}",
                        clip(first, 600)
                    ),
                ),
            ],
            tools: Vec::new(),
            max_tokens: 16,
            temperature: Some(0.0),
            user_key: job.actor.user_id.to_string(),
            cache_key: None,
            response_schema: None,
        };
        let mut rx = job.model.provider.stream(request);
        let collect = async {
            let (mut text, mut usage) = (String::new(), None);
            while let Some(ev) = rx.recv().await {
                match ev {
                    Ok(StreamEvent::Text(t)) => text.push_str(&t),
                    Ok(StreamEvent::Usage(u)) => usage = Some(u),
                    Ok(StreamEvent::Finished(_)) => break,
                    Ok(_) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok((text, usage))
        };
        match tokio::time::timeout(Duration::from_secs(20), collect).await {
            Ok(Ok((text, usage))) => {
                if let Some(u) = usage {
                    let record = UsageRecord {
                        venue_id: job.actor.venue_id,
                        user_id: job.actor.user_id,
                        thread_id: Some(job.thread_id),
                        item_id: None,
                        purpose: "title",
                        model: &job.model.info.id,
                        prompt_tokens: u.prompt_tokens as i32,
                        completion_tokens: u.completion_tokens as i32,
                    };
                    let _ = store::record_usage(&self.pool, &record).await;
                }
                if let Some(title) = crate::domain::chat::clean_model_title(&text) {
                    let _ = store::set_generated_title(&self.pool, job.thread_id, &title, "model").await;
                }
            }
            Ok(Err(e)) => tracing::info!(error = %e, "title not generated, keeping the fallback"),
            Err(_) => tracing::info!("title generation timed out, keeping the fallback"),
        }
    }
}

struct Job {
    actor: Actor,
    thread_id: i64,
    agent: AgentKind,
    /// The event the thread is about (client and event agents).
    event_id: Option<i64>,
    reply: ChatItem,
    model: ResolvedModel,
    /// The thread's first message, when this turn is the first exchange.
    first_message: Option<String>,
}

#[derive(Default)]
struct Outcome {
    text: String,
    chunks: u32,
    usage: Option<Usage>,
    stopped: bool,
    error: Option<String>,
    calls: Vec<ToolCall>,
}

impl Outcome {
    fn status(&self) -> ItemStatus {
        match &self.error {
            Some(_) => ItemStatus::Failed,
            None if self.stopped => ItemStatus::Stopped,
            None => ItemStatus::Done,
        }
    }
}

struct StepResult {
    /// What the model is told for each call, in order.
    results: Vec<Value>,
    /// The last item of the step (the next reply hangs under it).
    last_item: i64,
    /// A call waits for approval: the turn ends here.
    paused: bool,
    /// The person stopped the turn while tools ran.
    stopped: bool,
}

/// A model's arguments as JSON (an empty string means no arguments).
fn parse_arguments(raw: &str) -> Result<Value, ToolError> {
    if raw.trim().is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_str(raw).map_err(|e| ToolError::Arguments(format!("not valid JSON ({e})")))
}

fn clip_text(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… (cut)", &s[..end])
}

/// The stored conversation as model messages: each tool call joins the assistant message that
/// made it, and its result follows as a tool message.
fn to_messages(history: &[store::HistoryItem], clip: usize) -> Vec<Message> {
    let mut out: Vec<Message> = Vec::new();
    for h in history {
        match h.kind {
            ItemKind::User if !h.content.trim().is_empty() => out.push(Message::new(Role::User, h.content.clone())),
            ItemKind::Assistant => out.push(Message::new(Role::Assistant, h.content.clone())),
            ItemKind::ToolCall => {
                let Some(data) = h.data.clone().and_then(|d| serde_json::from_value::<ToolCallData>(d).ok()) else {
                    continue;
                };
                let call = ToolCall {
                    id: data.call_id.clone(),
                    name: data.tool.clone(),
                    arguments: match &data.arguments {
                        Value::String(raw) => raw.clone(),
                        v => v.to_string(),
                    },
                };
                match out.iter_mut().rev().find(|m| m.role != Role::Tool) {
                    Some(m) if m.role == Role::Assistant => m.tool_calls.push(call),
                    _ => {
                        let mut m = Message::new(Role::Assistant, "");
                        m.tool_calls.push(call);
                        out.push(m);
                    }
                }
                let result = match (&data.result, h.status) {
                    (Some(r), _) => r.clone(),
                    (None, ItemStatus::Failed) => json!({"error": h.error.clone().unwrap_or_default()}),
                    (None, _) => json!({"error": "The call did not finish."}),
                };
                let mut m = Message::new(Role::Tool, clip_text(&result.to_string(), clip));
                m.tool_call_id = Some(data.call_id);
                out.push(m);
            }
            _ => {}
        }
    }
    // An empty reply that called no tool says nothing.
    out.retain(|m| !(m.role == Role::Assistant && m.content.trim().is_empty() && m.tool_calls.is_empty()));
    out
}

fn system_prompt(actor: &Actor) -> String {
    let today = chrono::Utc::now().format("%A %-d %B %Y");
    format!(
        "You are Concierge, the assistant of {venue}, an event venue. You are talking with {name} ({role}). \
         Answer helpfully and briefly, in Markdown. Today is {today}.",
        venue = actor.venue_name,
        name = actor.name,
        role = actor.role.label().to_lowercase(),
    )
}
