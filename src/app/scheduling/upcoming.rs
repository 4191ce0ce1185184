//! One of a client's upcoming appointments: when, a calendar file, reschedule and cancel.

use super::slot_picker::SlotPicker;
use super::{local, long_time};
use crate::api::scheduling::{cancel_appointment, reschedule_appointment};
use crate::app::common::ErrorBanner;
use crate::domain::scheduling::{AppointmentView, SlotView};
use leptos::prelude::*;

#[component]
pub fn Upcoming(a: AppointmentView, on_change: Callback<()>) -> impl IntoView {
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
