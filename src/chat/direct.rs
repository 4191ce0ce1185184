//! Tool calls asked for directly, without a model (an MCP client's, through an API key): the
//! agents' tools, as the key's member, under the same checks. A tool that reads runs at once; an
//! action is written into the key's thread in the member's chat (the request, then the call) and
//! waits there for a person like any agent's action, then the thread's agent says what came of
//! it.

use super::{ChatError, Hub};
use crate::agent::{ToolCx, ToolEntry, ToolError};
use crate::domain::chat::{Approver, ToolCallData};
use crate::store::chat as store;
use crate::store::{Actor, StoreError};
use serde_json::Value;

/// The tools an API key's MCP client is offered: those of the key's agents its member may use,
/// each once; only the ones that read when the key may not act; the web tools when `knowledge`
/// has a search provider.
pub fn key_tools(
    actor: &Actor,
    agents: &[crate::domain::chat::AgentKind],
    may_act: bool,
    knowledge: &crate::knowledge::Knowledge,
) -> Vec<&'static ToolEntry> {
    let mut out: Vec<&'static ToolEntry> = Vec::new();
    for &agent in agents {
        for t in crate::agent::tools_here(agent, actor.role, Some(knowledge)) {
            if (may_act || t.approval.is_none()) && !out.iter().any(|o| o.name == t.name) {
                out.push(t);
            }
        }
    }
    out
}

/// What a direct call came to.
#[derive(Debug)]
pub enum DirectOutcome {
    /// It ran: its result and a one-line summary.
    Ran { result: Value, summary: String },
    /// It waits for a person: in thread `thread_id`, decided by the venue's staff or the member.
    Pending { approval_id: i64, summary: String, thread_id: i64, by_venue: bool },
}

/// The key a direct call comes through.
#[derive(Clone, Copy, Debug)]
pub struct ThroughKey<'a> {
    pub id: i64,
    pub name: &'a str,
}

impl Hub {
    /// Runs `tool` with `args` as `actor`, or proposes it when it needs approval. `Err` is the
    /// tool's own refusal (invalid arguments, out of scope, not found), for the caller to report.
    pub async fn direct_call(
        &self,
        actor: &Actor,
        key: ThroughKey<'_>,
        tool: &'static ToolEntry,
        args: Value,
    ) -> Result<Result<DirectOutcome, ToolError>, ChatError> {
        if let Err(e) = tool.check(&args) {
            return Ok(Err(e));
        }
        // As the member, over no event of a thread's (the tools take the event as an argument).
        let cx = |thread_id: Option<i64>| ToolCx {
            pool: &self.pool,
            actor,
            event_id: None,
            model: None,
            said: None,
            knowledge: Some(&self.knowledge),
            thread_id,
            tx: None,
            outside: Some(&self.outside),
        };
        let Some(approver) = tool.approval else {
            let cx = cx(None);
            let started = std::time::Instant::now();
            let res = tool.run(&cx, &args).await;
            tracing::info!(
                tool = tool.name,
                ms = started.elapsed().as_millis() as u64,
                ok = res.is_ok(),
                "direct tool ran"
            );
            return Ok(res.map(|(result, summary)| DirectOutcome::Ran { result, summary }));
        };
        let model = self.resolve_model(actor.venue_id, None, None).await?;
        let title = format!("Through the API key “{}”", key.name);
        let thread = store::key_thread(&self.pool, actor, key.id, &model.info.id, &title).await?;
        let data = ToolCallData {
            call_id: format!("direct-{}", crate::security::tokens::new_token().get(..12).unwrap_or_default()),
            tool: tool.name.to_string(),
            label: tool.label.to_string(),
            arguments: args.clone(),
            result: None,
            approval: None,
        };
        let data = serde_json::to_value(&data).map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))?;
        let asked = format!("“{}” asked to: {} ({})", key.name, tool.label.to_lowercase(), compact(&args));
        let (_, item) = store::begin_direct_call(&self.pool, actor, thread.id, &asked, &data).await?;
        let cx = cx(Some(thread.id));
        match self.propose(None, &cx, tool, &item, &args, approver).await {
            Ok(_) => {
                let mut conn = self.pool.acquire().await.map_err(StoreError::from)?;
                let pending = store::item(&mut conn, item.id).await?;
                let approval = pending.tool().and_then(|d| d.approval);
                match approval {
                    Some(a) => Ok(Ok(DirectOutcome::Pending {
                        approval_id: a.id,
                        summary: a.preview.summary,
                        thread_id: thread.id,
                        by_venue: a.approver == Approver::Venue,
                    })),
                    None => Err(StoreError::NotFound.into()),
                }
            }
            Err(e) => {
                // The refusal is the call's outcome in the thread too.
                self.tool_failed(None, &item, &e.to_string()).await;
                Ok(Err(e))
            }
        }
    }
}

/// The arguments as one short line for the thread (`event_id: 12, name: Priya Shah`).
fn compact(args: &Value) -> String {
    let line = match args.as_object() {
        Some(map) if !map.is_empty() => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => "no details".to_string(),
    };
    crate::domain::text::clip_bytes(&line, 300).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_read_as_one_line() {
        assert_eq!(compact(&serde_json::json!({"event_id": 12, "name": "Priya"})), "event_id: 12, name: Priya");
        assert_eq!(compact(&serde_json::json!({})), "no details");
        assert!(compact(&serde_json::json!({"notes": "x".repeat(1000)})).len() <= 300);
    }
}
