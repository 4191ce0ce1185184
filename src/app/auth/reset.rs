//! Forgotten passwords: asking for a reset link by email, and the link's page that sets a new one.

use super::NewPasswordField;
use crate::api::auth::{reset_info, RequestPasswordReset, RESET_MINUTES};
use crate::app::common::{general_error, ErrorBanner, Loading};
use crate::app::AuthActions;
use leptos::prelude::*;

/// `/forgot`: an email address in, the same answer out whether or not it has an account.
#[component]
pub fn ForgotForm() -> impl IntoView {
    let ask = ServerAction::<RequestPasswordReset>::new();
    let done = move || ask.value().get().is_some_and(|r| r.is_ok());
    let error = move || {
        ask.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.field("email").or_else(|| general_error(&e)).unwrap_or_else(|| e.to_string()))
    };
    view! {
        <section class="mx-auto mt-8 max-w-sm">
            <h1 class="text-2xl font-semibold">"Forgot your password?"</h1>
            <p class="mt-1 text-sm text-stone-600 dark:text-stone-400">
                "Enter the email you log in with and we will send you a link to choose a new password."
            </p>
            <Show
                when=done
                fallback=move || view! {
                    <ActionForm action=ask attr:class="card mt-6 space-y-4" attr:aria-label="Ask for a reset link">
                        <div>
                            <label for="forgot-email" class="label">"Email"</label>
                            <input id="forgot-email" name="email" type="email" autocomplete="username" required class="input" />
                        </div>
                        {move || error().map(|m| view! { <ErrorBanner message=m /> })}
                        <button type="submit" class="btn-primary w-full" disabled=move || ask.pending().get()>"Send the link"</button>
                    </ActionForm>
                }
            >
                <div class="card mt-6 space-y-2 text-sm" role="status" data-testid="reset-sent">
                    <p class="font-medium">"Check your email."</p>
                    <p>{format!("If an account uses that address, a link to reset its password is on its way. It works for {RESET_MINUTES} minutes.")}</p>
                    <p class="text-stone-600 dark:text-stone-400">"No mail after a few minutes? Your venue's owner can find the link under Outgoing mail."</p>
                </div>
            </Show>
            <p class="mt-4 text-center text-sm"><a href="/login" class="link">"Back to log in"</a></p>
        </section>
    }
}

/// `/reset/:token`: the new password, once, within the link's hour.
#[component]
pub fn ResetForm(token: Signal<String>) -> impl IntoView {
    let reset = expect_context::<AuthActions>().reset;
    let info = Resource::new(move || token.get(), reset_info);
    let server = Signal::derive(move || reset.value().get().and_then(|r| r.err()));
    view! {
        <section class="mx-auto mt-8 max-w-sm">
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(email) => view! {
                            <h1 class="text-2xl font-semibold">"Choose a new password"</h1>
                            <p class="mt-1 text-sm text-stone-600 dark:text-stone-400">"You will be logged out on every other device."</p>
                            <ActionForm action=reset attr:class="card mt-6 space-y-2" attr:aria-label="Choose a new password">
                                <input type="hidden" name="token" value=move || token.get() />
                                <div>
                                    <label class="label" for="reset-email">"Email"</label>
                                    <input id="reset-email" class="input" type="email" value=email readonly autocomplete="username" />
                                </div>
                                <NewPasswordField id="reset-password" label="New password (at least 10 characters)" server />
                                {move || reset.value().get().and_then(|r| r.err()).and_then(|e| general_error(&e)).map(|m| view! { <ErrorBanner message=m /> })}
                                <button type="submit" class="btn-primary w-full" disabled=move || reset.pending().get()>"Set password and log in"</button>
                            </ActionForm>
                        }
                        .into_any(),
                        Err(_) => {
                            crate::app::common::set_status(404);
                            view! {
                                <h1 class="text-2xl font-semibold">"This reset link does not work any more"</h1>
                                <p class="mt-2 text-stone-600 dark:text-stone-400">
                                    "It may have been used already or have expired. Ask for a new one."
                                </p>
                                <a href="/forgot" class="btn-primary mt-6 inline-block">"Ask for a new link"</a>
                            }
                            .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
