//! The person's own account: change the password (every other device is logged out), and log
//! out everywhere.

use crate::api::auth::{change_password, LogoutEverywhere};
use crate::api::scheduling::{notification_prefs, set_notification_pref};
use crate::app::common::{ErrorBanner, Loading};
use leptos::prelude::*;

#[component]
pub fn Account() -> impl IntoView {
    let (current, new, again) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        done.set(false);
        if new.get_untracked() != again.get_untracked() {
            error.set(Some("The two new passwords differ.".into()));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match change_password(current.get_untracked(), new.get_untracked()).await {
                Ok(()) => {
                    done.set(true);
                    current.set(String::new());
                    new.set(String::new());
                    again.set(String::new());
                }
                Err(e) => {
                    error.set(Some(e.field("current").or_else(|| e.field("new")).unwrap_or_else(|| e.to_string())))
                }
            }
            busy.set(false);
        });
    };
    let everywhere = ServerAction::<LogoutEverywhere>::new();
    let user = expect_context::<crate::app::UserResource>();
    Effect::new(move |_| {
        if everywhere.value().get().is_some_and(|r| r.is_ok()) {
            user.refetch();
        }
    });
    view! {
        <h1 class="text-2xl font-semibold">"Your account"</h1>
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-2">
            <form class="card space-y-3" on:submit=submit aria-labelledby="password-h">
                <h2 id="password-h" class="section-title">"Change password"</h2>
                <label class="block"><span class="label">"Current password"</span>
                    <input class="input" type="password" autocomplete="current-password" required prop:value=move || current.get() on:input=move |ev| current.set(event_target_value(&ev)) /></label>
                <label class="block"><span class="label">"New password"</span>
                    <input class="input" type="password" autocomplete="new-password" required minlength="10" prop:value=move || new.get() on:input=move |ev| new.set(event_target_value(&ev)) /></label>
                <label class="block"><span class="label">"New password, again"</span>
                    <input class="input" type="password" autocomplete="new-password" required minlength="10" prop:value=move || again.get() on:input=move |ev| again.set(event_target_value(&ev)) /></label>
                {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
                {move || done.get().then(|| view! { <p class="text-sm text-teal-800 dark:text-teal-300" role="status">"Password changed. Your other devices are logged out."</p> })}
                <button type="submit" class="btn-primary" disabled=move || busy.get()>"Change password"</button>
            </form>
            <EmailNotes />
            <section class="card space-y-3" aria-labelledby="sessions-h">
                <h2 id="sessions-h" class="section-title">"Devices"</h2>
                <p class="text-sm text-stone-600 dark:text-stone-400">"Lost a phone, or logged in on a shared computer? End every session of yours, this one too."</p>
                <ActionForm action=everywhere>
                    <button type="submit" class="btn-secondary">"Log out everywhere"</button>
                </ActionForm>
            </section>
            <section class="card space-y-3" aria-labelledby="data-h">
                <h2 id="data-h" class="section-title">"Your data"</h2>
                <p class="text-sm text-stone-600 dark:text-stone-400">
                    "Everything this venue keeps about you, in one zip: your profile, your chats, the messages you wrote, your events and guests, appointments, notifications and your uploads' details. Each chat can also be exported on its own from its menu."
                </p>
                // A download, not a page: the router leaves `download` links to the browser.
                <a href="/account/export.zip" download="" rel="external" class="btn-secondary">"Download my data (.zip)"</a>
            </section>
        </div>
    }
}

/// Which notes also come by email.
#[component]
fn EmailNotes() -> impl IntoView {
    let prefs = Resource::new(|| (), |_| notification_prefs());
    let error = RwSignal::new(None::<String>);
    view! {
        <section class="card space-y-3" aria-labelledby="email-notes-h">
            <h2 id="email-notes-h" class="section-title">"Email notifications"</h2>
            <p class="text-sm text-stone-600 dark:text-stone-400">"Notes always appear under the bell. Choose which also come to you by email."</p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match prefs.await {
                        Err(e) => view! { <ErrorBanner message=e.to_string() /> }.into_any(),
                        Ok(list) => view! {
                            <ul class="space-y-2 text-sm">
                                {list.into_iter().map(|p| {
                                    let kind = p.kind;
                                    let on = RwSignal::new(p.email);
                                    // One save at a time: two quick toggles could otherwise reach
                                    // the server out of order and store the first.
                                    let saving = RwSignal::new(false);
                                    view! {
                                        <li><label class="flex items-center gap-2">
                                            <input type="checkbox" prop:checked=move || on.get() disabled=move || saving.get()
                                                aria-busy=move || saving.get().to_string() on:change=move |ev| {
                                                let want = event_target_checked(&ev);
                                                error.set(None);
                                                on.set(want);
                                                saving.set(true);
                                                leptos::task::spawn_local(async move {
                                                    if let Err(e) = set_notification_pref(kind, want).await {
                                                        on.set(!want);
                                                        error.set(Some(e.to_string()));
                                                    }
                                                    saving.set(false);
                                                });
                                            } />
                                            {kind.label()}
                                        </label></li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
            {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
        </section>
    }
}
