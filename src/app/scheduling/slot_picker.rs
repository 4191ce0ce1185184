//! The day-and-time picker of one appointment type, shared by booking, rescheduling and the
//! staff's new appointment.

use super::local;
use crate::api::scheduling::available_slots;
use crate::app::common::{ErrorBanner, Loading};
use crate::domain::scheduling::SlotView;
use chrono::{Duration, Local, NaiveDate};
use leptos::prelude::*;

/// Days, then the free times of one type on the chosen day; `on_pick` gets the chosen slot.
/// `refresh` is bumped by the owner to reload the times (after a booking or a conflict).
#[component]
pub fn SlotPicker(
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
