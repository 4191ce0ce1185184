//! The message box of every chat, and the one send path its owners share.

use crate::api::AppError;
use crate::app::common::general_error;
use crate::domain::chat::MAX_USER_MESSAGE;
use leptos::prelude::*;
use std::future::Future;

/// What to say when a send fails: the message's or the model's field error, else the error.
pub fn send_error(e: &AppError) -> String {
    e.field("text").or_else(|| e.field("model")).or_else(|| general_error(e)).unwrap_or_else(|| e.to_string())
}

/// A composer's state: the text being written, whether a send is in flight, and where a failed
/// send is said.
#[derive(Clone, Copy)]
pub struct Outbox {
    pub text: RwSignal<String>,
    pub sending: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
}

impl Outbox {
    pub fn new(error: RwSignal<Option<String>>) -> Self {
        Self { text: RwSignal::new(String::new()), sending: RwSignal::new(false), error }
    }

    /// Sends a message: nothing while a send is in flight; the message is checked as the server
    /// will; then `call` (the server call) runs. On success the box empties and `sent` gets the
    /// answer; on failure the error says why.
    pub fn send<T, Fut>(self, body: String, call: impl FnOnce(String) -> Fut + 'static, sent: impl FnOnce(T) + 'static)
    where
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
        self.sending.set(true);
        self.error.set(None);
        leptos::task::spawn_local(async move {
            match call(body).await {
                Ok(answer) => {
                    self.text.set(String::new());
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
