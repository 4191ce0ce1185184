//! Outside tools (owners): MCP servers connected by their Streamable HTTP address (and the
//! headers they need), the tools each lists, and for each tool the agents that may call it and
//! who approves a call. New tools come in off; turned on, every call waits for the person unless
//! the owner chooses otherwise.

use crate::api::mcp_servers::{
    add_mcp_server, delete_mcp_server, mcp_servers, refresh_mcp_server, set_mcp_server_active, set_mcp_tool,
};
use crate::app::common::{confirm, fmt_datetime, Badge, ErrorBanner, Loading, PageError};
use crate::domain::chat::AgentKind;
use crate::domain::mcp_servers::{McpServerInput, McpServerView, McpToolInput, McpToolView, ToolPolicy};
use leptos::prelude::*;

#[component]
pub fn OutsideTools() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| mcp_servers());
    let (name, url, headers) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let reload = move || version.update(|v| *v += 1);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        notice.set(None);
        busy.set(true);
        let input =
            McpServerInput { name: name.get_untracked(), url: url.get_untracked(), headers: headers.get_untracked() };
        leptos::task::spawn_local(async move {
            match add_mcp_server(input).await {
                Ok(_) => {
                    name.set(String::new());
                    url.set(String::new());
                    headers.set(String::new());
                    reload();
                }
                Err(e) => error.set(Some(
                    ["name", "url", "headers"].iter().find_map(|f| e.field(f)).unwrap_or_else(|| e.to_string()),
                )),
            }
            busy.set(false);
        });
    };
    view! {
        <h1 class="text-2xl font-semibold">"Outside tools"</h1>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            "Give your agents the tools of other systems: connect an MCP server by its address, then turn on the tools you want for the agents you choose. What a tool returns is shown to the agent as quoted data, and by default every call waits for the person to approve it in the chat."
        </p>
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <form class="card space-y-3 self-start" on:submit=submit aria-labelledby="new-server-h">
                <h2 id="new-server-h" class="section-title">"Connect a server"</h2>
                <label class="block"><span class="label">"Name"</span>
                    <input class="input" required maxlength="30" placeholder="weather" autocomplete="off"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    <span class="text-xs text-stone-500">"Lower-case; the agents see its tools as name__tool."</span></label>
                <label class="block"><span class="label">"Address (Streamable HTTP)"</span>
                    <input class="input" type="url" required maxlength="2000" placeholder="https://tools.example.com/mcp"
                        prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev)) /></label>
                <label class="block"><span class="label">"Headers (optional, one a line)"</span>
                    <textarea class="input font-mono text-xs" rows="3" placeholder="Authorization: Bearer …"
                        prop:value=move || headers.get() on:input=move |ev| headers.set(event_target_value(&ev))></textarea>
                    <span class="text-xs text-stone-500">"Sent with every request to this server; only their names are shown again."</span></label>
                {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
                <button type="submit" class="btn-primary" prop:disabled=move || busy.get()>
                    {move || if busy.get() { "Connecting…" } else { "Connect and list tools" }}
                </button>
            </form>
            <div class="space-y-6 lg:col-span-2">
                {move || notice.get().map(|m| view! { <p class="card text-sm" role="status">{m}</p> })}
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(error) => view! { <PageError error /> }.into_any(),
                            Ok(servers) if servers.is_empty() => view! {
                                <section class="card"><p class="text-sm text-stone-500">"No servers connected yet."</p></section>
                            }.into_any(),
                            Ok(servers) => servers.into_iter().map(|s| view! { <ServerCard s error notice reload /> }).collect_view().into_any(),
                        }
                    })}
                </Transition>
            </div>
        </div>
    }
}

#[component]
fn ServerCard(
    s: McpServerView,
    error: RwSignal<Option<String>>,
    notice: RwSignal<Option<String>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (id, active) = (s.id, s.active);
    let listing = RwSignal::new(false);
    let report = move |r: Result<(), crate::api::AppError>| match r {
        Ok(()) => reload(),
        Err(e) => error.set(Some(e.to_string())),
    };
    let listed = match s.listed_at {
        Some(at) => format!("listed {}", fmt_datetime(at)),
        None => "never listed".to_string(),
    };
    let headers = if s.header_names.is_empty() {
        "no headers".to_string()
    } else {
        format!("headers: {}", s.header_names.join(", "))
    };
    let (heading, labelled_by) = (format!("server-{id}-h"), format!("server-{id}-h"));
    let server_name = s.name.clone();
    view! {
        <section class="card space-y-3" aria-labelledby=labelled_by data-testid="mcp-server">
            <div class="flex flex-wrap items-center gap-2">
                <h2 id=heading class="section-title flex-1">{s.name.clone()}</h2>
                {if active {
                    view! { <Badge text="Active" tone="green" /> }.into_any()
                } else {
                    view! { <Badge text="Paused" tone="amber" /> }.into_any()
                }}
            </div>
            <p class="break-all text-xs text-stone-500"><code>{s.url.clone()}</code>{format!(" · {headers} · {listed}")}</p>
            {(!s.last_error.is_empty()).then(|| view! { <ErrorBanner message=format!("Last listing failed: {}", s.last_error) /> })}
            <div class="flex flex-wrap gap-2">
                <button type="button" class="btn-secondary py-1" prop:disabled=move || listing.get() on:click=move |_| {
                    listing.set(true);
                    error.set(None);
                    let name = server_name.clone();
                    leptos::task::spawn_local(async move {
                        match refresh_mcp_server(id).await {
                            Ok(n) => notice.set(Some(format!("{name} lists {n} tool{}.", if n == 1 { "" } else { "s" }))),
                            Err(e) => error.set(Some(e.to_string())),
                        }
                        listing.set(false);
                        reload();
                    });
                }>{move || if listing.get() { "Listing…" } else { "List tools again" }}</button>
                <button type="button" class="btn-secondary py-1" on:click=move |_| {
                    leptos::task::spawn_local(async move { report(set_mcp_server_active(id, !active).await) });
                }>{if active { "Pause" } else { "Resume" }}</button>
                <button type="button" class="btn-secondary py-1 text-red-700 dark:text-red-300" on:click=move |_| {
                    if !confirm("Disconnect this server? Its tools are taken from every agent.") {
                        return;
                    }
                    leptos::task::spawn_local(async move { report(delete_mcp_server(id).await) });
                }>"Disconnect"</button>
            </div>
            {if s.tools.is_empty() {
                view! { <p class="text-sm text-stone-500">"No tools listed."</p> }.into_any()
            } else {
                view! {
                    <ul class="divide-y divide-stone-200 text-sm dark:divide-stone-800">
                        {s.tools.into_iter().map(|t| view! { <ToolRow t error /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ToolRow(t: McpToolView, error: RwSignal<Option<String>>) -> impl IntoView {
    let id = t.id;
    let agents = RwSignal::new(t.agents.clone());
    let policy = RwSignal::new(t.policy);
    let saved = RwSignal::new(None::<&'static str>);
    let usable = t.problem.is_empty();
    let save = move |_| {
        saved.set(None);
        let input = McpToolInput { agents: agents.get_untracked(), policy: Some(policy.get_untracked()) };
        leptos::task::spawn_local(async move {
            match set_mcp_tool(id, input).await {
                Ok(()) => saved.set(Some("Saved")),
                Err(e) => error.set(Some(e.field("agents").unwrap_or_else(|| e.to_string()))),
            }
        });
    };
    let arguments = if t.arguments.is_empty() { "no arguments".to_string() } else { t.arguments.join(", ") };
    view! {
        <li class="space-y-2 py-3" data-testid="mcp-tool">
            <div class="flex flex-wrap items-center gap-2">
                <code class="font-medium">{t.name.clone()}</code>
                {move || if agents.get().is_empty() {
                    view! { <Badge text="Off" tone="stone" /> }.into_any()
                } else {
                    view! { <Badge text="On" tone="green" /> }.into_any()
                }}
                <span class="text-xs text-stone-500">{format!("agents call it {}", t.exposed)}</span>
            </div>
            {(!t.description.is_empty()).then(|| view! { <p class="text-xs text-stone-600 dark:text-stone-300">{t.description.clone()}</p> })}
            <p class="text-xs text-stone-500">{format!("Arguments: {arguments}")}</p>
            {if usable {
                view! {
                    <fieldset class="flex flex-wrap gap-x-4 gap-y-1">
                        <legend class="sr-only">{format!("Agents that may call {}", t.name)}</legend>
                        {AgentKind::ALL.iter().map(|&kind| view! {
                            <label class="flex items-center gap-1 text-xs">
                                <input type="checkbox" prop:checked=move || agents.get().contains(&kind)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        saved.set(None);
                                        agents.update(|list| {
                                            list.retain(|k| *k != kind);
                                            if on { list.push(kind); }
                                        });
                                    } />
                                <span>{kind.label()}</span>
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <div class="flex flex-wrap items-center gap-2">
                        <label class="text-xs"><span class="sr-only">"Approval"</span>
                            <select class="input py-1 text-xs" prop:value=move || policy.get().as_str().to_string()
                                on:change=move |ev| {
                                    saved.set(None);
                                    if let Ok(p) = event_target_value(&ev).parse::<ToolPolicy>() { policy.set(p); }
                                }>
                                {ToolPolicy::ALL.iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                            </select></label>
                        <button type="button" class="btn-secondary py-1" on:click=save>"Save"</button>
                        {move || saved.get().map(|m| view! { <span class="text-xs text-teal-700 dark:text-teal-400" role="status">{m}</span> })}
                    </div>
                }.into_any()
            } else {
                view! { <p class="text-xs text-red-700 dark:text-red-300">{format!("Cannot be turned on: {}", t.problem)}</p> }.into_any()
            }}
        </li>
    }
}
