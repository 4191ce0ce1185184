//! The dashboard. Staff see the next two weeks, pending tasks and recent messages; clients
//! and vendors see their own events and messages.

use crate::api::dashboard::get_dashboard;
use crate::app::chat::AgentPanel;
use crate::app::common::{
    event_tone, fmt_date, fmt_datetime, fmt_short_date, fmt_time, relative_days, Badge, Loading, PageError,
};
use crate::app::landing::Landing;
use crate::app::UserResource;
use crate::domain::chat::AgentKind;
use crate::domain::format_money;
use crate::domain::records::{Dashboard, SessionUser};
use leptos::prelude::*;
use leptos_meta::Title;

/// Loads the signed-in person's dashboard; a visitor gets the landing page.
#[component]
pub fn Home() -> impl IntoView {
    let user = expect_context::<UserResource>();
    let data = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let Ok(Some(user)) = user.await else { return view! { <Landing /> }.into_any() };
                match data.await {
                    Ok(d) => view! { <Title text="Dashboard" /> <DashboardView user d /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardView(user: SessionUser, d: Dashboard) -> impl IntoView {
    let staff = user.role.is_staff();
    let first_name = user.name.split_whitespace().next().unwrap_or("").to_string();
    let today = d.today;
    let event_href = move |id: i64| if staff { format!("/events/{id}") } else { format!("/my/events/{id}") };
    let c = d.counts.clone();
    view! {
        <div class="flex flex-wrap items-end justify-between gap-2">
            <div>
                <h1 class="text-2xl font-semibold">{format!("Hello, {first_name}")}</h1>
                <p class="text-sm text-stone-600 dark:text-stone-400">{fmt_date(today)}</p>
            </div>
            {staff.then(|| view! { <a href="/inquiries/new" class="btn-primary">"New inquiry"</a> })}
        </div>
        {staff.then(|| view! {
            <section aria-label="At a glance" class="mt-6 grid grid-cols-2 gap-3 md:grid-cols-4">
                <Stat label="Events in the next 14 days" value=c.upcoming_events.to_string() note=None />
                <Stat label="Guests attending them" value=c.guests_expected.to_string() note=None />
                <Stat label="Pending tasks" value=c.pending_tasks.to_string() note=(c.overdue_tasks > 0).then(|| format!("{} overdue", c.overdue_tasks)) />
                <Stat label="Open change requests" value=c.open_requests.to_string() note=None />
            </section>
        })}
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <section class="card lg:col-span-2" aria-labelledby="upcoming-h">
                <h2 id="upcoming-h" class="section-title">{if staff { "Upcoming events" } else { "Your events" }}</h2>
                {if d.upcoming.is_empty() {
                    view! { <p class="py-4 text-sm text-stone-500">"Nothing scheduled yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="divide-y divide-stone-200 dark:divide-stone-800">
                            {d.upcoming.into_iter().map(|e| view! {
                                <li>
                                    <a href=event_href(e.id) class="flex items-center gap-3 py-3 hover:bg-stone-100 dark:hover:bg-stone-800/60 rounded-md px-2 -mx-2">
                                        <div class="w-14 shrink-0 text-center">
                                            <div class="text-xs uppercase text-stone-500">{e.event_date.format("%b").to_string()}</div>
                                            <div class="text-xl font-semibold">{e.event_date.format("%-d").to_string()}</div>
                                        </div>
                                        <div class="min-w-0 flex-1">
                                            <p class="truncate font-medium">{e.title.clone()}</p>
                                            <p class="truncate text-sm text-stone-500 dark:text-stone-400">
                                                {format!("{} · {} · {} guests · {}",
                                                    relative_days(today, e.event_date),
                                                    e.space_name.clone().unwrap_or_else(|| "No space yet".into()),
                                                    e.guest_count,
                                                    fmt_time(e.start_time))}
                                            </p>
                                        </div>
                                        <div class="hidden text-right sm:block">
                                            <Badge text=e.status.label() tone=event_tone(e.status) />
                                            {staff.then(|| view! { <p class="mt-1 text-xs text-stone-500">{e.client_name.clone()} " · " {format_money(e.budget_cents)}</p> })}
                                        </div>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <div class="space-y-6">
                {staff.then(|| view! {
                    <section class="card" aria-labelledby="tasks-h">
                        <h2 id="tasks-h" class="section-title">"Pending tasks"</h2>
                        {if d.tasks.is_empty() {
                            view! { <p class="py-2 text-sm text-stone-500">"All caught up."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="space-y-2 text-sm">
                                    {d.tasks.into_iter().map(|t| {
                                        let overdue = t.due_date.is_some_and(|due| due < today);
                                        view! {
                                            <li class="flex items-start justify-between gap-2">
                                                <div class="min-w-0">
                                                    {match t.event_id {
                                                        Some(id) => view! { <a class="link block truncate" href=format!("/events/{id}?tab=tasks")>{t.title.clone()}</a> }.into_any(),
                                                        None => view! { <span class="block truncate">{t.title.clone()}</span> }.into_any(),
                                                    }}
                                                    <span class="text-xs text-stone-500">{t.assignee_name.clone().unwrap_or_else(|| "Unassigned".into())}</span>
                                                </div>
                                                <span class=if overdue { "shrink-0 text-xs font-medium text-red-600" } else { "shrink-0 text-xs text-stone-500" }>
                                                    {t.due_date.map(fmt_short_date).unwrap_or_default()}
                                                </span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                })}
                <section class="card" aria-labelledby="messages-h">
                    <h2 id="messages-h" class="section-title">"Recent messages"</h2>
                    {if d.messages.is_empty() {
                        view! { <p class="py-2 text-sm text-stone-500">"No messages yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="space-y-3 text-sm">
                                {d.messages.into_iter().map(|m| {
                                    let href = m.event_id.map(|id| format!("{}?tab=messages", event_href(id))).unwrap_or_else(|| "/".into());
                                    view! {
                                        <li>
                                            <a href=href class="block rounded-md p-1 -m-1 hover:bg-stone-100 dark:hover:bg-stone-800/60">
                                                <p class="flex justify-between gap-2 text-xs text-stone-500">
                                                    <span class="truncate">{m.event_title.clone().unwrap_or_else(|| m.subject.clone())}</span>
                                                    <span class="shrink-0">{fmt_datetime(m.created_at)}</span>
                                                </p>
                                                <p class="line-clamp-2"><span class="font-medium">{m.author_name.clone()} ": "</span>{m.body.clone()}</p>
                                            </a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            </div>
            // Not in the offline copy of the dashboard (public/offline.js): a chat needs the network.
            {staff.then(|| view! {
                <div class="lg:col-span-3" data-offline-skip="">
                    <AgentPanel agent=AgentKind::VenueGeneral event_id=None title="Venue agent: ask about events, vendors, tasks and messages" />
                </div>
            })}
        </div>
    }
}

#[component]
fn Stat(#[prop(into)] label: String, #[prop(into)] value: String, note: Option<String>) -> impl IntoView {
    view! {
        <div class="card">
            <p class="text-2xl font-semibold">{value}</p>
            <p class="text-sm text-stone-600 dark:text-stone-400">{label}</p>
            {note.map(|n| view! { <p class="text-xs font-medium text-red-600">{n}</p> })}
        </div>
    }
}
