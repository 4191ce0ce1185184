//! The person's own model usage, per day and model, over the last 30 days.

use crate::api::chat::{my_allowance, my_usage};
use crate::app::common::{Loading, PageError};
use crate::domain::chat::{Allowance, UsageRow};
use leptos::prelude::*;

#[component]
pub fn Usage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_usage());
    let allowance = Resource::new(|| (), |_| my_allowance());
    view! {
        <h1 class="text-2xl font-semibold">"Your usage"</h1>
        <p class="mt-1 text-sm text-stone-500 dark:text-stone-400">"Tokens your chats used in the last 30 days, per day (UTC) and model."</p>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                allowance.await.ok().map(|a| view! { <AllowanceCard a /> })
            })}
        </Transition>
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

/// Today's use against the daily quotas, as bars.
#[component]
fn AllowanceCard(a: Allowance) -> impl IntoView {
    let count = |n: i64| crate::domain::group_digits(n.max(0) as u64);
    let meter = |label: &'static str, used: i64, quota: i64| {
        let text = if quota > 0 {
            format!("{} of {} tokens today", count(used), count(quota))
        } else {
            format!("{} tokens today (no daily limit)", count(used))
        };
        let pct = if quota > 0 { (used.saturating_mul(100) / quota).clamp(0, 100) } else { 0 };
        view! {
            <div>
                <div class="flex justify-between text-sm"><span class="font-medium">{label}</span><span class="tabular-nums text-stone-500">{text}</span></div>
                {(quota > 0).then(|| view! {
                    <div class="mt-1 h-2 rounded bg-stone-200 dark:bg-stone-800" role="meter" aria-label=label aria-valuemin="0" aria-valuemax=quota aria-valuenow=used.min(quota)>
                        <div class={if pct >= 90 { "h-2 rounded bg-amber-600" } else { "h-2 rounded bg-teal-700" }} style=format!("width:{pct}%")></div>
                    </div>
                })}
            </div>
        }
    };
    view! {
        <section class="card mt-6 space-y-3" aria-labelledby="allowance-h" data-testid="allowance">
            <h2 id="allowance-h" class="section-title">"Today's allowance"</h2>
            {meter("You", a.person_used, a.person_quota)}
            {meter("Your venue", a.venue_used, a.venue_quota)}
            <p class="text-xs text-stone-500">
                {
                    let rate = match a.sends_per_minute {
                        0 => String::new(),
                        n => format!(" Up to {n} messages a minute."),
                    };
                    let live = match a.live_replies {
                        0 => String::new(),
                        n => format!(" At most {n} replies being written at once."),
                    };
                    format!("Renews at midnight (UTC).{rate}{live}")
                }
            </p>
        </section>
    }
}
