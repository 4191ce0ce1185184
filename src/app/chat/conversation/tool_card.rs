//! A tool call in a conversation: what was called and its state; for an action, the proposed
//! change with Approve / Reject; for the fill_form tool, the values it found and the link to the
//! prefilled form; for an order from the studio, the link to it.

use super::actions::Actions;
use crate::app::chat::PreviewDetails;
use crate::domain::chat::{ApprovalStatus, Approver, ChatItem, ItemStatus, ToolCallData};
use leptos::prelude::*;

/// A tool call: what was called, its state, and (for an action) the proposed change with
/// Approve / Reject while it waits for this person.
#[component]
pub fn ToolCard(item: ArcRwSignal<ChatItem>, actions: Actions) -> impl IntoView {
    let id = item.with_untracked(|i| i.id);
    let note = RwSignal::new(String::new());
    let deciding = RwSignal::new(false);
    let it = item.clone();
    let state = Memo::new(move |_| it.with(|i| (i.status, i.content.clone(), i.error.clone(), i.tool())));
    move || {
        let (status, summary, error, tool) = state.get();
        let tool = tool.unwrap_or_else(|| ToolCallData {
            call_id: String::new(),
            tool: "tool".into(),
            label: "Tool call".into(),
            arguments: serde_json::Value::Null,
            result: None,
            approval: None,
        });
        let (badge, badge_class) = match status {
            ItemStatus::Running => ("Running…", "badge badge-amber"),
            ItemStatus::Done => ("Done", "badge badge-green"),
            ItemStatus::AwaitingApproval => ("Awaiting approval", "badge badge-amber"),
            ItemStatus::Rejected => ("Rejected", "badge badge-stone"),
            _ => ("Failed", "badge badge-red"),
        };
        let args = serde_json::to_string_pretty(&tool.arguments).unwrap_or_default();
        let result = tool.result.as_ref().map(|r| serde_json::to_string_pretty(r).unwrap_or_default());
        let approval = tool.approval.clone();
        let waiting_here = status == ItemStatus::AwaitingApproval
            && approval
                .as_ref()
                .is_some_and(|a| a.approver == Approver::Requester && a.status == ApprovalStatus::Pending);
        let approval_id = approval.as_ref().map(|a| a.id).unwrap_or(0);
        view! {
            <li class="tool-card" data-item-id=id data-kind="tool_call" data-tool=tool.tool.clone() data-status=status.as_str()>
                <div class="flex flex-wrap items-center gap-2">
                    <span class="font-medium">{tool.label.clone()}</span>
                    <span class=badge_class data-testid="tool-status">{badge}</span>
                    {(!summary.is_empty() && approval.is_none()).then(|| view! { <span class="text-sm text-stone-600 dark:text-stone-300">{summary.clone()}</span> })}
                </div>
                {error.map(|e| view! { <p class="mt-1 text-sm text-red-700 dark:text-red-300" role="alert">{e}</p> })}
                {approval.map(|a| {
                    let p = a.preview.clone();
                    view! {
                        <div class="mt-2 rounded-md border border-stone-200 bg-white p-2 text-sm dark:border-stone-700 dark:bg-stone-900" data-testid="approval-card">
                            <p class="font-medium">{p.summary.clone()}</p>
                            <PreviewDetails preview=p.clone() />
                            {match (a.status, a.approver) {
                                (ApprovalStatus::Pending, Approver::Venue) => Some(view! { <p class="mt-2 text-sm text-amber-800 dark:text-amber-300" data-testid="approval-state">"Waiting for the venue's approval."</p> }.into_any()),
                                (ApprovalStatus::Pending, Approver::Requester) => None,
                                (s, _) => {
                                    let who = a.decided_by.clone().map(|w| format!(" by {w}")).unwrap_or_default();
                                    let why = if a.note.is_empty() { String::new() } else { format!(": {}", a.note) };
                                    Some(view! { <p class="mt-2 text-sm" data-testid="approval-state">{format!("{}{who}{why}", s.label())}</p> }.into_any())
                                }
                            }}
                            {waiting_here.then(|| view! {
                                <div class="mt-2 flex flex-wrap items-center gap-2">
                                    <label class="sr-only" for=format!("note-{id}")>"Note (optional)"</label>
                                    <input id=format!("note-{id}") class="input w-auto flex-1 py-1" placeholder="Note (optional)" maxlength="1000"
                                        prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                                    <button type="button" class="btn-primary py-1" disabled=move || deciding.get()
                                        on:click=move |_| { deciding.set(true); actions.decide.run((approval_id, true, note.get_untracked())); }>"Approve"</button>
                                    <button type="button" class="btn-secondary py-1" disabled=move || deciding.get()
                                        on:click=move |_| { deciding.set(true); actions.decide.run((approval_id, false, note.get_untracked())); }>"Reject"</button>
                                </div>
                            })}
                        </div>
                    }
                })}
                {(tool.tool == "fill_form" && status == ItemStatus::Done).then(|| tool.result.as_ref().and_then(form_card)).flatten()}
                {(tool.tool == "order_deliverable" && status == ItemStatus::Done).then(|| tool.result.as_ref().and_then(order_link)).flatten()}
                <details class="mt-1 text-xs text-stone-500">
                    <summary class="cursor-pointer">"Details"</summary>
                    <p class="mt-1">"Arguments"</p>
                    <pre class="overflow-x-auto whitespace-pre-wrap">{args}</pre>
                    {result.map(|r| view! { <p class="mt-1">"Result"</p><pre class="max-h-60 overflow-auto whitespace-pre-wrap">{r}</pre> })}
                </details>
            </li>
        }
    }
}

/// The order_deliverable tool's result: the link to the order in the studio, where it is
/// followed and reviewed (our own studio pages only).
fn order_link(result: &serde_json::Value) -> Option<impl IntoView> {
    let link = result.get("link")?.as_str()?.to_string();
    let id = link.strip_prefix("/studio/")?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(view! {
        <p class="mt-2 text-sm"><a class="link" href=link data-testid="order-link">"Open the order in the studio"</a></p>
    })
}

/// The fill_form tool's result: the values it found, each with its words from the text, and the
/// link to the prefilled form (where the person checks them and submits).
fn form_card(result: &serde_json::Value) -> Option<impl IntoView> {
    let url = result.get("url")?.as_str()?.to_string();
    // Our own pages only.
    if !url.starts_with('/') || url.starts_with("//") {
        return None;
    }
    let rows: Vec<(String, String, String)> = result
        .get("suggestions")?
        .as_array()?
        .iter()
        .map(|s| {
            let text = |k: &str| s.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            (text("field").replace('_', " "), text("value"), text("quote"))
        })
        .collect();
    let dropped = result.get("dropped").and_then(|d| d.as_array()).map_or(0, Vec::len);
    Some(view! {
        <div class="mt-2 rounded-md border border-stone-200 bg-white p-2 text-sm dark:border-stone-700 dark:bg-stone-900" data-testid="form-card">
            {if rows.is_empty() {
                view! { <p>"The text gave no values for the form."</p> }.into_any()
            } else {
                view! {
                    <dl class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
                        {rows.into_iter().map(|(field, value, quote)| view! {
                            <dt class="capitalize text-stone-500">{field}</dt>
                            <dd>{value}<span class="text-stone-500">{format!(" — “{quote}”")}</span></dd>
                        }).collect_view()}
                    </dl>
                }.into_any()
            }}
            {(dropped > 0).then(|| view! { <p class="mt-1 text-xs text-stone-500">{
                if dropped == 1 { "1 value left out: the text does not say it.".to_string() } else { format!("{dropped} values left out: the text does not say them.") }
            }</p> })}
            <a class="btn-primary mt-2 py-1" href=url>"Open the form to check and submit"</a>
        </div>
    })
}
