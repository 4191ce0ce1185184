//! A client books a tasting, a tour or a consultation: type → day → time → confirm. The venue's
//! zone is named. Below, their upcoming appointments, with reschedule, cancel and a calendar
//! file each, and their private calendar feed.

use super::feeds::CalendarFeeds;
use super::long_time;
use super::slot_picker::SlotPicker;
use super::upcoming::Upcoming;
use crate::api::scheduling::{appointment_types, book_appointment, my_appointments};
use crate::app::common::{ErrorBanner, Loading, PageError};
use crate::domain::format_money;
use crate::domain::scheduling::{AppointmentTypeView, AppointmentView, SlotView};
use chrono::Utc;
use leptos::prelude::*;

#[component]
pub fn Booking() -> impl IntoView {
    let types = Resource::new(|| (), |_| appointment_types());
    let booked = RwSignal::new(0u32);
    let mine = Resource::new(move || booked.get(), |_| my_appointments());
    let chosen = RwSignal::new(None::<AppointmentTypeView>);
    let changed = Callback::new(move |_| booked.update(|v| *v += 1));
    view! {
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
