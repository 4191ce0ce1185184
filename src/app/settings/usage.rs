//! The person's own model usage, per day and model, over the last 30 days.

use crate::api::chat::my_usage;
use crate::app::common::{Loading, PageError};
use crate::domain::chat::UsageRow;
use leptos::prelude::*;

#[component]
pub fn Usage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_usage());
    view! {
        <h1 class="text-2xl font-semibold">"Your usage"</h1>
        <p class="mt-1 text-sm text-stone-500 dark:text-stone-400">"Tokens your chats used in the last 30 days, per day (UTC) and model."</p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <p class="card mt-6 text-sm">"No usage yet. Replies you get in the chat are counted here."</p> }.into_any(),
                    Ok(rows) => view! { <UsageTable rows /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn UsageTable(rows: Vec<UsageRow>) -> impl IntoView {
    let total = |f: fn(&UsageRow) -> i64| rows.iter().map(f).sum::<i64>();
    let (replies, prompt, completion) =
        (total(|r| r.replies), total(|r| r.prompt_tokens), total(|r| r.completion_tokens));
    view! {
        <section class="card mt-6 overflow-x-auto">
            <table class="w-full text-left text-sm" data-testid="usage-table">
                <thead class="text-xs uppercase text-stone-500">
                    <tr>
                        <th scope="col" class="py-2 pr-3">"Day"</th>
                        <th scope="col" class="py-2 pr-3">"Model"</th>
                        <th scope="col" class="py-2 pr-3 text-right">"Replies"</th>
                        <th scope="col" class="py-2 pr-3 text-right">"Prompt tokens"</th>
                        <th scope="col" class="py-2 text-right">"Completion tokens"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-200 dark:divide-stone-800">
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td class="py-2 pr-3">{r.day.format("%a, %b %-d").to_string()}</td>
                            <td class="py-2 pr-3 font-mono text-xs">{r.model.clone()}</td>
                            <td class="py-2 pr-3 text-right tabular-nums">{r.replies}</td>
                            <td class="py-2 pr-3 text-right tabular-nums">{r.prompt_tokens}</td>
                            <td class="py-2 text-right tabular-nums">{r.completion_tokens}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot class="border-t-2 border-stone-300 font-semibold dark:border-stone-700">
                    <tr>
                        <th scope="row" class="py-2 pr-3" colspan="2">"Total"</th>
                        <td class="py-2 pr-3 text-right tabular-nums">{replies}</td>
                        <td class="py-2 pr-3 text-right tabular-nums">{prompt}</td>
                        <td class="py-2 text-right tabular-nums">{completion}</td>
                    </tr>
                </tfoot>
            </table>
        </section>
    }
}
