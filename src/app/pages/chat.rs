//! `/chat`: the chat with nothing open yet (inside the chat layout, `chat::ChatLayout`).

use crate::app::chat::NewChat;
use leptos::prelude::*;

#[component]
pub fn NewChatPage() -> impl IntoView {
    view! { <NewChat /> }
}
