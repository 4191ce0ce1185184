//! `/embed/chat?agent=client&event=12&theme=dark`: only an agent's chat, for an iframe on
//! another page.

use crate::app::chat::EmbedChat;
use crate::domain::chat::AgentKind;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn EmbedChatPage() -> impl IntoView {
    let query = use_query_map();
    let agent = Signal::derive(move || {
        query.with(|q| q.get("agent").and_then(|a| a.parse::<AgentKind>().ok()).unwrap_or(AgentKind::Assistant))
    });
    let event_id =
        Signal::derive(move || query.with(|q| q.get("event").and_then(|e| e.parse::<i64>().ok()).filter(|e| *e > 0)));
    view! {
        <Title text="Chat" />
        <EmbedChat agent event_id />
    }
}
