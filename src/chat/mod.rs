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

use crate::domain::chat::{fallback_title, AgentKind, ChatEvent, ChatItem, ItemKind, ItemStatus, Sent};
use crate::llm::{Catalog, ChatRequest, Llm, Message, ResolvedModel, Role, StreamEvent, Usage};
use crate::store::chat::{self as store, Finish, Turn, UsageRecord};
use crate::store::{Actor, StoreError};
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

/// A reply being written right now (or finished in the last [`GRACE`]: a watcher arriving just
/// after the end is then served from memory too).
pub struct Live {
    pub item_id: i64,
    /// The thread's owner: the only person who may watch it.
    pub owner: i64,
    state: Mutex<LiveState>,
    events: broadcast::Sender<ChatEvent>,
    stop: Notify,
}

struct LiveState {
    item: ChatItem,
    finished: bool,
    /// `done` was sent: nothing more will come.
    closed: bool,
}

/// What a new watcher of a live reply gets.
pub struct Subscription {
    /// The reply so far (its final form when `finished`).
    pub snapshot: ChatItem,
    pub finished: bool,
    /// The stream is over (`done` already sent): do not wait for more.
    pub closed: bool,
    pub events: broadcast::Receiver<ChatEvent>,
}

impl Live {
    fn new(item: ChatItem, owner: i64) -> Self {
        let (events, _) = broadcast::channel(BROADCAST);
        Self {
            item_id: item.id,
            owner,
            state: Mutex::new(LiveState { item, finished: false, closed: false }),
            events,
            stop: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LiveState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the reply is still being written.
    pub fn writing(&self) -> bool {
        !self.lock().finished
    }

    pub fn subscribe(&self) -> Subscription {
        let s = self.lock();
        Subscription {
            snapshot: s.item.clone(),
            finished: s.finished,
            closed: s.closed,
            events: self.events.subscribe(),
        }
    }

    fn delta(&self, text: &str) {
        let mut s = self.lock();
        s.item.content.push_str(text);
        let _ = self.events.send(ChatEvent::ItemDelta { item_id: self.item_id, delta: text.to_string() });
    }

    fn event(&self, event: ChatEvent) {
        let _s = self.lock();
        let _ = self.events.send(event);
    }

    fn close(&self) {
        let mut s = self.lock();
        s.closed = true;
        let _ = self.events.send(ChatEvent::Done);
    }

    fn finish(&self, item: ChatItem) {
        let mut s = self.lock();
        s.item = item.clone();
        s.finished = true;
        let _ = self.events.send(ChatEvent::ItemDone { item });
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
        let live = Arc::new(Live::new(sent.reply.clone(), actor.user_id));
        self.lives().insert(thread_id, live.clone());
        let hub = self.clone();
        let job = Job {
            actor: actor.clone(),
            thread_id,
            agent: thread.agent_kind,
            reply: sent.reply.clone(),
            model: resolved,
            first_message: match (&turn, sent.user_item.as_ref()) {
                (Turn::Message(_), Some(u)) if u.parent_id.is_none() => Some(u.content.clone()),
                _ => None,
            },
        };
        tokio::spawn(async move { hub.generate(job, live).await });
        Ok(sent)
    }

    async fn generate(self: Arc<Self>, job: Job, live: Arc<Live>) {
        let reply_id = job.reply.id;
        let outcome = self.run_model(&job, &live).await;
        let (status, error) = match &outcome.error {
            Some(e) => (ItemStatus::Failed, Some(e.as_str())),
            None if outcome.stopped => (ItemStatus::Stopped, None),
            None => (ItemStatus::Done, None),
        };
        let usage = outcome.usage.unwrap_or(Usage {
            // Without a count from the provider (stopped, failed), count what was streamed.
            prompt_tokens: 0,
            completion_tokens: outcome.chunks,
        });
        let finish = Finish {
            item_id: reply_id,
            status,
            content: &outcome.text,
            error,
            prompt_tokens: Some(usage.prompt_tokens as i32),
            completion_tokens: Some(usage.completion_tokens as i32),
        };
        let final_item = match self.finish_with_retry(&finish).await {
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
        live.finish(final_item);
        if status == ItemStatus::Done {
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

    async fn run_model(&self, job: &Job, live: &Live) -> Outcome {
        let mut out = Outcome::default();
        let history = match store::history(&self.pool, job.reply.id, HISTORY).await {
            Ok(h) => h,
            Err(e) => {
                tracing::error!(error = %e, "history not loaded");
                out.error = Some("The conversation could not be loaded. Please retry.".into());
                return out;
            }
        };
        let mut messages = vec![Message::new(Role::System, system_prompt(&job.actor, job.agent))];
        for (kind, content) in history {
            match kind {
                ItemKind::User => messages.push(Message::new(Role::User, content)),
                ItemKind::Assistant => messages.push(Message::new(Role::Assistant, content)),
                _ => {}
            }
        }
        let request = ChatRequest {
            model: job.model.model.clone(),
            messages,
            tools: Vec::new(),
            max_tokens: if job.model.info.provider == "embedded" { 512 } else { 2048 },
            temperature: None,
            user_key: job.actor.user_id.to_string(),
            cache_key: Some(format!("thread-{}", job.thread_id)),
        };
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
                    Some(Ok(StreamEvent::ToolCall(call))) => {
                        // No tools are offered yet, so a call is the model's invention: ignore it.
                        tracing::warn!(tool = %call.name, "model called a tool that was not offered");
                    }
                    Some(Ok(StreamEvent::Finished(_))) => break,
                    Some(Err(e)) => {
                        out.error = Some(e.to_string());
                        break;
                    }
                },
                _ = tick.tick(), if dirty => {
                    if let Err(e) = store::flush(&self.pool, job.reply.id, &out.text).await {
                        tracing::warn!(error = %e, "flushing a reply failed (retried at the next tick)");
                    } else {
                        dirty = false;
                    }
                }
            }
        }
        drop(rx); // cancels the provider if it is still going
        if out.error.is_none() && !out.stopped && out.text.trim().is_empty() {
            out.error = Some("The model ended without answering. Try again or pick another model.".into());
        }
        if let Some(e) = &out.error {
            live.event(ChatEvent::Error { message: e.clone() });
        }
        out
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
}

fn system_prompt(actor: &Actor, agent: AgentKind) -> String {
    let today = chrono::Utc::now().format("%A %-d %B %Y");
    let _ = agent;
    format!(
        "You are Concierge, the assistant of {venue}, an event venue. You are talking with {name} ({role}). \
         Answer helpfully and briefly, in Markdown. Today is {today}.",
        venue = actor.venue_name,
        name = actor.name,
        role = actor.role.label().to_lowercase(),
    )
}
