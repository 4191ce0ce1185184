//! The staff calendar: the week's appointments and events side by side, in the viewer's time
//! zone, filtered by resource, with the side panel to open or book an appointment and the
//! private calendar feeds.

mod drawer;
mod week;

use super::feeds::CalendarFeeds;
use crate::api::scheduling::{booking_clients, calendar_week};
use crate::app::common::{ErrorBanner, Loading, PageError};
use crate::domain::scheduling::CalendarAppointment;
use chrono::{DateTime, Datelike, Duration, Local, NaiveDate, NaiveTime, TimeZone, Utc};
use drawer::Drawer;
use leptos::prelude::*;
use week::Week;

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
pub fn Calendar() -> impl IntoView {
    let access = Resource::new(|| (), |_| booking_clients());
    view! {
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
