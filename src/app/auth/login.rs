//! The login form. A plain form posted to the `login` server function: it works before (and
//! without) the wasm loads, and is enhanced once it has.

use crate::app::common::{general_error, ErrorBanner};
use crate::app::{AuthActions, UserResource};
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// `next`: where to go once logged in (sent with the form).
#[component]
pub fn LoginForm(next: Signal<String>) -> impl IntoView {
    let login = expect_context::<AuthActions>().login;
    let user = expect_context::<UserResource>();
    let error = move || login.value().get().and_then(|r| r.err()).and_then(|e| general_error(&e));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // Someone already logged in has nothing to do here.
                matches!(user.await, Ok(Some(_))).then(|| view! { <Redirect path="/" /> })
            })}
        </Suspense>
        <section class="mx-auto mt-8 max-w-sm">
            <h1 class="text-2xl font-semibold">"Log in"</h1>
            <p class="mt-1 text-sm text-stone-600 dark:text-stone-400">"Welcome back to Concierge."</p>
            <ActionForm action=login attr:class="card mt-6 space-y-4" attr:aria-label="Log in">
                <input type="hidden" name="next" value=move || next.get() />
                <div>
                    <label for="email" class="label">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required class="input" />
                </div>
                <div>
                    <label for="password" class="label">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required class="input" />
                </div>
                {move || error().map(|m| view! { <ErrorBanner message=m /> })}
                <button type="submit" class="btn-primary w-full" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "Logging in…" } else { "Log in" }}
                </button>
                <p class="text-center text-sm"><a href="/forgot" class="link">"Forgot your password?"</a></p>
            </ActionForm>
            <p class="mt-4 text-center text-sm text-stone-600 dark:text-stone-400">
                "New venue? " <a href="/signup" class="link">"Create an account"</a>
            </p>
        </section>
    }
}
