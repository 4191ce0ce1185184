//! `/settings/audit` (owners): the venue's audit log.

use crate::app::settings::audit::AuditLog;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AuditSettingsPage() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <AuditLog />
    }
}
