//! `/account`: the person's own account.

use crate::app::settings::account::Account;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Your account" />
        <Account />
    }
}
