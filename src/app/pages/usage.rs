//! `/usage`: the person's own model usage.

use crate::app::settings::usage::Usage;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UsagePage() -> impl IntoView {
    view! {
        <Title text="Usage" />
        <Usage />
    }
}
