//! `/settings/models` (owners): hosted model providers and the models on offer.

use crate::app::settings::models::ModelSettings;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ModelSettingsPage() -> impl IntoView {
    view! {
        <Title text="Models" />
        <ModelSettings />
    }
}
