//! The signup form: a new venue and its owner. Fields are checked as you type with the same parser the
//! server uses; the server's verdict (e.g. an email already taken) shows next to its field.

use crate::app::common::{field_error, general_error, ErrorBanner, FieldMessage};
use crate::app::AuthActions;
use crate::domain::forms::SignupForm;
use crate::domain::parse::FieldErrors;
use leptos::prelude::*;

#[component]
pub fn SignupForm() -> impl IntoView {
    let signup = expect_context::<AuthActions>().signup;
    let form = RwSignal::new(SignupForm::default());
    let touched = RwSignal::new(Vec::<&'static str>::new());
    let client_errors = Memo::new(move |_| form.with(|f| f.parse().err().unwrap_or_default()));
    let server_error = move || signup.value().get().and_then(|r| r.err());
    let message = move |field: &'static str| {
        Signal::derive(move || {
            let client =
                if touched.with(|t| t.contains(&field)) { client_errors.get() } else { FieldErrors::default() };
            field_error(server_error(), &client, field)
        })
    };
    let field = move |name: &'static str, label: &'static str, kind: &'static str, autocomplete: &'static str| {
        let id = format!("signup-{name}");
        let err_id = format!("{id}-error");
        view! {
            <div>
                <label for=id.clone() class="label">{label}</label>
                <input
                    id=id
                    name=format!("form[{name}]")
                    type=kind
                    autocomplete=autocomplete
                    class="input"
                    aria-describedby=err_id.clone()
                    aria-invalid=move || message(name).get().is_some().to_string()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        form.update(|f| match name {
                            "venue_name" => f.venue_name = v,
                            "name" => f.name = v,
                            "email" => f.email = v,
                            _ => f.password = v,
                        });
                    }
                    on:blur=move |_| touched.update(|t| if !t.contains(&name) { t.push(name) })
                />
                <FieldMessage id=err_id message=message(name) />
            </div>
        }
    };
    view! {
        <section class="mx-auto mt-8 max-w-sm">
            <h1 class="text-2xl font-semibold">"Create your venue"</h1>
            <p class="mt-1 text-sm text-stone-600 dark:text-stone-400">"You will be its owner and can invite your team, clients and vendors."</p>
            <ActionForm action=signup attr:class="card mt-6 space-y-2" attr:aria-label="Sign up">
                {field("venue_name", "Venue name", "text", "organization")}
                {field("name", "Your name", "text", "name")}
                {field("email", "Email", "email", "email")}
                {field("password", "Password (at least 10 characters)", "password", "new-password")}
                {move || server_error().and_then(|e| general_error(&e)).map(|m| view! { <ErrorBanner message=m /> })}
                <button type="submit" class="btn-primary w-full" disabled=move || signup.pending().get()>
                    {move || if signup.pending().get() { "Creating…" } else { "Create venue" }}
                </button>
            </ActionForm>
            <p class="mt-4 text-center text-sm text-stone-600 dark:text-stone-400">
                "Already have an account? " <a href="/login" class="link">"Log in"</a>
            </p>
        </section>
    }
}
