//! `/settings/embed` (owners): embed tokens for the chat widget.

use crate::app::settings::embed_tokens::EmbedTokens;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn EmbedSettingsPage() -> impl IntoView {
    view! {
        <Title text="Embedded chat" />
        <EmbedTokens />
    }
}
