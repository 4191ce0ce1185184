//! The sources of a chat reply that cites documents: the reply's text says "[1]", and under it a
//! chip "[1] Deposit policy" opens the passage (its heading, page and quote) with a link to it.

use super::chunk_href;
use crate::domain::chat::{ChatItem, ItemKind};
use crate::domain::knowledge::{Citation, ReplySources};
use crate::domain::text::clip_marked;
use leptos::prelude::*;

/// The longest title on a chip (the full title is its tooltip and is in the panel).
const CHIP_TITLE_CHARS: usize = 28;

/// The citations an assistant item keeps in its `data`, if it has any.
pub fn reply_sources(item: &ChatItem) -> Option<ReplySources> {
    if item.kind != ItemKind::Assistant {
        return None;
    }
    let data = item.data.as_ref()?;
    serde_json::from_value::<ReplySources>(data.clone()).ok().filter(|s| !s.citations.is_empty())
}

/// The chips under a reply, and the panel of the one opened.
#[component]
pub fn Citations(item_id: i64, sources: Memo<Option<ReplySources>>) -> impl IntoView {
    let open = RwSignal::new(None::<u32>);
    move || {
        sources.get().map(|s| {
            let chips = s.citations.clone();
            view! {
                <div class="mt-3 border-t border-stone-200 pt-2 dark:border-stone-800" data-testid="citations">
                    <ul class="flex flex-wrap gap-1.5" aria-label="Sources">
                        {chips.into_iter().map(|c| view! { <Chip c item_id open /> }).collect_view()}
                    </ul>
                    {s.citations.into_iter().map(|c| view! { <SourcePanel c item_id open /> }).collect_view()}
                </div>
            }
        })
    }
}

fn panel_id(item_id: i64, n: u32) -> String {
    format!("source-{item_id}-{n}")
}

#[component]
fn Chip(c: Citation, item_id: i64, open: RwSignal<Option<u32>>) -> impl IntoView {
    let n = c.n;
    let is_open = move || open.get() == Some(n);
    view! {
        <li>
            <button type="button" data-testid="citation-chip" data-n=n title=c.title.clone()
                aria-expanded=move || is_open().to_string() aria-controls=panel_id(item_id, n)
                class=move || format!(
                    "inline-block max-w-full truncate rounded-full border px-2 py-0.5 text-left align-middle text-xs {}",
                    if is_open() {
                        "border-teal-600 bg-teal-50 text-teal-900 dark:bg-teal-950/60 dark:text-teal-100"
                    } else {
                        "border-stone-300 bg-white text-stone-700 hover:border-teal-600 dark:border-stone-700 dark:bg-stone-900 dark:text-stone-300"
                    },
                )
                on:click=move |_| open.update(|o| *o = if *o == Some(n) { None } else { Some(n) })>
                // One line of text, "[1] Deposit policy", so that it reads (and is named) as such.
                <span class="font-semibold">{format!("[{n}]")}</span>
                {format!(" {}", clip_marked(&c.title, CHIP_TITLE_CHARS, "…"))}
            </button>
        </li>
    }
}

#[component]
fn SourcePanel(c: Citation, item_id: i64, open: RwSignal<Option<u32>>) -> impl IntoView {
    let n = c.n;
    let place = match (c.heading.is_empty() || c.heading == c.title, c.page) {
        (false, Some(p)) => format!("{} › {} · page {p}", c.title, c.heading),
        (false, None) => format!("{} › {}", c.title, c.heading),
        (true, Some(p)) => format!("{} · page {p}", c.title),
        (true, None) => c.title.clone(),
    };
    view! {
        <div id=panel_id(item_id, n) role="region" aria-label=format!("Source {n}") data-testid="citation-panel"
            hidden=move || open.get() != Some(n)
            class="mt-2 rounded-md border border-stone-200 bg-white p-2 text-sm dark:border-stone-700 dark:bg-stone-900">
            <p class="text-xs font-medium text-stone-600 dark:text-stone-300">{format!("[{n}] {place}")}</p>
            <blockquote class="mt-1 whitespace-pre-line border-l-4 border-stone-300 pl-2 text-stone-700 dark:border-stone-700 dark:text-stone-300">
                {c.quote.clone()}
            </blockquote>
            <a href=chunk_href(c.document_id, c.chunk_id) class="link mt-1 inline-block text-xs">"Open in document"</a>
        </div>
    }
}
