//! Contract: line items, totals, payment milestones.

use crate::api::events::event_contract;
use crate::app::common::{fmt_date, fmt_datetime, Badge, Loading, PageError};
use crate::domain::format_money;
use leptos::prelude::*;

#[component]
pub fn ContractTab(event_id: i64) -> impl IntoView {
    let data = Resource::new(|| (), move |_| event_contract(event_id));
    view! {
        <div class="mt-6">
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(error) => view! { <PageError error /> }.into_any(),
                        Ok(None) => view! { <p class="card text-sm text-stone-500">"No contract has been drawn up yet."</p> }.into_any(),
                        Ok(Some(c)) => {
                            let total = c.total_cents();
                            let paid = c.paid_cents();
                            view! {
                                <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
                                    <section class="card overflow-x-auto lg:col-span-2" aria-labelledby="contract-h">
                                        <div class="flex items-center justify-between">
                                            <h2 id="contract-h" class="section-title">"Line items"</h2>
                                            <Badge text=c.status.clone() tone=match c.status.as_str() { "signed" => "green", "sent" => "amber", "void" => "red", _ => "gray" } />
                                        </div>
                                        <table class="mt-2 w-full text-left text-sm">
                                            <thead class="text-xs uppercase text-stone-500">
                                                <tr>
                                                    <th scope="col" class="py-2 pr-3">"Item"</th>
                                                    <th scope="col" class="py-2 pr-3 text-right">"Qty"</th>
                                                    <th scope="col" class="py-2 pr-3 text-right">"Unit"</th>
                                                    <th scope="col" class="py-2 text-right">"Total"</th>
                                                </tr>
                                            </thead>
                                            <tbody class="divide-y divide-stone-200 dark:divide-stone-800">
                                                {c.items.iter().map(|i| view! {
                                                    <tr>
                                                        <td class="py-2 pr-3">{i.description.clone()}</td>
                                                        <td class="py-2 pr-3 text-right">{i.quantity}</td>
                                                        <td class="py-2 pr-3 text-right">{format_money(i.unit_price_cents)}</td>
                                                        <td class="py-2 text-right">{format_money(i.total_cents())}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                            <tfoot>
                                                <tr class="font-semibold">
                                                    <td colspan="3" class="pt-3 text-right">"Contract total"</td>
                                                    <td class="pt-3 text-right" data-testid="contract-total">{format_money(total)}</td>
                                                </tr>
                                            </tfoot>
                                        </table>
                                        {c.signed_at.map(|t| view! { <p class="mt-3 text-xs text-stone-500">"Signed " {fmt_datetime(t)}</p> })}
                                        {(!c.terms.is_empty()).then(|| view! { <p class="mt-3 whitespace-pre-line text-sm text-stone-600 dark:text-stone-400">{c.terms.clone()}</p> })}
                                    </section>
                                    <section class="card" aria-labelledby="milestones-h">
                                        <h2 id="milestones-h" class="section-title">"Payments"</h2>
                                        <ul class="space-y-2 text-sm">
                                            {c.milestones.iter().map(|m| view! {
                                                <li class="flex items-start justify-between gap-2">
                                                    <div>
                                                        <p>{m.label.clone()}</p>
                                                        <p class="text-xs text-stone-500">"Due " {fmt_date(m.due_date)}</p>
                                                    </div>
                                                    <div class="text-right">
                                                        <p>{format_money(m.amount_cents)}</p>
                                                        {if m.paid_at.is_some() { view! { <Badge text="paid" tone="green" /> }.into_any() } else { view! { <Badge text="due" tone="amber" /> }.into_any() }}
                                                    </div>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                        <dl class="mt-4 space-y-1 border-t border-stone-200 pt-3 text-sm dark:border-stone-800">
                                            <div class="flex justify-between"><dt>"Paid"</dt><dd>{format_money(paid)}</dd></div>
                                            <div class="flex justify-between font-semibold"><dt>"Balance"</dt><dd>{format_money(total - paid)}</dd></div>
                                        </dl>
                                    </section>
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}
