//! `/my/events/:id`: a client's (or vendor's) view of an event they take part in.

use super::id_param;
use crate::app::event::page::{EventScreen, Side};
use leptos::prelude::*;

#[component]
pub fn MyEventPage() -> impl IntoView {
    let id = id_param();
    view! { <EventScreen id side=Side::Member /> }
}
