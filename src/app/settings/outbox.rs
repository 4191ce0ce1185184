//! The venue's outgoing mail (owners). Without SMTP on the server, password-reset links wait
//! here: the owner passes each on to its person.

use crate::api::team::outbox;
use crate::app::common::{fmt_datetime, Loading, PageError};
use leptos::prelude::*;

#[component]
pub fn Outbox() -> impl IntoView {
    let data = Resource::new(|| (), |_| outbox());
    view! {
        <h1 class="text-2xl font-semibold">"Outgoing mail"</h1>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok((smtp, list)) => view! {
                        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400" data-testid="outbox-mode">
                            {if smtp {
                                "Mail goes out through the server's mail service. Messages it refused are marked; pass those on yourself."
                            } else {
                                "This server has no mail service set up, so mail waits here. Pass each message on to its person yourself (a reset link is theirs alone and works once), or ask your administrator to set CONCIERGE_SMTP_URL."
                            }}
                        </p>
                        {if list.is_empty() {
                            view! { <p class="card mt-6 text-sm">"No mail yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="mt-6 space-y-3" data-testid="outbox">
                                    {list.into_iter().map(|m| {
                                        let state = if m.sent_at.is_some() { "Sent".to_string() } else if m.error.is_empty() { "Waiting for you to pass it on".to_string() } else { m.error.clone() };
                                        view! {
                                            <li class="card">
                                                <details>
                                                    <summary class="flex cursor-pointer flex-wrap items-baseline gap-x-3 gap-y-1">
                                                        <span class="font-medium">{m.subject.clone()}</span>
                                                        <span class="text-sm">{format!("to {} <{}>", m.to_name, m.to_email)}</span>
                                                        <span class="text-xs text-stone-500">{fmt_datetime(m.created_at)}</span>
                                                        <span class={if m.sent_at.is_some() { "text-xs text-teal-700 dark:text-teal-400" } else { "text-xs text-amber-700 dark:text-amber-400" }}>{state}</span>
                                                    </summary>
                                                    <pre class="mt-3 whitespace-pre-wrap break-words rounded-md bg-stone-100 p-3 text-sm dark:bg-stone-800">{m.body.clone()}</pre>
                                                </details>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
