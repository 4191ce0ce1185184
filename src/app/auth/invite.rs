//! Accepting an invite: a single-use link whose form sets the invited person's password.

use super::NewPasswordField;
use crate::api::auth::fetch_invite;
use crate::app::common::{general_error, ErrorBanner, Loading};
use crate::app::AuthActions;
use leptos::prelude::*;

/// `token`: the invite's, from the link.
#[component]
pub fn AcceptInviteForm(token: Signal<String>) -> impl IntoView {
    let accept = expect_context::<AuthActions>().accept;
    let info = Resource::new(move || token.get(), fetch_invite);
    let server = Signal::derive(move || accept.value().get().and_then(|r| r.err()));
    view! {
        <section class="mx-auto mt-8 max-w-sm">
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) => view! {
                            <h1 class="text-2xl font-semibold">"Join " {info.venue_name.clone()}</h1>
                            <p class="mt-1 text-sm text-stone-600 dark:text-stone-400">
                                {format!("Hello {}, you were invited as {}. Choose a password to finish.", info.name, info.role)}
                            </p>
                            <ActionForm action=accept attr:class="card mt-6 space-y-2" attr:aria-label="Accept invite">
                                <input type="hidden" name="token" value=move || token.get() />
                                <div>
                                    <label class="label" for="invite-email">"Email"</label>
                                    <input id="invite-email" class="input" type="email" value=info.email.clone() readonly autocomplete="username" />
                                </div>
                                <NewPasswordField id="invite-password" label="Password (at least 10 characters)" server />
                                {move || accept.value().get().and_then(|r| r.err()).and_then(|e| general_error(&e)).map(|m| view! { <ErrorBanner message=m /> })}
                                <button type="submit" class="btn-primary w-full" disabled=move || accept.pending().get()>"Set password and continue"</button>
                            </ActionForm>
                        }
                        .into_any(),
                        Err(_) => {
                            crate::app::common::set_status(404);
                            view! {
                                <h1 class="text-2xl font-semibold">"This invite link is not valid"</h1>
                                <p class="mt-2 text-stone-600 dark:text-stone-400">
                                    "It may have been used already or have expired. Ask the venue for a new one."
                                </p>
                                <a href="/login" class="btn-primary mt-6 inline-block">"Go to log in"</a>
                            }
                            .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
