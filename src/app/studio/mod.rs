//! The studio (staff): order a deliverable from a specialist, follow the orders, and (owners)
//! edit the specialists. One order's page ([`order::OrderScreen`]) follows its progress and
//! holds its versions; [`automations`] runs agents and specialists on a schedule or on events;
//! [`queue`] shows owners how both did, and the work that failed for good.

pub mod automations;
pub mod order;
pub mod queue;
mod specialists;

use crate::api::studio::{order_deliverable, studio, studio_orders};
use crate::app::common::{fmt_datetime, poll_while, Badge, ErrorBanner, Loading, PageError};
use crate::domain::studio::{OrderInput, OrderStatus, OrderSummary, Priority, StudioView};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// A badge's tone for an order's status.
pub fn status_tone(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Queued => "stone",
        OrderStatus::Running => "blue",
        OrderStatus::Ready => "amber",
        OrderStatus::Approved => "green",
        OrderStatus::Failed => "red",
        OrderStatus::Cancelled => "stone",
    }
}

#[component]
pub fn Studio() -> impl IntoView {
    // The form and the specialists load once (again after a specialist is edited); the orders on
    // their own, every 2 s while one is in progress, so that polling never resets the form.
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| studio());
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(view) => view! { <StudioBody view version /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn StudioBody(view: StudioView, version: RwSignal<u32>) -> impl IntoView {
    let StudioView { specialists, events, can_edit } = view;
    view! {
        <div class="flex flex-wrap items-center gap-2">
            <h1 class="flex-1 text-2xl font-semibold">"Studio"</h1>
            {can_edit.then(|| view! { <a class="btn-secondary py-1" href="/studio/queue">"Queue"</a> })}
            <a class="btn-secondary py-1" href="/studio/automations">"Automations"</a>
        </div>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            "Order a deliverable from one of the venue's specialists: a proposal for an inquiry, a run-of-show, a menu card, a brief for the vendors, a follow-up, a social post. It is written in the background; review it, ask for changes, edit it, approve it and share it with the client."
        </p>
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <NewOrder specialists=specialists.clone() events />
            <Orders />
        </div>
        <specialists::Specialists specialists can_edit version />
    }
}

#[component]
fn Orders() -> impl IntoView {
    let tick = RwSignal::new(0u32);
    let orders = Resource::new(move || tick.get(), |_| studio_orders());
    let busy =
        Memo::new(move |_| orders.get().and_then(|r| r.ok()).is_some_and(|l| l.iter().any(|o| o.status.in_progress())));
    poll_while(busy, move || tick.update(|v| *v += 1), 2000);
    view! {
        <section class="card lg:col-span-2" aria-labelledby="orders-h">
            <h2 id="orders-h" class="section-title">"Orders"</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match orders.await {
                        Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="text-sm text-stone-500">"Nothing ordered yet. Choose a specialist and say what you need."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="divide-y divide-stone-200 text-sm dark:divide-stone-800">
                                {list.into_iter().map(|o| view! { <OrderRow o /> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn OrderRow(o: OrderSummary) -> impl IntoView {
    let what = match &o.event_title {
        Some(t) => format!("{} · {t}", o.specialist_name),
        None => o.specialist_name.clone(),
    };
    let meta = format!(
        "{} · {} · {} priority{}",
        o.ordered_by_name,
        fmt_datetime(o.created_at),
        o.priority.label().to_lowercase(),
        match o.versions {
            0 => String::new(),
            1 => " · 1 version".into(),
            n => format!(" · {n} versions"),
        }
    );
    view! {
        <li class="py-2" data-testid="studio-order">
            <div class="flex flex-wrap items-center gap-2">
                <a class="link flex-1 font-medium" href=format!("/studio/{}", o.id)>{what}</a>
                {o.shared.then(|| view! { <Badge text="Shared" tone="green" /> })}
                <Badge text=o.status.label() tone=status_tone(o.status) />
            </div>
            {(!o.brief.is_empty()).then(|| view! { <p class="mt-0.5 line-clamp-2 text-xs text-stone-600 dark:text-stone-300">{o.brief.clone()}</p> })}
            <p class="text-xs text-stone-500">{meta}</p>
        </li>
    }
}

#[component]
fn NewOrder(specialists: Vec<crate::domain::studio::Specialist>, events: Vec<(i64, String)>) -> impl IntoView {
    let query = use_query_map();
    let first = specialists.first().map(|s| s.slug.clone()).unwrap_or_default();
    let wanted = query.with_untracked(|q| q.get("specialist")).filter(|s| specialists.iter().any(|x| &x.slug == s));
    let specialist = RwSignal::new(wanted.unwrap_or(first));
    let event = RwSignal::new(
        query
            .with_untracked(|q| q.get("event"))
            .and_then(|e| e.parse::<i64>().ok())
            .filter(|id| events.iter().any(|(e, _)| e == id)),
    );
    let brief = RwSignal::new(String::new());
    let priority = RwSignal::new(Priority::Normal);
    // The message, and the field it is about (the control it describes), if any.
    let error = RwSignal::new(None::<(Option<&'static str>, String)>);
    let pending = RwSignal::new(false);
    let list = StoredValue::new(specialists.clone());
    let at_fault = move |field: &'static str| error.with(|e| e.as_ref().is_some_and(|(f, _)| *f == Some(field)));
    let described = move |field: &'static str| at_fault(field).then_some("order-error");
    let chosen = Memo::new(move |_| list.with_value(|l| l.iter().find(|s| s.slug == specialist.get()).cloned()));
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        pending.set(true);
        let input = OrderInput {
            specialist: specialist.get_untracked(),
            event_id: event.get_untracked(),
            brief: brief.get_untracked(),
            priority: priority.get_untracked(),
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match order_deliverable(input).await {
                Ok(id) => navigate(&format!("/studio/{id}"), Default::default()),
                Err(e) => {
                    pending.set(false);
                    error.set(Some(
                        ["specialist", "event_id", "brief"]
                            .into_iter()
                            .find_map(|f| e.field(f).map(|m| (Some(f), m)))
                            .unwrap_or_else(|| (None, e.to_string())),
                    ))
                }
            }
        });
    };
    view! {
        <form class="card space-y-3" on:submit=submit aria-labelledby="new-order-h">
            <h2 id="new-order-h" class="section-title">"New order"</h2>
            <label class="block"><span class="label">"Specialist"</span>
                <select class="input" prop:value=move || specialist.get() on:change=move |ev| specialist.set(event_target_value(&ev))
                    aria-invalid=move || at_fault("specialist").to_string() aria-describedby=move || described("specialist")>
                    {specialists.iter().map(|s| view! { <option value=s.slug.clone()>{s.name.clone()}</option> }).collect_view()}
                </select>
            </label>
            <p class="text-xs text-stone-500" data-testid="specialist-role">{move || chosen.get().map(|s| s.role).unwrap_or_default()}</p>
            <label class="block"><span class="label">
                {move || if chosen.get().is_some_and(|s| s.needs_event) { "Event" } else { "Event (optional)" }}
            </span>
                <select class="input" prop:value=move || event.get().map(|e| e.to_string()).unwrap_or_default()
                    on:change=move |ev| event.set(event_target_value(&ev).parse().ok())
                    aria-invalid=move || at_fault("event_id").to_string() aria-describedby=move || described("event_id")>
                    <option value="">"No event"</option>
                    {events.iter().map(|(id, label)| view! { <option value=id.to_string()>{label.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label class="block"><span class="label">"Brief"</span>
                <textarea class="input min-h-28" rows="5" maxlength="4000"
                    aria-invalid=move || at_fault("brief").to_string() aria-describedby=move || described("brief")
                    placeholder="What it is for, what to stress, the tone…"
                    prop:value=move || brief.get() on:input=move |ev| brief.set(event_target_value(&ev))></textarea>
            </label>
            <fieldset>
                <legend class="label">"Priority"</legend>
                <div class="flex gap-4 text-sm">
                    {Priority::ALL.iter().map(|&p| view! {
                        <label class="flex items-center gap-1">
                            <input type="radio" name="priority" prop:checked=move || priority.get() == p on:change=move |_| priority.set(p) />
                            {p.label()}
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            {move || error.get().map(|(_, m)| view! { <div id="order-error"><ErrorBanner message=m /></div> })}
            <button type="submit" class="btn-primary" disabled=move || pending.get()>
                {move || if pending.get() { "Ordering…" } else { "Order" }}
            </button>
        </form>
    }
}
