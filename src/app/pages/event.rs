//! `/events/:id`: the staff workspace for one event.

use super::id_param;
use crate::app::event::page::{EventScreen, Side};
use leptos::prelude::*;

#[component]
pub fn EventPage() -> impl IntoView {
    let id = id_param();
    view! { <EventScreen id side=Side::Staff /> }
}
