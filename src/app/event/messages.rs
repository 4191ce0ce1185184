//! Messages: the event's threads the person may read, and a composer.

use crate::api::messages::{event_threads, open_thread, SendMessage};
use crate::app::common::{field_error, fmt_datetime, general_error, ErrorBanner, FieldMessage, Loading, PageError};
use crate::domain::forms::message_body;
use crate::domain::parse::{FieldErrors, MAX_MESSAGE};
use crate::domain::ThreadKind;
use leptos::prelude::*;

#[component]
pub fn MessagesTab(event_id: i64) -> impl IntoView {
    let send = ServerAction::<SendMessage>::new();
    let threads = Resource::new(move || send.version().get(), move |_| event_threads(event_id));
    let selected = RwSignal::new(None::<i64>);
    view! {
        <div class="mt-6">
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match threads.await {
                        Err(error) => view! { <PageError error /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="card text-sm text-stone-500">"No conversations on this event yet."</p> }.into_any(),
                        Ok(list) => {
                            if selected.get_untracked().is_none() {
                                selected.set(list.first().map(|t| t.id));
                            }
                            view! {
                                <div class="grid grid-cols-1 gap-6 md:grid-cols-3">
                                    <nav aria-label="Conversations" class="card p-2">
                                        <ul class="space-y-1">
                                            {list.into_iter().map(|t| {
                                                let id = t.id;
                                                let who = match t.kind {
                                                    ThreadKind::Client => "With the client".to_string(),
                                                    ThreadKind::Vendor => format!("With {}", t.vendor_name.clone().unwrap_or_else(|| "a vendor".into())),
                                                    ThreadKind::Internal => "Staff only".to_string(),
                                                };
                                                view! {
                                                    <li>
                                                        <button
                                                            type="button"
                                                            class=move || if selected.get() == Some(id) { "thread-item thread-item-active" } else { "thread-item" }
                                                            aria-current=move || (selected.get() == Some(id)).then_some("true")
                                                            on:click=move |_| selected.set(Some(id))
                                                        >
                                                            <span class="block truncate font-medium">{t.subject.clone()}</span>
                                                            <span class="block text-xs text-stone-500">{format!("{who} · {} messages", t.message_count)}</span>
                                                        </button>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </nav>
                                    <div class="md:col-span-2">
                                        {move || selected.get().map(|thread_id| view! { <Thread thread_id send /> })}
                                    </div>
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Thread(thread_id: i64, send: ServerAction<SendMessage>) -> impl IntoView {
    let data = Resource::new(move || send.version().get(), move |_| open_thread(thread_id));
    let body = RwSignal::new(String::new());
    let shown = RwSignal::new(FieldErrors::default());
    let server_error = move || send.value().get().and_then(|r| r.err());
    let message = Signal::derive(move || field_error(server_error(), &shown.get(), "body"));
    Effect::new(move |_| {
        if matches!(send.value().get(), Some(Ok(_))) {
            body.set(String::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match message_body(&body.get_untracked()) {
            Err(errors) => shown.set(errors),
            Ok(_) => {
                shown.set(FieldErrors::default());
                send.dispatch(SendMessage { thread_id, body: body.get_untracked() });
            }
        }
    };
    view! {
        <section class="card" aria-label="Conversation">
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(error) => view! { <PageError error /> }.into_any(),
                        Ok(view) => view! {
                            <h2 class="section-title">{view.thread.subject.clone()}</h2>
                            <ol class="max-h-[28rem] space-y-3 overflow-y-auto pr-1" aria-label="Messages">
                                {view.messages.into_iter().map(|m| view! {
                                    <li class=if m.mine { "ml-8 rounded-lg bg-teal-50 p-3 dark:bg-teal-950/50" } else { "mr-8 rounded-lg bg-stone-100 p-3 dark:bg-stone-800" }>
                                        <p class="flex justify-between gap-2 text-xs text-stone-500">
                                            <span class="font-medium">{m.author_name.clone()}</span>
                                            <span>{fmt_datetime(m.created_at)}</span>
                                        </p>
                                        <p class="mt-1 whitespace-pre-line text-sm">{m.body.clone()}</p>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                    }
                })}
            </Transition>
            <form class="mt-4" on:submit=submit aria-label="Send a message" novalidate>
                <label for="message-body" class="sr-only">"Message"</label>
                <textarea
                    id="message-body"
                    class="input min-h-20"
                    placeholder="Write a message…"
                    aria-describedby="message-body-error"
                    prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))
                ></textarea>
                <div class="flex items-center justify-between gap-2">
                    <FieldMessage id="message-body-error" message />
                    <span class="text-xs text-stone-500">{move || format!("{} / {MAX_MESSAGE}", body.with(|b| b.chars().count()))}</span>
                </div>
                {move || server_error().and_then(|e| general_error(&e)).map(|m| view! { <ErrorBanner message=m /> })}
                <button type="submit" class="btn-primary mt-1" disabled=move || send.pending().get()>
                    {move || if send.pending().get() { "Sending…" } else { "Send" }}
                </button>
            </form>
        </section>
    }
}
