//! `/inquiries/new` (staff): a new client's inquiry.

use crate::app::forms::inquiry::NewInquiry;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewInquiryPage() -> impl IntoView {
    view! {
        <Title text="New inquiry" />
        <NewInquiry />
    }
}
