//! `/studio/automations` (staff; owners change them): agent runs on a schedule or on the venue's
//! business events.

use crate::app::studio::automations::Automations;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AutomationsPage() -> impl IntoView {
    view! {
        <Title text="Automations" />
        <Automations />
    }
}
