//! `/insights?days=30`: the owners' insights.

use crate::app::insights::InsightsScreen;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn InsightsPage() -> impl IntoView {
    view! {
        <Title text="Insights" />
        <InsightsScreen />
    }
}
