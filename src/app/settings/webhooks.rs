//! Webhooks (owners): URLs told, by a signed POST, when something happens at the venue. An
//! endpoint is registered with the events it wants, and shows its secret once; the log lists the
//! latest deliveries with each attempt's answer, and any of them can be sent again.

use crate::api::webhooks::{
    create_webhook, delete_webhook, ping_webhook, replay_webhook_delivery, roll_webhook_secret, set_webhook_active,
    webhooks,
};
use crate::app::common::{confirm, fmt_datetime, Badge, ErrorBanner, Loading, PageError};
use crate::domain::webhooks::{DeliveryStatus, DeliveryView, WebhookEvent, WebhookInput, WebhookView};
use leptos::prelude::*;

/// How long after a test or a replay the log is read again (a delivery takes milliseconds, unless
/// the receiver is slow).
const RELOAD_AFTER: std::time::Duration = std::time::Duration::from_millis(1500);

#[component]
pub fn Webhooks() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| webhooks());
    let (url, description) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let events = RwSignal::new(WebhookEvent::ALL.to_vec());
    // The secret just made or rolled: (endpoint URL, secret).
    let secret = RwSignal::new(None::<(String, String)>);
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        version.update(|v| *v += 1);
        set_timeout(move || version.update(|v| *v += 1), RELOAD_AFTER);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        secret.set(None);
        let input = WebhookInput {
            url: url.get_untracked(),
            description: description.get_untracked(),
            events: events.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let shown = input.url.trim().to_string();
            match create_webhook(input).await {
                Ok(s) => {
                    secret.set(Some((shown, s)));
                    url.set(String::new());
                    description.set(String::new());
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(
                    ["url", "description", "events"].iter().find_map(|f| e.field(f)).unwrap_or_else(|| e.to_string()),
                )),
            }
        });
    };
    view! {
        <h1 class="text-2xl font-semibold">"Webhooks"</h1>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            "Tell another system when something happens here: an appointment is booked, moved or cancelled, an approval is asked for or decided, an inquiry comes in, a document is ready to search. Each delivery is a signed JSON POST; one that is not taken is tried again for about half an hour, and you can send any of them again below."
        </p>
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <form class="card space-y-3" on:submit=submit aria-labelledby="new-hook-h">
                <h2 id="new-hook-h" class="section-title">"New endpoint"</h2>
                <label class="block"><span class="label">"URL"</span>
                    <input class="input" type="url" required maxlength="2000" placeholder="https://example.com/hooks/concierge"
                        prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev)) /></label>
                <label class="block"><span class="label">"Description (optional)"</span>
                    <input class="input" maxlength="200" placeholder="CRM sync"
                        prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev)) /></label>
                <fieldset>
                    <legend class="label">"Events"</legend>
                    {WebhookEvent::ALL.iter().map(|&kind| view! {
                        <label class="flex items-center gap-2 text-sm">
                            <input type="checkbox" prop:checked=move || events.get().contains(&kind)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    events.update(|list| {
                                        list.retain(|k| *k != kind);
                                        if on { list.push(kind); }
                                    });
                                } />
                            <span>{kind.label()}</span>
                            <code class="text-xs text-stone-500">{kind.as_str()}</code>
                        </label>
                    }).collect_view()}
                </fieldset>
                {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
                <button type="submit" class="btn-primary">"Add endpoint"</button>
                <p class="text-xs text-stone-500">
                    "Each POST carries Concierge-Timestamp and Concierge-Signature: v1= and the hex HMAC-SHA256 of the timestamp, a dot and the body, keyed with the endpoint's secret. Check it, and refuse timestamps more than five minutes old."
                </p>
            </form>
            <div class="space-y-6 lg:col-span-2">
                {move || secret.get().map(|(url, s)| view! {
                    <div class="card space-y-1 text-xs" data-testid="webhook-secret-shown">
                        <p class="font-medium">{format!("The signing secret of {url}. Copy it now; it is not shown again:")}</p>
                        <code class="block break-all" data-testid="webhook-secret">{s}</code>
                    </div>
                })}
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(error) => view! { <PageError error /> }.into_any(),
                            Ok(settings) => view! {
                                <section class="card" aria-labelledby="hooks-h">
                                    <h2 id="hooks-h" class="section-title">"Endpoints"</h2>
                                    {if settings.endpoints.is_empty() {
                                        view! { <p class="text-sm text-stone-500">"No endpoints yet."</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="divide-y divide-stone-200 text-sm dark:divide-stone-800">
                                                {settings.endpoints.into_iter().map(|h| view! { <EndpointRow h secret error reload /> }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </section>
                                <section class="card" aria-labelledby="deliveries-h">
                                    <div class="flex items-center gap-2">
                                        <h2 id="deliveries-h" class="section-title flex-1">"Recent deliveries"</h2>
                                        <button type="button" class="btn-secondary py-1" on:click=move |_| version.update(|v| *v += 1)>"Refresh"</button>
                                    </div>
                                    {if settings.deliveries.is_empty() {
                                        view! { <p class="text-sm text-stone-500">"Nothing sent yet."</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="divide-y divide-stone-200 text-sm dark:divide-stone-800">
                                                {settings.deliveries.into_iter().map(|d| view! { <DeliveryRow d error reload /> }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </section>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </div>
    }
}

#[component]
fn EndpointRow(
    h: WebhookView,
    secret: RwSignal<Option<(String, String)>>,
    error: RwSignal<Option<String>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (id, active) = (h.id, h.active);
    let events: Vec<&str> = h.events.iter().map(|e| e.as_str()).collect();
    let shown_url = h.url.clone();
    let report = move |r: Result<(), crate::api::AppError>| match r {
        Ok(()) => reload(),
        Err(e) => error.set(Some(e.to_string())),
    };
    view! {
        <li class="space-y-1 py-2" data-testid="webhook-row">
            <div class="flex flex-wrap items-center gap-2">
                <code class="flex-1 break-all">{h.url.clone()}</code>
                {if active {
                    view! { <Badge text="Active" tone="green" /> }.into_any()
                } else {
                    view! { <Badge text="Paused" tone="amber" /> }.into_any()
                }}
            </div>
            {(!h.description.is_empty()).then(|| view! { <p class="text-xs text-stone-600 dark:text-stone-300">{h.description.clone()}</p> })}
            <p class="text-xs text-stone-500">{format!("{} · secret {} · since {}", events.join(", "), h.secret_hint, fmt_datetime(h.created_at))}</p>
            <div class="flex flex-wrap gap-2 pt-1">
                <button type="button" class="btn-secondary py-1" on:click=move |_| {
                    leptos::task::spawn_local(async move { report(ping_webhook(id).await.map(|_| ())) });
                }>"Send test event"</button>
                <button type="button" class="btn-secondary py-1" on:click=move |_| {
                    leptos::task::spawn_local(async move { report(set_webhook_active(id, !active).await) });
                }>{if active { "Pause" } else { "Resume" }}</button>
                <button type="button" class="btn-secondary py-1" on:click=move |_| {
                    let url = shown_url.clone();
                    leptos::task::spawn_local(async move {
                        match roll_webhook_secret(id).await {
                            Ok(s) => {
                                secret.set(Some((url, s)));
                                reload();
                            }
                            Err(e) => error.set(Some(e.to_string())),
                        }
                    });
                }>"New secret"</button>
                <button type="button" class="btn-secondary py-1 text-red-700 dark:text-red-300" on:click=move |_| {
                    if !confirm("Remove this endpoint and its delivery log?") {
                        return;
                    }
                    leptos::task::spawn_local(async move { report(delete_webhook(id).await) });
                }>"Remove"</button>
            </div>
        </li>
    }
}

fn status_tone(s: DeliveryStatus) -> &'static str {
    match s {
        DeliveryStatus::Delivered => "green",
        DeliveryStatus::Pending => "blue",
        DeliveryStatus::Retrying => "amber",
        DeliveryStatus::Failed => "red",
    }
}

#[component]
fn DeliveryRow(
    d: DeliveryView,
    error: RwSignal<Option<String>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = d.id;
    let answer = match (d.last_code, d.last_error.is_empty()) {
        (Some(code), true) => format!("answered {code}"),
        (Some(code), false) => format!("answered {code}: {}", d.last_error),
        (None, false) => d.last_error.clone(),
        (None, true) => String::new(),
    };
    view! {
        <li class="space-y-1 py-2" data-testid="webhook-delivery">
            <div class="flex flex-wrap items-center gap-2">
                <code class="font-medium">{d.event.clone()}</code>
                <Badge text=d.status.label() tone=status_tone(d.status) />
                <span class="flex-1 truncate text-xs text-stone-500">{d.url.clone()}</span>
                <button type="button" class="btn-secondary py-1" on:click=move |_| {
                    leptos::task::spawn_local(async move {
                        match replay_webhook_delivery(id).await {
                            Ok(()) => reload(),
                            Err(e) => error.set(Some(e.to_string())),
                        }
                    });
                }>"Send again"</button>
            </div>
            <p class="text-xs text-stone-500">
                {format!("{} · {} · {} attempt{}", fmt_datetime(d.created_at), d.event_id, d.attempts, if d.attempts == 1 { "" } else { "s" })}
                {(!answer.is_empty()).then(|| format!(" · {answer}"))}
            </p>
            {(d.log.len() > 1).then(|| view! {
                <details class="text-xs text-stone-500">
                    <summary class="cursor-pointer">"Attempts"</summary>
                    <ul class="ml-4 list-disc">
                        {d.log.iter().map(|a| {
                            let what = match a.code {
                                Some(c) => format!("{c}"),
                                None => a.error.clone(),
                            };
                            view! { <li>{format!("{} · {what} · {} ms", fmt_datetime(a.at), a.duration_ms)}</li> }
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </li>
    }
}
