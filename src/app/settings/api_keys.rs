//! API keys (every member, for themselves; an owner also sees the venue's). A key lets another
//! tool (an OpenAI SDK, a chat front end) talk to the member's agents through `/v1`, as the
//! member: the same scope, limits and approvals as in the chat. It is shown once, expires, and
//! can be revoked at once.

use crate::api::api_keys::{api_keys, create_api_key, revoke_api_key};
use crate::app::common::{fmt_datetime, ErrorBanner, Loading, PageError};
use crate::domain::api_keys::{ApiKeyInput, ApiKeyView};
use crate::domain::chat::AgentKind;
use crate::domain::records::SessionUser;
use leptos::prelude::*;

#[component]
pub fn ApiKeys(user: SessionUser) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| api_keys());
    let usable: Vec<AgentKind> = AgentKind::ALL.iter().copied().filter(|a| a.usable_by(user.role)).collect();
    let (name, days) = (RwSignal::new(String::new()), RwSignal::new("90".to_string()));
    // Checked at first: the role's own agent (the client agent for a client, the venue agent for
    // staff), else the assistant.
    let first = usable.iter().copied().find(|a| *a != AgentKind::Assistant).or(usable.first().copied());
    let agents = RwSignal::new(first.into_iter().collect::<Vec<AgentKind>>());
    let (raw_models, may_act) = (RwSignal::new(false), RwSignal::new(false));
    let created = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        created.set(None);
        let input = ApiKeyInput {
            name: name.get_untracked(),
            agents: agents.get_untracked(),
            raw_models: raw_models.get_untracked(),
            may_act: may_act.get_untracked(),
            days: days.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match create_api_key(input).await {
                Ok(key) => {
                    created.set(Some(key));
                    name.set(String::new());
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(
                    ["name", "agents", "days"].iter().find_map(|f| e.field(f)).unwrap_or_else(|| e.to_string()),
                )),
            }
        });
    };
    view! {
        <h1 class="text-2xl font-semibold">"API keys"</h1>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            "Let another tool talk to your agents: any app that speaks OpenAI's chat API (its SDKs, chat front ends), and any MCP host for your agents' tools. A key acts as you, sees only what you see, and actions it proposes wait for approval as in the chat."
        </p>
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <form class="card space-y-3" on:submit=submit aria-labelledby="new-key-h">
                <h2 id="new-key-h" class="section-title">"New key"</h2>
                <label class="block"><span class="label">"Name"</span>
                    <input class="input" required maxlength="80" placeholder="Zapier" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) /></label>
                <fieldset>
                    <legend class="label">"Agents it may use"</legend>
                    {usable.iter().map(|&kind| view! {
                        <label class="flex items-center gap-2 text-sm">
                            <input type="checkbox" prop:checked=move || agents.get().contains(&kind)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    agents.update(|list| {
                                        list.retain(|k| *k != kind);
                                        if on { list.push(kind); }
                                    });
                                } />
                            <span>{kind.label()}</span>
                        </label>
                    }).collect_view()}
                    <label class="flex items-center gap-2 text-sm">
                        <input type="checkbox" prop:checked=move || raw_models.get() on:change=move |ev| raw_models.set(event_target_checked(&ev)) />
                        <span>"The models themselves (no agent, no tools)"</span>
                    </label>
                </fieldset>
                <label class="flex items-start gap-2 text-sm">
                    <input type="checkbox" class="mt-1" prop:checked=move || may_act.get() on:change=move |ev| may_act.set(event_target_checked(&ev)) />
                    <span>"May propose actions (add a guest, book, send a message). Each still waits for approval. Without this, the key only reads."</span></label>
                <label class="block"><span class="label">"Valid for (days)"</span>
                    <input class="input" inputmode="numeric" prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev)) /></label>
                {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
                <button type="submit" class="btn-primary">"Create key"</button>
                {move || created.get().map(|key| {
                    let origin = window().location().origin().unwrap_or_default();
                    let curl = format!("curl {origin}/v1/models -H \"Authorization: Bearer {key}\"");
                    view! {
                        <div class="space-y-1 rounded-md bg-stone-100 p-2 text-xs dark:bg-stone-800" data-testid="api-key-created">
                            <p class="font-medium">"Copy this key now; it is not shown again:"</p>
                            <code class="block break-all" data-testid="api-key">{key.clone()}</code>
                            <p class="pt-1 font-medium">"Try it:"</p>
                            <code class="block break-all">{curl}</code>
                            <p>{format!("In an OpenAI SDK: base URL {origin}/v1, this key as the API key.")}</p>
                            <p>{format!("In an MCP host: {origin}/mcp, with the header Authorization: Bearer and this key.")}</p>
                        </div>
                    }
                })}
            </form>
            <section class="card lg:col-span-2" aria-labelledby="keys-h">
                <h2 id="keys-h" class="section-title">"Keys"</h2>
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(error) => view! { <PageError error /> }.into_any(),
                            Ok(list) if list.is_empty() => view! { <p class="text-sm text-stone-500">"No keys yet."</p> }.into_any(),
                            Ok(list) => view! {
                                <ul class="divide-y divide-stone-200 text-sm dark:divide-stone-800">
                                    {list.into_iter().map(|k| view! { <KeyRow k version /> }).collect_view()}
                                </ul>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

#[component]
fn KeyRow(k: ApiKeyView, version: RwSignal<u32>) -> impl IntoView {
    let id = k.id;
    let now = chrono::Utc::now();
    let live = !k.revoked && !k.expired(now);
    let mut reach: Vec<String> = k.agents.iter().map(|a| a.label().to_string()).collect();
    if k.raw_models {
        reach.push("models".into());
    }
    let state = if k.revoked {
        "revoked".to_string()
    } else if k.expired(now) {
        "expired".to_string()
    } else {
        format!("until {}", fmt_datetime(k.expires_at))
    };
    let used = match k.last_used_at {
        Some(t) => format!("last used {} · {} requests · {} tokens", fmt_datetime(t), k.requests, k.tokens),
        None => "never used".to_string(),
    };
    view! {
        <li class="flex flex-wrap items-center gap-2 py-2" data-testid="api-key-row">
            <span class="flex-1">
                <span class="font-medium">{k.name.clone()}</span>
                <code class="ml-2 text-xs text-stone-500">{format!("{}…", k.prefix)}</code>
                {(!k.mine).then(|| view! { <span class="ml-2 text-xs text-stone-500">{format!("({})", k.member)}</span> })}
                <span class="block text-xs text-stone-500">
                    {format!("{} · {}", reach.join(", "), if k.may_act { "may propose actions" } else { "read only" })}
                </span>
                <span class="block text-xs text-stone-500">{used}</span>
            </span>
            <span class="text-xs text-stone-500">{state}</span>
            {live.then(|| view! {
                <button type="button" class="btn-secondary py-1" on:click=move |_| {
                    leptos::task::spawn_local(async move {
                        let _ = revoke_api_key(id).await;
                        version.update(|v| *v += 1);
                    });
                }>"Revoke"</button>
            })}
        </li>
    }
}
