//! The message box of every chat, and the one send path its owners share. Where a chat takes
//! files, the box has a paperclip, takes dropped and pasted files, and shows them in its tray.

use super::attachments::{ClipIcon, Tray, TrayChips};
use crate::api::AppError;
use crate::app::common::general_error;
use crate::domain::chat::MAX_USER_MESSAGE;
use leptos::prelude::*;
use std::future::Future;

/// What to say when a send fails: the message's or the model's field error, else the error.
pub fn send_error(e: &AppError) -> String {
    e.field("text")
        .or_else(|| e.field("attachments"))
        .or_else(|| e.field("model"))
        .or_else(|| general_error(e))
        .unwrap_or_else(|| e.to_string())
}

/// A composer's state: the text being written, the files attached to it, whether a send is in
/// flight, and where a failed send is said.
#[derive(Clone, Copy)]
pub struct Outbox {
    pub text: RwSignal<String>,
    pub tray: Tray,
    pub sending: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
}

impl Outbox {
    pub fn new(error: RwSignal<Option<String>>) -> Self {
        Self { text: RwSignal::new(String::new()), tray: Tray::new(), sending: RwSignal::new(false), error }
    }

    /// Sends a message: nothing while a send is in flight; the message is checked as the server
    /// will, and its files must be uploaded; then `call` (the server call, with the message and
    /// its files' ids) runs. On success the box and the tray empty and `sent` gets the answer; on
    /// failure the error says why.
    pub fn send<T, Fut>(
        self,
        body: String,
        call: impl FnOnce(String, Vec<i64>) -> Fut + 'static,
        sent: impl FnOnce(T) + 'static,
    ) where
        T: 'static,
        Fut: Future<Output = Result<T, AppError>> + 'static,
    {
        if self.sending.get_untracked() {
            return;
        }
        if let Err(e) = crate::domain::chat::user_message(&body) {
            self.error.set(e.get("text").map(str::to_string));
            return;
        }
        if untrack(|| self.tray.blocking()) {
            self.error.set(Some("Wait for the files to upload, or remove the ones that could not be attached.".into()));
            return;
        }
        let files = self.tray.ids();
        self.sending.set(true);
        self.error.set(None);
        leptos::task::spawn_local(async move {
            match call(body, files).await {
                Ok(answer) => {
                    self.text.set(String::new());
                    self.tray.clear();
                    self.sending.set(false);
                    // Last: it may swap this composer's view for another.
                    sent(answer);
                }
                Err(e) => {
                    self.error.set(Some(send_error(&e)));
                    self.sending.set(false);
                }
            }
        });
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
    /// Where the box takes files (paperclip, drop, paste); without it, it takes none.
    #[prop(optional)]
    tray: Option<Tray>,
) -> impl IntoView {
    use crate::app::knowledge::files::{chosen_files, dropped_files, pasted_files};
    use crate::domain::knowledge::ATTACH_ACCEPTED;
    let count = move || text.with(|t| t.chars().count());
    let over = move || count() > MAX_USER_MESSAGE;
    let waiting = Signal::derive(move || tray.is_some_and(|t| t.blocking()));
    let submit = move || {
        let body = text.get_untracked();
        if body.trim().is_empty() || over() || busy.get_untracked() || streaming.get_untracked() {
            return;
        }
        on_send.run(body);
    };
    let dragging = RwSignal::new(false);
    let file_input = NodeRef::<leptos::html::Input>::new();
    view! {
        <form
            class=move || if dragging.get() { "composer drop-target" } else { "composer" }
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
            on:dragover=move |ev: leptos::ev::DragEvent| {
                if tray.is_some() {
                    ev.prevent_default();
                    dragging.set(true);
                }
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                dragging.set(false);
                if let Some(t) = tray {
                    ev.prevent_default();
                    t.add(dropped_files(&ev));
                }
            }
        >
            {tray.map(|t| view! { <TrayChips tray=t /> })}
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
                on:paste=move |ev: leptos::ev::ClipboardEvent| {
                    if let Some(t) = tray {
                        let files = pasted_files(&ev);
                        if !files.is_empty() {
                            ev.prevent_default();
                            t.add(files);
                        }
                    }
                }
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
                <span class="flex items-center gap-2">
                {tray.map(|t| view! {
                    <input type="file" multiple class="sr-only" id="composer-files" node_ref=file_input accept=ATTACH_ACCEPTED
                        tabindex="-1" aria-hidden="true"
                        on:change=move |ev| t.add(chosen_files(&ev)) />
                    <button type="button" class="icon-btn" aria-label="Attach files" title="Attach files (or drop or paste them)"
                        on:click=move |_| {
                            if let Some(input) = file_input.get() {
                                input.click();
                            }
                        }>
                        <ClipIcon />
                    </button>
                })}
                <span
                    id="composer-count"
                    class=move || if over() { "text-xs font-medium text-red-700 dark:text-red-400" } else { "text-xs text-stone-500 dark:text-stone-400" }
                    aria-live="polite"
                >
                    {move || format!("{} / {MAX_USER_MESSAGE}", count())}
                </span>
                </span>
                {move || if streaming.get() {
                    view! {
                        <button type="button" class="btn-secondary" on:click=move |_| on_stop.run(()) aria-keyshortcuts="Escape">
                            <span aria-hidden="true" class="mr-1">"■"</span>"Stop"
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <button type="submit" class="btn-primary" disabled=move || busy.get() || over() || waiting.get() || text.with(|t| t.trim().is_empty())>
                            {move || if busy.get() { "Sending…" } else if waiting.get() { "Uploading…" } else { "Send" }}
                        </button>
                    }.into_any()
                }}
            </div>
        </form>
    }
}
