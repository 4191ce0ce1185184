//! `/book`: a client books a tasting, a tour or a consultation: type → day → time → confirm.
//! Times are shown in the visitor's own time zone (the browser's); the venue's zone is named.
//! Below, their upcoming appointments, with reschedule, cancel and a calendar file each, and
//! their private calendar feed.

use crate::api::scheduling::{
    appointment_types, available_slots, book_appointment, cancel_appointment, my_appointments, reschedule_appointment,
};
use crate::app::common::{ErrorBanner, Loading, PageError};
use crate::app::pages::calendar::CalendarFeeds;
use crate::domain::format_money;
use crate::domain::scheduling::{AppointmentTypeView, AppointmentView, SlotView};
use chrono::{DateTime, Duration, Local, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_meta::Title;

pub(crate) fn local(t: DateTime<Utc>) -> DateTime<Local> {
    t.with_timezone(&Local)
}

/// "Tuesday 1 December at 2:00 PM", in the viewer's zone.
pub(crate) fn long_time(t: DateTime<Utc>) -> String {
    local(t).format("%A %-d %B at %-I:%M %p").to_string()
}

#[component]
pub fn BookPage() -> impl IntoView {
    let types = Resource::new(|| (), |_| appointment_types());
    let booked = RwSignal::new(0u32);
    let mine = Resource::new(move || booked.get(), |_| my_appointments());
    let chosen = RwSignal::new(None::<AppointmentTypeView>);
    let changed = Callback::new(move |_| booked.update(|v| *v += 1));
    view! {
        <Title text="Book an appointment" />
        <h1 class="text-2xl font-semibold">"Book an appointment"</h1>
        <p class="mt-1 text-sm text-stone-500 dark:text-stone-400">"Pick what you would like, then a day and a time. Times are in your own time zone."</p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match types.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(list) => view! {
                        <ul class="mt-4 grid grid-cols-1 gap-3 sm:grid-cols-3" aria-label="Appointment types">
                            {list.into_iter().map(|t| {
                                let id = t.id;
                                let pick = t.clone();
                                view! {
                                    <li>
                                        <button type="button" class="starter h-full" data-testid="appointment-type"
                                            aria-pressed=move || chosen.with(|c| c.as_ref().is_some_and(|c| c.id == id)).to_string()
                                            class:thread-item-active=move || chosen.with(|c| c.as_ref().is_some_and(|c| c.id == id))
                                            on:click=move |_| chosen.set(Some(pick.clone()))>
                                            <span class="block font-medium">{t.name.clone()}</span>
                                            <span class="block text-xs text-stone-500">
                                                {format!("{} min · {}", t.duration_minutes, if t.price_cents == 0 { "free".to_string() } else { format_money(t.price_cents) })}
                                            </span>
                                            <span class="mt-1 block text-xs text-stone-500">{t.description.clone()}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
        {move || chosen.get().map(|t| view! { <BookType t on_booked=changed /> })}
        <section class="card mt-8" aria-labelledby="mine-h">
            <h2 id="mine-h" class="section-title">"Your upcoming appointments"</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match mine.await {
                        Err(error) => view! { <PageError error /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="text-sm text-stone-500">"None yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="divide-y divide-stone-200 dark:divide-stone-800" data-testid="my-appointments">
                                {list.into_iter().map(|a| view! { <Upcoming a on_change=changed /> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <CalendarFeeds />
    }
}

/// Days, then the free times of one type on the chosen day; `on_pick` gets the chosen slot.
/// `refresh` is bumped by the owner to reload the times (after a booking or a conflict).
#[component]
pub(crate) fn SlotPicker(
    type_id: i64,
    picked: RwSignal<Option<SlotView>>,
    #[prop(into)] refresh: Signal<u32>,
    /// Days offered, from tomorrow on.
    #[prop(default = 21)]
    days: i64,
    #[prop(default = "")] id_prefix: &'static str,
) -> impl IntoView {
    let today = Local::now().date_naive();
    let offered: Vec<NaiveDate> = (1..=days).map(|i| today + Duration::days(i)).collect();
    let day = RwSignal::new(None::<NaiveDate>);
    let slots = Resource::new(
        move || (day.get(), refresh.get()),
        move |(d, _)| async move {
            match d {
                // The venue's dates and the visitor's may differ by a day at the edges: ask for
                // the day around it and keep the times that fall on it locally.
                Some(d) => {
                    available_slots(type_id, (d - Duration::days(1)).to_string(), (d + Duration::days(1)).to_string())
                        .await
                        .map(|mut av| {
                            av.slots.retain(|s| local(s.start).date_naive() == d);
                            Some(av)
                        })
                }
                None => Ok(None),
            }
        },
    );
    view! {
        <div class="flex gap-2 overflow-x-auto pb-2" role="group" aria-label="Day" id=format!("{id_prefix}days")>
            {offered.into_iter().map(|d| view! {
                <button type="button" class="btn-secondary shrink-0 flex-col px-3 py-1" data-testid="day"
                    aria-pressed=move || (day.get() == Some(d)).to_string()
                    class:thread-item-active=move || day.get() == Some(d)
                    on:click=move |_| { day.set(Some(d)); picked.set(None); }>
                    <span class="block text-xs">{d.format("%a").to_string()}</span>
                    <span class="block">{d.format("%b %-d").to_string()}</span>
                </button>
            }).collect_view()}
        </div>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match slots.await {
                    Ok(None) => view! { <p class="mt-2 text-sm text-stone-500">"Pick a day."</p> }.into_any(),
                    Err(e) => view! { <div class="mt-2"><ErrorBanner message=e.to_string() /></div> }.into_any(),
                    Ok(Some(av)) if av.slots.is_empty() => view! { <p class="mt-2 text-sm text-stone-500">"Nothing free that day; try another."</p> }.into_any(),
                    Ok(Some(av)) => view! {
                        <ul class="mt-2 flex flex-wrap gap-2" aria-label="Times">
                            {av.slots.into_iter().map(|s| view! {
                                <li>
                                    <button type="button" class="btn-secondary px-3 py-1" data-testid="slot"
                                        aria-pressed=move || (picked.get() == Some(s)).to_string()
                                        class:thread-item-active=move || picked.get() == Some(s)
                                        on:click=move |_| picked.set(Some(s))>
                                        {local(s.start).format("%-I:%M %p").to_string()}
                                    </button>
                                </li>
                            }).collect_view()}
                        </ul>
                        <p class="mt-1 text-xs text-stone-500">{format!("The venue is in {}.", av.timezone)}</p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Day and time for one type, then the confirmation.
#[component]
fn BookType(t: AppointmentTypeView, on_booked: Callback<()>) -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let type_id = t.id;
    let slot = RwSignal::new(None::<SlotView>);
    let notes = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<AppointmentView>);
    let busy = RwSignal::new(false);
    // One key per confirmation screen: a double click or a retry books once.
    let attempt = StoredValue::new(Utc::now().timestamp_millis());
    Effect::new(move |_| {
        if slot.get().is_some() {
            done.set(None);
        }
    });
    let confirm = move |_| {
        let Some(s) = slot.get_untracked() else { return };
        busy.set(true);
        message.set(None);
        let key = format!("book-{type_id}-{}-{}", s.start.timestamp(), attempt.get_value());
        leptos::task::spawn_local(async move {
            match book_appointment(type_id, s.start, None, Some(key), notes.get_untracked()).await {
                Ok(a) => {
                    done.set(Some(a));
                    slot.set(None);
                    refresh.update(|v| *v += 1);
                    on_booked.run(());
                }
                Err(e) => {
                    message.set(Some(e.to_string()));
                    if matches!(e, crate::api::AppError::Conflict(_)) {
                        slot.set(None);
                        refresh.update(|v| *v += 1);
                    }
                }
            }
            attempt.set_value(Utc::now().timestamp_millis());
            busy.set(false);
        });
    };
    let name = t.name.clone();
    view! {
        <section class="card mt-6" aria-labelledby="when-h">
            <h2 id="when-h" class="section-title">{format!("When would you like your {}?", t.name.to_lowercase())}</h2>
            {move || message.get().map(|m| view! { <div class="mb-2"><ErrorBanner message=m /></div> })}
            <SlotPicker type_id picked=slot refresh />
            {move || slot.get().map(|s| view! {
                <div class="mt-4 rounded-md border border-stone-200 p-3 dark:border-stone-700" data-testid="confirm">
                    <p class="font-medium">{format!("{} on {}", name, long_time(s.start))}</p>
                    <label class="label mt-2" for="book-notes">"Anything we should know? (optional)"</label>
                    <textarea id="book-notes" class="input" rows="2" maxlength="1000" prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                    <button type="button" class="btn-primary mt-2" disabled=move || busy.get() on:click=confirm>"Book it"</button>
                </div>
            })}
            {move || done.get().map(|a| view! {
                <p class="mt-4 rounded-md bg-emerald-50 p-3 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100" role="status" data-testid="booked">
                    {format!("Booked: {} on {}.", a.type_name, long_time(a.starts_at))}
                    " "
                    <a class="link" href=format!("/appointments/{}.ics", a.id) download="">"Add to your calendar"</a>
                </p>
            })}
        </section>
    }
}

#[component]
fn Upcoming(a: AppointmentView, on_change: Callback<()>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    // What the row is doing: nothing, asking for a cancel reason, or picking a new time.
    let mode = RwSignal::new("");
    let error = RwSignal::new(None::<String>);
    let new_slot = RwSignal::new(None::<SlotView>);
    let busy = RwSignal::new(false);
    let id = a.id;
    let type_id = a.type_id;
    let cancelled = a.status == "cancelled";
    // The time is the visitor's wall clock, known only in the browser: rendered after hydration.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let (starts, resources) = (a.starts_at, a.resources.join(", "));
    let when = move || {
        if mounted.get() {
            format!("{} · {}", local(starts).format("%a %-d %b, %-I:%M %p"), resources)
        } else {
            resources.clone()
        }
    };
    let cancel = move |_| {
        if mode.get_untracked() != "cancel" {
            mode.set("cancel");
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match cancel_appointment(id, reason.get_untracked()).await {
                Ok(_) => on_change.run(()),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let move_it = move |_| {
        let Some(s) = new_slot.get_untracked() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match reschedule_appointment(id, s.start, reason.get_untracked()).await {
                Ok(_) => {
                    mode.set("");
                    on_change.run(());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <li class="flex flex-wrap items-center gap-2 py-2" data-appointment-id=id data-status=a.status.clone()>
            <span class="min-w-0 flex-1">
                <span class="block font-medium">{a.type_name.clone()}</span>
                <span class="block text-sm text-stone-500" data-testid="when">{when}</span>
            </span>
            {if cancelled {
                view! { <span class="badge badge-stone">"Cancelled"</span> }.into_any()
            } else {
                view! {
                    <span class="flex flex-wrap items-center gap-2">
                        <a class="link text-sm" href=format!("/appointments/{id}.ics") download="">".ics"</a>
                        {move || (mode.get() == "cancel").then(|| view! {
                            <label class="sr-only" for=format!("why-{id}")>"Reason"</label>
                            <input id=format!("why-{id}") class="input w-auto py-1" placeholder="Reason (optional)" maxlength="1000"
                                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                        })}
                        <button type="button" class="btn-secondary py-1"
                            on:click=move |_| mode.set(if mode.get_untracked() == "move" { "" } else { "move" })>
                            {move || if mode.get() == "move" { "Keep this time" } else { "Reschedule" }}
                        </button>
                        <button type="button" class="btn-secondary py-1" disabled=move || busy.get() on:click=cancel>
                            {move || if mode.get() == "cancel" { "Confirm cancel" } else { "Cancel" }}
                        </button>
                    </span>
                }.into_any()
            }}
            {move || error.get().map(|m| view! { <div class="w-full"><ErrorBanner message=m /></div> })}
            {move || (mode.get() == "move").then(|| view! {
                <div class="w-full rounded-md border border-stone-200 p-3 dark:border-stone-700" data-testid="reschedule">
                    <p class="mb-2 text-sm font-medium">"Pick a new day and time"</p>
                    <SlotPicker type_id picked=new_slot refresh=Signal::derive(|| 0) id_prefix="move-" />
                    {move || new_slot.get().map(|s| view! {
                        <div class="mt-3 flex flex-wrap items-center gap-2">
                            <label class="sr-only" for=format!("move-why-{id}")>"Reason for the change"</label>
                            <input id=format!("move-why-{id}") class="input w-auto flex-1 py-1" placeholder="Reason (optional)" maxlength="1000"
                                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                            <button type="button" class="btn-primary py-1" disabled=move || busy.get() on:click=move_it>
                                {format!("Move to {}", long_time(s.start))}
                            </button>
                        </div>
                    })}
                </div>
            })}
        </li>
    }
}
