//! A person's decision on an action an agent proposed: run it (as the requester, or for the
//! venue's queue as the staff member deciding) or reject it, then continue the waiting turn once
//! none of its step's calls waits any more.

use super::turn::ReplyTask;
use super::{ChatError, Hub};
use crate::agent::{ToolCx, ToolError};
use crate::domain::chat::{ApprovalStatus, Approver, ChatItem, ItemStatus};
use crate::store::approvals;
use crate::store::chat as store;
use crate::store::{Actor, StoreError};
use serde_json::json;
use std::sync::Arc;

impl Hub {
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
            let cx = ToolCx {
                pool: &self.pool,
                actor: runner,
                event_id: pending.event_id,
                model: None,
                said: None,
                knowledge: Some(&self.knowledge),
                thread_id: None,
            };
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
        let Ok(resolved) = self.resolve_model(owner.venue_id, None, Some(&model)).await else { return };
        let reply = match store::begin_continuation(&self.pool, owner, thread_id, leaf, &resolved.info.id).await {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "continuation not started");
                return;
            }
        };
        self.start(ReplyTask {
            actor: owner.clone(),
            thread_id,
            agent,
            event_id,
            reply,
            model: resolved,
            first_message: None,
        });
    }
}
