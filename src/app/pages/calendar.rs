//! `/calendar` (staff): the week's appointments and events.

use crate::app::scheduling::calendar::Calendar;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CalendarPage() -> impl IntoView {
    view! {
        <Title text="Calendar" />
        <Calendar />
    }
}
