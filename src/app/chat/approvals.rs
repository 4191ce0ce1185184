//! The venue's approval queue (owners and staff). What clients' agents asked for
//! (an element added, removed or changed) waits here with the same before → after as the chat
//! showed; approving runs it and the client's agent tells them.

use super::PreviewDetails;
use crate::api::agents::{approval_queue, decide_approval};
use crate::app::common::{fmt_datetime, ErrorBanner, Loading, PageError};
use crate::domain::chat::{ApprovalStatus, QueuedApproval};
use leptos::prelude::*;

#[component]
pub fn ApprovalQueue() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| approval_queue());
    let error = RwSignal::new(None::<String>);
    let decide = Callback::new(move |(id, approve, note): (i64, bool, String)| {
        error.set(None);
        leptos::task::spawn_local(async move {
            if let Err(e) = decide_approval(id, approve, note).await {
                error.set(Some(e.to_string()));
            }
            version.update(|v| *v += 1);
        });
    });
    view! {
        <h1 class="text-2xl font-semibold">"Approvals"</h1>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            "Changes clients asked their event assistant for. Approving applies the change and the assistant tells the client; rejecting tells them too, with your note."
        </p>
        {move || error.get().map(|m| view! { <div class="mt-4"><ErrorBanner message=m /></div> })}
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(list) => {
                        let (pending, decided): (Vec<_>, Vec<_>) = list.into_iter().partition(|a| a.status == ApprovalStatus::Pending);
                        view! {
                            <section class="mt-6" aria-labelledby="pending-h">
                                <h2 id="pending-h" class="section-title">{format!("Waiting ({})", pending.len())}</h2>
                                {if pending.is_empty() {
                                    view! { <p class="text-sm text-stone-500" data-testid="queue-empty">"Nothing waits for a decision."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="grid grid-cols-1 gap-3 lg:grid-cols-2" data-testid="approval-queue">
                                            {pending.into_iter().map(|a| view! { <Request a decide /> }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </section>
                            {(!decided.is_empty()).then(|| view! {
                                <section class="mt-8" aria-labelledby="decided-h">
                                    <h2 id="decided-h" class="section-title">"Recently decided"</h2>
                                    <ul class="grid grid-cols-1 gap-3 lg:grid-cols-2">
                                        {decided.into_iter().map(|a| view! { <Request a decide /> }).collect_view()}
                                    </ul>
                                </section>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn Request(a: QueuedApproval, decide: Callback<(i64, bool, String)>) -> impl IntoView {
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let id = a.id;
    let pending = a.status == ApprovalStatus::Pending;
    let p = a.preview.clone();
    view! {
        <li class="card" data-testid="approval-request" data-approval-id=id>
            <p class="text-xs text-stone-500">
                {a.tool_label.clone()} " · " {a.requested_by.clone()} " · " {fmt_datetime(a.created_at)}
            </p>
            <p class="mt-1 font-medium">{p.summary.clone()}</p>
            {a.event_id.map(|eid| view! {
                <a class="link text-sm" href=format!("/events/{eid}?tab=elements")>{a.event_title.clone().unwrap_or_else(|| "Event".into())}</a>
            })}
            <PreviewDetails preview=p.clone() />
            {if pending {
                view! {
                    <div class="mt-3 flex flex-wrap items-center gap-2">
                        <label class="sr-only" for=format!("qnote-{id}")>"Note to the client (optional)"</label>
                        <input id=format!("qnote-{id}") class="input w-auto flex-1 py-1" placeholder="Note to the client (optional)" maxlength="1000"
                            prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                        <button type="button" class="btn-primary py-1" disabled=move || busy.get()
                            on:click=move |_| { busy.set(true); decide.run((id, true, note.get_untracked())); }>"Approve"</button>
                        <button type="button" class="btn-secondary py-1" disabled=move || busy.get()
                            on:click=move |_| { busy.set(true); decide.run((id, false, note.get_untracked())); }>"Reject"</button>
                    </div>
                }.into_any()
            } else {
                let who = a.decided_by.clone().map(|w| format!(" by {w}")).unwrap_or_default();
                let why = if a.note.is_empty() { String::new() } else { format!(": {}", a.note) };
                view! { <p class="mt-2 text-sm" data-testid="decision">{format!("{}{who}{why}", a.status.label())}</p> }.into_any()
            }}
        </li>
    }
}
