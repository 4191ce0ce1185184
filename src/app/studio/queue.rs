//! The queue (`/studio/queue`, owners): how each specialist and automation has done over the last
//! 30 days (orders or runs, success rate, median time, tokens and cost, ratings), and the dead
//! letters: jobs that used all their attempts, each with its error and a Retry.

use crate::api::studio::{retry_job, studio_queue};
use crate::app::common::{fmt_datetime, ErrorBanner, Loading, PageError};
use crate::domain::queue::{
    fmt_cost, fmt_secs, kind_label, AutomationStats, DeadLetter, QueueView, SpecialistStats, WINDOW_DAYS,
};
use leptos::prelude::*;

fn percent(rate: Option<f64>) -> String {
    rate.map(|p| format!("{:.0}%", p * 100.0)).unwrap_or_else(|| "–".into())
}

fn median(secs: Option<f64>) -> String {
    secs.map(fmt_secs).unwrap_or_else(|| "–".into())
}

const TH: &str = "py-2 pr-3";
const TH_NUM: &str = "py-2 pr-3 text-right";
const NUM: &str = "py-2 pr-3 text-right tabular-nums";

#[component]
pub fn Queue() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| studio_queue());
    view! {
        <p class="text-sm"><a class="link" href="/studio">"← Studio"</a></p>
        <h1 class="mt-1 text-2xl font-semibold">"Queue"</h1>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            {format!("How the specialists and automations did over the last {WINDOW_DAYS} days, and the work that failed after every attempt. Retry sends a failed job again with fresh attempts.")}
        </p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(view) => view! { <QueueBody view version /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn QueueBody(view: QueueView, version: RwSignal<u32>) -> impl IntoView {
    let QueueView { specialists, automations, dead } = view;
    view! {
        <DeadLetters dead version />
        <section class="card mt-6" aria-labelledby="specialists-h">
            <h2 id="specialists-h" class="section-title">"Specialists"</h2>
            {if specialists.is_empty() {
                view! { <p class="text-sm text-stone-500">"No orders in this period."</p> }.into_any()
            } else {
                view! { <SpecialistTable rows=specialists /> }.into_any()
            }}
        </section>
        <section class="card mt-6" aria-labelledby="automations-h">
            <h2 id="automations-h" class="section-title">"Automations"</h2>
            {if automations.is_empty() {
                view! { <p class="text-sm text-stone-500">"The venue has no automations."</p> }.into_any()
            } else {
                view! { <AutomationTable rows=automations /> }.into_any()
            }}
        </section>
    }
}

#[component]
fn SpecialistTable(rows: Vec<SpecialistStats>) -> impl IntoView {
    view! {
        <div class="overflow-x-auto">
            <table class="w-full text-left text-sm" data-testid="specialist-stats">
                <caption class="sr-only">"Orders by specialist"</caption>
                <thead class="text-xs uppercase text-stone-500">
                    <tr>
                        <th scope="col" class=TH>"Specialist"</th>
                        <th scope="col" class=TH_NUM>"Orders"</th>
                        <th scope="col" class=TH_NUM>"Success"</th>
                        <th scope="col" class=TH_NUM>"Median time"</th>
                        <th scope="col" class=TH_NUM>"Tokens"</th>
                        <th scope="col" class=TH_NUM>"Cost"</th>
                        <th scope="col" class=TH_NUM>"Useful / not"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-200 dark:divide-stone-800">
                    {rows.into_iter().map(|s| {
                        let detail = format!("{} delivered · {} failed · {} cancelled", s.delivered, s.failed, s.cancelled);
                        view! {
                            <tr>
                                <th scope="row" class="py-2 pr-3 font-medium">{s.name.clone()}</th>
                                <td class=NUM title=detail>{s.orders}</td>
                                <td class=NUM>{percent(s.success_rate())}</td>
                                <td class=NUM>{median(s.median_secs)}</td>
                                <td class=NUM>{s.tokens}</td>
                                <td class=NUM>{fmt_cost(s.cost_cents)}</td>
                                <td class=NUM>{format!("{} / {}", s.rated_up, s.rated_down)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn AutomationTable(rows: Vec<AutomationStats>) -> impl IntoView {
    view! {
        <div class="overflow-x-auto">
            <table class="w-full text-left text-sm" data-testid="automation-stats">
                <caption class="sr-only">"Runs by automation"</caption>
                <thead class="text-xs uppercase text-stone-500">
                    <tr>
                        <th scope="col" class=TH>"Automation"</th>
                        <th scope="col" class=TH_NUM>"Runs"</th>
                        <th scope="col" class=TH_NUM>"Success"</th>
                        <th scope="col" class=TH_NUM>"Waiting"</th>
                        <th scope="col" class=TH_NUM>"Median time"</th>
                        <th scope="col" class=TH_NUM>"Tokens"</th>
                        <th scope="col" class=TH_NUM>"Cost"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-200 dark:divide-stone-800">
                    {rows.into_iter().map(|a| view! {
                        <tr>
                            <th scope="row" class="py-2 pr-3 font-medium">
                                {a.name.clone()}
                                {a.paused.then(|| view! { <span class="ml-1 text-xs font-normal text-stone-500">"(paused)"</span> })}
                            </th>
                            <td class=NUM>{a.runs}</td>
                            <td class=NUM>{percent(a.success_rate())}</td>
                            <td class=NUM title="Ended with an action waiting for approval">{a.waiting}</td>
                            <td class=NUM>{median(a.median_secs)}</td>
                            <td class=NUM>{a.tokens}</td>
                            <td class=NUM>{fmt_cost(a.cost_cents)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn DeadLetters(dead: Vec<DeadLetter>, version: RwSignal<u32>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<i64>);
    let retry = move |job: i64| {
        busy.set(Some(job));
        error.set(None);
        leptos::task::spawn_local(async move {
            match retry_job(job).await {
                Ok(()) => version.update(|v| *v += 1),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(None);
        });
    };
    view! {
        <section class="card mt-6" aria-labelledby="dead-h">
            <h2 id="dead-h" class="section-title">{format!("Failed after every attempt ({})", dead.len())}</h2>
            {move || error.get().map(|m| view! { <div class="mb-3"><ErrorBanner message=m /></div> })}
            {if dead.is_empty() {
                view! { <p class="text-sm text-stone-500" data-testid="dead-empty">"Nothing failed for good. Work that fails after all its attempts waits here for a retry."</p> }.into_any()
            } else {
                view! {
                    <ul class="divide-y divide-stone-200 dark:divide-stone-800" data-testid="dead-letters">
                        {dead.into_iter().map(|d| {
                            let job = d.job_id;
                            view! {
                                <li class="flex flex-wrap items-start gap-3 py-3" data-testid="dead-letter">
                                    <div class="min-w-0 flex-1">
                                        <p class="text-sm font-medium">
                                            <span class="mr-2 text-xs font-normal uppercase text-stone-500">{kind_label(&d.kind)}</span>
                                            {match d.link.clone() {
                                                Some(href) => view! { <a class="link" href=href>{d.what.clone()}</a> }.into_any(),
                                                None => view! { <span>{d.what.clone()}</span> }.into_any(),
                                            }}
                                        </p>
                                        <p class="mt-1 break-words text-xs text-red-700 dark:text-red-300">{d.error.clone()}</p>
                                        <p class="mt-1 text-xs text-stone-500">{format!("Queued {} · {} attempts", fmt_datetime(d.queued_at), d.attempts)}</p>
                                    </div>
                                    <button type="button" class="btn-secondary py-1" data-testid="retry-job"
                                        disabled=move || busy.get().is_some()
                                        on:click=move |_| retry(job)>
                                        {move || if busy.get() == Some(job) { "Retrying…" } else { "Retry" }}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
