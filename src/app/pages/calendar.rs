//! `/calendar`: the staff week. Appointments and events side by side, in the viewer's time zone,
//! filtered by resource. Click an appointment to open it (reschedule, cancel, mark how it went,
//! download it); drag it to another time to move it. On a phone the week is a list of days.
//! Also here: booking for a client, and the private calendar feeds ([`CalendarFeeds`], shared
//! with the clients' `/book`).

use crate::api::scheduling::{
    appointment_types, book_appointment, booking_clients, calendar_feeds, calendar_week, cancel_appointment,
    create_calendar_feed, reschedule_appointment, revoke_calendar_feed, set_appointment_status,
};
use crate::app::common::{fmt_datetime, Badge, ErrorBanner, Loading, PageError};
use crate::app::pages::book::{local, long_time, SlotPicker};
use crate::domain::scheduling::{CalendarAppointment, CalendarEvent, SlotView, WeekView};
use chrono::{DateTime, Datelike, Duration, Local, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use leptos::prelude::*;
use leptos_meta::Title;

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

/// The instant of a local wall-clock time (the later reading in a DST gap).
fn at_local(d: NaiveDate, t: NaiveTime) -> DateTime<Utc> {
    let naive = d.and_time(t);
    Local
        .from_local_datetime(&naive)
        .earliest()
        .or_else(|| Local.from_local_datetime(&(naive + Duration::hours(1))).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}

fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday().into())
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

fn status_tone(s: &str) -> &'static str {
    match s {
        "booked" => "green",
        "completed" => "blue",
        "no_show" => "amber",
        _ => "red",
    }
}

fn status_label(s: &str) -> String {
    match s {
        "no_show" => "No-show".into(),
        s => {
            let mut c = s.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
        }
    }
}

/// What the drawer shows.
#[derive(Clone, Debug, PartialEq)]
enum Open {
    Appointment(CalendarAppointment),
    New,
}

/// Staff only: others get the 403 page (with its status, on the server too). The check is a
/// server call that staff need anyway (the clients they may book for).
#[component]
pub fn CalendarPage() -> impl IntoView {
    let access = Resource::new(|| (), |_| booking_clients());
    view! {
        <Title text="Calendar" />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match access.await {
                    Ok(_) => view! { <StaffCalendar /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn StaffCalendar() -> impl IntoView {
    // The week is the viewer's, known only in the browser: nothing loads until hydration.
    let week = RwSignal::new(None::<NaiveDate>);
    Effect::new(move |_| {
        if week.get_untracked().is_none() {
            week.set(Some(monday_of(Local::now().date_naive())));
        }
    });
    let resource = RwSignal::new(None::<i64>);
    let version = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        let (w, r, _) = (week.get(), resource.get(), version.get());
        async move {
            match w {
                Some(w) => {
                    calendar_week(at_local(w, NaiveTime::MIN), at_local(w + Duration::days(7), NaiveTime::MIN), r)
                        .await
                        .map(|week| Some((w, week)))
                }
                None => Ok(None),
            }
        }
    });
    let open = RwSignal::new(None::<Open>);
    let notice = RwSignal::new(None::<String>);
    let reload = Callback::new(move |_| version.update(|v| *v += 1));
    let shift = move |days: i64| week.update(|w| *w = w.map(|w| w + Duration::days(days)));

    view! {
        <div class="flex flex-wrap items-center gap-2">
            <h1 class="mr-auto text-2xl font-semibold">"Calendar"</h1>
            <button type="button" class="btn-primary" on:click=move |_| open.set(Some(Open::New))>"New appointment"</button>
        </div>
        <div class="mt-3 flex flex-wrap items-center gap-2">
            <div class="flex items-center gap-1" role="group" aria-label="Week">
                <button type="button" class="btn-secondary px-3 py-1" aria-label="Previous week" on:click=move |_| shift(-7)>"‹"</button>
                <button type="button" class="btn-secondary px-3 py-1" on:click=move |_| week.set(Some(monday_of(Local::now().date_naive())))>"This week"</button>
                <button type="button" class="btn-secondary px-3 py-1" aria-label="Next week" on:click=move |_| shift(7)>"›"</button>
            </div>
        </div>
        {move || notice.get().map(|m| view! { <div class="mt-3"><ErrorBanner message=m /></div> })}
        // Rendered from the resource's value, not under a suspense: this part exists only in the
        // browser, and shows the previous week until the next one has loaded.
        {move || match data.get() {
            Some(Err(error)) => view! { <PageError error /> }.into_any(),
            Some(Ok(Some((monday, w)))) => view! {
                <p class="mt-3 text-sm font-medium" data-testid="week-label">
                    {format!("{} – {}", monday.format("%b %-d"), (monday + Duration::days(6)).format("%b %-d, %Y"))}
                </p>
                <label class="mt-2 flex items-center gap-2 text-sm">
                    "Show"
                    <select class="input w-auto py-1" aria-label="Resource"
                        on:change=move |ev| resource.set(event_target_value(&ev).parse().ok())>
                        <option value="">"Everyone and every room"</option>
                        {w.resources.iter().map(|r| {
                            let id = r.id;
                            view! { <option value=id.to_string() selected=resource.get_untracked() == Some(id)>{format!("{} ({})", r.name, r.kind)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <Week w monday open notice reload />
            }.into_any(),
            _ => view! { <Loading /> }.into_any(),
        }}
        {move || open.get().map(|o| view! { <Drawer open=o on_close=Callback::new(move |_| open.set(None)) reload /> })}
        <CalendarFeeds />
    }
}

/// The week: a grid on wide screens, a list of days on phones.
#[component]
fn Week(
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

/// The side panel: one appointment, or a new booking.
#[component]
fn Drawer(open: Open, on_close: Callback<()>, reload: Callback<()>) -> impl IntoView {
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

/// This site's origin (`https://host`), for the full feed URL; known in the browser only.
#[cfg(feature = "hydrate")]
fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

#[cfg(not(feature = "hydrate"))]
fn origin() -> String {
    String::new()
}

/// Private calendar feeds: the member's own and, for staff, each resource's. A new URL is shown
/// once (only its hash is kept); making a new one or revoking stops the old at once.
#[component]
pub fn CalendarFeeds() -> impl IntoView {
    let version = RwSignal::new(0u32);
    // Loaded in the browser (it is inside the calendar's suspense there), shown from its value.
    let feeds = LocalResource::new(move || {
        version.get();
        calendar_feeds()
    });
    let fresh = RwSignal::new(None::<(Option<i64>, String)>);
    let error = RwSignal::new(None::<String>);
    let make = move |resource_id: Option<i64>| {
        leptos::task::spawn_local(async move {
            match create_calendar_feed(resource_id).await {
                Ok(path) => {
                    fresh.set(Some((resource_id, format!("{}{path}", origin()))));
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let revoke = move |resource_id: Option<i64>| {
        leptos::task::spawn_local(async move {
            match revoke_calendar_feed(resource_id).await {
                Ok(_) => {
                    fresh.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="card mt-8" aria-labelledby="feeds-h" data-testid="calendar-feeds">
            <h2 id="feeds-h" class="section-title">"Subscribe in your calendar app"</h2>
            <p class="text-sm text-stone-500">"A private link that Google Calendar, Apple Calendar or Outlook can subscribe to. Anyone with the link can read it: revoke it if it leaks."</p>
            {move || error.get().map(|m| view! { <div class="mt-2"><ErrorBanner message=m /></div> })}
            {move || match feeds.get() {
                        None => view! { <Loading /> }.into_any(),
                        Some(Err(e)) => view! { <ErrorBanner message=e.to_string() /> }.into_any(),
                        Some(Ok(list)) => view! {
                            <ul class="mt-2 divide-y divide-stone-200 dark:divide-stone-800">
                                {list.into_iter().map(|f| {
                                    let rid = f.resource_id;
                                    let live = f.created_at.is_some();
                                    view! {
                                        <li class="flex flex-wrap items-center gap-2 py-2" data-testid="feed">
                                            <span class="min-w-0 flex-1">
                                                <span class="block font-medium">{f.label.clone()}</span>
                                                <span class="block text-xs text-stone-500">
                                                    {match (f.created_at, f.last_used_at) {
                                                        (None, _) => "No link yet.".to_string(),
                                                        (Some(c), None) => format!("Link made {}; not used yet.", fmt_datetime(c)),
                                                        (Some(c), Some(u)) => format!("Link made {}; last read {}.", fmt_datetime(c), fmt_datetime(u)),
                                                    }}
                                                </span>
                                            </span>
                                            <button type="button" class="btn-secondary py-1" on:click=move |_| make(rid)>
                                                {if live { "New link" } else { "Get link" }}
                                            </button>
                                            {live.then(|| view! { <button type="button" class="btn-secondary py-1" on:click=move |_| revoke(rid)>"Revoke"</button> })}
                                            {move || fresh.get().filter(|(r, _)| *r == rid).map(|(_, url)| view! {
                                                <div class="w-full">
                                                    <label class="label" for=format!("feed-url-{}", rid.unwrap_or(0))>"Your link (shown once; copy it now)"</label>
                                                    <input id=format!("feed-url-{}", rid.unwrap_or(0)) class="input font-mono text-xs" readonly=true value=url.clone() data-testid="feed-url"
                                                        on:focus=move |ev| {
                                                            #[cfg(feature = "hydrate")]
                                                            {
                                                                use wasm_bindgen::JsCast;
                                                                if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { i.select(); }
                                                            }
                                                            #[cfg(not(feature = "hydrate"))]
                                                            let _ = ev;
                                                        } />
                                                </div>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
            }}
        </section>
    }
}
