//! One step's tool calls: each is stored as an item in the order the model asked; calls that need
//! a person's approval are previewed and wait, the others run at the same time (until Stop).

use super::live::Live;
use super::turn::{clip_text, ReplyTask};
use super::Hub;
use crate::agent::{ToolCx, ToolEntry, ToolError};
use crate::domain::audit::AuditAction;
use crate::domain::chat::{
    ApprovalInfo, ApprovalStatus, Approver, ChatEvent, ChatItem, ItemKind, ItemStatus, Preview, ToolCallData,
};
use crate::llm::ToolCall;
use crate::store::chat as store;
use crate::store::{approvals, audit};
use serde_json::{json, Value};

pub(super) struct StepResult {
    /// What the model is told for each call, in order.
    pub(super) results: Vec<Value>,
    /// Each call's one-line summary for people ("12 guests"; empty when it did not run).
    pub(super) summaries: Vec<String>,
    /// The last item of the step (the next reply hangs under it).
    pub(super) last_item: i64,
    /// A call waits for approval: the turn ends here.
    pub(super) paused: bool,
    /// The person stopped the turn while tools ran.
    pub(super) stopped: bool,
}

impl Hub {
    /// Runs one step's tool calls: each becomes an item (in the order the model asked), calls that
    /// need approval wait for it, the others run at the same time. Returns what the model is told
    /// for each call, in order.
    pub(super) async fn run_tools(
        &self,
        job: &ReplyTask,
        live: &Live,
        offered: &[&'static ToolEntry],
        parent: i64,
        calls: &[ToolCall],
        said: Option<&str>,
    ) -> StepResult {
        let cx = ToolCx {
            pool: &self.pool,
            actor: &job.actor,
            event_id: job.event_id,
            model: Some(&job.model),
            said,
            knowledge: Some(&self.knowledge),
            thread_id: Some(job.thread_id),
            tx: None,
            outside: Some(&self.outside),
        };
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
                (Some(t), Ok(a)) => t.check(&a).and_then(|_| within_thread_event(t, &a, job.event_id)).map(|_| (t, a)),
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
                    fenced_or_logged(Some(live), e, "tool call not stored");
                    items.push(None);
                }
            }
            parsed.push(checked);
        }

        // Calls that need approval are previewed and wait; the others run together.
        let mut results: Vec<Option<Value>> = vec![None; calls.len()];
        let mut summaries: Vec<String> = vec![String::new(); calls.len()];
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
                Some(approver) => match self.propose(Some(live), &cx, tool, &item, &args, approver).await {
                    Ok(pending) => {
                        paused = true;
                        results[i] = Some(pending);
                    }
                    Err(e) => results[i] = Some(self.tool_failed(Some(live), &item, &e.to_string()).await),
                },
                None => runs.push((i, item, tool, args)),
            }
        }
        if live.fenced() {
            // Another instance ended this turn: nothing more of it runs.
            for (i, _, _, _) in runs.drain(..) {
                results[i] = Some(json!({"error": "did not run: the turn was ended elsewhere"}));
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
                    if let Ok((_, summary)) = &res {
                        summaries[i] = summary.clone();
                    }
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
            summaries,
            last_item: last,
            paused,
            stopped,
        }
    }

    /// Stores a tool's outcome on its item and tells the watchers; returns what the model sees.
    pub(super) async fn tool_finished(
        &self,
        live: Option<&Live>,
        item: &ChatItem,
        res: Result<(Value, String), ToolError>,
    ) -> Value {
        match res {
            Ok((value, summary)) => {
                count_tool_call(item, "done");
                let mut data = item.tool().map(|d| serde_json::to_value(d).unwrap_or_default()).unwrap_or_default();
                data["result"] = value.clone();
                match store::update_tool_item(
                    &self.pool,
                    item.id,
                    ItemStatus::Done,
                    &summary,
                    None,
                    &data,
                    live.is_some(),
                )
                .await
                {
                    Ok(i) => {
                        if let Some(live) = live {
                            live.item_done(i);
                        }
                    }
                    Err(e) => fenced_or_logged(live, e, "tool result not stored"),
                }
                value
            }
            Err(e) => self.tool_failed(live, item, &e.to_string()).await,
        }
    }

    pub(super) async fn tool_failed(&self, live: Option<&Live>, item: &ChatItem, message: &str) -> Value {
        count_tool_call(item, "failed");
        let result = json!({"error": message});
        let mut data = item.data.clone().unwrap_or_else(|| json!({}));
        data["result"] = result.clone();
        match store::update_tool_item(&self.pool, item.id, ItemStatus::Failed, "", Some(message), &data, live.is_some())
            .await
        {
            Ok(i) => {
                if let Some(live) = live {
                    live.item_done(i);
                }
            }
            Err(e) => fenced_or_logged(live, e, "tool failure not stored"),
        }
        result
    }

    /// Records an action that needs approval: previews it (as the requester, so it cannot reach
    /// what they cannot), stores the approval and marks the item as waiting.
    /// The call is `item` of the thread `cx.thread_id` (over `cx.event_id`); `live`, the turn
    /// being written, if any, is told.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn propose(
        &self,
        live: Option<&Live>,
        cx: &ToolCx<'_>,
        tool: &'static ToolEntry,
        item: &ChatItem,
        args: &Value,
        approver: Approver,
    ) -> Result<Value, ToolError> {
        let thread_id = cx.thread_id.ok_or_else(|| ToolError::Internal("an action outside a thread".into()))?;
        let preview = tool.preview(cx, args).await?;
        let mut tx = self.pool.begin().await.map_err(|e| ToolError::Internal(e.to_string()))?;
        let new = approvals::NewApproval {
            thread_id,
            item_id: item.id,
            event_id: cx.event_id,
            tool: tool.name,
            arguments: args,
            preview: &preview,
            approver,
        };
        let id = approvals::create(&mut tx, cx.actor, &new).await?;
        let entry = audit::Record::by(cx.actor, AuditAction::ActionProposed, &preview.summary)
            .detail(audit_detail(tool.name, args, &preview, id));
        audit::record(&mut *tx, &entry).await?;
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
        let updated = store::update_tool_item(
            &mut *tx,
            item.id,
            ItemStatus::AwaitingApproval,
            &preview.summary,
            None,
            &data,
            false,
        )
        .await?;
        tx.commit().await.map_err(|e| ToolError::Internal(e.to_string()))?;
        count_tool_call(item, "awaiting_approval");
        // Not final: it waits for a person.
        if let Some(live) = live {
            live.event(ChatEvent::ItemUpdated { item: updated });
        }
        Ok(json!({"status": "waiting for approval", "note": waiting}))
    }
}

/// A tool call's end not stored: because another instance had ended it (this one was given up
/// for dead, and the call marked failed), which stops the turn; or a fault, logged.
fn fenced_or_logged(live: Option<&Live>, e: crate::store::StoreError, what: &'static str) {
    match (e, live) {
        (crate::store::StoreError::Conflict(why), Some(live)) => {
            tracing::warn!(why, "this tool call was ended elsewhere: the turn stops");
            live.fence();
        }
        (e, _) => tracing::error!(error = %e, "{what}"),
    }
}

/// `concierge_tool_calls_total{tool, outcome}` (`/metrics`). A venue's outside tools are counted
/// under one name: their names are theirs, and a label's values must stay few.
fn count_tool_call(item: &ChatItem, outcome: &'static str) {
    let name = item.tool().map(|t| t.tool).unwrap_or_default();
    let tool = if crate::agent::tool(&name).is_some() { name } else { "outside".to_string() };
    metrics::counter!("concierge_tool_calls_total", "tool" => tool, "outcome" => outcome).increment(1);
}

/// What the audit log keeps of an agent action: the tool, its arguments and the change it makes.
pub(super) fn audit_detail(tool: &str, args: &Value, preview: &Preview, approval_id: i64) -> Value {
    json!({
        "approval_id": approval_id,
        "tool": tool,
        "arguments": args,
        "record": preview.record,
        "changes": preview.changes,
        "message": preview.message,
    })
}

/// An action proposed in a conversation about one event acts on that event only. Whatever a
/// model was told (by a person, a message quoted to it, a document), it cannot widen its own
/// scope to another event of the venue: that is asked for in the other event's conversation,
/// where its approval card shows it.
fn within_thread_event(tool: &ToolEntry, args: &Value, thread_event: Option<i64>) -> Result<(), ToolError> {
    let (Some(_), Some(own)) = (tool.approval, thread_event) else { return Ok(()) };
    match args.get("event_id").and_then(Value::as_i64) {
        Some(named) if named != own => Err(ToolError::Invalid(format!(
            "this conversation is about event {own}; an action on event {named} has to be asked for in that event's own conversation"
        ))),
        _ => Ok(()),
    }
}

/// A model's arguments as JSON (an empty string means no arguments).
fn parse_arguments(raw: &str) -> Result<Value, ToolError> {
    if raw.trim().is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_str(raw).map_err(|e| ToolError::Arguments(format!("not valid JSON ({e})")))
}
