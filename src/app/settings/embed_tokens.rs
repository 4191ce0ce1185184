//! Embed tokens (owners). A token lets one member's agent chat appear in an
//! iframe on another site (the venue's website, a couple's wedding page) without logging in.
//! It is signed, expires, and can be revoked at once.

use crate::api::agents::{create_embed_token, embed_tokens, revoke_embed_token};
use crate::app::common::{fmt_datetime, ErrorBanner, Loading, PageError};
use crate::domain::chat::AgentKind;
use leptos::prelude::*;

#[component]
pub fn EmbedTokens() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| embed_tokens());
    let (email, agent, event, label, days) = (
        RwSignal::new(String::new()),
        RwSignal::new("client".to_string()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new("30".to_string()),
    );
    let (internal, origins) = (RwSignal::new(false), RwSignal::new(String::new()));
    let created = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Ok(kind) = agent.get_untracked().parse::<AgentKind>() else { return };
        let event_id = event.get_untracked().trim().parse::<i64>().ok();
        let days = days.get_untracked().trim().parse::<i64>().unwrap_or(0);
        leptos::task::spawn_local(async move {
            let (label, internal, origins) = (label.get_untracked(), internal.get_untracked(), origins.get_untracked());
            match create_embed_token(email.get_untracked(), kind, event_id, label, days, internal, origins).await {
                Ok(path) => {
                    created.set(Some(path));
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(
                    ["member_email", "agent", "event_id", "label", "days", "origins"]
                        .iter()
                        .find_map(|f| e.field(f))
                        .unwrap_or_else(|| e.to_string()),
                )),
            }
        });
    };
    view! {
        <h1 class="text-2xl font-semibold">"Embedded chat"</h1>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            "Put a member's agent chat on another page with an iframe. Anyone who can see that page can chat as that member through this agent, so give links for client agents to their own pages only, and revoke a link you no longer need."
        </p>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            "A link opens only that chat: none of the member's other pages, chats or settings. Revoking it ends open chats at once."
        </p>
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <form class="card space-y-3" on:submit=submit aria-labelledby="new-embed-h">
                <h2 id="new-embed-h" class="section-title">"New link"</h2>
                <label class="block"><span class="label">"Member's email"</span>
                    <input class="input" type="email" required prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) /></label>
                <label class="block"><span class="label">"Agent"</span>
                    <select class="input" prop:value=move || agent.get() on:change=move |ev| agent.set(event_target_value(&ev))>
                        {AgentKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                    </select></label>
                <label class="block"><span class="label">"Event number (client and event agents: the 12 in /events/12)"</span>
                    <input class="input" inputmode="numeric" prop:value=move || event.get() on:input=move |ev| event.set(event_target_value(&ev)) /></label>
                <label class="block"><span class="label">"Name"</span>
                    <input class="input" required maxlength="120" placeholder="Wedding website" prop:value=move || label.get() on:input=move |ev| label.set(event_target_value(&ev)) /></label>
                <label class="block"><span class="label">"Valid for (days)"</span>
                    <input class="input" inputmode="numeric" prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev)) /></label>
                <label class="block"><span class="label">"Sites that may show it"</span>
                    <textarea class="input" rows="2" name="origins" placeholder="https://harborhall.example" prop:value=move || origins.get() on:input=move |ev| origins.set(event_target_value(&ev))></textarea>
                    <span class="mt-1 block text-xs text-stone-500">"One address per line, without a path. Other sites cannot frame the chat; with none, only Concierge's own pages can."</span></label>
                <label class="flex items-start gap-2 text-sm">
                    <input type="checkbox" class="mt-1" prop:checked=move || internal.get() on:change=move |ev| internal.set(event_target_checked(&ev)) />
                    <span>"Internal: the member may be an owner or staff. Only for pages your team alone can open."</span></label>
                {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
                <button type="submit" class="btn-primary">"Create link"</button>
                {move || created.get().map(|path| {
                    let origin = window().location().origin().unwrap_or_default();
                    let snippet = format!("<iframe src=\"{origin}{path}\" style=\"width:100%;height:600px;border:0\" title=\"Chat\"></iframe>");
                    view! {
                        <div class="rounded-md bg-stone-100 p-2 text-xs dark:bg-stone-800" data-testid="embed-snippet">
                            <p class="font-medium">"Copy this now; it is not shown again:"</p>
                            <code class="block break-all">{snippet}</code>
                        </div>
                    }
                })}
            </form>
            <section class="card lg:col-span-2" aria-labelledby="embeds-h">
                <h2 id="embeds-h" class="section-title">"Links"</h2>
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(error) => view! { <PageError error /> }.into_any(),
                            Ok(list) if list.is_empty() => view! { <p class="text-sm text-stone-500">"No links yet."</p> }.into_any(),
                            Ok(list) => view! {
                                <ul class="divide-y divide-stone-200 text-sm dark:divide-stone-800">
                                    {list.into_iter().map(|t| {
                                        let id = t.id;
                                        view! {
                                            <li class="flex flex-wrap items-center gap-2 py-2">
                                                <span class="flex-1">
                                                    <span class="font-medium">{t.label.clone()}</span>
                                                    {t.internal.then(|| view! { <span class="ml-2 rounded bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-900/40 dark:text-amber-200">"internal"</span> })}
                                                    <span class="block text-xs text-stone-500">
                                                        {format!("{} · {}{}", t.member, t.agent_kind.label(), t.event_title.map(|e| format!(" · {e}")).unwrap_or_default())}
                                                    </span>
                                                    <span class="block break-all text-xs text-stone-500" data-testid="embed-origins">
                                                        {if t.origins.is_empty() { "Shown only on Concierge's own pages".to_string() } else { format!("Shown on {}", t.origins.join(", ")) }}
                                                    </span>
                                                </span>
                                                <span class="text-xs text-stone-500">
                                                    {if t.revoked { "revoked".to_string() } else { format!("until {}", fmt_datetime(t.expires_at)) }}
                                                </span>
                                                {(!t.revoked).then(|| view! {
                                                    <button type="button" class="btn-secondary py-1" on:click=move |_| {
                                                        leptos::task::spawn_local(async move {
                                                            let _ = revoke_embed_token(id).await;
                                                            version.update(|v| *v += 1);
                                                        });
                                                    }>"Revoke"</button>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}
