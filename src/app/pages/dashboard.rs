//! `/`: the dashboard.

use crate::app::dashboard::Home;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <Title text="Dashboard" />
        <Home />
    }
}
