//! The thread list: new chat, search, pinned first, more on demand, and per-thread actions.

use super::ChatCtx;
use crate::api::chat::{archive_chat, chat_threads, delete_chat, pin_chat, rename_chat, search_chats};
use crate::api::AppError;
use crate::app::common::{ErrorBanner, ToLogin};
use crate::domain::chat::{ChatThread, SearchHit};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use std::time::Duration;

#[component]
pub fn Sidebar() -> impl IntoView {
    let ctx = expect_context::<ChatCtx>();
    let archived = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    // The rows shown. The first page comes from a resource (rendered on the server); later
    // refreshes replace the rows in place, so a row that did not change (one being renamed, say)
    // keeps its state.
    let rows = RwSignal::new(Vec::<ChatThread>::new());
    let cursor = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let first = Resource::new(move || archived.get(), move |archived| chat_threads(archived, None));
    Effect::new(move |prev: Option<u32>| {
        let version = ctx.threads_version.get();
        if prev.is_some() {
            let archived = archived.get_untracked();
            leptos::task::spawn_local(async move {
                match chat_threads(archived, None).await {
                    Ok(list) => {
                        rows.set(list.threads);
                        cursor.set(list.next_cursor);
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        }
        version
    });
    let hits = Resource::new(
        move || query.get(),
        |q| async move {
            if q.trim().is_empty() {
                Ok(None)
            } else {
                search_chats(q).await.map(Some)
            }
        },
    );
    let load_more = move |_| {
        let Some(c) = cursor.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match chat_threads(archived.get_untracked(), Some(c)).await {
                Ok(page) => {
                    rows.update(|r| r.extend(page.threads));
                    cursor.set(page.next_cursor);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <aside
            class=move || if ctx.sidebar_open.get() { "chat-sidebar chat-sidebar-open" } else { "chat-sidebar" }
            aria-label="Chats"
        >
            <div class="flex items-center gap-2">
                <A href="/chat" attr:class="btn-primary flex-1" on:click=move |_| ctx.sidebar_open.set(false)>
                    <span aria-hidden="true" class="mr-1">"+"</span>"New chat"
                </A>
                <button type="button" class="btn-ghost md:hidden" aria-label="Close the chat list" on:click=move |_| ctx.sidebar_open.set(false)>"✕"</button>
            </div>
            <div role="search" class="mt-3">
                <label for="chat-search" class="sr-only">"Search chats"</label>
                <input
                    id="chat-search"
                    type="search"
                    class="input"
                    placeholder="Search chats"
                    autocomplete="off"
                    prop:value=move || typed.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        typed.set(value.clone());
                        // Search once typing pauses.
                        set_timeout(move || if typed.get_untracked() == value { query.set(value) }, Duration::from_millis(250));
                    }
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { typed.set(String::new()); query.set(String::new()); }
                />
            </div>
            {move || error.get().map(|m| view! { <div class="mt-2"><ErrorBanner message=m /></div> })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match hits.await {
                        Ok(Some(hits)) => view! { <SearchResults hits /> }.into_any(),
                        Err(e) => view! { <div class="mt-2"><ErrorBanner message=e.to_string() /></div> }.into_any(),
                        Ok(None) => view! {
                            <Transition fallback=|| view! { <p class="p-2 text-sm text-stone-500">"Loading…"</p> }>
                                {move || Suspend::new(async move {
                                    match first.await {
                                        Err(AppError::Unauthenticated) => view! { <ToLogin /> }.into_any(),
                                        Err(e) => view! { <ErrorBanner message=e.to_string() /> }.into_any(),
                                        Ok(list) => {
                                            rows.set(list.threads);
                                            cursor.set(list.next_cursor);
                                            view! {
                                                {move || rows.with(Vec::is_empty).then(|| view! {
                                                    <p class="p-2 text-sm text-stone-500 dark:text-stone-400">
                                                        {if archived.get_untracked() { "No archived chats." } else { "No chats yet. Start one!" }}
                                                    </p>
                                                })}
                                                <ul class="mt-3 space-y-0.5" data-testid="thread-list">
                                                    // Keyed by what a row shows: only rows that changed are rebuilt.
                                                    <For each=move || rows.get() key=|t| (t.id, t.title.clone(), t.pinned, t.archived) let:t>
                                                        <ThreadRow thread=t error />
                                                    </For>
                                                </ul>
                                            }.into_any()
                                        }
                                    }
                                })}
                            </Transition>
                            {move || cursor.get().is_some().then(|| view! {
                                <button type="button" class="btn-ghost mt-2 w-full" on:click=load_more>"Show more"</button>
                            })}
                        }.into_any(),
                    }
                })}
            </Transition>
            <div class="mt-auto flex items-center justify-between gap-2 border-t border-stone-200 pt-2 text-sm dark:border-stone-800">
                <button type="button" class="btn-ghost" aria-pressed=move || archived.get().to_string() on:click=move |_| archived.update(|a| *a = !*a)>
                    {move || if archived.get() { "← Back to chats" } else { "Archived chats" }}
                </button>
                <A href="/usage" attr:class="btn-ghost">"Usage"</A>
            </div>
        </aside>
    }
}

#[component]
fn SearchResults(hits: Vec<SearchHit>) -> impl IntoView {
    let ctx = expect_context::<ChatCtx>();
    if hits.is_empty() {
        return view! { <p class="mt-3 p-2 text-sm text-stone-500" role="status">"No chats match."</p> }.into_any();
    }
    view! {
        <ul class="mt-3 space-y-1" aria-label="Search results" data-testid="search-results">
            {hits.into_iter().map(|h| view! {
                <li>
                    <A href=format!("/chat/{}", h.thread_id) attr:class="thread-item block" on:click=move |_| ctx.sidebar_open.set(false)>
                        <span class="block truncate font-medium">{h.title.clone()}</span>
                        <span class="block text-xs text-stone-500 dark:text-stone-400"><Highlighted text=h.snippet.clone() /></span>
                    </A>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A snippet with «marked» words in bold (as text nodes: nothing is parsed as HTML).
#[component]
fn Highlighted(text: String) -> impl IntoView {
    let mut parts = Vec::new();
    for (i, chunk) in text.split('«').enumerate() {
        if i == 0 {
            parts.push(view! { <span>{chunk.to_string()}</span> }.into_any());
            continue;
        }
        let (marked, rest) = chunk.split_once('»').unwrap_or((chunk, ""));
        parts.push(view! { <mark class="bg-amber-100 font-semibold text-inherit dark:bg-amber-900/60">{marked.to_string()}</mark> }.into_any());
        parts.push(view! { <span>{rest.to_string()}</span> }.into_any());
    }
    parts
}

#[component]
fn ThreadRow(thread: ChatThread, error: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = expect_context::<ChatCtx>();
    let location = use_location();
    let navigate = use_navigate();
    let id = thread.id;
    let href = format!("/chat/{id}");
    let current = {
        let href = href.clone();
        move || location.pathname.get() == href
    };
    let title = RwSignal::new(thread.title.clone());
    let renaming = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let menu_open = RwSignal::new(false);
    let pinned = thread.pinned;
    let archived = thread.archived;
    let run = move |fut: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), crate::api::AppError>>>>| {
        leptos::task::spawn_local(async move {
            match fut.await {
                Ok(()) => ctx.refresh_threads(),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let save_title = move |value: String| {
        renaming.set(false);
        let value = value.trim().to_string();
        if value.is_empty() || value == title.get_untracked() {
            return;
        }
        title.set(value.clone());
        run(Box::pin(async move { rename_chat(id, value).await.map(|_| ()) }));
    };
    let delete = {
        let navigate = navigate.clone();
        let href = href.clone();
        move |_| {
            confirming.set(false);
            let navigate = navigate.clone();
            let was_open = location.pathname.get_untracked() == href;
            leptos::task::spawn_local(async move {
                match delete_chat(id).await {
                    Ok(()) => {
                        if was_open {
                            navigate("/chat", Default::default());
                        }
                        ctx.refresh_threads();
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        }
    };
    view! {
        <li class="group relative" data-thread-id=id>
            {move || if renaming.get() {
                view! {
                    <input
                        class="input py-1"
                        aria-label="Chat title"
                        maxlength="120"
                        prop:value=title.get_untracked()
                        autofocus
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                            "Enter" => save_title(event_target_value(&ev)),
                            "Escape" => renaming.set(false),
                            _ => {}
                        }
                        on:blur=move |ev| save_title(event_target_value(&ev))
                    />
                }.into_any()
            } else {
                let href = href.clone();
                let current = current.clone();
                view! {
                    <A
                        href=href
                        attr:class=move || if current() { "thread-item thread-item-active block pr-9" } else { "thread-item block pr-9" }
                        on:click=move |_| ctx.sidebar_open.set(false)
                    >
                        <span class="flex items-center gap-1">
                            {pinned.then(|| view! { <span aria-label="Pinned" title="Pinned">"📌"</span> })}
                            <span class="truncate">{move || title.get()}</span>
                        </span>
                    </A>
                }.into_any()
            }}
            <div class="absolute right-1 top-1">
                <button
                    type="button"
                    class="rounded px-2 py-0.5 text-stone-500 hover:bg-stone-200 focus:opacity-100 dark:hover:bg-stone-700"
                    aria-label=format!("Actions for {}", thread.title)
                    aria-haspopup="menu"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|o| *o = !*o)
                >"⋯"</button>
                {move || menu_open.get().then(|| view! {
                    <div role="menu" class="menu" on:click=move |_| menu_open.set(false)>
                        <button role="menuitem" type="button" class="menu-item" on:click=move |_| renaming.set(true)>"Rename"</button>
                        <button role="menuitem" type="button" class="menu-item" on:click=move |_| run(Box::pin(async move { pin_chat(id, !pinned).await.map(|_| ()) }))>
                            {if pinned { "Unpin" } else { "Pin" }}
                        </button>
                        <button role="menuitem" type="button" class="menu-item" on:click=move |_| run(Box::pin(async move { archive_chat(id, !archived).await.map(|_| ()) }))>
                            {if archived { "Unarchive" } else { "Archive" }}
                        </button>
                        // Downloads, not pages: the router leaves `download` links to the browser.
                        <a role="menuitem" class="menu-item block" href=format!("/chat/{id}/export.md") download="" rel="external">"Export as Markdown"</a>
                        <a role="menuitem" class="menu-item block" href=format!("/chat/{id}/export.json") download="" rel="external">"Export as JSON"</a>
                        <button role="menuitem" type="button" class="menu-item text-red-700 dark:text-red-400" on:click=move |_| confirming.set(true)>"Delete…"</button>
                    </div>
                })}
            </div>
            {move || confirming.get().then(|| {
                let delete = delete.clone();
                view! {
                    <div role="alertdialog" aria-label="Delete this chat?" class="mt-1 rounded-md border border-red-300 bg-red-50 p-2 text-sm dark:border-red-800 dark:bg-red-950">
                        <p>"Delete “" {move || title.get()} "”? This cannot be undone."</p>
                        <div class="mt-2 flex gap-2">
                            <button type="button" class="btn-primary bg-red-700 hover:bg-red-800" on:click=delete>"Delete"</button>
                            <button type="button" class="btn-secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </div>
                    </div>
                }
            })}
        </li>
    }
}
