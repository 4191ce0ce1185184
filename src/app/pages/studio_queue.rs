//! `/studio/queue` (owners): the specialists' and automations' figures, and the dead letters.

use crate::app::studio::queue::Queue;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn QueuePage() -> impl IntoView {
    view! {
        <Title text="Queue" />
        <Queue />
    }
}
