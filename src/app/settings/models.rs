//! Model settings: hosted model providers (owners). Keys are stored on the server and never
//! sent back: the page only shows whether one is set.

use crate::api::chat::{chat_models, list_providers, remove_provider, AddProvider};
use crate::app::common::{field_error, general_error, ErrorBanner, FieldMessage, Loading, PageError};
use crate::domain::chat::ProviderView;
use crate::domain::parse::FieldErrors;
use leptos::prelude::*;

#[component]
pub fn ModelSettings() -> impl IntoView {
    let add = ServerAction::<AddProvider>::new();
    let removed = RwSignal::new(0u32);
    let data = Resource::new(move || (add.version().get(), removed.get()), |_| list_providers());
    let models = Resource::new(move || (add.version().get(), removed.get()), |_| chat_models());
    view! {
        <h1 class="text-2xl font-semibold">"Models"</h1>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            "The embedded model runs on this server and needs nothing. Add a hosted provider to offer its models in the chat: OpenAI or any OpenAI-compatible server (Groq, OpenRouter, Ollama, vLLM, llama.cpp), Anthropic, or Google Gemini."
        </p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(list) => view! {
                        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
                            <ProviderList list removed />
                            <AddProviderCard add />
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                models.await.ok().map(|catalog| view! {
                    <section class="card mt-6 overflow-x-auto" aria-labelledby="catalog-h">
                        <h2 id="catalog-h" class="section-title">"Available models"</h2>
                        <table class="w-full text-left text-sm" data-testid="model-catalog">
                            <thead class="text-xs uppercase text-stone-500">
                                <tr>
                                    <th scope="col" class="py-2 pr-3">"Model"</th>
                                    <th scope="col" class="py-2 pr-3">"Provider"</th>
                                    <th scope="col" class="py-2 pr-3 text-right">"Context window"</th>
                                    <th scope="col" class="py-2 pr-3">"Tools"</th>
                                    <th scope="col" class="py-2 pr-3">"Sees images"</th>
                                    <th scope="col" class="py-2">"Runs"</th>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-stone-200 dark:divide-stone-800">
                                {catalog.models.into_iter().map(|m| {
                                    let default = m.id == catalog.default_model;
                                    view! {
                                        <tr>
                                            <td class="py-2 pr-3 font-mono text-xs">{m.id.clone()}{default.then_some(" (default)")}</td>
                                            <td class="py-2 pr-3">{m.provider.clone()}</td>
                                            <td class="py-2 pr-3 text-right tabular-nums">{format!("{} tokens", m.context_window)}</td>
                                            <td class="py-2 pr-3">{if m.supports_tools { "yes" } else { "no" }}</td>
                                            <td class="py-2 pr-3">{if m.supports_images { "yes" } else { "no" }}</td>
                                            <td class="py-2">{if m.local { "on this server" } else { "hosted" }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                })
            })}
        </Transition>
    }
}

#[component]
fn ProviderList(list: Vec<ProviderView>, removed: RwSignal<u32>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    view! {
        <section class="card lg:col-span-2" aria-labelledby="providers-h">
            <h2 id="providers-h" class="section-title">"Hosted providers"</h2>
            {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
            {if list.is_empty() {
                view! { <p class="text-sm text-stone-500">"None yet: the chat uses the embedded model."</p> }.into_any()
            } else {
                view! {
                    <ul class="divide-y divide-stone-200 dark:divide-stone-800" data-testid="provider-list">
                        {list.into_iter().map(|p| {
                            let id = p.id;
                            view! {
                                <li class="flex flex-wrap items-start justify-between gap-2 py-3">
                                    <div class="min-w-0">
                                        <p class="font-medium">{p.name.clone()} <span class="text-xs text-stone-500">{format!(" · {}", kind_label(&p.kind))}</span></p>
                                        <p class="truncate font-mono text-xs text-stone-500">{p.base_url.clone()}</p>
                                        <p class="text-xs">{format!("Models: {}", p.models.join(", "))}</p>
                                        <p class="text-xs text-stone-500">
                                            {if p.has_key { "Key: set (hidden)" } else { "Key: none" }}
                                            {p.from_env.then_some(" · from the environment")}
                                        </p>
                                    </div>
                                    {id.map(|id| view! {
                                        <button type="button" class="btn-secondary" on:click=move |_| {
                                            leptos::task::spawn_local(async move {
                                                match remove_provider(id).await {
                                                    Ok(()) => removed.update(|n| *n += 1),
                                                    Err(e) => error.set(Some(e.to_string())),
                                                }
                                            });
                                        }>"Remove"</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "anthropic" => "Anthropic",
        "gemini" => "Google Gemini",
        _ => "OpenAI-compatible",
    }
}

#[component]
fn AddProviderCard(add: ServerAction<AddProvider>) -> impl IntoView {
    // The server checks the form with `ProviderDraft::parse`; its field errors show in place.
    let server_error = move || add.value().get().and_then(|r| r.err());
    let message =
        move |field: &'static str| Signal::derive(move || field_error(server_error(), &FieldErrors::default(), field));
    let general = move || server_error().and_then(|e| general_error(&e));
    view! {
        <section class="card" aria-labelledby="add-provider-h">
            <h2 id="add-provider-h" class="section-title">"Add a provider"</h2>
            <ActionForm action=add attr:aria-label="Add a provider">
                <div class="space-y-3">
                    {move || general().map(|m| view! { <ErrorBanner message=m /> })}
                    <div>
                        <label class="label" for="p-name">"Name"</label>
                        <input id="p-name" name="name" class="input" placeholder="groq" required aria-describedby="p-name-err" />
                        <FieldMessage id="p-name-err" message=message("name") />
                    </div>
                    <div>
                        <label class="label" for="p-kind">"API"</label>
                        <select id="p-kind" name="kind" class="input">
                            <option value="openai">"OpenAI-compatible"</option>
                            <option value="anthropic">"Anthropic"</option>
                            <option value="gemini">"Google Gemini"</option>
                        </select>
                        <FieldMessage id="p-kind-err" message=message("kind") />
                    </div>
                    <div>
                        <label class="label" for="p-url">"Base URL"</label>
                        <input id="p-url" name="base_url" class="input" placeholder="https://api.groq.com/openai/v1" required aria-describedby="p-url-err" />
                        <FieldMessage id="p-url-err" message=message("base_url") />
                    </div>
                    <div>
                        <label class="label" for="p-key">"API key"</label>
                        <input id="p-key" name="api_key" type="password" autocomplete="off" class="input" aria-describedby="p-key-err" />
                        <FieldMessage id="p-key-err" message=message("api_key") />
                    </div>
                    <div>
                        <label class="label" for="p-models">"Models (comma-separated)"</label>
                        <input id="p-models" name="models" class="input" placeholder="llama-3.3-70b-versatile" required aria-describedby="p-models-err" />
                        <FieldMessage id="p-models-err" message=message("models") />
                    </div>
                    <button type="submit" class="btn-primary w-full" disabled=move || add.pending().get()>"Add provider"</button>
                </div>
            </ActionForm>
        </section>
    }
}
