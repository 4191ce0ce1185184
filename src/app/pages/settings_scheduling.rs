//! `/settings/scheduling` (owners): what can be booked, by whom, and when.

use crate::app::scheduling::settings::SchedulingSettings;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SchedulingSettingsPage() -> impl IntoView {
    view! {
        <Title text="Scheduling settings" />
        <SchedulingSettings />
    }
}
