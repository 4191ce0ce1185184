//! `/chat/:id`: one open conversation (inside the chat's layout).

use super::id_param;
use crate::app::chat::Thread;
use leptos::prelude::*;

#[component]
pub fn ThreadPage() -> impl IntoView {
    let id = id_param();
    view! { <Thread id /> }
}
