//! `/signup`: a new venue and its owner.

use crate::app::auth::signup::SignupForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SignupPage() -> impl IntoView {
    view! {
        <Title text="Sign up" />
        <SignupForm />
    }
}
