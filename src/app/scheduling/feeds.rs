//! Private calendar feeds, on the staff calendar and the client's booking page alike.

use crate::api::scheduling::{calendar_feeds, create_calendar_feed, revoke_calendar_feed};
use crate::app::common::{fmt_datetime, ErrorBanner, Loading};
use leptos::prelude::*;

/// This site's origin (`https://host`), for the full feed URL; known in the browser only.
#[cfg(feature = "hydrate")]
fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

#[cfg(not(feature = "hydrate"))]
fn origin() -> String {
    String::new()
}

/// Private calendar feeds: the member's own and, for staff, each resource's. A new URL is shown
/// once (only its hash is kept); making a new one or revoking stops the old at once.
#[component]
pub fn CalendarFeeds() -> impl IntoView {
    let version = RwSignal::new(0u32);
    // Loaded in the browser (it is inside the calendar's suspense there), shown from its value.
    let feeds = LocalResource::new(move || {
        version.get();
        calendar_feeds()
    });
    let fresh = RwSignal::new(None::<(Option<i64>, String)>);
    let error = RwSignal::new(None::<String>);
    let make = move |resource_id: Option<i64>| {
        leptos::task::spawn_local(async move {
            match create_calendar_feed(resource_id).await {
                Ok(path) => {
                    fresh.set(Some((resource_id, format!("{}{path}", origin()))));
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let revoke = move |resource_id: Option<i64>| {
        leptos::task::spawn_local(async move {
            match revoke_calendar_feed(resource_id).await {
                Ok(_) => {
                    fresh.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="card mt-8" aria-labelledby="feeds-h" data-testid="calendar-feeds">
            <h2 id="feeds-h" class="section-title">"Subscribe in your calendar app"</h2>
            <p class="text-sm text-stone-500">"A private link that Google Calendar, Apple Calendar or Outlook can subscribe to. Anyone with the link can read it: revoke it if it leaks."</p>
            {move || error.get().map(|m| view! { <div class="mt-2"><ErrorBanner message=m /></div> })}
            {move || match feeds.get() {
                        None => view! { <Loading /> }.into_any(),
                        Some(Err(e)) => view! { <ErrorBanner message=e.to_string() /> }.into_any(),
                        Some(Ok(list)) => view! {
                            <ul class="mt-2 divide-y divide-stone-200 dark:divide-stone-800">
                                {list.into_iter().map(|f| {
                                    let rid = f.resource_id;
                                    let live = f.created_at.is_some();
                                    view! {
                                        <li class="flex flex-wrap items-center gap-2 py-2" data-testid="feed">
                                            <span class="min-w-0 flex-1">
                                                <span class="block font-medium">{f.label.clone()}</span>
                                                <span class="block text-xs text-stone-500">
                                                    {match (f.created_at, f.last_used_at) {
                                                        (None, _) => "No link yet.".to_string(),
                                                        (Some(c), None) => format!("Link made {}; not used yet.", fmt_datetime(c)),
                                                        (Some(c), Some(u)) => format!("Link made {}; last read {}.", fmt_datetime(c), fmt_datetime(u)),
                                                    }}
                                                </span>
                                            </span>
                                            <button type="button" class="btn-secondary py-1" on:click=move |_| make(rid)>
                                                {if live { "New link" } else { "Get link" }}
                                            </button>
                                            {live.then(|| view! { <button type="button" class="btn-secondary py-1" on:click=move |_| revoke(rid)>"Revoke"</button> })}
                                            {move || fresh.get().filter(|(r, _)| *r == rid).map(|(_, url)| view! {
                                                <div class="w-full">
                                                    <label class="label" for=format!("feed-url-{}", rid.unwrap_or(0))>"Your link (shown once; copy it now)"</label>
                                                    <input id=format!("feed-url-{}", rid.unwrap_or(0)) class="input font-mono text-xs" readonly=true value=url.clone() data-testid="feed-url"
                                                        on:focus=move |ev| {
                                                            #[cfg(feature = "hydrate")]
                                                            {
                                                                use wasm_bindgen::JsCast;
                                                                if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { i.select(); }
                                                            }
                                                            #[cfg(not(feature = "hydrate"))]
                                                            let _ = ev;
                                                        } />
                                                </div>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
            }}
        </section>
    }
}
