//! `/reset/:token`: a single-use link that sets a new password.

use crate::app::auth::reset::ResetForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ResetPage() -> impl IntoView {
    let params = use_params_map();
    let token = Signal::derive(move || params.read().get("token").unwrap_or_default());
    view! {
        <Title text="Choose a new password" />
        <ResetForm token />
    }
}
