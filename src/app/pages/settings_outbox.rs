//! `/settings/outbox` (owners): the venue's outgoing mail.

use crate::app::settings::outbox::Outbox;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OutboxSettingsPage() -> impl IntoView {
    view! {
        <Title text="Outgoing mail" />
        <Outbox />
    }
}
