//! `/insights` for owners: usage and cost (by day, model, agent kind and member, with the price
//! table), agent quality (tool calls, approvals, replies, ratings) and scheduling, over 7, 30 or
//! 90 days; charts drawn on the server; the numbers as CSV.

use crate::api::insights::{get_insights, SetModelPrice};
use crate::app::common::{ErrorBanner, Loading, PageError};
use crate::domain::chat::AgentKind;
use crate::domain::group_digits;
use crate::domain::insights::{format_cost, price_text, Insights, ModelPrice, UsageGroup, DEFAULT_PERIOD, PERIODS};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InsightsScreen() -> impl IntoView {
    let query = use_query_map();
    let days = Memo::new(move |_| {
        query
            .read()
            .get("days")
            .and_then(|d| d.parse::<i32>().ok())
            .filter(|d| PERIODS.contains(d))
            .unwrap_or(DEFAULT_PERIOD)
    });
    let save = ServerAction::<SetModelPrice>::new();
    let data = Resource::new(move || (days.get(), save.version().get()), |(d, _)| get_insights(d));
    view! {
        <div class="flex flex-wrap items-end justify-between gap-3">
            <div>
                <h1 class="text-2xl font-semibold">"Insights"</h1>
                <p class="text-sm text-stone-600 dark:text-stone-400">"How the agents are used and how they do, and how scheduling goes."</p>
            </div>
            <nav aria-label="Period" class="flex items-center gap-1 text-sm">
                {PERIODS.iter().map(|d| {
                    let d = *d;
                    view! {
                        <a href=format!("/insights?days={d}") class="nav-link"
                            aria-current=move || (days.get() == d).then_some("page")>{format!("{d} days")}</a>
                    }
                }).collect_view()}
                <a href=move || format!("/insights.csv?days={}", days.get()) download="" rel="external" class="btn-secondary ml-2">"CSV"</a>
            </nav>
        </div>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(i) => view! { <InsightsView i save /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn InsightsView(i: Insights, save: ServerAction<SetModelPrice>) -> impl IntoView {
    let total = |f: fn(&UsageGroup) -> i64| i.by_model.iter().map(f).sum::<i64>();
    let (calls, prompt, completion) = (total(|g| g.calls), total(|g| g.prompt_tokens), total(|g| g.completion_tokens));
    let cost: f64 = i.by_model.iter().map(|g| g.cost_cents).sum();
    let r = i.replies.clone();
    let a = i.approvals.clone();
    let s = i.scheduling.clone();
    let rated = r.thumbs_up + r.thumbs_down;
    view! {
        <p class="mt-1 text-xs text-stone-500">{format!("{} to {}", i.from.format("%b %-d, %Y"), i.to.format("%b %-d, %Y"))}</p>
        <section aria-label="Totals" class="mt-4 grid grid-cols-2 gap-3 md:grid-cols-4">
            <Stat label="Model calls" value=group_digits(calls as u64) note=None />
            <Stat label="Tokens" value=group_digits((prompt + completion) as u64) note=None />
            <Stat label="Cost" value=format_cost(cost) note=None />
            <Stat label="Replies rated good" value={if rated > 0 { format!("{:.0}% of {rated}", r.thumbs_up as f64 * 100.0 / rated as f64) } else { "No ratings".into() }} note=None />
        </section>

        <section class="card mt-6" aria-labelledby="usage-h">
            <h2 id="usage-h" class="section-title">"Usage and cost"</h2>
            <Chart svg=i.charts.tokens_by_day.clone() empty="No model calls in this period." />
            <div class="mt-4 grid grid-cols-1 gap-6 lg:grid-cols-3">
                <UsageTable caption="By model" rows=i.by_model.clone() label=|l| l.to_string() />
                <UsageTable caption="By agent" rows=i.by_agent.clone() label=agent_label />
                <UsageTable caption="By member" rows=i.by_member.clone() label=|l| l.to_string() />
            </div>
        </section>

        <section class="card mt-6" aria-labelledby="quality-h">
            <h2 id="quality-h" class="section-title">"Agent quality"</h2>
            <div class="grid grid-cols-2 gap-3 md:grid-cols-4">
                <Stat label="Replies" value=group_digits(r.replies as u64) note=None />
                <Stat label="Stopped / failed" value=format!("{} / {}", r.stopped, r.failed + r.interrupted) note=None />
                <Stat label="Rated good / bad" value=format!("{} / {}", r.thumbs_up, r.thumbs_down) note=None />
                <Stat label="Approvals approved / rejected" value=format!("{} / {}", a.approved, a.rejected)
                    note=a.median_minutes.map(|m| format!("decided in {} (median)", minutes(m))) />
            </div>
            {if i.tools.is_empty() {
                view! { <p class="mt-4 text-sm text-stone-500">"No tool calls in this period."</p> }.into_any()
            } else {
                view! {
                    <div class="mt-4 overflow-x-auto">
                        <table class="w-full text-left text-sm" data-testid="tools-table">
                            <caption class="sr-only">"Tool calls by tool"</caption>
                            <thead class="text-xs uppercase text-stone-500">
                                <tr>
                                    <th scope="col" class="py-2 pr-3">"Tool"</th>
                                    <th scope="col" class="py-2 pr-3 text-right">"Calls"</th>
                                    <th scope="col" class="py-2 pr-3 text-right">"Done"</th>
                                    <th scope="col" class="py-2 pr-3 text-right">"Failed"</th>
                                    <th scope="col" class="py-2 pr-3 text-right">"Rejected"</th>
                                    <th scope="col" class="py-2 text-right">"Success"</th>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-stone-200 dark:divide-stone-800">
                                {i.tools.iter().map(|t| view! {
                                    <tr>
                                        <td class="py-2 pr-3 font-mono text-xs">{t.tool.clone()}</td>
                                        <td class="py-2 pr-3 text-right tabular-nums">{t.calls}</td>
                                        <td class="py-2 pr-3 text-right tabular-nums">{t.done}</td>
                                        <td class="py-2 pr-3 text-right tabular-nums">{t.failed}</td>
                                        <td class="py-2 pr-3 text-right tabular-nums">{t.rejected}</td>
                                        <td class="py-2 text-right tabular-nums">{t.success_rate().map(|p| format!("{p:.0}%")).unwrap_or_else(|| "–".into())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {(!i.comments.is_empty()).then(|| view! {
                <h3 class="mt-4 text-sm font-semibold">"What people said"</h3>
                <ul class="mt-2 space-y-2 text-sm">
                    {i.comments.iter().map(|c| view! {
                        <li class="rounded-md border border-stone-200 p-2 dark:border-stone-800">
                            <span class={if c.rating > 0 { "font-medium text-teal-700 dark:text-teal-400" } else { "font-medium text-red-700 dark:text-red-400" }}>
                                {if c.rating > 0 { "Good: " } else { "Bad: " }}
                            </span>
                            {c.comment.clone()}
                            <span class="block text-xs text-stone-500">{format!("{} · {}", c.member, c.at.format("%b %-d"))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>

        <section class="card mt-6" aria-labelledby="scheduling-h">
            <h2 id="scheduling-h" class="section-title">"Scheduling"</h2>
            <div class="grid grid-cols-2 gap-3 md:grid-cols-4">
                <Stat label="Bookings made" value=s.booked.to_string() note=None />
                <Stat label="Cancelled" value=s.cancelled.to_string() note=None />
                <Stat label="No-shows" value=s.no_show.to_string() note=None />
                <Stat label="Completed" value=s.completed.to_string() note=None />
            </div>
            <div class="mt-4"><Chart svg=i.charts.busiest_hours.clone() empty="No appointments in this period." /></div>
        </section>

        <Prices prices=i.prices.clone() save />
    }
}

#[component]
fn Stat(label: &'static str, value: String, note: Option<String>) -> impl IntoView {
    view! {
        <div class="rounded-lg border border-stone-200 p-3 dark:border-stone-800">
            <p class="text-xs text-stone-500 dark:text-stone-400">{label}</p>
            <p class="mt-1 text-xl font-semibold tabular-nums">{value}</p>
            {note.map(|n| view! { <p class="text-xs text-stone-500">{n}</p> })}
        </div>
    }
}

/// A chart drawn on the server (our own SVG from numbers, see `api::insights::charts`).
#[component]
fn Chart(svg: String, empty: &'static str) -> impl IntoView {
    if svg.is_empty() {
        view! { <p class="text-sm text-stone-500">{empty}</p> }.into_any()
    } else {
        view! { <div class="chart overflow-x-auto [&>svg]:h-auto [&>svg]:w-full [&>svg]:min-w-[32rem]" inner_html=svg></div> }.into_any()
    }
}

#[component]
fn UsageTable(caption: &'static str, rows: Vec<UsageGroup>, label: fn(&str) -> String) -> impl IntoView {
    view! {
        <div class="overflow-x-auto">
            <table class="w-full text-left text-sm">
                <caption class="text-left text-sm font-semibold">{caption}</caption>
                <thead class="text-xs uppercase text-stone-500">
                    <tr>
                        <th scope="col" class="py-2 pr-3">"Name"</th>
                        <th scope="col" class="py-2 pr-3 text-right">"Tokens"</th>
                        <th scope="col" class="py-2 text-right">"Cost"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-200 dark:divide-stone-800">
                    {if rows.is_empty() {
                        view! { <tr><td colspan="3" class="py-2 text-stone-500">"None yet."</td></tr> }.into_any()
                    } else {
                        rows.into_iter().map(|g| view! {
                            <tr>
                                <td class="max-w-[12rem] truncate py-2 pr-3">{label(&g.label)}</td>
                                <td class="py-2 pr-3 text-right tabular-nums">{group_digits((g.prompt_tokens + g.completion_tokens) as u64)}</td>
                                <td class="py-2 text-right tabular-nums">{format_cost(g.cost_cents)}</td>
                            </tr>
                        }).collect_view().into_any()
                    }}
                </tbody>
            </table>
        </div>
    }
}

fn agent_label(kind: &str) -> String {
    kind.parse::<AgentKind>().map(|k| k.label().to_string()).unwrap_or_else(|_| "API and other".into())
}

fn minutes(m: f64) -> String {
    if m < 1.0 {
        "under a minute".into()
    } else if m < 120.0 {
        format!("{m:.0} min")
    } else {
        format!("{:.1} h", m / 60.0)
    }
}

/// The price table: what each model costs the venue, in dollars per million tokens.
#[component]
fn Prices(prices: Vec<ModelPrice>, save: ServerAction<SetModelPrice>) -> impl IntoView {
    let error = move || save.value().get().and_then(|r| r.err()).map(|e| e.to_string());
    view! {
        <section class="card mt-6" aria-labelledby="prices-h">
            <h2 id="prices-h" class="section-title">"Model prices"</h2>
            <p class="text-sm text-stone-600 dark:text-stone-400">"Dollars per million tokens, as your providers charge them. A model without a price costs nothing here (the embedded model is free)."</p>
            {move || error().map(|m| view! { <ErrorBanner message=m /> })}
            <ul class="mt-3 space-y-2">
                {prices.into_iter().map(|p| view! { <li><PriceRow p save /></li> }).collect_view()}
                <li><PriceRow p=ModelPrice { model: String::new(), prompt_cents_per_million: 0, completion_cents_per_million: 0 } save /></li>
            </ul>
        </section>
    }
}

#[component]
fn PriceRow(p: ModelPrice, save: ServerAction<SetModelPrice>) -> impl IntoView {
    let new = p.model.is_empty();
    let name = if new { "Price another model".to_string() } else { format!("Price of {}", p.model) };
    view! {
        <ActionForm action=save attr:class="flex flex-wrap items-end gap-2" attr:aria-label=name>
            {if new {
                view! { <label class="block w-full sm:w-auto sm:min-w-[12rem] sm:flex-1"><span class="label">"Model"</span><input class="input" name="model" placeholder="openai/gpt-4o-mini" required maxlength="200" /></label> }.into_any()
            } else {
                view! { <input type="hidden" name="model" value=p.model.clone() /><span class="w-full break-all font-mono text-xs sm:w-auto sm:min-w-[12rem] sm:flex-1 sm:self-center">{p.model.clone()}</span> }.into_any()
            }}
            <label class="block w-24 sm:w-28"><span class="label">"Prompt $/M"</span><input class="input" name="prompt" inputmode="decimal" value=price_text(p.prompt_cents_per_million) /></label>
            <label class="block w-24 sm:w-28"><span class="label">"Reply $/M"</span><input class="input" name="completion" inputmode="decimal" value=price_text(p.completion_cents_per_million) /></label>
            <button type="submit" class="btn-secondary">{if new { "Add" } else { "Save" }}</button>
        </ActionForm>
    }
}
