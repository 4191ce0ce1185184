//! One conversation: the thread's header, its messages and tool calls, the stream, the
//! composer. The latest page of items is rendered on the server; in the browser, older pages
//! load as you scroll up, and a reply being written streams in.

mod actions;
mod message;
mod stream;
mod timeline;
mod tool_card;
mod venue_wait;

use super::composer::{Composer, Outbox};
use super::model_picker::ModelPicker;
use super::ChatCtx;
use crate::api::chat::{open_chat, send_chat_message, set_chat_model, stop_reply};
use crate::app::common::{ErrorBanner, Loading, NotFoundPage, PageError};
use crate::domain::chat::{ItemKind, ThreadOpen};
use actions::Actions;
use leptos::prelude::*;
use leptos_meta::Title;
use message::{copy_code, Message};
use timeline::Timeline;

/// The thread `id` (none when the address has no plausible id: a 404), loaded and shown.
#[component]
pub fn Thread(id: Memo<Option<i64>>) -> impl IntoView {
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

/// One conversation. `compact` leaves out the header (a dashboard panel or the embedded widget
/// has its own).
#[component]
pub fn Conversation(open: ThreadOpen, #[prop(optional)] compact: bool) -> impl IntoView {
    let tl = Timeline::new(&open, use_context::<ChatCtx>());
    let Timeline { thread_id, rows, has_more, loading_older, streaming, reconnecting, banner, scroller, .. } = tl;
    let outbox = Outbox::new(banner);
    tl.load(open);
    on_cleanup(move || tl.follower.set_value(None));
    Effect::new(move |_| tl.scroll_to_end());

    let send = Callback::new(move |body: String| {
        outbox.send(
            body,
            move |body, files| send_chat_message(thread_id, body, None, files),
            move |sent| {
                let after = sent.user_item.as_ref().map(|u| u.id).unwrap_or(sent.reply.id - 1);
                if let Some(u) = sent.user_item {
                    tl.upsert(u);
                }
                tl.upsert(sent.reply);
                tl.stick.set_value(true);
                tl.scroll_to_end();
                tl.start_follow(after);
                if let Some(ctx) = tl.ctx {
                    ctx.refresh_threads();
                }
            },
        );
    });

    let stop = Callback::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Err(e) = stop_reply(thread_id).await {
                tl.report(e);
            }
        });
    });

    let actions = Actions::new(tl, outbox.sending);
    venue_wait::poll_for_venue_decisions(tl);

    let last_reply = Memo::new(move |_| {
        rows.with(|v| v.iter().rev().find(|(_, i)| i.with(|i| i.kind == ItemKind::Assistant)).map(|(id, _)| *id))
    });

    view! {
        {(!compact).then(|| view! { <ThreadHeader tl /> })}
        <div
            node_ref=scroller
            class="min-h-0 flex-1 overflow-y-auto px-3 py-4"
            on:scroll=move |_| tl.on_scroll()
            on:click=copy_code
            data-testid="messages"
        >
            <div class="mx-auto flex max-w-3xl flex-col gap-4">
                {move || has_more.get().then(|| view! {
                    <button type="button" class="btn-ghost self-center" on:click=move |_| tl.load_older() disabled=move || loading_older.get()>
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
                <Composer text=outbox.text busy=outbox.sending.into() streaming=streaming.into() on_send=send on_stop=stop tray=outbox.tray />
            </div>
        </div>
    }
}

/// The thread's title (also the document's), the model picker, and on a phone the button that
/// shows the chat list.
#[component]
fn ThreadHeader(tl: Timeline) -> impl IntoView {
    let Timeline { ctx, thread_id, thread, streaming, .. } = tl;
    view! {
        // `try_with`: the title is read once more while the page is torn down (leaving the chat
        // by a link, e.g. a citation's "Open in document"), after the thread's signal is gone.
        <Title text=move || thread.try_with(|t| t.title.clone()).unwrap_or_default() />
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
                            Err(e) => tl.report(e),
                        }
                    });
                })
            />
        </header>
    }
}
