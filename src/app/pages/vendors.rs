//! `/vendors` (staff): the venue's vendor directory.

use crate::app::forms::vendors::Vendors;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn VendorsPage() -> impl IntoView {
    view! {
        <Title text="Vendors" />
        <Vendors />
    }
}
