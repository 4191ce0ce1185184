//! The calendar's week: a grid of days and hours on wide screens (drag an appointment to move
//! it), a list of days on phones.

use super::{at_local, status_label, status_tone, Open};
use crate::api::scheduling::reschedule_appointment;
use crate::app::common::Badge;
use crate::app::scheduling::{local, long_time};
use crate::domain::scheduling::{CalendarAppointment, CalendarEvent, WeekView};
use chrono::{DateTime, Duration, Local, NaiveDate, NaiveTime, Timelike, Utc};
use leptos::prelude::*;

/// The hours the grid shows at least (it widens to fit what is on it), and its scale.
const FIRST_HOUR: i64 = 7;
const LAST_HOUR: i64 = 22;
const PX_PER_MINUTE: f64 = 0.8;

/// The grid's hours for a week: 7 to 22, widened to every timed item's local start and end.
fn hour_range(days: &[NaiveDate], items: impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)>) -> (i64, i64) {
    let (mut first, mut last) = (FIRST_HOUR, LAST_HOUR);
    let (Some(&lo), Some(&hi)) = (days.first(), days.last()) else { return (first, last) };
    let within = |d: NaiveDate| d >= lo && d <= hi;
    for (start, end) in items {
        let (s, e) = (local(start), local(end));
        if s.date_naive() == e.date_naive()
            || e.time() == NaiveTime::MIN && e.date_naive() == s.date_naive().succ_opt().unwrap_or(hi)
        {
            if within(s.date_naive()) {
                first = first.min(i64::from(s.hour()));
                last = last.max(if e.date_naive() == s.date_naive() {
                    i64::from(e.hour()) + i64::from(e.minute() > 0)
                } else {
                    24
                });
            }
        } else {
            // Past midnight: the evening it starts runs to 24:00, the day it ends starts at 0:00.
            if within(s.date_naive()) {
                first = first.min(i64::from(s.hour()));
                last = 24;
            }
            if within(e.date_naive()) {
                first = 0;
            }
        }
    }
    (first, last)
}

/// Minutes since the grid's first hour, of `t` on day `d` (local), clamped to the grid.
fn grid_minutes((first, last): (i64, i64), d: NaiveDate, t: DateTime<Utc>) -> i64 {
    let l = local(t);
    let m = if l.date_naive() < d {
        0
    } else if l.date_naive() > d {
        24 * 60
    } else {
        i64::from(l.hour() * 60 + l.minute())
    };
    (m - first * 60).clamp(0, (last - first) * 60)
}

/// The week: a grid on wide screens, a list of days on phones.
#[component]
pub fn Week(
    w: WeekView,
    monday: NaiveDate,
    open: RwSignal<Option<Open>>,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let days: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
    let today = Local::now().date_naive();
    let on_day = |d: NaiveDate, start: DateTime<Utc>, end: DateTime<Utc>| {
        start < at_local(d + Duration::days(1), NaiveTime::MIN) && end > at_local(d, NaiveTime::MIN)
    };
    // Dragging: the appointment, and how far below its top it was grabbed (minutes).
    let dragging = StoredValue::new(None::<(i64, i64)>);
    let range = hour_range(
        &days,
        w.appointments
            .iter()
            .map(|a| (a.view.starts_at, a.view.ends_at))
            .chain(w.events.iter().filter(|e| !e.all_day).map(|e| (e.starts_at, e.ends_at))),
    );
    let (first_hour, last_hour) = range;
    let height = (last_hour - first_hour) as f64 * 60.0 * PX_PER_MINUTE;
    let drop_on = move |d: NaiveDate, ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        let Some((id, grab)) = dragging.get_value() else { return };
        dragging.set_value(None);
        #[cfg(feature = "hydrate")]
        let top = {
            use wasm_bindgen::JsCast;
            ev.current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|e| e.get_bounding_client_rect().top())
                .unwrap_or_default()
        };
        #[cfg(not(feature = "hydrate"))]
        let top = 0.0;
        let y = f64::from(ev.client_y()) - top;
        let minutes = ((y / PX_PER_MINUTE) as i64 - grab + first_hour * 60).max(0);
        let minutes = (minutes + 7) / 15 * 15;
        let Some(t) = NaiveTime::from_hms_opt((minutes / 60).min(23) as u32, (minutes % 60) as u32, 0) else { return };
        let start = at_local(d, t);
        notice.set(None);
        leptos::task::spawn_local(async move {
            match reschedule_appointment(id, start, "Moved on the calendar".into()).await {
                Ok(_) => reload.run(()),
                Err(e) => notice.set(Some(format!("Could not move it to {}: {e}", long_time(start)))),
            }
        });
    };
    let appointments = w.appointments.clone();
    let events = w.events.clone();
    view! {
        <p class="mt-2 text-xs text-stone-500">{format!("Times in your time zone; the venue is in {}. Drag an appointment to move it.", w.timezone)}</p>
        // Wide screens: the grid.
        <div class="card mt-2 hidden overflow-x-auto p-0 md:block" data-testid="week-grid">
            <div class="grid min-w-[48rem]" style="grid-template-columns: 3.5rem repeat(7, minmax(0, 1fr))">
                <div></div>
                {days.iter().map(|&d| {
                    let all_day: Vec<CalendarEvent> = events.iter().filter(|e| e.all_day && on_day(d, e.starts_at, e.ends_at)).cloned().collect();
                    view! {
                        <div class=format!("border-b border-l border-stone-200 px-1 py-2 text-center text-sm dark:border-stone-800 {}",
                            if d == today { "bg-teal-50 dark:bg-teal-950" } else { "" })>
                            <span class="block text-xs text-stone-500">{d.format("%a").to_string()}</span>
                            <span class="block font-medium">{d.format("%-d %b").to_string()}</span>
                            {all_day.into_iter().map(|e| view! {
                                <a href=format!("/events/{}", e.id) class="mt-1 block truncate rounded bg-violet-100 px-1 text-xs text-violet-900 dark:bg-violet-900/60 dark:text-violet-100"
                                    data-testid="calendar-event">{e.title}</a>
                            }).collect_view()}
                        </div>
                    }
                }).collect_view()}
                // The hour gutter.
                <div class="relative" style=format!("height: {height}px")>
                    {(first_hour..last_hour).map(|h| view! {
                        <span class="absolute right-1 -translate-y-1/2 text-[10px] text-stone-500" style=format!("top: {}px", ((h - first_hour) * 60) as f64 * PX_PER_MINUTE)>
                            {NaiveTime::from_hms_opt(h as u32, 0, 0).map(|t| t.format("%-I %p").to_string())}
                        </span>
                    }).collect_view()}
                </div>
                {days.iter().map(|&d| {
                    let day_appointments: Vec<CalendarAppointment> = appointments.iter().filter(|a| on_day(d, a.view.starts_at, a.view.ends_at)).cloned().collect();
                    let day_events: Vec<CalendarEvent> = events.iter().filter(|e| !e.all_day && on_day(d, e.starts_at, e.ends_at)).cloned().collect();
                    view! {
                        <div class="relative border-l border-stone-200 dark:border-stone-800" style=format!("height: {height}px")
                            data-testid="day-column" data-day=d.to_string()
                            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                            on:drop=move |ev: leptos::ev::DragEvent| drop_on(d, ev)>
                            {(first_hour..last_hour).map(|h| view! {
                                <div class="pointer-events-none absolute inset-x-0 border-t border-stone-100 dark:border-stone-800/70" style=format!("top: {}px", ((h - first_hour) * 60) as f64 * PX_PER_MINUTE)></div>
                            }).collect_view()}
                            {day_events.into_iter().map(|e| {
                                let top = grid_minutes(range, d, e.starts_at) as f64 * PX_PER_MINUTE;
                                let h = ((grid_minutes(range, d, e.ends_at) - grid_minutes(range, d, e.starts_at)) as f64 * PX_PER_MINUTE).max(18.0);
                                view! {
                                    <a href=format!("/events/{}", e.id) data-testid="calendar-event"
                                        class="absolute inset-x-0.5 overflow-hidden rounded border border-violet-300 bg-violet-50/90 px-1 text-xs text-violet-900 dark:border-violet-800 dark:bg-violet-950/80 dark:text-violet-100"
                                        style=format!("top: {top}px; height: {h}px")>
                                        <span class="block truncate font-medium">{e.title.clone()}</span>
                                        <span class="block truncate">{format!("{} · event", local(e.starts_at).format("%-I:%M %p"))}</span>
                                    </a>
                                }
                            }).collect_view()}
                            {day_appointments.into_iter().map(|a| {
                                let top = grid_minutes(range, d, a.view.starts_at) as f64 * PX_PER_MINUTE;
                                let h = ((grid_minutes(range, d, a.view.ends_at) - grid_minutes(range, d, a.view.starts_at)) as f64 * PX_PER_MINUTE).max(20.0);
                                let (id, cancelled, booked) = (a.view.id, a.view.status == "cancelled", a.view.status == "booked");
                                let tone = if cancelled {
                                    "border-stone-300 bg-stone-100/90 text-stone-500 line-through dark:border-stone-700 dark:bg-stone-800/90"
                                } else {
                                    "border-teal-400 bg-teal-100/95 text-teal-950 dark:border-teal-700 dark:bg-teal-900/90 dark:text-teal-50"
                                };
                                let item = a.clone();
                                view! {
                                    <button type="button" data-testid="calendar-appointment" data-appointment-id=id data-status=a.view.status.clone()
                                        class=format!("absolute inset-x-1 overflow-hidden rounded border px-1 text-left text-xs shadow-sm {tone}")
                                        class:cursor-move=booked
                                        style=format!("top: {top}px; height: {h}px; z-index: {}", if cancelled { 1 } else { 2 })
                                        draggable=if booked { "true" } else { "false" }
                                        on:dragstart=move |ev: leptos::ev::DragEvent| {
                                            let grab = (f64::from(ev.offset_y()) / PX_PER_MINUTE) as i64;
                                            dragging.set_value(Some((id, grab)));
                                        }
                                        on:click=move |_| open.set(Some(Open::Appointment(item.clone())))>
                                        <span class="block truncate font-medium">{a.view.type_name.clone()}</span>
                                        <span class="block truncate">{format!("{} · {}", local(a.view.starts_at).format("%-I:%M %p"), a.view.client_name.clone().unwrap_or_default())}</span>
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                    }
                }).collect_view()}
            </div>
        </div>
        // Phones: a list of days.
        <ol class="mt-2 space-y-3 md:hidden" data-testid="week-list">
            {days.iter().map(|&d| {
                let mut items: Vec<(DateTime<Utc>, AnyView)> = Vec::new();
                for e in w.events.iter().filter(|e| on_day(d, e.starts_at, e.ends_at)) {
                    let when = if e.all_day { "All day".to_string() } else { local(e.starts_at).format("%-I:%M %p").to_string() };
                    items.push((e.starts_at, view! {
                        <li><a href=format!("/events/{}", e.id) class="flex gap-3 py-2" data-testid="calendar-event">
                            <span class="w-20 shrink-0 text-sm text-stone-500">{when}</span>
                            <span class="min-w-0"><span class="block truncate font-medium text-violet-800 dark:text-violet-300">{e.title.clone()}</span><span class="text-xs text-stone-500">"Event"</span></span>
                        </a></li>
                    }.into_any()));
                }
                for a in w.appointments.iter().filter(|a| on_day(d, a.view.starts_at, a.view.ends_at)) {
                    let item = a.clone();
                    items.push((a.view.starts_at, view! {
                        <li><button type="button" class="flex w-full gap-3 py-2 text-left" data-testid="calendar-appointment" data-appointment-id=a.view.id
                            on:click=move |_| open.set(Some(Open::Appointment(item.clone())))>
                            <span class="w-20 shrink-0 text-sm text-stone-500">{local(a.view.starts_at).format("%-I:%M %p").to_string()}</span>
                            <span class="min-w-0 flex-1">
                                <span class="block truncate font-medium" class:line-through=a.view.status == "cancelled">{a.view.type_name.clone()}</span>
                                <span class="block truncate text-xs text-stone-500">{format!("{} · {}", a.view.client_name.clone().unwrap_or_default(), a.view.resources.join(", "))}</span>
                            </span>
                            <Badge text=status_label(&a.view.status) tone=status_tone(&a.view.status) />
                        </button></li>
                    }.into_any()));
                }
                items.sort_by_key(|(t, _)| *t);
                let empty = items.is_empty();
                view! {
                    <li class="card p-3">
                        <h2 class="text-sm font-semibold" class:text-teal-700=d == today>{d.format("%A %-d %B").to_string()}</h2>
                        {if empty {
                            view! { <p class="text-sm text-stone-500">"Nothing booked."</p> }.into_any()
                        } else {
                            view! { <ul class="divide-y divide-stone-100 dark:divide-stone-800">{items.into_iter().map(|(_, v)| v).collect_view()}</ul> }.into_any()
                        }}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
