//! Scheduling settings (owners): what can be booked, by whom, and when. Appointment types
//! (duration, buffers, notice, price, reminder, the people and rooms they need); resources with
//! weekly hours in the venue's zone, and date overrides (closed, extra hours, time off).

use crate::api::scheduling::{
    add_resource_override, delete_resource_override, save_appointment_type, save_resource, scheduling_settings,
};
use crate::api::AppError;
use crate::app::common::{fmt_date, ErrorBanner, Loading, PageError};
use crate::domain::parse::{money_cents, FieldErrors};
use crate::domain::scheduling::{HoursRow, NamedId, OverrideView, ResourceSettings, TypeSettings};
use chrono::NaiveTime;
use leptos::prelude::*;

const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn parse_time(raw: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M").ok()
}

/// Whole hours when it divides evenly ("24"), else minutes as a fraction ("1.5").
fn hours_text(minutes: i32) -> String {
    if minutes % 60 == 0 {
        (minutes / 60).to_string()
    } else {
        format!("{:.2}", f64::from(minutes) / 60.0).trim_end_matches('0').to_string()
    }
}

fn hours_to_minutes(raw: &str) -> Option<i32> {
    raw.trim().parse::<f64>().ok().filter(|h| h.is_finite() && *h >= 0.0).map(|h| (h * 60.0).round() as i32)
}

#[component]
pub fn SchedulingSettings() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let settings = Resource::new(move || version.get(), |_| scheduling_settings());
    let saved = Callback::new(move |_| version.update(|v| *v += 1));
    view! {
        <h1 class="text-2xl font-semibold">"Scheduling"</h1>
        <p class="mt-1 text-sm text-stone-500 dark:text-stone-400">"What clients and staff can book, who and which rooms it needs, and when they are available. Changes apply to new bookings."</p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(s) => {
                        let resources: Vec<NamedId> = s.resources.iter().map(|r| NamedId { id: r.id, name: r.name.clone() }).collect();
                        let staff = s.staff.clone();
                        view! {
                            <p class="mt-1 text-sm">{format!("Hours are in the venue's time zone, {}.", s.timezone)}</p>
                            <section class="mt-6" aria-labelledby="types-h">
                                <h2 id="types-h" class="section-title">"Appointment types"</h2>
                                <div class="space-y-2">
                                    {s.types.into_iter().map(|t| view! { <TypeForm t resources=resources.clone() saved /> }).collect_view()}
                                    <TypeForm t=TypeSettings { duration_minutes: 60, reminder_minutes: 1440, clients_may_book: true, active: true, ..TypeSettings::default() } resources=resources.clone() saved />
                                </div>
                            </section>
                            <section class="mt-8" aria-labelledby="resources-h">
                                <h2 id="resources-h" class="section-title">"People, rooms and equipment"</h2>
                                <div class="space-y-2">
                                    {s.resources.into_iter().map(|r| view! { <ResourceForm r staff=staff.clone() saved /> }).collect_view()}
                                    <ResourceForm r=ResourceSettings { kind: "staff".into(), active: true, ..ResourceSettings::default() } staff=staff.clone() saved />
                                </div>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Shows what the browser found wrong, or else sends the form (`save`) and shows what the server
/// said; on success the settings reload.
fn submit<Fut>(
    mut bad: FieldErrors,
    checked: FieldErrors,
    busy: RwSignal<bool>,
    result: RwSignal<Option<Result<(), AppError>>>,
    saved: Callback<()>,
    save: impl FnOnce() -> Fut + 'static,
) where
    Fut: std::future::Future<Output = Result<i64, AppError>> + 'static,
{
    for e in checked.0 {
        bad.add(&e.field, e.message);
    }
    if !bad.is_empty() {
        result.set(Some(Err(AppError::Invalid(bad))));
        return;
    }
    busy.set(true);
    leptos::task::spawn_local(async move {
        let r = save().await;
        busy.set(false);
        match r {
            Ok(_) => {
                result.set(Some(Ok(())));
                saved.run(());
            }
            Err(e) => result.set(Some(Err(e))),
        }
    });
}

/// The outcome line under a form: saved, or what went wrong.
#[component]
fn SaveStatus(result: RwSignal<Option<Result<(), AppError>>>) -> impl IntoView {
    move || match result.get() {
        None => ().into_any(),
        Some(Ok(())) => {
            view! { <p class="text-sm text-emerald-700 dark:text-emerald-400" role="status">"Saved."</p> }.into_any()
        }
        Some(Err(AppError::Invalid(errors))) => view! {
            <div role="alert" class="text-sm text-red-700 dark:text-red-400">
                {errors.0.into_iter().map(|e| view! { <p>{e.message}</p> }).collect_view()}
            </div>
        }
        .into_any(),
        Some(Err(e)) => view! { <ErrorBanner message=e.to_string() /> }.into_any(),
    }
}

#[component]
fn TypeForm(t: TypeSettings, resources: Vec<NamedId>, saved: Callback<()>) -> impl IntoView {
    let new = t.id == 0;
    let id = t.id;
    let name = RwSignal::new(t.name.clone());
    let description = RwSignal::new(t.description.clone());
    let duration = RwSignal::new(t.duration_minutes.to_string());
    let before = RwSignal::new(t.buffer_before_minutes.to_string());
    let after = RwSignal::new(t.buffer_after_minutes.to_string());
    let notice = RwSignal::new(hours_text(t.min_notice_minutes));
    let change_notice = RwSignal::new(hours_text(t.min_change_notice_minutes));
    let reminder = RwSignal::new(hours_text(t.reminder_minutes));
    let price = RwSignal::new(format!("{:.2}", t.price_cents as f64 / 100.0));
    let clients = RwSignal::new(t.clients_may_book);
    let active = RwSignal::new(t.active);
    let needs = RwSignal::new(t.resource_ids.clone());
    let result = RwSignal::new(None::<Result<(), AppError>>);
    let busy = RwSignal::new(false);
    let p = |field: &str| format!("type-{id}-{field}");
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut bad = FieldErrors::default();
        let minutes = |raw: RwSignal<String>, field: &str, bad: &mut FieldErrors| {
            raw.get_untracked().trim().parse::<i32>().unwrap_or_else(|_| {
                bad.add(field, format!("{}: whole minutes, please.", field.replace('_', " ")));
                0
            })
        };
        let hours = |raw: RwSignal<String>, field: &str, bad: &mut FieldErrors| {
            hours_to_minutes(&raw.get_untracked()).unwrap_or_else(|| {
                bad.add(field, format!("{}: a number of hours, please.", field.replace('_', " ")));
                0
            })
        };
        let candidate = TypeSettings {
            id,
            name: name.get_untracked(),
            description: description.get_untracked(),
            duration_minutes: minutes(duration, "duration_minutes", &mut bad),
            buffer_before_minutes: minutes(before, "buffer_before_minutes", &mut bad),
            buffer_after_minutes: minutes(after, "buffer_after_minutes", &mut bad),
            min_notice_minutes: hours(notice, "min_notice", &mut bad),
            min_change_notice_minutes: hours(change_notice, "change_notice", &mut bad),
            reminder_minutes: hours(reminder, "reminder", &mut bad),
            price_cents: money_cents(&price.get_untracked()).unwrap_or_else(|m| {
                bad.add("price_cents", m);
                0
            }),
            clients_may_book: clients.get_untracked(),
            active: active.get_untracked(),
            resource_ids: needs.get_untracked(),
        };
        let checked = candidate.check();
        submit(bad, checked, busy, result, saved, move || save_appointment_type(candidate));
    };
    let summary = if new {
        "Add an appointment type".to_string()
    } else {
        format!("{} · {} min{}", t.name, t.duration_minutes, if t.active { "" } else { " · inactive" })
    };
    view! {
        <details class="card p-0" data-testid="type-form">
            <summary class="cursor-pointer px-4 py-3 font-medium" class:text-teal-700=new>{summary}</summary>
            <form class="grid grid-cols-1 gap-3 border-t border-stone-200 p-4 sm:grid-cols-2 dark:border-stone-800" on:submit=save>
                <div class="sm:col-span-2">
                    <label class="label" for=p("name")>"Name"</label>
                    <input id=p("name") class="input" maxlength="120" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <div class="sm:col-span-2">
                    <label class="label" for=p("description")>"Description (clients see it)"</label>
                    <textarea id=p("description") class="input" rows="2" maxlength="2000" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                </div>
                <NumberField id=p("duration") label="Duration (minutes)" value=duration />
                <NumberField id=p("price") label="Price" value=price step="0.01" />
                <NumberField id=p("before") label="Buffer before (minutes)" value=before />
                <NumberField id=p("after") label="Buffer after (minutes)" value=after />
                <NumberField id=p("notice") label="Book at least (hours ahead)" value=notice step="0.25" />
                <NumberField id=p("change") label="Change or cancel at least (hours ahead)" value=change_notice step="0.25" />
                <NumberField id=p("reminder") label="Remind the client (hours before; 0 = no)" value=reminder step="0.25" />
                <fieldset class="sm:col-span-2">
                    <legend class="label">"Needs (all at once)"</legend>
                    <div class="flex flex-wrap gap-3">
                        {resources.into_iter().map(|r| {
                            let rid = r.id;
                            view! {
                                <label class="flex items-center gap-1 text-sm">
                                    <input type="checkbox" prop:checked=move || needs.with(|n| n.contains(&rid))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            needs.update(|n| { n.retain(|x| *x != rid); if on { n.push(rid); n.sort_unstable(); } });
                                        } />
                                    {r.name}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" prop:checked=move || clients.get() on:change=move |ev| clients.set(event_target_checked(&ev)) />
                    "Clients may book it themselves"
                </label>
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev)) />
                    "Active (offered for booking)"
                </label>
                <div class="flex items-center gap-3 sm:col-span-2">
                    <button type="submit" class="btn-primary" disabled=move || busy.get()>{if new { "Add type" } else { "Save" }}</button>
                    <SaveStatus result />
                </div>
            </form>
        </details>
    }
}

#[component]
fn NumberField(
    #[prop(into)] id: String,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "1")] step: &'static str,
) -> impl IntoView {
    view! {
        <div>
            <label class="label" for=id.clone()>{label}</label>
            <input id=id class="input" type="number" min="0" step=step inputmode="decimal"
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

#[component]
fn ResourceForm(r: ResourceSettings, staff: Vec<NamedId>, saved: Callback<()>) -> impl IntoView {
    let new = r.id == 0;
    let id = r.id;
    let name = RwSignal::new(r.name.clone());
    let kind = RwSignal::new(r.kind.clone());
    let user = RwSignal::new(r.user_id);
    let active = RwSignal::new(r.active);
    // Hours as editable rows: weekday, start, end (as typed).
    let hours = RwSignal::new(
        r.hours
            .iter()
            .map(|h| (h.weekday, hhmm(h.start_time), hhmm(h.end_time)))
            .collect::<Vec<(i16, String, String)>>(),
    );
    let result = RwSignal::new(None::<Result<(), AppError>>);
    let busy = RwSignal::new(false);
    let p = move |field: &str| format!("res-{id}-{field}");
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut rows = Vec::new();
        let mut bad = FieldErrors::default();
        for (weekday, start, end) in hours.get_untracked() {
            match (parse_time(&start), parse_time(&end)) {
                (Some(start_time), Some(end_time)) => rows.push(HoursRow { weekday, start_time, end_time }),
                _ => bad.add("hours", "Each row needs a start and an end time."),
            }
        }
        let candidate = ResourceSettings {
            id,
            kind: kind.get_untracked(),
            name: name.get_untracked(),
            user_id: user.get_untracked(),
            active: active.get_untracked(),
            hours: rows,
            overrides: Vec::new(),
        };
        let checked = candidate.check();
        submit(bad, checked, busy, result, saved, move || save_resource(candidate));
    };
    let summary = if new {
        "Add a person, room or equipment".to_string()
    } else {
        format!("{} · {}{}", r.name, r.kind, if r.active { "" } else { " · inactive" })
    };
    view! {
        <details class="card p-0" data-testid="resource-form">
            <summary class="cursor-pointer px-4 py-3 font-medium" class:text-teal-700=new>{summary}</summary>
            <form class="grid grid-cols-1 gap-3 border-t border-stone-200 p-4 sm:grid-cols-3 dark:border-stone-800" on:submit=save>
                <div>
                    <label class="label" for=p("name")>"Name"</label>
                    <input id=p("name") class="input" maxlength="120" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <div>
                    <label class="label" for=p("kind")>"Kind"</label>
                    <select id=p("kind") class="input" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {["staff", "room", "equipment"].into_iter().map(|k| view! { <option value=k selected=move || kind.get() == k>{k}</option> }).collect_view()}
                    </select>
                </div>
                <div>
                    <label class="label" for=p("user")>"Staff member (for people)"</label>
                    <select id=p("user") class="input" on:change=move |ev| user.set(event_target_value(&ev).parse().ok())>
                        <option value="">"—"</option>
                        {staff.into_iter().map(|s| { let sid = s.id; view! { <option value=sid.to_string() selected=move || user.get() == Some(sid)>{s.name}</option> } }).collect_view()}
                    </select>
                </div>
                <fieldset class="sm:col-span-3">
                    <legend class="label">"Weekly hours"</legend>
                    <ul class="space-y-2">
                        {move || hours.get().into_iter().enumerate().map(|(i, (weekday, start, end))| view! {
                            <li class="flex flex-wrap items-center gap-2" data-testid="hours-row">
                                <select class="input w-auto py-1" aria-label="Day" on:change=move |ev| {
                                    let d = event_target_value(&ev).parse().unwrap_or(1);
                                    hours.update(|h| h[i].0 = d);
                                }>
                                    {(1..=7i16).map(|d| view! { <option value=d.to_string() selected=d == weekday>{WEEKDAYS[(d - 1) as usize]}</option> }).collect_view()}
                                </select>
                                <input type="time" class="input w-auto py-1" aria-label="From" value=start on:change=move |ev| { let v = event_target_value(&ev); hours.update(|h| h[i].1 = v); } />
                                "–"
                                <input type="time" class="input w-auto py-1" aria-label="To" value=end on:change=move |ev| { let v = event_target_value(&ev); hours.update(|h| h[i].2 = v); } />
                                <button type="button" class="btn-secondary px-2 py-1" aria-label="Remove these hours" on:click=move |_| hours.update(|h| { h.remove(i); })>"Remove"</button>
                            </li>
                        }).collect_view()}
                    </ul>
                    <button type="button" class="btn-secondary mt-2 py-1" on:click=move |_| hours.update(|h| {
                        let next = h.last().map(|l| (l.0 % 7 + 1, l.1.clone(), l.2.clone())).unwrap_or((1, "09:00".into(), "17:00".into()));
                        h.push(next);
                    })>"Add hours"</button>
                    <p class="mt-1 text-xs text-stone-500">"An end of 00:00 means midnight."</p>
                </fieldset>
                <label class="flex items-center gap-2 text-sm sm:col-span-3">
                    <input type="checkbox" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev)) />
                    "Active"
                </label>
                <div class="flex items-center gap-3 sm:col-span-3">
                    <button type="submit" class="btn-primary" disabled=move || busy.get()>{if new { "Add" } else { "Save" }}</button>
                    <SaveStatus result />
                </div>
            </form>
            {(!new).then(|| view! { <Overrides resource_id=id list=r.overrides.clone() saved /> })}
        </details>
    }
}

/// Date overrides of one resource: the coming ones, with delete; and a form to add one.
#[component]
fn Overrides(resource_id: i64, list: Vec<OverrideView>, saved: Callback<()>) -> impl IntoView {
    let day = RwSignal::new(String::new());
    let kind = RwSignal::new("closed".to_string());
    let start = RwSignal::new("09:00".to_string());
    let end = RwSignal::new("17:00".to_string());
    let note = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<(), AppError>>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let r = add_resource_override(
                resource_id,
                day.get_untracked(),
                kind.get_untracked(),
                start.get_untracked(),
                end.get_untracked(),
                note.get_untracked(),
            )
            .await;
            match r {
                Ok(_) => {
                    result.set(Some(Ok(())));
                    saved.run(());
                }
                Err(e) => result.set(Some(Err(e))),
            }
        });
    };
    let remove = move |id: i64| {
        leptos::task::spawn_local(async move {
            match delete_resource_override(id).await {
                Ok(()) => saved.run(()),
                Err(e) => result.set(Some(Err(e))),
            }
        });
    };
    let f = move |field: &str| format!("ov-{resource_id}-{field}");
    view! {
        <div class="border-t border-stone-200 p-4 dark:border-stone-800">
            <h3 class="text-sm font-semibold">"Dates that differ"</h3>
            {if list.is_empty() {
                view! { <p class="text-sm text-stone-500">"None coming up."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-1 divide-y divide-stone-100 text-sm dark:divide-stone-800">
                        {list.into_iter().map(|o| {
                            let oid = o.id;
                            let what = match (o.kind.as_str(), o.start_time, o.end_time) {
                                ("closed", _, _) => "Closed".to_string(),
                                ("extra", Some(s), Some(e)) => format!("Extra hours {}–{}", hhmm(s), hhmm(e)),
                                (_, Some(s), Some(e)) => format!("Off {}–{}", hhmm(s), hhmm(e)),
                                _ => o.kind.clone(),
                            };
                            view! {
                                <li class="flex items-center gap-2 py-1" data-testid="override">
                                    <span class="flex-1">{format!("{}: {what}{}", fmt_date(o.day), if o.note.is_empty() { String::new() } else { format!(" ({})", o.note) })}</span>
                                    <button type="button" class="btn-secondary px-2 py-0.5" on:click=move |_| remove(oid)>"Delete"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form class="mt-2 flex flex-wrap items-end gap-2" on:submit=add>
                <div>
                    <label class="label" for=f("day")>"Date"</label>
                    <input id=f("day") type="date" class="input w-auto py-1" required=true prop:value=move || day.get() on:input=move |ev| day.set(event_target_value(&ev)) />
                </div>
                <div>
                    <label class="label" for=f("kind")>"What"</label>
                    <select id=f("kind") class="input w-auto py-1" on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="closed">"Closed all day"</option>
                        <option value="off">"Time off"</option>
                        <option value="extra">"Extra hours"</option>
                    </select>
                </div>
                {move || (kind.get() != "closed").then(|| view! {
                    <div>
                        <label class="label" for=f("start")>"From"</label>
                        <input id=f("start") type="time" class="input w-auto py-1" prop:value=move || start.get() on:input=move |ev| start.set(event_target_value(&ev)) />
                    </div>
                    <div>
                        <label class="label" for=f("end")>"To"</label>
                        <input id=f("end") type="time" class="input w-auto py-1" prop:value=move || end.get() on:input=move |ev| end.set(event_target_value(&ev)) />
                    </div>
                })}
                <div class="min-w-40 flex-1">
                    <label class="label" for=f("note")>"Note"</label>
                    <input id=f("note") class="input py-1" maxlength="500" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="btn-secondary py-1">"Add date"</button>
            </form>
            <SaveStatus result />
        </div>
    }
}
