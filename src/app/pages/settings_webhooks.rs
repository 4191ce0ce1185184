//! `/settings/webhooks` (owners): endpoints told when things happen, and their deliveries.

use crate::app::settings::webhooks::Webhooks;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WebhookSettingsPage() -> impl IntoView {
    view! {
        <Title text="Webhooks" />
        <Webhooks />
    }
}
