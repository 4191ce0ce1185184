//! Turns asked for from outside the pages (the OpenAI-compatible API): the same door as the
//! chat's (a stored thread of the member's, the agent's tools under their scope, actions waiting
//! for a person), and a follower that turns the thread's events into the text a client reads.
//!
//! A request may continue one of the member's threads (with the same agent and scope), or bring
//! its conversation with it: a new thread then starts with that conversation as its history, so
//! the turn, its tool calls and any action it proposes are in the member's chat list like any
//! other, and a person approves the action there.

use super::{ChatError, Hub, Replay, Turn};
use crate::domain::chat::{AgentKind, ChatEvent, ChatItem, ItemKind, ItemStatus, Sent};
use crate::llm::Usage;
use crate::store::chat as store;
use crate::store::{Actor, StoreError};
use std::collections::HashMap;
use std::sync::Arc;

/// A turn asked for through the API.
#[derive(Clone, Debug)]
pub struct ExternalTurn {
    pub agent: AgentKind,
    pub event_id: Option<i64>,
    /// Continue this thread of the member's; else a new one.
    pub thread_id: Option<i64>,
    /// For a new thread: the conversation before the message, oldest first (`true`: the
    /// person's).
    pub history: Vec<(bool, String)>,
    /// The person's message.
    pub text: String,
    /// Offer only the tools that read.
    pub read_only: bool,
    /// The API key it came through (a new thread is marked with it).
    pub key_id: Option<i64>,
}

impl Hub {
    /// Stores the turn in the member's thread (continued, or new with the request's history) and
    /// starts its reply; returns what was stored and the thread's events from the message on.
    pub async fn external_turn(
        self: &Arc<Self>,
        actor: &Actor,
        turn: ExternalTurn,
    ) -> Result<(Sent, Replay), ChatError> {
        let (thread, model, new) = match turn.thread_id {
            Some(id) => {
                let thread = store::thread(&self.pool, actor, id).await?;
                if thread.agent_kind != turn.agent || thread.event_id != turn.event_id {
                    return Err(StoreError::Conflict(format!(
                        "Chat {id} is with another agent or event than the model asks for."
                    ))
                    .into());
                }
                let model = self.resolve_model(actor.venue_id, None, Some(&thread.model)).await?;
                (thread, model, false)
            }
            None => {
                let model = self.resolve_model(actor.venue_id, None, None).await?;
                let thread = store::create_thread(&self.pool, actor, &model.info.id, turn.agent, turn.event_id).await?;
                (thread, model, true)
            }
        };
        let started = async {
            if new {
                if let Some(key) = turn.key_id {
                    store::mark_key(&self.pool, actor, thread.id, key).await?;
                }
                store::seed_history(&self.pool, actor, thread.id, &turn.history).await?;
            }
            self.begin(actor, &thread, Turn::Message(turn.text.clone()), model, &[], turn.read_only).await
        }
        .await;
        let sent = match started {
            Ok(sent) => sent,
            Err(e) => {
                if new {
                    if let Err(e) = store::delete_thread(&self.pool, actor, thread.id).await {
                        tracing::warn!(error = %e, "a thread whose first message was refused was not deleted");
                    }
                }
                return Err(e);
            }
        };
        let after = sent.user_item.as_ref().map(|u| u.id).unwrap_or(0);
        let replay = self.replay(actor, thread.id, after).await?;
        Ok((sent, replay))
    }
}

/// An automation's run is a turn in a thread of its own, as the person who set it up: started
/// like any chat's first message, followed like an API turn.
impl crate::studio::automations::Agents for Arc<Hub> {
    fn start(
        &self,
        actor: Actor,
        agent: AgentKind,
        event_id: Option<i64>,
        text: String,
    ) -> futures_util::future::BoxFuture<'_, Result<(i64, i64), String>> {
        Box::pin(async move {
            let sent = self.start_thread(&actor, agent, event_id, text, None, &[]).await.map_err(|e| e.to_string())?;
            Ok((sent.thread_id, sent.user_item.map(|u| u.id).unwrap_or(0)))
        })
    }

    fn follow(
        &self,
        actor: Actor,
        thread_id: i64,
        after: i64,
    ) -> futures_util::future::BoxFuture<'_, Result<crate::studio::automations::Followed, String>> {
        Box::pin(async move {
            let replay = self.replay(&actor, thread_id, after).await.map_err(|e| e.to_string())?;
            let mut events = replay.events();
            let mut follower = TurnFollower::default();
            let mut text = String::new();
            while let Some(event) = events.recv().await {
                let done = event == ChatEvent::Done;
                text.push_str(&follower.feed(&event));
                if done {
                    break;
                }
            }
            let error = follower.error.clone().or_else(|| follower.stopped.then(|| "The reply was stopped.".into()));
            Ok(crate::studio::automations::Followed {
                text,
                awaiting: follower.awaiting.iter().map(|a| a.summary.clone()).collect(),
                error,
            })
        })
    }
}

/// A plain completion asked of one of the venue's models through the API: no agent, no tools, no
/// thread (the request's messages are the whole conversation).
#[derive(Clone, Debug)]
pub struct RawCompletion {
    /// The catalog's id (`embedded/…`, `openai/…`).
    pub model: String,
    pub messages: Vec<crate::llm::Message>,
    pub max_tokens: u32,
    pub temperature: Option<f32>,
}

/// A piece of an answer as it streams (a raw completion's, or an agent turn's as the API passes it on).
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Text(String),
    /// The end: the tokens used (recorded as the member's, purpose `api`), and the error that
    /// ended it early, if one did.
    End {
        usage: Usage,
        error: Option<String>,
    },
}

/// The longest raw completion kept, whatever the provider sends (as a chat reply's).
const RAW_MAX_BYTES: usize = super::MAX_REPLY_BYTES;

impl Hub {
    /// Starts a raw completion by a model the actor's venue can use; its pieces arrive on the
    /// returned channel, the last one [`Piece::End`]. `UnknownModel` for a model the venue
    /// cannot use.
    pub async fn raw_completion(
        &self,
        actor: &Actor,
        request: RawCompletion,
    ) -> Result<tokio::sync::mpsc::Receiver<Piece>, ChatError> {
        use crate::llm::{ChatRequest, StreamEvent, ToolChoice};
        let model = self.resolve_model(actor.venue_id, Some(&request.model), None).await?;
        let chat = ChatRequest {
            model: model.model.clone(),
            messages: request.messages,
            tools: Vec::new(),
            tool_choice: ToolChoice::Auto,
            max_tokens: request.max_tokens,
            temperature: request.temperature,
            user_key: actor.user_id.to_string(),
            cache_key: None,
            response_schema: None,
        };
        let prompt_estimate = chat.messages.iter().map(|m| m.content.len() / 4).sum::<usize>() as u32;
        let mut rx = model.provider.stream(chat);
        let (tx, out) = tokio::sync::mpsc::channel(64);
        let (pool, actor, model_id) = (self.pool.clone(), actor.clone(), model.info.id.clone());
        tokio::spawn(async move {
            let (mut usage, mut error, mut bytes, mut pieces) = (None::<Usage>, None::<String>, 0usize, 0u32);
            while let Some(event) = rx.recv().await {
                match event {
                    Ok(StreamEvent::Text(t)) => {
                        let kept = crate::domain::text::clip_bytes(&t, RAW_MAX_BYTES.saturating_sub(bytes)).to_string();
                        bytes += kept.len();
                        pieces += 1;
                        let cut = kept.len() < t.len();
                        // The client left: the model stops (dropping `rx`), the usage is still recorded.
                        if tx.send(Piece::Text(kept)).await.is_err() || cut {
                            if cut {
                                error = Some("The completion was cut off: it reached its length limit.".into());
                            }
                            break;
                        }
                    }
                    Ok(StreamEvent::Usage(u)) => usage = Some(u),
                    Ok(StreamEvent::Finished(_)) => break,
                    Ok(StreamEvent::ToolCall(_)) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, model = %model_id, "raw completion failed");
                        error = Some(e.without_details().to_string());
                        break;
                    }
                }
            }
            // Without the provider's count (stopped, failed), an estimate from what was sent.
            let usage = usage.unwrap_or(Usage { prompt_tokens: prompt_estimate, completion_tokens: pieces });
            let record = store::UsageRecord {
                venue_id: actor.venue_id,
                user_id: actor.user_id,
                thread_id: None,
                item_id: None,
                purpose: "api",
                model: &model_id,
                prompt_tokens: usage.prompt_tokens as i32,
                completion_tokens: usage.completion_tokens as i32,
            };
            if let Err(e) = super::record_usage(&pool, &record).await {
                tracing::error!(error = %e, "usage of a raw completion not recorded");
            }
            let _ = tx.send(Piece::End { usage, error }).await;
        });
        Ok(out)
    }
}

/// An action of the turn waiting for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Awaiting {
    pub approval_id: i64,
    /// What it does, for people ("Add Priya Shah to the guest list").
    pub summary: String,
    /// The venue's staff decide it (in their approval queue), not the person.
    pub by_venue: bool,
}

/// Follows a turn's events (a [`Replay`] from the person's message on): the reply text to pass
/// on as it comes, then what the turn came to.
#[derive(Debug, Default)]
pub struct TurnFollower {
    /// Bytes of each reply's text passed on so far.
    passed: HashMap<i64, usize>,
    /// Some text was passed on (the next reply starts after a blank line).
    any_text: bool,
    usage: HashMap<i64, Usage>,
    pub awaiting: Vec<Awaiting>,
    /// The turn failed (the message is for people).
    pub error: Option<String>,
    pub stopped: bool,
}

impl TurnFollower {
    /// The text `event` adds to the answer (often none).
    pub fn feed(&mut self, event: &ChatEvent) -> String {
        match event {
            ChatEvent::ItemAdded { item } | ChatEvent::ItemUpdated { item } => self.item(item, false),
            ChatEvent::ItemDone { item } => self.item(item, true),
            ChatEvent::ItemDelta { item_id, delta } => self.text(*item_id, delta),
            ChatEvent::Error { message } => {
                self.error.get_or_insert_with(|| message.clone());
                String::new()
            }
            ChatEvent::Done => String::new(),
        }
    }

    /// Prompt and completion tokens of the turn's replies.
    pub fn usage(&self) -> Usage {
        self.usage.values().fold(Usage::default(), |a, u| Usage {
            prompt_tokens: a.prompt_tokens + u.prompt_tokens,
            completion_tokens: a.completion_tokens + u.completion_tokens,
        })
    }

    fn item(&mut self, item: &ChatItem, done: bool) -> String {
        match item.kind {
            ItemKind::Assistant => {
                // A reply replayed from the store comes as "added" in its final state.
                if done || item.status != ItemStatus::Streaming {
                    let usage = Usage {
                        prompt_tokens: item.prompt_tokens.unwrap_or(0).max(0) as u32,
                        completion_tokens: item.completion_tokens.unwrap_or(0).max(0) as u32,
                    };
                    self.usage.insert(item.id, usage);
                    match item.status {
                        ItemStatus::Failed => {
                            self.error.get_or_insert_with(|| {
                                item.error.clone().unwrap_or_else(|| "The reply failed.".into())
                            });
                        }
                        ItemStatus::Stopped | ItemStatus::Interrupted => self.stopped = true,
                        _ => {}
                    }
                }
                // What the item holds beyond what was passed on (a snapshot, a catch-up, the end).
                let passed = self.passed.get(&item.id).copied().unwrap_or(0);
                match item.content.get(passed..) {
                    Some(rest) if !rest.is_empty() => {
                        let rest = rest.to_string();
                        self.text(item.id, &rest)
                    }
                    _ => String::new(),
                }
            }
            ItemKind::ToolCall => {
                let waiting = item.status == ItemStatus::AwaitingApproval;
                if let Some(approval) = item.tool().and_then(|t| t.approval).filter(|_| waiting) {
                    if !self.awaiting.iter().any(|a| a.approval_id == approval.id) {
                        self.awaiting.push(Awaiting {
                            approval_id: approval.id,
                            summary: approval.preview.summary.clone(),
                            by_venue: approval.approver == crate::domain::chat::Approver::Venue,
                        });
                    }
                }
                String::new()
            }
            ItemKind::Error => {
                if done || !item.content.is_empty() {
                    self.error.get_or_insert_with(|| item.content.clone());
                }
                String::new()
            }
            ItemKind::User | ItemKind::Approval => String::new(),
        }
    }

    fn text(&mut self, item_id: i64, text: &str) -> String {
        if text.is_empty() {
            return String::new();
        }
        let passed = self.passed.entry(item_id).or_insert(0);
        let mut out = String::new();
        if *passed == 0 && self.any_text {
            out.push_str("\n\n");
        }
        *passed += text.len();
        self.any_text = true;
        out.push_str(text);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::chat::{ApprovalInfo, ApprovalStatus, Approver, Preview, ToolCallData};

    fn item(id: i64, kind: ItemKind, status: ItemStatus, content: &str) -> ChatItem {
        ChatItem::fresh(id, None, kind, status, content)
    }

    #[test]
    fn passes_on_each_reply_once_whatever_the_events() {
        let mut f = TurnFollower::default();
        let mut out = String::new();
        // The snapshot of the reply so far, its deltas, a catch-up, then its end.
        out += &f.feed(&ChatEvent::ItemAdded { item: item(2, ItemKind::Assistant, ItemStatus::Streaming, "Let me") });
        out += &f.feed(&ChatEvent::ItemDelta { item_id: 2, delta: " look.".into() });
        out += &f.feed(&ChatEvent::ItemUpdated {
            item: item(2, ItemKind::Assistant, ItemStatus::Streaming, "Let me look."),
        });
        let mut done = item(2, ItemKind::Assistant, ItemStatus::Done, "Let me look.");
        done.prompt_tokens = Some(100);
        done.completion_tokens = Some(3);
        out += &f.feed(&ChatEvent::ItemDone { item: done.clone() });
        out += &f.feed(&ChatEvent::ItemDone { item: done });
        // A tool call waits for a person; the next reply follows after a blank line.
        let mut call = item(3, ItemKind::ToolCall, ItemStatus::AwaitingApproval, "Add Priya");
        let preview = Preview { summary: "Add Priya Shah".into(), ..Default::default() };
        let data = ToolCallData {
            call_id: "c1".into(),
            tool: "add_guest".into(),
            label: "Add a guest".into(),
            arguments: serde_json::json!({}),
            result: None,
            approval: Some(ApprovalInfo {
                id: 9,
                approver: Approver::Requester,
                status: ApprovalStatus::Pending,
                preview,
                decided_by: None,
                note: String::new(),
            }),
        };
        call.data = Some(serde_json::to_value(&data).unwrap());
        out += &f.feed(&ChatEvent::ItemUpdated { item: call.clone() });
        out += &f.feed(&ChatEvent::ItemDone { item: call });
        out += &f.feed(&ChatEvent::ItemAdded { item: item(4, ItemKind::Assistant, ItemStatus::Streaming, "") });
        out += &f.feed(&ChatEvent::ItemDone { item: item(4, ItemKind::Assistant, ItemStatus::Done, "Waiting.") });
        out += &f.feed(&ChatEvent::Done);
        assert_eq!(out, "Let me look.\n\nWaiting.");
        assert_eq!(f.usage(), Usage { prompt_tokens: 100, completion_tokens: 3 });
        assert_eq!(f.awaiting.len(), 1);
        assert_eq!((f.awaiting[0].approval_id, f.awaiting[0].by_venue), (9, false));
        assert!(f.error.is_none() && !f.stopped);
    }

    #[test]
    fn a_failed_reply_is_an_error() {
        let mut f = TurnFollower::default();
        let mut failed = item(2, ItemKind::Assistant, ItemStatus::Failed, "Half");
        failed.error = Some("The model stopped answering.".into());
        assert_eq!(f.feed(&ChatEvent::ItemDone { item: failed }), "Half");
        assert_eq!(f.error.as_deref(), Some("The model stopped answering."));
    }
}
