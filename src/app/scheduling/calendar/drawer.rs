//! The calendar's side panel: one appointment (reschedule, cancel, mark how it went, download
//! it), or a new booking for a client.

use super::{status_label, status_tone, Open};
use crate::api::scheduling::{
    appointment_types, book_appointment, booking_clients, cancel_appointment, reschedule_appointment,
    set_appointment_status,
};
use crate::app::common::{Badge, ErrorBanner, Loading};
use crate::app::scheduling::slot_picker::SlotPicker;
use crate::app::scheduling::{local, long_time};
use crate::domain::scheduling::{CalendarAppointment, SlotView};
use chrono::Utc;
use leptos::prelude::*;

/// The side panel: one appointment, or a new booking.
#[component]
pub fn Drawer(open: Open, on_close: Callback<()>, reload: Callback<()>) -> impl IntoView {
    let title = match &open {
        Open::Appointment(a) => a.view.type_name.clone(),
        Open::New => "New appointment".to_string(),
    };
    let body = match open {
        Open::Appointment(a) => view! { <AppointmentDetail a on_close reload /> }.into_any(),
        Open::New => view! { <NewAppointment on_close reload /> }.into_any(),
    };
    view! {
        <div class="fixed inset-0 z-30 bg-black/30" on:click=move |_| on_close.run(())></div>
        <aside role="dialog" aria-modal="true" aria-labelledby="drawer-h" data-testid="drawer"
            class="fixed inset-y-0 right-0 z-40 w-full max-w-md overflow-y-auto bg-white p-4 shadow-xl dark:bg-stone-900"
            on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }>
            <div class="flex items-center gap-2">
                <h2 id="drawer-h" class="mr-auto text-lg font-semibold">{title}</h2>
                <button type="button" class="btn-secondary px-2 py-1" aria-label="Close" autofocus=true on:click=move |_| on_close.run(())>"✕"</button>
            </div>
            {body}
        </aside>
    }
}

#[component]
fn AppointmentDetail(a: CalendarAppointment, on_close: Callback<()>, reload: Callback<()>) -> impl IntoView {
    let id = a.view.id;
    let type_id = a.view.type_id;
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let moving = RwSignal::new(false);
    let slot = RwSignal::new(None::<SlotView>);
    let reason = RwSignal::new(String::new());
    let booked = a.view.status == "booked";
    let done = move |r: Result<crate::domain::scheduling::AppointmentView, crate::api::AppError>| match r {
        Ok(_) => {
            reload.run(());
            on_close.run(());
        }
        Err(e) => {
            error.set(Some(e.to_string()));
            busy.set(false);
        }
    };
    let set_status = move |status: &'static str| {
        busy.set(true);
        leptos::task::spawn_local(async move { done(set_appointment_status(id, status.into()).await) });
    };
    let do_move = move |_| {
        let Some(s) = slot.get_untracked() else { return };
        busy.set(true);
        leptos::task::spawn_local(
            async move { done(reschedule_appointment(id, s.start, reason.get_untracked()).await) },
        );
    };
    let do_cancel = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move { done(cancel_appointment(id, reason.get_untracked()).await) });
    };
    view! {
        <dl class="mt-3 grid grid-cols-[6rem_1fr] gap-y-1 text-sm" data-testid="appointment-detail">
            <dt class="text-stone-500">"When"</dt><dd>{format!("{} – {}", long_time(a.view.starts_at), local(a.view.ends_at).format("%-I:%M %p"))}</dd>
            <dt class="text-stone-500">"Client"</dt><dd>{a.view.client_name.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt class="text-stone-500">"With"</dt><dd>{a.view.resources.join(", ")}</dd>
            <dt class="text-stone-500">"Status"</dt><dd><Badge text=status_label(&a.view.status) tone=status_tone(&a.view.status) /></dd>
            {(!a.notes.is_empty()).then(|| view! { <dt class="text-stone-500">"Notes"</dt><dd class="whitespace-pre-wrap">{a.notes.clone()}</dd> })}
            {(a.view.sequence > 0).then(|| view! { <dt class="text-stone-500">"Changes"</dt><dd>{format!("{} so far", a.view.sequence)}</dd> })}
        </dl>
        <p class="mt-2"><a class="link text-sm" href=format!("/appointments/{id}.ics") download="">"Download .ics"</a></p>
        {move || error.get().map(|m| view! { <div class="mt-3"><ErrorBanner message=m /></div> })}
        {booked.then(|| view! {
            <div class="mt-4 flex flex-wrap gap-2">
                <button type="button" class="btn-secondary py-1" on:click=move |_| moving.update(|m| *m = !*m)>"Reschedule"</button>
                <button type="button" class="btn-secondary py-1" disabled=move || busy.get() on:click=move |_| set_status("completed")>"Mark completed"</button>
                <button type="button" class="btn-secondary py-1" disabled=move || busy.get() on:click=move |_| set_status("no_show")>"No-show"</button>
            </div>
            <label class="label mt-4" for="change-reason">"Reason (kept with the change)"</label>
            <input id="change-reason" class="input" maxlength="1000" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            {move || moving.get().then(|| view! {
                <div class="mt-3">
                    <SlotPicker type_id picked=slot refresh=Signal::derive(|| 0) days=42 id_prefix="drawer-" />
                    {move || slot.get().map(|s| view! {
                        <button type="button" class="btn-primary mt-3 w-full" disabled=move || busy.get() on:click=do_move>
                            {format!("Move to {}", long_time(s.start))}
                        </button>
                    })}
                </div>
            })}
            <button type="button" class="mt-4 w-full rounded-md border border-red-300 px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950"
                disabled=move || busy.get() on:click=do_cancel>"Cancel appointment"</button>
        })}
        {(!booked && a.view.status != "cancelled").then(|| view! {
            <button type="button" class="btn-secondary mt-4" disabled=move || busy.get() on:click=move |_| set_status("booked")>"Back to booked"</button>
        })}
    }
}

/// Staff book for a client: client, type, day and time, notes.
#[component]
fn NewAppointment(on_close: Callback<()>, reload: Callback<()>) -> impl IntoView {
    let clients = Resource::new(|| (), |_| booking_clients());
    let types = Resource::new(|| (), |_| appointment_types());
    let client = RwSignal::new(None::<i64>);
    let type_id = RwSignal::new(None::<i64>);
    let slot = RwSignal::new(None::<SlotView>);
    let notes = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let refresh = RwSignal::new(0u32);
    let key = StoredValue::new(Utc::now().timestamp_millis());
    let book = move |_| {
        let (Some(c), Some(t), Some(s)) = (client.get_untracked(), type_id.get_untracked(), slot.get_untracked())
        else {
            error.set(Some("Pick the client, what to book, and a time.".into()));
            return;
        };
        busy.set(true);
        let k = format!("staff-{t}-{c}-{}-{}", s.start.timestamp(), key.get_value());
        leptos::task::spawn_local(async move {
            match book_appointment(t, s.start, Some(c), Some(k), notes.get_untracked()).await {
                Ok(_) => {
                    reload.run(());
                    on_close.run(());
                }
                Err(e) => {
                    if matches!(e, crate::api::AppError::Conflict(_)) {
                        slot.set(None);
                        refresh.update(|v| *v += 1);
                    }
                    error.set(Some(e.to_string()));
                    key.set_value(Utc::now().timestamp_millis());
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let (c, t) = (clients.await, types.await);
                match (c, t) {
                    (Ok(c), Ok(t)) => view! {
                        <label class="label mt-3" for="new-client">"Client"</label>
                        <select id="new-client" class="input" on:change=move |ev| client.set(event_target_value(&ev).parse().ok())>
                            <option value="">"Choose…"</option>
                            {c.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                        </select>
                        <label class="label mt-3" for="new-type">"What"</label>
                        <select id="new-type" class="input" on:change=move |ev| { slot.set(None); type_id.set(event_target_value(&ev).parse().ok()) }>
                            <option value="">"Choose…"</option>
                            {t.into_iter().map(|t| view! { <option value=t.id.to_string()>{format!("{} ({} min)", t.name, t.duration_minutes)}</option> }).collect_view()}
                        </select>
                    }.into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <ErrorBanner message=e.to_string() /> }.into_any(),
                }
            })}
        </Transition>
        {move || type_id.get().map(|t| view! {
            <div class="mt-3"><SlotPicker type_id=t picked=slot refresh days=42 id_prefix="new-" /></div>
        })}
        <label class="label mt-3" for="new-notes">"Notes (optional)"</label>
        <textarea id="new-notes" class="input" rows="2" maxlength="1000" prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
        {move || error.get().map(|m| view! { <div class="mt-3"><ErrorBanner message=m /></div> })}
        <button type="button" class="btn-primary mt-3 w-full" disabled=move || busy.get() on:click=book>
            {move || slot.get().map(|s| format!("Book {}", long_time(s.start))).unwrap_or_else(|| "Book".into())}
        </button>
    }
}
