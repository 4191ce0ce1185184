//! `/invite/:token`: a single-use link that sets the invited person's password.

use crate::app::auth::invite::AcceptInviteForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = Signal::derive(move || params.read().get("token").unwrap_or_default());
    view! {
        <Title text="Accept invite" />
        <AcceptInviteForm token />
    }
}
