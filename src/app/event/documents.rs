//! The event's documents: the deliverables the venue approved and shared with the client (a
//! proposal, a run-of-show, a menu card…). Staff see what the client sees, and order more in the
//! studio.

use crate::api::studio::shared_deliverables;
use crate::app::common::{fmt_datetime, Loading, PageError};
use crate::domain::markdown;
use leptos::prelude::*;

#[component]
pub fn DocumentsTab(event_id: i64, staff: bool) -> impl IntoView {
    let data = Resource::new(move || event_id, shared_deliverables);
    view! {
        <div class="mt-4 space-y-4">
            {staff.then(|| view! {
                <p class="text-sm text-stone-600 dark:text-stone-300">
                    "What the client sees here: deliverables approved in the studio and shared with them. "
                    <a class="link" href=format!("/studio?event={event_id}")>"Order a deliverable for this event"</a>
                </p>
            })}
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(error) => view! { <PageError error /> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="card text-sm text-stone-500">"No documents have been shared yet."</p>
                        }.into_any(),
                        Ok(list) => list.into_iter().map(|d| view! {
                            <article class="card" data-testid="shared-deliverable">
                                <p class="text-xs text-stone-500">{format!("{} · {}", d.title, fmt_datetime(d.updated_at))}</p>
                                <div class="markdown mt-2 text-sm" inner_html=markdown::render(&d.body)></div>
                            </article>
                        }).collect_view().into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}
