//! `/login?next=…`: the login form.

use crate::app::auth::login::LoginForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = Signal::derive(move || query.read().get("next").unwrap_or_default());
    view! {
        <Title text="Log in" />
        <LoginForm next />
    }
}
