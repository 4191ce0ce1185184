//! `/chat/:id`: one conversation. The latest page of items is rendered on the server; in the
//! browser, older pages load as you scroll up, and a reply being written streams in.

use super::follow::{follow, Heard};
use super::{ChatCtx, Composer, ModelPicker};
use crate::api::agents::decide_approval;
use crate::api::chat::{
    edit_chat_message, get_chat_thread, older_chat_items, open_chat, regenerate_reply, send_chat_message,
    set_chat_model, stop_reply, switch_chat_branch,
};
use crate::api::AppError;
use crate::app::common::{ErrorBanner, Loading, NotFoundPage, PageError};
use crate::domain::chat::{
    ApprovalStatus, Approver, ChatEvent, ChatItem, ItemKind, ItemStatus, ThreadOpen, ToolCallData,
};
use crate::domain::markdown;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// One rendered item: its id and its own signal, so a delta re-renders only that message.
type Row = (i64, ArcRwSignal<ChatItem>);

#[component]
pub fn ThreadPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).filter(|id| *id > 0));
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => open_chat(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(None) => view! { <NotFoundPage /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(Some(open)) => view! { <Conversation open /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the messages can ask of the conversation.
#[derive(Clone, Copy)]
struct Actions {
    edit: Callback<(i64, String)>,
    regenerate: Callback<()>,
    switch: Callback<(i64, i64)>,
    /// Approve (true) or reject an action: (approval id, approve, note).
    decide: Callback<(i64, bool, String)>,
    busy: Signal<bool>,
}

/// One conversation: its messages and tool calls, the stream, the composer. `compact` leaves
/// out the header (a dashboard panel or the embedded widget has its own).
#[component]
pub fn Conversation(open: ThreadOpen, #[prop(optional)] compact: bool) -> impl IntoView {
    let ctx = use_context::<ChatCtx>();
    let thread_id = open.thread.id;
    let thread = RwSignal::new(open.thread.clone());
    let rows = RwSignal::new(Vec::<Row>::new());
    let has_more = RwSignal::new(false);
    let loading_older = RwSignal::new(false);
    let streaming = RwSignal::new(false);
    let reconnecting = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let banner = RwSignal::new(None::<String>);
    let text = RwSignal::new(String::new());
    let follower = super::follow::slot();
    let scroller = NodeRef::<leptos::html::Div>::new();
    // Whether the view follows the newest text (false once the person scrolls up).
    let stick = StoredValue::new(true);

    // Browser only: there is no window to scroll while rendering on the server.
    let scroll_to_end = move || {
        if cfg!(feature = "hydrate") && stick.get_value() {
            request_animation_frame(move || {
                if let Some(el) = scroller.get_untracked() {
                    el.set_scroll_top(el.scroll_height());
                }
            });
        }
    };

    let upsert = move |item: ChatItem| {
        let existing = rows.with_untracked(|v| v.iter().rev().find(|(id, _)| *id == item.id).map(|(_, s)| s.clone()));
        match existing {
            Some(signal) => signal.set(item),
            None => rows.update(|v| {
                let at = v.partition_point(|(id, _)| *id < item.id);
                v.insert(at, (item.id, ArcRwSignal::new(item)));
            }),
        }
    };

    let refresh_thread = move || {
        leptos::task::spawn_local(async move {
            if let Ok(t) = get_chat_thread(thread_id).await {
                thread.set(t);
            }
            if let Some(ctx) = ctx {
                ctx.refresh_threads();
            }
        });
    };

    let on_heard = move |heard: Heard| match heard {
        Heard::Event(event) => {
            reconnecting.set(false);
            match event {
                ChatEvent::ItemAdded { item } | ChatEvent::ItemUpdated { item } => {
                    streaming.set(item.status == ItemStatus::Streaming || streaming.get_untracked());
                    upsert(item);
                }
                ChatEvent::ItemDelta { item_id, delta } => {
                    let rows = rows.read_untracked();
                    if let Some((_, item)) = rows.iter().rev().find(|(id, _)| *id == item_id) {
                        item.update(|i| i.content.push_str(&delta));
                    }
                }
                ChatEvent::ItemDone { item } => upsert(item),
                ChatEvent::Error { message } => banner.set(Some(message)),
                ChatEvent::Done => {
                    streaming.set(false);
                    // Dropped after this callback returns (it is the follower's own listener).
                    set_timeout(move || follower.set_value(None), std::time::Duration::ZERO);
                    refresh_thread();
                }
            }
            scroll_to_end();
        }
        Heard::Reconnecting => reconnecting.set(true),
        Heard::Failed => {
            reconnecting.set(false);
            streaming.set(false);
            banner.set(Some("The connection to the server was lost. Reload the page to see the latest.".into()));
        }
    };

    // Follows the thread's stream, replaying from after item `after`.
    let start_follow = move |after: i64| {
        streaming.set(true);
        follower.set_value(follow(thread_id, after, on_heard));
    };

    let load = move |open: ThreadOpen| {
        thread.set(open.thread);
        has_more.set(open.page.has_more);
        let in_progress =
            open.page.items.iter().any(|i| matches!(i.status, ItemStatus::Streaming | ItemStatus::Running));
        // A turn in progress may write several items (replies, tool calls): follow it from the
        // message that started it, so that nothing it wrote before the page loaded is missed.
        let turn_start = open.page.items.iter().filter(|i| i.kind == ItemKind::User).map(|i| i.id).max().unwrap_or(0);
        // Rows keep their signals by id: the list is keyed by id, so a row that stays is not
        // rendered again and must see its new state through its own signal.
        let fresh: Vec<Row> = rows.with_untracked(|old| {
            open.page
                .items
                .into_iter()
                .map(|i| match old.iter().find(|(id, _)| *id == i.id) {
                    Some((id, signal)) => {
                        if signal.with_untracked(|s| s != &i) {
                            signal.set(i);
                        }
                        (*id, signal.clone())
                    }
                    None => (i.id, ArcRwSignal::new(i)),
                })
                .collect()
        });
        rows.set(fresh);
        if open.live || in_progress {
            start_follow(turn_start);
        } else {
            streaming.set(false);
        }
        stick.set_value(true);
        scroll_to_end();
    };
    load(open);
    on_cleanup(move || follower.set_value(None));
    Effect::new(move |_| scroll_to_end());

    let reload = move || {
        leptos::task::spawn_local(async move {
            match open_chat(thread_id).await {
                Ok(o) => load(o),
                Err(e) => banner.set(Some(e.to_string())),
            }
        });
    };

    let report = move |e: AppError| banner.set(Some(super::send_error(&e)));

    let send = Callback::new(move |body: String| {
        if let Err(e) = crate::domain::chat::user_message(&body) {
            banner.set(e.get("text").map(str::to_string));
            return;
        }
        sending.set(true);
        banner.set(None);
        leptos::task::spawn_local(async move {
            match send_chat_message(thread_id, body, None).await {
                Ok(sent) => {
                    text.set(String::new());
                    let after = sent.user_item.as_ref().map(|u| u.id).unwrap_or(sent.reply.id - 1);
                    if let Some(u) = sent.user_item {
                        upsert(u);
                    }
                    upsert(sent.reply);
                    stick.set_value(true);
                    scroll_to_end();
                    start_follow(after);
                    if let Some(ctx) = ctx {
                        ctx.refresh_threads();
                    }
                }
                Err(e) => report(e),
            }
            sending.set(false);
        });
    });

    let stop = Callback::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Err(e) = stop_reply(thread_id).await {
                report(e);
            }
        });
    });

    // Regenerate, edit and switch change the branch: reload the page of the new one.
    let after_branch_change = move |result: Result<(), AppError>| match result {
        Ok(()) => reload(),
        Err(e) => report(e),
    };
    let actions = Actions {
        edit: Callback::new(move |(item_id, body): (i64, String)| {
            banner.set(None);
            leptos::task::spawn_local(async move {
                after_branch_change(edit_chat_message(thread_id, item_id, body).await.map(|_| ()));
            });
        }),
        regenerate: Callback::new(move |_| {
            banner.set(None);
            leptos::task::spawn_local(async move {
                after_branch_change(regenerate_reply(thread_id, None).await.map(|_| ()));
            });
        }),
        switch: Callback::new(move |(item_id, delta): (i64, i64)| {
            leptos::task::spawn_local(async move {
                match switch_chat_branch(thread_id, item_id, delta).await {
                    Ok(o) => load(o),
                    Err(e) => report(e),
                }
            });
        }),
        decide: Callback::new(move |(approval_id, approve, note): (i64, bool, String)| {
            banner.set(None);
            leptos::task::spawn_local(async move {
                match decide_approval(approval_id, approve, note).await {
                    Ok(item) => {
                        upsert(item);
                        reload();
                    }
                    Err(e) => report(e),
                }
            });
        }),
        busy: Signal::derive(move || streaming.get() || sending.get()),
    };

    // While an action waits for the venue, look for its decision now and then (the agent then
    // continues in this thread, and the page follows).
    // Also until the agent's follow-up appears: a decision lands a moment before the reply to it
    // starts, and a look in between would otherwise stop too early.
    let waits_for_venue = Memo::new(move |_| {
        rows.with(|v| {
            let venue = |i: &ChatItem| i.tool().and_then(|t| t.approval).is_some_and(|a| a.approver == Approver::Venue);
            let pending = v.iter().any(|(_, i)| i.with(|i| i.status == ItemStatus::AwaitingApproval && venue(i)));
            let unanswered = v.last().is_some_and(|(_, i)| i.with(|i| i.kind == ItemKind::ToolCall && venue(i)));
            pending || unanswered
        })
    });
    #[cfg(feature = "hydrate")]
    {
        let poll = StoredValue::new_local(None::<leptos::prelude::IntervalHandle>);
        Effect::new(move |_| {
            let waiting = waits_for_venue.get() && !streaming.get();
            if let Some(h) = poll.get_value() {
                h.clear();
                poll.set_value(None);
            }
            if waiting {
                let handle = set_interval_with_handle(
                    move || {
                        leptos::task::spawn_local(async move {
                            if let Ok(o) = open_chat(thread_id).await {
                                let changed = o.live
                                    || o.page.items.len() != rows.with_untracked(Vec::len)
                                    || o.page.items.iter().any(|i| {
                                        rows.with_untracked(|v| {
                                            v.iter()
                                                .find(|(id, _)| *id == i.id)
                                                .is_none_or(|(_, r)| r.with_untracked(|r| r.status != i.status))
                                        })
                                    });
                                if changed {
                                    load(o);
                                }
                            }
                        });
                    },
                    std::time::Duration::from_secs(4),
                )
                .ok();
                poll.set_value(handle);
            }
        });
        on_cleanup(move || {
            if let Some(h) = poll.get_value() {
                h.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = waits_for_venue;

    let load_older = move || {
        if loading_older.get_untracked() || !has_more.get_untracked() {
            return;
        }
        let Some(first) = rows.with_untracked(|v| v.first().map(|(id, _)| *id)) else { return };
        loading_older.set(true);
        let before_height = scroller.get_untracked().map(|el| el.scroll_height()).unwrap_or(0);
        leptos::task::spawn_local(async move {
            match older_chat_items(thread_id, first).await {
                Ok(page) => {
                    has_more.set(page.has_more);
                    rows.update(|v| {
                        let mut older: Vec<Row> = page.items.into_iter().map(|i| (i.id, ArcRwSignal::new(i))).collect();
                        older.append(v);
                        *v = older;
                    });
                    // Keep the message that was on top where it was.
                    request_animation_frame(move || {
                        if let Some(el) = scroller.get_untracked() {
                            el.set_scroll_top(el.scroll_top() + el.scroll_height() - before_height);
                        }
                    });
                }
                Err(e) => report(e),
            }
            loading_older.set(false);
        });
    };

    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            let from_bottom = el.scroll_height() - el.scroll_top() - el.client_height();
            stick.set_value(from_bottom < 80);
            if el.scroll_top() < 400 {
                load_older();
            }
        }
    };

    // Copy buttons of code blocks (rendered as HTML by the markdown renderer) work by delegation.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
            let Ok(Some(button)) = target.closest("[data-copy-code]") else { return };
            let code = button
                .closest(".code-block")
                .ok()
                .flatten()
                .and_then(|b| b.query_selector("code").ok().flatten())
                .and_then(|c| c.text_content())
                .unwrap_or_default();
            copy_text(&code);
            button.set_text_content(Some("Copied"));
            set_timeout(move || button.set_text_content(Some("Copy")), std::time::Duration::from_millis(1500));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };

    let last_reply = Memo::new(move |_| {
        rows.with(|v| v.iter().rev().find(|(_, i)| i.with(|i| i.kind == ItemKind::Assistant)).map(|(id, _)| *id))
    });

    let header = (!compact).then(|| view! {
        <Title text=move || thread.with(|t| t.title.clone()) />
        <header class="flex flex-wrap items-center gap-2 border-b border-stone-200 px-3 py-2 dark:border-stone-800">
            <button type="button" class="btn-ghost md:hidden" aria-label="Show the chat list" on:click=move |_| {
                if let Some(ctx) = ctx {
                    ctx.sidebar_open.set(true);
                }
            }>"☰"</button>
            <h1 class="min-w-0 flex-1 truncate text-base font-semibold" data-testid="thread-title">{move || thread.with(|t| t.title.clone())}</h1>
            <ModelPicker
                selected=Signal::derive(move || thread.with(|t| t.model.clone()))
                disabled=Signal::derive(move || streaming.get())
                on_change=Callback::new(move |model: String| {
                    leptos::task::spawn_local(async move {
                        match set_chat_model(thread_id, model).await {
                            Ok(t) => thread.set(t),
                            Err(e) => report(e),
                        }
                    });
                })
            />
        </header>
    });

    view! {
        {header}
        <div
            node_ref=scroller
            class="min-h-0 flex-1 overflow-y-auto px-3 py-4"
            on:scroll=on_scroll
            on:click=on_click
            data-testid="messages"
        >
            <div class="mx-auto flex max-w-3xl flex-col gap-4">
                {move || has_more.get().then(|| view! {
                    <button type="button" class="btn-ghost self-center" on:click=move |_| load_older() disabled=move || loading_older.get()>
                        {move || if loading_older.get() { "Loading…" } else { "Load older messages" }}
                    </button>
                })}
                {move || (rows.with(Vec::is_empty) && !streaming.get()).then(|| view! {
                    <p class="text-center text-sm text-stone-500">"No messages yet."</p>
                })}
                <ol class="flex flex-col gap-4" aria-label="Messages" aria-live="polite" aria-busy=move || streaming.get().to_string()>
                    <For each=move || rows.get() key=|(id, _)| *id let:row>
                        <Message item=row.1 last_reply actions />
                    </For>
                </ol>
            </div>
        </div>
        <div class="border-t border-stone-200 p-3 dark:border-stone-800">
            <div class="mx-auto max-w-3xl">
                {move || reconnecting.get().then(|| view! { <p class="mb-2 text-sm text-amber-700" role="status">"Connection lost. Reconnecting…"</p> })}
                {move || banner.get().map(|m| view! { <div class="mb-2"><ErrorBanner message=m /></div> })}
                <Composer text busy=sending.into() streaming=streaming.into() on_send=send on_stop=stop />
            </div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
fn copy_text(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

#[component]
fn Message(item: ArcRwSignal<ChatItem>, last_reply: Memo<Option<i64>>, actions: Actions) -> impl IntoView {
    let (id, kind) = item.with_untracked(|i| (i.id, i.kind));
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let it = item.clone();
    let switcher = {
        let item = item.clone();
        move || {
            let (index, count) = item.with(|i| (i.branch_index, i.branch_count));
            (count > 1).then(|| view! {
                <span class="inline-flex items-center gap-1 text-xs text-stone-500" role="group" aria-label="Versions">
                    <button type="button" class="icon-btn" aria-label="Previous version" disabled=move || index <= 1 || actions.busy.get()
                        on:click=move |_| actions.switch.run((id, -1))>"‹"</button>
                    <span data-testid="version">{format!("{index} / {count}")}</span>
                    <button type="button" class="icon-btn" aria-label="Next version" disabled=move || index >= count || actions.busy.get()
                        on:click=move |_| actions.switch.run((id, 1))>"›"</button>
                </span>
            })
        }
    };
    match kind {
        ItemKind::ToolCall => view! { <ToolCard item=item.clone() actions /> }.into_any(),
        ItemKind::User => {
            let content = Signal::derive({
                let it = it.clone();
                move || it.with(|i| i.content.clone())
            });
            view! {
                <li class="flex flex-col items-end gap-1" data-item-id=id data-kind="user">
                    {move || if editing.get() {
                        view! {
                            <form class="w-full max-w-[85%]" on:submit=move |ev| {
                                ev.prevent_default();
                                editing.set(false);
                                actions.edit.run((id, draft.get_untracked()));
                            }>
                                <label class="sr-only" for=format!("edit-{id}")>"Edit your message"</label>
                                <textarea id=format!("edit-{id}") class="input" rows="3" prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                                <div class="mt-1 flex justify-end gap-2">
                                    <button type="button" class="btn-secondary" on:click=move |_| editing.set(false)>"Cancel"</button>
                                    <button type="submit" class="btn-primary">"Save & send"</button>
                                </div>
                            </form>
                        }.into_any()
                    } else {
                        view! { <div class="bubble-user">{move || content.get()}</div> }.into_any()
                    }}
                    <div class="flex items-center gap-2">
                        {switcher.clone()}
                        <button type="button" class="icon-btn text-xs" disabled=move || actions.busy.get()
                            on:click=move |_| { draft.set(content.get_untracked()); editing.set(true); }>"Edit"</button>
                    </div>
                </li>
            }.into_any()
        }
        _ => {
            let html = {
                let it = it.clone();
                move || it.with(|i| markdown::render(&i.content))
            };
            let status = {
                let it = it.clone();
                Memo::new(move |_| it.with(|i| i.status))
            };
            let meta = {
                let it = it.clone();
                move || {
                    it.with(|i| {
                        let mut parts = Vec::new();
                        if let Some(m) = &i.model {
                            parts.push(m.split_once('/').map(|(_, m)| m).unwrap_or(m).to_string());
                        }
                        if let (Some(p), Some(c)) = (i.prompt_tokens, i.completion_tokens) {
                            if i.status != ItemStatus::Streaming {
                                parts.push(format!("{p} in · {c} out tokens"));
                            }
                        }
                        parts.join(" · ")
                    })
                }
            };
            let error = {
                let it = it.clone();
                move || it.with(|i| i.error.clone())
            };
            let is_last = move || last_reply.get() == Some(id);
            // A reply that only called tools has no text of its own: the tool cards say it all.
            let silent = {
                let it = it.clone();
                move || it.with(|i| i.content.trim().is_empty() && i.status == ItemStatus::Done)
            };
            let copy_all = {
                let it = it.clone();
                move |_| {
                    #[cfg(feature = "hydrate")]
                    copy_text(&it.with_untracked(|i| i.content.clone()));
                    #[cfg(not(feature = "hydrate"))]
                    let _ = &it;
                }
            };
            view! {
                <li class="flex flex-col gap-1" class:hidden=silent data-item-id=id data-kind="assistant" data-status=move || status.get().as_str()>
                    <div class="bubble-assistant">
                        <div class="markdown" inner_html=html></div>
                        {move || (status.get() == ItemStatus::Streaming).then(|| view! {
                            <span class="typing" role="status" aria-label="The assistant is writing"><span></span><span></span><span></span></span>
                        })}
                        {move || match status.get() {
                            ItemStatus::Stopped => Some(view! { <p class="mt-2 text-xs text-stone-500">"Stopped."</p> }.into_any()),
                            ItemStatus::Failed | ItemStatus::Interrupted => Some(view! {
                                <div role="alert" class="mt-2 flex flex-wrap items-center gap-2 rounded-md border border-red-300 bg-red-50 px-2 py-1 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                                    <span>{error.clone()().unwrap_or_else(|| "The reply failed.".into())}</span>
                                    {move || is_last().then(|| view! {
                                        <button type="button" class="btn-secondary py-0.5" disabled=move || actions.busy.get() on:click=move |_| actions.regenerate.run(())>"Retry"</button>
                                    })}
                                </div>
                            }.into_any()),
                            _ => None,
                        }}
                    </div>
                    <div class="flex flex-wrap items-center gap-2 text-xs text-stone-500 dark:text-stone-400">
                        {switcher}
                        <span data-testid="reply-meta">{meta}</span>
                        {move || (status.get() != ItemStatus::Streaming).then(|| view! {
                            <button type="button" class="icon-btn" on:click=copy_all.clone()>"Copy"</button>
                        })}
                        {move || (is_last() && status.get().is_final()).then(|| view! {
                            <button type="button" class="icon-btn" disabled=move || actions.busy.get() on:click=move |_| actions.regenerate.run(())>"Regenerate"</button>
                        })}
                    </div>
                </li>
            }.into_any()
        }
    }
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

/// A tool call: what was called, its state, and (for an action) the proposed change with
/// Approve / Reject while it waits for this person.
#[component]
fn ToolCard(item: ArcRwSignal<ChatItem>, actions: Actions) -> impl IntoView {
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
                            <super::PreviewDetails preview=p.clone() />
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
