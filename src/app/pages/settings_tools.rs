//! `/settings/tools` (owners): MCP servers whose tools the venue's agents may call.

use crate::app::settings::tools::OutsideTools;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ToolSettingsPage() -> impl IntoView {
    view! {
        <Title text="Outside tools" />
        <OutsideTools />
    }
}
