//! What the API asks of a thread: start one with its first message, send a turn (message, edit,
//! regeneration), open it (its latest page and whether a reply is being written), switch to
//! another version of a message, change its model, stop its reply, delete it.

use super::turn::ReplyTask;
use super::{ChatError, Hub, Turn};
use crate::domain::chat::{AgentKind, ChatThread, Sent, ThreadOpen, ITEM_PAGE};
use crate::llm::ResolvedModel;
use crate::store::chat::{self as store, Change};
use crate::store::Actor;
use std::sync::Arc;

impl Hub {
    /// Starts a thread with `agent` over the scope (`event_id`, which the actor must be able to
    /// plan) and sends its first message, with `model` (else the venue's default) and the files
    /// the person uploaded for it (`attachments`).
    pub async fn start_thread(
        self: &Arc<Self>,
        actor: &Actor,
        agent: AgentKind,
        event_id: Option<i64>,
        text: String,
        model: Option<&str>,
        attachments: &[i64],
    ) -> Result<Sent, ChatError> {
        let model = self.resolve_model(actor.venue_id, model, None).await?;
        let thread = store::create_thread(&self.pool, actor, &model.info.id, agent, event_id).await?;
        match self.begin(actor, &thread, Turn::Message(text), model, attachments, false).await {
            Ok(sent) => Ok(sent),
            Err(e) => {
                // Not an empty thread left behind by a refused first message.
                if let Err(e) = store::delete_thread(&self.pool, actor, thread.id).await {
                    tracing::warn!(error = %e, "a thread whose first message was refused was not deleted");
                }
                Err(e)
            }
        }
    }

    /// Stores the turn and starts writing the reply with `model` (else the thread's model). A
    /// message carries the files the person uploaded for it (`attachments`).
    pub async fn send(
        self: &Arc<Self>,
        actor: &Actor,
        thread_id: i64,
        turn: Turn,
        model: Option<&str>,
        attachments: &[i64],
    ) -> Result<Sent, ChatError> {
        let thread = store::thread(&self.pool, actor, thread_id).await?;
        let model = self.resolve_model(actor.venue_id, model, Some(&thread.model)).await?;
        self.begin(actor, &thread, turn, model, attachments, false).await
    }

    /// Stores the turn (the user's message before anything is generated) and starts its task
    /// (offered only the tools that read when `read_only`).
    pub(super) async fn begin(
        self: &Arc<Self>,
        actor: &Actor,
        thread: &ChatThread,
        turn: Turn,
        model: ResolvedModel,
        attachments: &[i64],
        read_only: bool,
    ) -> Result<Sent, ChatError> {
        let sent = store::begin_turn(&self.pool, actor, thread.id, &turn, &model.info.id, attachments).await?;
        let job = ReplyTask {
            actor: actor.clone(),
            thread_id: thread.id,
            agent: thread.agent_kind,
            event_id: thread.event_id,
            reply: sent.reply.clone(),
            model,
            first_message: match (&turn, sent.user_item.as_ref()) {
                (Turn::Message(_), Some(u)) if u.parent_id.is_none() => Some(u.content.clone()),
                _ => None,
            },
            read_only,
        };
        self.start(job);
        Ok(sent)
    }

    /// The actor's thread with its latest page, and whether a reply is being written in it.
    pub async fn open(&self, actor: &Actor, thread_id: i64) -> Result<ThreadOpen, ChatError> {
        let (thread, page) = store::latest_page(&self.pool, actor, thread_id, ITEM_PAGE).await?;
        Ok(ThreadOpen { thread, page, live: self.writing(thread_id) })
    }

    /// The actor's latest thread with `agent` over the scope, opened, if there is one (the
    /// dashboards' panels reopen it).
    pub async fn open_scoped(
        &self,
        actor: &Actor,
        agent: AgentKind,
        event_id: Option<i64>,
    ) -> Result<Option<ThreadOpen>, ChatError> {
        let Some(thread) = store::latest_scoped(&self.pool, actor, agent, event_id).await? else {
            return Ok(None);
        };
        Ok(Some(self.open(actor, thread.id).await?))
    }

    /// Shows another version of a message (the sibling `delta` places from `item_id`), then the
    /// thread's latest page on that branch. Refused while a reply is being written.
    pub async fn switch_branch(
        &self,
        actor: &Actor,
        thread_id: i64,
        item_id: i64,
        delta: i64,
    ) -> Result<ThreadOpen, ChatError> {
        store::switch_branch(&self.pool, actor, thread_id, item_id, delta).await?;
        let (thread, page) = store::latest_page(&self.pool, actor, thread_id, ITEM_PAGE).await?;
        Ok(ThreadOpen { thread, page, live: false })
    }

    /// Sets the model the thread's next turns use (one the venue can use).
    pub async fn set_model(&self, actor: &Actor, thread_id: i64, model: &str) -> Result<ChatThread, ChatError> {
        self.resolve_model(actor.venue_id, Some(model), None).await.map_err(|e| match e {
            // The error names the model: at most its first 100 characters.
            ChatError::UnknownModel(_) => ChatError::UnknownModel(model.chars().take(100).collect()),
            e => e,
        })?;
        Ok(store::change(&self.pool, actor, thread_id, Change::Model(model)).await?)
    }

    /// Stops the reply being written in the actor's thread; its text so far is kept. Returns
    /// whether one was running.
    pub async fn stop(&self, actor: &Actor, thread_id: i64) -> Result<bool, ChatError> {
        store::thread(&self.pool, actor, thread_id).await?;
        Ok(self.stop_writing(thread_id) || self.stop_elsewhere(thread_id).await?)
    }

    /// Deletes the actor's thread, stopping its reply first if one is being written; its
    /// attachments go with it, originals included.
    pub async fn delete(&self, actor: &Actor, thread_id: i64) -> Result<(), ChatError> {
        // Owned? (Only then may its reply be stopped.)
        store::thread(&self.pool, actor, thread_id).await?;
        if !self.stop_writing(thread_id) {
            self.stop_elsewhere(thread_id).await?;
        }
        let originals = store::delete_thread(&self.pool, actor, thread_id).await?;
        self.forget(thread_id);
        for key in originals {
            if let Err(e) = self.knowledge.objects.delete(&key).await {
                tracing::warn!(error = %e, key, "an attachment's original was not deleted with its thread");
            }
        }
        Ok(())
    }
}
