//! `/forgot`: ask for a password-reset link.

use crate::app::auth::reset::ForgotForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ForgotPage() -> impl IntoView {
    view! {
        <Title text="Forgot your password?" />
        <ForgotForm />
    }
}
