//! The assist's paste box beside a form: paste text (or drop a text file), and the venue's model
//! reads it into the form's fields as suggestions ([`crate::domain::assist`] on the server
//! grounds each value in the text).

use super::suggested::Suggested;
use crate::api::assist::assist_form;
use crate::api::AppError;
use crate::domain::assist::{Dropped, Extraction, FormKind, MAX_TEXT};
use leptos::prelude::*;

/// The paste box beside a form.
#[component]
pub fn AssistPanel(kind: FormKind, sug: Suggested, #[prop(optional, into)] id: Option<String>) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("assist-{}", kind.as_str()));
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let last = RwSignal::new(None::<Extraction>);
    let run = move || {
        let t = text.get_untracked();
        if t.trim().is_empty() {
            error.set(Some("Paste or drop some text to read.".into()));
            return;
        }
        if t.chars().count() > MAX_TEXT {
            error.set(Some(format!("The text is too long; the most is {MAX_TEXT} characters.")));
            return;
        }
        error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match assist_form(kind, t).await {
                Ok(x) => {
                    sug.apply(x.suggestions.clone());
                    last.set(Some(x));
                }
                Err(e) => error.set(Some(match e {
                    AppError::Invalid(f) => f.get("text").map(str::to_string).unwrap_or_else(|| f.to_string()),
                    other => other.to_string(),
                })),
            }
            busy.set(false);
        });
    };
    let read_file = move |file: Option<FileHandle>| {
        let _ = &file;
        #[cfg(feature = "hydrate")]
        if let Some(FileHandle(file)) = file {
            if file.size() > (MAX_TEXT * 4) as f64 {
                error.set(Some("That file is too large to read.".into()));
                return;
            }
            leptos::task::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string()) {
                    Some(t) => {
                        text.set(t);
                        error.set(None);
                    }
                    None => error.set(Some("Could not read that file as text.".into())),
                }
            });
        }
    };
    let text_id = format!("{id}-text");
    let msg_id = format!("{id}-msg");
    let file_id = format!("{id}-file");
    view! {
        // First on a phone (paste, then review the form); beside the form on a wide screen.
        <section class="card order-first self-start lg:order-none" aria-labelledby=format!("{id}-title") data-testid="assist-panel">
            <h2 id=format!("{id}-title") class="section-title">"Fill in from text"</h2>
            <label for=text_id.clone() class="label">"Paste an email, call notes or a message, or drop a text file"</label>
            <textarea id=text_id class="input min-h-40" rows="8" maxlength=MAX_TEXT.to_string() aria-describedby=msg_id.clone()
                placeholder=placeholder(kind)
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=move |ev: leptos::ev::DragEvent| {
                    let file = dropped_file(&ev);
                    if file.is_some() {
                        ev.prevent_default();
                        read_file(file);
                    }
                }
            ></textarea>
            <p id=msg_id class="min-h-5 text-sm text-red-700 dark:text-red-400" aria-live="polite">{move || error.get()}</p>
            <div class="flex flex-wrap items-center gap-2">
                <button type="button" class="btn-primary" disabled=move || busy.get() on:click=move |_| run()>
                    {move || if busy.get() { "Reading…" } else { "Suggest values" }}
                </button>
                <label for=file_id.clone() class="btn-secondary cursor-pointer">"Choose a text file"</label>
                <input id=file_id type="file" accept=".txt,.eml,.md,text/plain" class="sr-only"
                    on:change=move |ev| read_file(picked_file(&ev)) />
            </div>
            <p class="mt-2 text-xs text-stone-500 dark:text-stone-400">
                "The venue's model suggests values; only what the text says is kept. Nothing is saved until you submit the form."
            </p>
            <div role="status" aria-live="polite" class="mt-3 space-y-2 text-sm">
                {move || busy.get().then(|| view! { <p class="text-stone-600 dark:text-stone-300">"Reading the text…"</p> })}
                {move || last.get().map(|x| summary(&x, sug))}
            </div>
        </section>
    }
}

fn placeholder(kind: FormKind) -> &'static str {
    match kind {
        FormKind::Inquiry => "Hi, we're planning a wedding on June 12 for about 120 guests…",
        FormKind::Vendor => "Hello from Petal & Stem, a florist in Boston. Ask for Rosa: rosa@petalstem.example…",
        FormKind::Guest => "Please add Ann Lee (ann@example.com), party of 2, vegetarian…",
        FormKind::Event => "The Clarks now expect 140 guests and would like the Garden Terrace…",
    }
}

/// What the last reading found: counts, accept/reject all, and what was left out.
fn summary(x: &Extraction, sug: Suggested) -> impl IntoView {
    let found = x.suggestions.len();
    let dropped = x.dropped.clone();
    let model = x.model.clone();
    view! {
        <p data-testid="assist-summary">
            {match found {
                0 => "No values found in the text.".to_string(),
                1 => "1 value suggested: check it in the form.".to_string(),
                n => format!("{n} values suggested: check them in the form."),
            }}
            <span class="text-stone-500">{format!(" Read by {model}.")}</span>
        </p>
        {move || (sug.count() > 0).then(|| view! {
            <div class="flex flex-wrap gap-2">
                <button type="button" class="btn-secondary py-1" on:click=move |_| sug.accept_all()>"Accept all"</button>
                <button type="button" class="btn-secondary py-1" on:click=move |_| sug.reject_all()>"Reject all"</button>
            </div>
        })}
        {(!dropped.is_empty()).then(|| view! {
            <details class="text-stone-600 dark:text-stone-300">
                <summary class="cursor-pointer">{format!("{} left out (not supported by the text)", dropped.len())}</summary>
                <ul class="mt-1 list-disc pl-5">
                    {dropped.into_iter().map(|Dropped { field, value, reason }| view! {
                        <li>{format!("{field}: “{value}” ({reason})")}</li>
                    }).collect_view()}
                </ul>
            </details>
        })}
    }
}

/// A file from the browser (only the browser build has one).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct FileHandle(#[cfg(feature = "hydrate")] web_sys::File);

#[cfg(feature = "hydrate")]
fn dropped_file(ev: &leptos::ev::DragEvent) -> Option<FileHandle> {
    ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)).map(FileHandle)
}

#[cfg(not(feature = "hydrate"))]
fn dropped_file(_: &leptos::ev::DragEvent) -> Option<FileHandle> {
    None
}

#[cfg(feature = "hydrate")]
fn picked_file(ev: &leptos::ev::Event) -> Option<FileHandle> {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|i| i.files())
        .and_then(|f| f.get(0))
        .map(FileHandle)
}

#[cfg(not(feature = "hydrate"))]
fn picked_file(_: &leptos::ev::Event) -> Option<FileHandle> {
    None
}
