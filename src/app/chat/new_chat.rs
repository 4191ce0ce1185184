//! The empty state of `/chat`: starter prompts, a model picker and the composer; the first send
//! creates the thread and opens it.

use super::composer::{Composer, Outbox};
use super::model_picker::ModelPicker;
use super::ChatCtx;
use crate::api::chat::start_chat;
use crate::app::common::ErrorBanner;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

const STARTERS: &[(&str, &str)] = &[
    ("Plan a tasting", "Help me plan a menu tasting for a 120-guest wedding: what should we prepare and ask?"),
    ("Draft a message", "Draft a friendly reminder to a client that their final guest count is due next Friday."),
    ("Checklist", "Write a checklist for the week before a large event at our venue."),
    ("Explain a contract", "Explain in plain words what a deposit milestone in an event contract means."),
];

/// Nothing open yet: the first send creates the thread and opens it.
#[component]
pub fn NewChat() -> impl IntoView {
    let ctx = expect_context::<ChatCtx>();
    let model = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let outbox = Outbox::new(error);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(catalog)) = ctx.models.get() {
            if model.get_untracked().is_empty() {
                model.set(catalog.default_model.clone());
            }
        }
    });
    let send = Callback::new(move |body: String| {
        let navigate = navigate.clone();
        let chosen = Some(model.get_untracked()).filter(|m| !m.is_empty());
        outbox.send(
            body,
            move |body, files| start_chat(body, chosen, files),
            move |sent| {
                ctx.refresh_threads();
                navigate(&format!("/chat/{}", sent.thread_id), Default::default());
            },
        );
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
                <Composer text=outbox.text busy=outbox.sending.into() streaming=Signal::derive(|| false) on_send=send on_stop=Callback::new(|_| ()) tray=outbox.tray />
            </div>
        </div>
    }
}
