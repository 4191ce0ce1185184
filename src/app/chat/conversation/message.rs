//! One item of a conversation as the person sees it: their message (edit it, switch between
//! its versions) or the assistant's reply (markdown, streaming, stopped or failed, its model and
//! tokens, copy, regenerate, the chips of the documents it cites). Tool calls render as a
//! [`ToolCard`]. Also the copy buttons of code blocks in replies.

use super::actions::Actions;
use super::tool_card::ToolCard;
use crate::api::chat::rate_reply;
use crate::app::chat::attachments::MessageFilesView;
use crate::app::knowledge::{reply_sources, Citations};
use crate::domain::chat::{ChatItem, ItemKind, ItemStatus};
use crate::domain::knowledge::MessageFiles;
use crate::domain::markdown;
use leptos::prelude::*;

/// Copy buttons of code blocks (rendered as HTML by the markdown renderer) work by delegation:
/// this handles clicks on the whole message list.
pub fn copy_code(ev: leptos::ev::MouseEvent) {
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
}

#[cfg(feature = "hydrate")]
fn copy_text(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

#[component]
pub fn Message(item: ArcRwSignal<ChatItem>, last_reply: Memo<Option<i64>>, actions: Actions) -> impl IntoView {
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
            let files = it.with_untracked(|i| MessageFiles::of(i.data.as_ref()));
            view! {
                <li class="flex flex-col items-end gap-1" data-item-id=id data-kind="user">
                    <MessageFilesView files />
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
            // The documents the reply cites, as chips under it.
            let sources = {
                let it = it.clone();
                Memo::new(move |_| it.with(reply_sources))
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
                        <Citations item_id=id sources />
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
                        {
                            let it = it.clone();
                            move || matches!(status.get(), ItemStatus::Done | ItemStatus::Stopped).then(|| view! { <Feedback item=it.clone() /> })
                        }
                        {move || (is_last() && status.get().is_final()).then(|| view! {
                            <button type="button" class="icon-btn" disabled=move || actions.busy.get() on:click=move |_| actions.regenerate.run(())>"Regenerate"</button>
                        })}
                    </div>
                </li>
            }.into_any()
        }
    }
}

/// Thumbs up or down on a finished reply, then an optional comment; pressing the chosen thumb
/// again takes the rating back. Stored with the reply (owners see them in insights).
#[component]
fn Feedback(item: ArcRwSignal<ChatItem>) -> impl IntoView {
    let id = item.with_untracked(|i| i.id);
    let rating = {
        let item = item.clone();
        Memo::new(move |_| item.with(|i| i.rating))
    };
    let comment = RwSignal::new(item.with_untracked(|i| i.rating_comment.clone()));
    // The comment box opens after a thumb is chosen; `thanked` once a comment is sent.
    let asking = RwSignal::new(false);
    let thanked = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let save = Callback::new(move |(value, text): (&'static str, Option<String>)| {
        let item = item.clone();
        error.set(None);
        leptos::task::spawn_local(async move {
            match rate_reply(id, value.to_string(), text).await {
                Ok(updated) => item.set(updated),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    });
    let choose = move |value: &'static str, score: i16| {
        if rating.get_untracked() == Some(score) {
            asking.set(false);
            comment.set(String::new());
            save.run(("", None));
        } else {
            thanked.set(false);
            asking.set(true);
            save.run((value, Some(comment.get_untracked())));
        }
    };
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = if rating.get_untracked() == Some(-1) { "down" } else { "up" };
        save.run((value, Some(comment.get_untracked())));
        asking.set(false);
        thanked.set(true);
    };
    view! {
        <span class="inline-flex items-center gap-0.5" role="group" aria-label="Rate this reply">
            <button type="button" class="icon-btn" aria-label="Good reply" title="Good reply"
                aria-pressed=move || (rating.get() == Some(1)).to_string()
                class:text-teal-700=move || rating.get() == Some(1)
                on:click=move |_| choose("up", 1)><Thumb down=false /></button>
            <button type="button" class="icon-btn" aria-label="Bad reply" title="Bad reply"
                aria-pressed=move || (rating.get() == Some(-1)).to_string()
                class:text-red-700=move || rating.get() == Some(-1)
                on:click=move |_| choose("down", -1)><Thumb down=true /></button>
        </span>
        {move || asking.get().then(|| view! {
            <form class="flex w-full items-center gap-1 sm:w-auto" on:submit=send aria-label="Comment on this reply">
                <label class="sr-only" for=format!("rating-comment-{id}")>
                    {move || if rating.get() == Some(-1) { "What went wrong? (optional)" } else { "What was good? (optional)" }}
                </label>
                <input id=format!("rating-comment-{id}") class="input py-1 text-xs" maxlength="1000"
                    placeholder=move || if rating.get() == Some(-1) { "What went wrong? (optional)" } else { "What was good? (optional)" }
                    prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev)) />
                <button type="submit" class="btn-secondary py-1 text-xs">"Send"</button>
                <button type="button" class="icon-btn" on:click=move |_| asking.set(false)>"Skip"</button>
            </form>
        })}
        {move || thanked.get().then(|| view! { <span role="status">"Thanks for the feedback."</span> })}
        {move || error.get().map(|e| view! { <span role="alert" class="text-red-700 dark:text-red-300">{e}</span> })}
    }
}

/// A thumb, drawn (emoji fonts are missing on many systems); pointing down when `down`.
#[component]
fn Thumb(down: bool) -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor"
            stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"
            style={if down { "transform: rotate(180deg)" } else { "" }}>
            <path d="M7 10v11H4a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h3z" />
            <path d="M7 10l4-8a2.5 2.5 0 0 1 2.5 2.5V9h5.6a2 2 0 0 1 2 2.3l-1.4 8A2 2 0 0 1 17.7 21H7" />
        </svg>
    }
}
