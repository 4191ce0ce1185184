//! A person's decision on an action an agent proposed: run it (as the requester, or for the
//! venue's queue as the staff member deciding) or reject it, then continue the waiting turn once
//! none of its step's calls waits any more.

use super::turn::ReplyTask;
use super::{ChatError, Hub};
use crate::agent::{ToolCx, ToolError};
use crate::domain::audit::AuditAction;
use crate::domain::chat::{ApprovalStatus, Approver, ChatItem, ItemStatus};
use crate::store::chat as store;
use crate::store::{approvals, audit};
use crate::store::{Actor, StoreError};
use serde_json::{json, Value};
use sqlx::{Postgres, Transaction};
use std::sync::Arc;
use tokio::sync::Mutex;

impl Hub {
    /// A person approves or rejects an action. On approval it runs (as the requester, or for the
    /// venue's queue as the staff member deciding); either way the item is updated and, once no
    /// call of its step waits any more, the agent continues in its thread.
    ///
    /// The decision, the action's writes and the item's result are one transaction: a crash or a
    /// failed write anywhere in between leaves the approval pending and nothing changed, so it
    /// can be decided again, and an action never runs twice (the row is locked while it runs).
    /// An action that fails on its own terms (a refused booking, a guest list that is full) is
    /// rolled back to a savepoint and the approval recorded as failed, with the reason.
    pub async fn decide(
        self: &Arc<Self>,
        actor: &Actor,
        approval_id: i64,
        approve: bool,
        note: &str,
    ) -> Result<ChatItem, ChatError> {
        let tx = Mutex::new(self.pool.begin().await.map_err(StoreError::from)?);
        let mut conn = tx.lock().await;
        let pending = approvals::lock_for_decision(&mut conn, actor, approval_id).await?;
        let requester = crate::store::users::actor_for_member(&self.pool, pending.requested_by, pending.venue_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let item = store::item(&mut conn, pending.item_id).await?;
        let mut data = item.tool().ok_or(StoreError::NotFound)?;
        let decided_by =
            (pending.approver == Approver::Venue || actor.user_id != requester.user_id).then(|| actor.name.clone());
        let note = note.trim().chars().take(1000).collect::<String>();
        let mut status = if approve { ApprovalStatus::Approved } else { ApprovalStatus::Rejected };
        let mut stored_note = note.clone();
        let (item_status, content, error) = if approve {
            drop(conn);
            let runner = if pending.approver == Approver::Venue { actor } else { &requester };
            let res = self.run_approved(&tx, runner, &pending).await?;
            conn = tx.lock().await;
            match res {
                Ok((value, summary)) => {
                    sqlx::query("release savepoint action").execute(&mut **conn).await.map_err(StoreError::from)?;
                    data.result = Some(value);
                    (ItemStatus::Done, summary, None)
                }
                // The database failing under the action (a lost connection, a pool timeout) is
                // not the action's answer: the whole decision rolls back and stays pending.
                Err(ToolError::Internal(m)) => {
                    tracing::warn!(approval = pending.id, error = %m, "approved action hit a server error; left pending");
                    return Err(StoreError::Db(sqlx::Error::Protocol(m)).into());
                }
                Err(e) => {
                    sqlx::query("rollback to savepoint action").execute(&mut **conn).await.map_err(StoreError::from)?;
                    let message = e.to_string();
                    tracing::info!(approval = pending.id, tool = %pending.tool, error = %message, "approved action failed");
                    status = ApprovalStatus::Failed;
                    stored_note = message.chars().take(1000).collect();
                    data.result = Some(json!({"error": message}));
                    (ItemStatus::Failed, String::new(), Some(message))
                }
            }
        } else {
            let who = decided_by.clone().unwrap_or_else(|| "the person".into());
            let reason = if note.is_empty() { String::new() } else { format!(": {note}") };
            data.result = Some(json!({"error": format!("Rejected by {who}{reason}. Do not retry unless asked.")}));
            (ItemStatus::Rejected, item.content.clone(), None)
        };
        approvals::set_status(&mut conn, pending.id, status, actor.user_id, &stored_note).await?;
        if let Some(a) = data.approval.as_ref() {
            let action = match status {
                ApprovalStatus::Approved => AuditAction::ActionApproved,
                ApprovalStatus::Failed => AuditAction::ActionFailed,
                _ => AuditAction::ActionRejected,
            };
            let mut detail = super::tools::audit_detail(&pending.tool, &pending.arguments, &a.preview, pending.id);
            detail["requested_by"] = json!(requester.name);
            detail["note"] = json!(stored_note);
            if status != ApprovalStatus::Rejected {
                detail["result"] = data.result.clone().unwrap_or_default();
            }
            audit::record(&mut **conn, &audit::Record::by(actor, action, &a.preview.summary).detail(detail)).await?;
        }
        if let Some(a) = data.approval.as_mut() {
            a.status = status;
            a.decided_by = decided_by;
            a.note = note;
        }
        let value = serde_json::to_value(&data).unwrap_or_default();
        let item =
            store::update_tool_item(&mut **conn, item.id, item_status, &content, error.as_deref(), &value, false)
                .await?;
        drop(conn);
        tx.into_inner().commit().await.map_err(StoreError::from)?;
        self.continue_after_tools(&requester, pending.thread_id).await;
        Ok(item)
    }

    /// Runs an approved action inside the decision's transaction, behind a savepoint (`action`)
    /// the caller releases or rolls back. The outer `Result` is the database failing (the whole
    /// decision is then rolled back); the inner one is the action's own outcome.
    async fn run_approved(
        &self,
        tx: &Mutex<Transaction<'static, Postgres>>,
        runner: &Actor,
        pending: &approvals::Pending,
    ) -> Result<Result<(Value, String), ToolError>, StoreError> {
        sqlx::query("savepoint action").execute(&mut **tx.lock().await).await?;
        let cx = ToolCx {
            pool: &self.pool,
            actor: runner,
            event_id: pending.event_id,
            model: None,
            said: None,
            knowledge: Some(&self.knowledge),
            thread_id: None,
            tx: Some(tx),
            outside: Some(&self.outside),
        };
        let tool = match crate::agent::tool(&pending.tool) {
            Some(t) => Some(t),
            // An outside tool (an MCP server's), if it is still on.
            None => {
                crate::agent::remote::enabled_named(&self.outside, &self.pool, pending.venue_id, &pending.tool).await
            }
        };
        Ok(match tool {
            Some(t) => t.run(&cx, &pending.arguments).await,
            None => Err(ToolError::Invalid(format!(
                "{} is no longer available (its server was removed or the tool turned off).",
                pending.tool
            ))),
        })
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
            // A person approved an action of this turn: it was offered every tool.
            read_only: false,
        });
    }
}
