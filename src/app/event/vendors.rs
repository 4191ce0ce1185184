//! Vendors working the event.

use crate::api::events::event_vendors;
use crate::app::common::{fmt_time, Badge, Loading, PageError};
use leptos::prelude::*;

#[component]
pub fn VendorsTab(event_id: i64) -> impl IntoView {
    let data = Resource::new(|| (), move |_| event_vendors(event_id));
    view! {
        <div class="mt-6">
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(error) => view! { <PageError error /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="card text-sm text-stone-500">"No vendors assigned yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="grid grid-cols-1 gap-4 sm:grid-cols-2">
                                {list.into_iter().map(|v| view! {
                                    <li class="card text-sm">
                                        <div class="flex items-start justify-between gap-2">
                                            <div>
                                                <p class="font-medium">{v.name.clone()}</p>
                                                <p class="capitalize text-stone-500">{v.category.clone()}</p>
                                            </div>
                                            <Badge text=v.status.clone() tone=match v.status.as_str() { "confirmed" => "green", "invited" => "amber", _ => "red" } />
                                        </div>
                                        <p class="mt-2">{v.service.clone()}</p>
                                        {v.arrival.map(|t| view! { <p class="text-stone-500">"Arrives " {fmt_time(Some(t))}</p> })}
                                        <p class="mt-2 text-stone-500">{v.email.clone()} " " {v.phone.clone()}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
