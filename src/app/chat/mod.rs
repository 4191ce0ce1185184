//! `/chat` and `/chat/:id`: the chat with the assistant. A sidebar of the person's threads
//! (search, rename, pin, archive, delete) beside the open conversation, or the empty state with
//! starter prompts when none is open.

mod conversation;
mod follow;
mod panel;
mod sidebar;

pub use conversation::ThreadPage;
pub use panel::{AgentPanel, EmbedChatPage};

use crate::api::chat::{chat_models, start_chat};
use crate::api::AppError;
use crate::app::common::{general_error, ErrorBanner};
use crate::domain::chat::{ModelCatalog, MAX_USER_MESSAGE};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_navigate;

/// Shared by the sidebar and the open conversation.
#[derive(Clone, Copy)]
pub struct ChatCtx {
    /// Bumped whenever the thread list may have changed (a send, a title, a rename...).
    pub threads_version: RwSignal<u32>,
    pub models: Resource<Result<ModelCatalog, AppError>>,
    /// The sidebar is open on a phone.
    pub sidebar_open: RwSignal<bool>,
}

impl ChatCtx {
    pub fn refresh_threads(&self) {
        self.threads_version.update(|v| *v += 1);
    }
}

/// The frame of both chat routes. It renders at once (no waiting on the session): the sidebar's
/// list answers `Unauthenticated` for a logged-out visitor and sends them to log in.
#[component]
pub fn ChatLayout() -> impl IntoView {
    let ctx = ChatCtx {
        threads_version: RwSignal::new(0),
        models: Resource::new(|| (), |_| chat_models()),
        sidebar_open: RwSignal::new(false),
    };
    provide_context(ctx);
    view! {
        <Title text="Chat" />
        <div class="chat-layout">
            <sidebar::Sidebar />
            <section class="flex min-h-0 min-w-0 flex-col" aria-label="Conversation">
                <Outlet />
            </section>
        </div>
    }
}

/// What to say when a send fails: the message's or the model's field error, else the error.
fn send_error(e: &AppError) -> String {
    e.field("text").or_else(|| e.field("model")).or_else(|| general_error(e)).unwrap_or_else(|| e.to_string())
}

/// The model picker: the catalog's models, grouped by provider.
#[component]
pub fn ModelPicker(
    #[prop(into)] selected: Signal<String>,
    on_change: Callback<String>,
    #[prop(optional)] disabled: Option<Signal<bool>>,
) -> impl IntoView {
    let ctx = expect_context::<ChatCtx>();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match ctx.models.await {
                    Ok(catalog) if !catalog.models.is_empty() => view! {
                        <label class="flex items-center gap-2 text-sm">
                            <span class="sr-only">"Model"</span>
                            <select
                                class="input w-auto max-w-56 py-1"
                                data-testid="model-picker"
                                prop:value=move || selected.get()
                                disabled=move || disabled.map(|d| d.get()).unwrap_or(false)
                                on:change=move |ev| on_change.run(event_target_value(&ev))
                            >
                                {catalog.models.into_iter().map(|m| {
                                    let id = m.id.clone();
                                    let label = if m.local { format!("{} · local", m.label) } else { format!("{} · {}", m.label, m.provider) };
                                    view! { <option value=id.clone() selected=move || selected.get() == id>{label}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    }.into_any(),
                    Ok(_) => view! { <span class="text-sm text-red-700">"No model configured"</span> }.into_any(),
                    Err(_) => ().into_any(),
                }
            })}
        </Transition>
    }
}

const STARTERS: &[(&str, &str)] = &[
    ("Plan a tasting", "Help me plan a menu tasting for a 120-guest wedding: what should we prepare and ask?"),
    ("Draft a message", "Draft a friendly reminder to a client that their final guest count is due next Friday."),
    ("Checklist", "Write a checklist for the week before a large event at our venue."),
    ("Explain a contract", "Explain in plain words what a deposit milestone in an event contract means."),
];

/// `/chat`: nothing open yet. Starter prompts, a model picker and the composer; the first send
/// creates the thread and opens it.
#[component]
pub fn NewChatPage() -> impl IntoView {
    let ctx = expect_context::<ChatCtx>();
    let text = RwSignal::new(String::new());
    let model = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(catalog)) = ctx.models.get() {
            if model.get_untracked().is_empty() {
                model.set(catalog.default_model.clone());
            }
        }
    });
    let send = Callback::new(move |body: String| {
        if sending.get_untracked() {
            return;
        }
        if let Err(e) = crate::domain::chat::user_message(&body) {
            error.set(e.get("text").map(str::to_string));
            return;
        }
        sending.set(true);
        error.set(None);
        let navigate = navigate.clone();
        let chosen = Some(model.get_untracked()).filter(|m| !m.is_empty());
        leptos::task::spawn_local(async move {
            match start_chat(body, chosen).await {
                Ok(sent) => {
                    text.set(String::new());
                    ctx.refresh_threads();
                    navigate(&format!("/chat/{}", sent.thread_id), Default::default());
                }
                Err(e) => error.set(Some(send_error(&e))),
            }
            sending.set(false);
        });
    });
    view! {
        <div class="flex min-h-0 flex-1 flex-col">
            <div class="flex min-h-0 flex-1 flex-col items-center justify-center-safe gap-6 overflow-y-auto p-4 text-center">
                <div>
                    <h1 class="text-2xl font-semibold">"How can I help?"</h1>
                    <p class="mt-1 text-sm text-stone-500 dark:text-stone-400">"Ask about events, clients, planning, or anything else. Replies stream as they are written."</p>
                </div>
                <ul class="grid w-full max-w-2xl grid-cols-1 gap-2 sm:grid-cols-2" aria-label="Starter prompts">
                    {STARTERS.iter().map(|(title, prompt)| {
                        let prompt = prompt.to_string();
                        view! {
                            <li>
                                <button type="button" class="starter" on:click=move |_| send.run(prompt.clone())>
                                    <span class="block font-medium">{*title}</span>
                                    <span class="block text-xs text-stone-500 dark:text-stone-400">{prompt.clone()}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
            <div class="border-t border-stone-200 p-3 dark:border-stone-800">
                {move || error.get().map(|m| view! { <div class="mb-2"><ErrorBanner message=m /></div> })}
                <div class="mb-2 flex items-center justify-between gap-2">
                    <ModelPicker selected=model on_change=Callback::new(move |m| model.set(m)) />
                </div>
                <Composer text busy=sending.into() streaming=Signal::derive(|| false) on_send=send on_stop=Callback::new(|_| ()) />
            </div>
        </div>
    }
}

/// The message box: multi-line, Enter sends, Shift+Enter breaks the line, a visible count.
#[component]
pub fn Composer(
    text: RwSignal<String>,
    /// A send is in flight.
    busy: Signal<bool>,
    /// A reply is being written (the button becomes Stop).
    streaming: Signal<bool>,
    on_send: Callback<String>,
    on_stop: Callback<()>,
) -> impl IntoView {
    let count = move || text.with(|t| t.chars().count());
    let over = move || count() > MAX_USER_MESSAGE;
    let submit = move || {
        let body = text.get_untracked();
        if body.trim().is_empty() || over() || busy.get_untracked() || streaming.get_untracked() {
            return;
        }
        on_send.run(body);
    };
    view! {
        <form
            class="composer"
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            <label for="composer" class="sr-only">"Message"</label>
            <textarea
                id="composer"
                name="text"
                class="composer-input"
                rows=move || text.with(|t| t.lines().count().clamp(1, 8)).to_string()
                placeholder="Message the assistant (Enter to send, Shift+Enter for a new line)"
                aria-describedby="composer-count"
                aria-invalid=move || over().then_some("true")
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        submit();
                    } else if ev.key() == "Escape" && streaming.get_untracked() {
                        on_stop.run(());
                    }
                }
            ></textarea>
            <div class="flex items-center justify-between gap-2 pt-1">
                <span
                    id="composer-count"
                    class=move || if over() { "text-xs font-medium text-red-700 dark:text-red-400" } else { "text-xs text-stone-500 dark:text-stone-400" }
                    aria-live="polite"
                >
                    {move || format!("{} / {MAX_USER_MESSAGE}", count())}
                </span>
                {move || if streaming.get() {
                    view! {
                        <button type="button" class="btn-secondary" on:click=move |_| on_stop.run(()) aria-keyshortcuts="Escape">
                            <span aria-hidden="true" class="mr-1">"■"</span>"Stop"
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <button type="submit" class="btn-primary" disabled=move || busy.get() || over() || text.with(|t| t.trim().is_empty())>
                            {move || if busy.get() { "Sending…" } else { "Send" }}
                        </button>
                    }.into_any()
                }}
            </div>
        </form>
    }
}

/// What a proposed action would do: the record, its fields before → after, the message to be
/// sent. The chat's approval card and the venue's queue show the same.
#[component]
pub fn PreviewDetails(preview: crate::domain::chat::Preview) -> impl IntoView {
    let p = preview;
    view! {
        {(!p.record.is_empty()).then(|| view! { <p class="text-xs text-stone-500">{p.record.clone()}</p> })}
        {(!p.changes.is_empty()).then(|| view! {
            <table class="mt-1 w-full text-left text-sm">
                <thead><tr class="text-xs text-stone-500"><th scope="col">"Field"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr></thead>
                <tbody>
                    {p.changes.iter().map(|c| view! {
                        <tr>
                            <td class="pr-2">{c.field.clone()}</td>
                            <td class="pr-2 text-stone-500 line-through decoration-stone-400">{if c.before.is_empty() { "—".to_string() } else { c.before.clone() }}</td>
                            <td class="font-medium">{c.after.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        {p.message.clone().map(|m| view! {
            <div class="mt-1">
                <p class="text-xs text-stone-500">{format!("Message to {}", m.to)}</p>
                <blockquote class="whitespace-pre-wrap border-l-2 border-stone-300 pl-2">{m.body}</blockquote>
            </div>
        })}
    }
}
