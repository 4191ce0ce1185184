//! `/`: the dashboard, or for a visitor the landing page.

use crate::app::dashboard::Home;
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! { <Home /> }
}
