//! `/book`: a client books an appointment and sees their upcoming ones.

use crate::app::scheduling::booking::Booking;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn BookPage() -> impl IntoView {
    view! {
        <Title text="Book an appointment" />
        <Booking />
    }
}
