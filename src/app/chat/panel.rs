//! An agent's chat as a panel: the venue dashboard (`venue_general`), the event workspace
//! (`venue_event`), the client's event page (`client`), and the embeddable widget
//! (`/embed/chat?agent=…&event=…`). It reopens the member's latest thread with that agent over
//! that scope, or starts one with the first message.

use super::composer::{Composer, Outbox};
use super::conversation::Conversation;
use crate::api::agents::{agent_chat, start_agent_chat};
use crate::api::AppError;
use crate::app::common::{ErrorBanner, Loading};
use crate::domain::chat::{AgentKind, ThreadOpen};
use leptos::prelude::*;

#[component]
pub fn AgentPanel(
    agent: AgentKind,
    /// The event of a client or event agent.
    event_id: Option<i64>,
    /// The panel's heading.
    #[prop(into)]
    title: String,
) -> impl IntoView {
    // Bumped to reload the thread (after the first message, or "New conversation").
    let version = RwSignal::new(0u32);
    let fresh = RwSignal::new(false);
    let data = Resource::new(move || version.get(), move |_| agent_chat(agent, event_id));
    view! {
        <section class="agent-panel" aria-label=title.clone() data-testid=format!("agent-panel-{}", agent.as_str())>
            <header class="flex items-center gap-2 border-b border-stone-200 px-3 py-2 dark:border-stone-800">
                <span aria-hidden="true" class="grid h-6 w-6 place-items-center rounded-md bg-teal-700 text-xs text-white">"AI"</span>
                <h2 class="flex-1 truncate text-sm font-semibold">{title.clone()}</h2>
                <button type="button" class="btn-ghost text-xs" on:click=move |_| fresh.set(true)>"New conversation"</button>
            </header>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    // Read here, outside the async block, so that the switch is tracked.
                    let fresh_now = fresh.get();
                    Suspend::new(async move {
                        match data.await {
                            Ok(Some(open)) if !fresh_now => view! { <Conversation open compact=true /> }.into_any(),
                            Ok(_) => view! {
                                <StartAgentChat agent event_id on_started=Callback::new(move |_| {
                                    fresh.set(false);
                                    version.update(|v| *v += 1);
                                }) />
                            }.into_any(),
                            Err(e) => view! { <div class="p-3"><ErrorBanner message=e.to_string() /></div> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

/// The empty state of a panel: the agent's starter prompts and the composer.
#[component]
fn StartAgentChat(agent: AgentKind, event_id: Option<i64>, on_started: Callback<ThreadOpen>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let outbox = Outbox::new(error);
    let send = Callback::new(move |body: String| {
        outbox.send(
            body,
            move |body, _files| async move {
                start_agent_chat(agent, event_id, body, None).await?;
                Ok::<_, AppError>(agent_chat(agent, event_id).await)
            },
            move |open| {
                // This swaps the panel to the conversation and disposes this view.
                if let Ok(Some(open)) = open {
                    on_started.run(open);
                }
            },
        );
    });
    view! {
        <div class="flex min-h-0 flex-1 flex-col">
            <ul class="flex min-h-0 flex-1 flex-col justify-end gap-2 overflow-y-auto p-3" aria-label="Starter prompts">
                {agent.starters().iter().map(|prompt| {
                    let prompt = prompt.to_string();
                    view! {
                        <li>
                            <button type="button" class="starter py-2" on:click=move |_| send.run(prompt.clone())>{prompt.clone()}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="border-t border-stone-200 p-2 dark:border-stone-800">
                {move || error.get().map(|m| view! { <div class="mb-2"><ErrorBanner message=m /></div> })}
                <Composer text=outbox.text busy=outbox.sending.into() streaming=Signal::derive(|| false) on_send=send on_stop=Callback::new(|_| ()) />
            </div>
        </div>
    }
}

/// `/embed/chat?agent=client&event=12&theme=dark`: only the chat, for an iframe on another page.
/// Authorised by the session, or by an embed token (`&token=…`, checked by the server before
/// the page renders; see `web::actor`).
#[component]
pub fn EmbedChat(agent: Signal<AgentKind>, event_id: Signal<Option<i64>>) -> impl IntoView {
    // `?theme=light|dark` is applied before the first paint (see `theme::NO_FLASH_SCRIPT`).
    let user = expect_context::<crate::app::UserResource>();
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => {
                        // An embed session reaches one agent over one event, whatever the address says.
                        let (agent, event_id) = match user.embed {
                            Some(reach) => (reach.agent, reach.event_id),
                            None => (agent.get(), event_id.get()),
                        };
                        view! {
                            <div class="h-[100dvh] p-0 sm:p-2" data-testid="embed">
                                <AgentPanel agent event_id title=agent.label() />
                            </div>
                        }.into_any()
                    }
                    _ => view! {
                        <div class="p-4 text-sm">
                            <p>"This chat needs a valid link or a login."</p>
                            <a class="link" href="/login" target="_blank" rel="noopener">"Log in to Concierge"</a>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
