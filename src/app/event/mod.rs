//! The event page: its one loader ([`page`]), shared by the staff workspace (`/events/:id`) and
//! the client's and vendor's view (`/my/events/:id`), its header and tab bar, and the tabs. Each
//! tab loads its own data and refreshes after its own changes.

mod contract;
mod documents;
mod elements;
mod guests;
mod messages;
mod overview;
pub mod page;
mod tasks;
mod vendors;

use crate::app::common::{event_tone, fmt_date, fmt_time, Badge};
use crate::domain::records::EventDetail;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The current tab, from `?tab=`; unknown values fall back to the first tab.
pub fn current_tab(tabs: &'static [(&'static str, &'static str)]) -> Memo<&'static str> {
    let query = use_query_map();
    Memo::new(move |_| {
        let wanted = query.read().get("tab").unwrap_or_default();
        tabs.iter().find(|(key, _)| *key == wanted).map(|(key, _)| *key).unwrap_or(tabs[0].0)
    })
}

#[component]
pub fn EventHeader(event: EventDetail) -> impl IntoView {
    let when = format!(
        "{}{}{}",
        fmt_date(event.event_date),
        event.start_time.map(|t| format!(" · {}", fmt_time(Some(t)))).unwrap_or_default(),
        event.end_time.map(|t| format!("–{}", fmt_time(Some(t)))).unwrap_or_default()
    );
    view! {
        <div class="flex flex-wrap items-start justify-between gap-2">
            <div class="min-w-0">
                <p class="text-sm"><a href="/" class="link">"Dashboard"</a> " / Event"</p>
                <h1 class="mt-1 truncate text-2xl font-semibold">{event.title.clone()}</h1>
                <p class="text-sm text-stone-600 dark:text-stone-400">
                    {when} " · " {event.space_name.clone().unwrap_or_else(|| "No space yet".into())} " · " {event.client_name.clone()}
                </p>
            </div>
            <Badge text=event.status.label() tone=event_tone(event.status) />
        </div>
    }
}

#[component]
pub fn TabNav(
    base: String,
    tabs: &'static [(&'static str, &'static str)],
    current: Memo<&'static str>,
) -> impl IntoView {
    view! {
        <nav aria-label="Event sections" class="mt-4 -mx-4 overflow-x-auto border-b border-stone-200 px-4 dark:border-stone-800">
            <ul class="flex gap-1 text-sm">
                {tabs.iter().map(|(key, label)| {
                    let key = *key;
                    let href = format!("{base}?tab={key}");
                    view! {
                        <li>
                            <a
                                href=href
                                class=move || if current.get() == key { "tab tab-active" } else { "tab" }
                                aria-current=move || (current.get() == key).then_some("page")
                            >
                                {*label}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}
