//! Getting in: the login, signup and invite-acceptance forms, and password resets.

pub mod invite;
pub mod login;
pub mod reset;
pub mod signup;

use crate::api::AppError;
use crate::app::common::{field_error, FieldMessage};
use crate::domain::parse::FieldErrors;
use leptos::prelude::*;

/// The "choose a password" field of the invite and reset forms (posted as `password`): checked
/// as it is typed once it has been left, and by the server (`server`: the form's last error).
#[component]
pub fn NewPasswordField(id: &'static str, label: &'static str, server: Signal<Option<AppError>>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let message = Signal::derive(move || {
        let mut client = FieldErrors::default();
        if touched.get() {
            if let Err(m) = crate::domain::parse::password(&password.get()) {
                client.add("password", m);
            }
        }
        field_error(server.get(), &client, "password")
    });
    let error_id = format!("{id}-error");
    view! {
        <div>
            <label class="label" for=id>{label}</label>
            <input
                id=id
                name="password"
                type="password"
                autocomplete="new-password"
                class="input"
                aria-describedby=error_id.clone()
                on:input=move |ev| password.set(event_target_value(&ev))
                on:blur=move |_| touched.set(true)
            />
            <FieldMessage id=error_id message />
        </div>
    }
}
