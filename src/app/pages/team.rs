//! `/team` (owners and staff): members of the venue and invites.

use crate::app::settings::team::TeamMembers;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TeamPage() -> impl IntoView {
    view! {
        <Title text="Team" />
        <TeamMembers />
    }
}
