//! Elements: what the event is made of, with status and price; staff change statuses.

use crate::api::events::{event_elements, SetElementStatus};
use crate::app::common::{element_tone, fmt_datetime, Badge, ErrorBanner, Loading, PageError};
use crate::domain::format_money;
use crate::domain::records::ElementsView;
use crate::domain::ElementStatus;
use leptos::prelude::*;

#[component]
pub fn ElementsTab(event_id: i64, can_manage: bool) -> impl IntoView {
    let set_status = ServerAction::<SetElementStatus>::new();
    let data = Resource::new(move || set_status.version().get(), move |_| event_elements(event_id));
    view! {
        <div class="mt-6 space-y-6">
            {move || set_status.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBanner message=e.to_string() /> })}
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(error) => view! { <PageError error /> }.into_any(),
                        Ok(view) => view! { <ElementList view event_id can_manage set_status /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn ElementList(
    view: ElementsView,
    event_id: i64,
    can_manage: bool,
    set_status: ServerAction<SetElementStatus>,
) -> impl IntoView {
    let total: i64 = view
        .elements
        .iter()
        .filter(|e| e.status != ElementStatus::Declined)
        .map(|e| e.price_cents.saturating_mul(i64::from(e.quantity)))
        .fold(0, i64::saturating_add);
    view! {
        <section class="card overflow-x-auto" aria-labelledby="elements-h">
            <div class="flex items-baseline justify-between">
                <h2 id="elements-h" class="section-title">"Elements"</h2>
                <p class="text-sm text-stone-500">"Total (excluding declined): " <span class="font-medium">{format_money(total)}</span></p>
            </div>
            {if view.elements.is_empty() {
                view! { <p class="text-sm text-stone-500">"No elements yet."</p> }.into_any()
            } else {
                view! {
                    <table class="mt-2 w-full text-left text-sm">
                        <thead class="text-xs uppercase text-stone-500">
                            <tr>
                                <th scope="col" class="py-2 pr-3">"Element"</th>
                                <th scope="col" class="hidden py-2 pr-3 sm:table-cell">"Category"</th>
                                <th scope="col" class="py-2 pr-3 text-right">"Price"</th>
                                <th scope="col" class="py-2">"Status"</th>
                            </tr>
                        </thead>
                        <tbody class="divide-y divide-stone-200 dark:divide-stone-800">
                            {view.elements.into_iter().map(|el| {
                                let id = el.id;
                                view! {
                                    <tr data-element-id=id data-quantity=el.quantity>
                                        <td class="py-2 pr-3">
                                            <p class="font-medium">{el.name.clone()}</p>
                                            <p class="text-xs text-stone-500">{el.description.clone()} {el.vendor_name.clone().map(|v| format!(" · {v}"))}</p>
                                        </td>
                                        <td class="hidden py-2 pr-3 capitalize sm:table-cell">{el.category.clone()}</td>
                                        <td class="py-2 pr-3 text-right whitespace-nowrap">
                                            {format_money(el.price_cents.saturating_mul(i64::from(el.quantity)))}
                                            {(el.quantity != 1).then(|| view! { <p class="text-xs text-stone-500">{format!("{} × {}", el.quantity, format_money(el.price_cents))}</p> })}
                                        </td>
                                        <td class="py-2">
                                            {if can_manage {
                                                view! {
                                                    <select
                                                        class="input py-1"
                                                        aria-label=format!("Status of {}", el.name)
                                                        on:change=move |ev| { set_status.dispatch(SetElementStatus { event_id, element_id: id, status: event_target_value(&ev) }); }
                                                    >
                                                        {ElementStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == el.status>{s.label()}</option> }).collect_view()}
                                                    </select>
                                                }.into_any()
                                            } else {
                                                view! { <Badge text=el.status.label() tone=element_tone(el.status) /> }.into_any()
                                            }}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="requests-h">
            <h2 id="requests-h" class="section-title">"Change requests"</h2>
            {if view.requests.is_empty() {
                view! { <p class="text-sm text-stone-500">"No change requests."</p> }.into_any()
            } else {
                view! {
                    <ul class="space-y-3 text-sm">
                        {view.requests.into_iter().map(|r| view! {
                            <li class="flex items-start justify-between gap-3">
                                <div>
                                    <p>{r.description.clone()}</p>
                                    <p class="text-xs text-stone-500">
                                        {r.element_name.clone().map(|n| format!("{n} · ")).unwrap_or_default()}
                                        {r.requested_by.clone()} " · " {fmt_datetime(r.created_at)}
                                    </p>
                                </div>
                                <Badge text=r.status.clone() tone=match r.status.as_str() { "pending" => "amber", "accepted" => "green", _ => "red" } />
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
