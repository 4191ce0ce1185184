//! One order: its progress while it is written (read again every second), then its versions:
//! read one, approve it, share it with the client, download it, edit it by hand, or ask for a new
//! one with feedback.

use super::status_tone;
use crate::api::studio::{
    approve_deliverable, cancel_order, edit_deliverable, rate_deliverable, regenerate_order, share_deliverable,
    studio_order,
};
use crate::app::common::{confirm, fmt_datetime, poll_while, Badge, ErrorBanner, Loading, PageError};
use crate::domain::markdown;
use crate::domain::studio::{OrderStatus, OrderView, VersionSource, VersionView};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OrderScreen(id: Memo<Option<i64>>) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(
        move || (id.get(), version.get()),
        |(id, _)| async move {
            match id {
                Some(id) => studio_order(id).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    let busy = Memo::new(move |_| data.get().and_then(|r| r.ok()).is_some_and(|o| o.order.status.in_progress()));
    poll_while(busy, move || version.update(|v| *v += 1), 1000);
    let reload = move || version.update(|v| *v += 1);
    view! {
        <p class="text-sm"><a href="/studio" class="link">"Studio"</a> " / Order"</p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(o) => view! { <Order o reload /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Order(o: OrderView, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let id = o.order.id;
    let status = o.order.status;
    let error = RwSignal::new(None::<String>);
    let report = move |r: Result<(), crate::api::AppError>| match r {
        Ok(()) => reload(),
        Err(e) => error.set(Some(e.to_string())),
    };
    let title = match &o.order.event_title {
        Some(t) => format!("{} · {t}", o.order.specialist_name),
        None => o.order.specialist_name.clone(),
    };
    // The version shown: the approved one, else the newest.
    let shown = RwSignal::new(o.approved_version.or_else(|| o.versions.first().map(|v| v.number)));
    let versions = StoredValue::new(o.versions.clone());
    let approved = o.approved_version;
    let event_id = o.order.event_id;
    let shared = o.order.shared;
    view! {
        <Title text=title.clone() />
        <div class="mt-1 flex flex-wrap items-center gap-2">
            <h1 class="min-w-0 flex-1 text-2xl font-semibold">{title}</h1>
            {shared.then(|| view! { <Badge text="Shared with the client" tone="green" /> })}
            <span data-testid="order-status"><Badge text=status.label() tone=status_tone(status) /></span>
        </div>
        <p class="mt-1 text-sm text-stone-500 dark:text-stone-400">
            {format!("Ordered by {} · {} · {} priority", o.order.ordered_by_name, fmt_datetime(o.order.created_at), o.order.priority.label().to_lowercase())}
            {event_id.map(|e| view! { " · " <a class="link" href=format!("/events/{e}")>"Open the event"</a> })}
        </p>
        {(!o.order.brief.is_empty()).then(|| view! {
            <p class="mt-2 max-w-3xl whitespace-pre-line text-sm"><span class="font-medium">"Brief: "</span>{o.order.brief.clone()}</p>
        })}
        {move || error.get().map(|m| view! { <div class="mt-3"><ErrorBanner message=m /></div> })}
        {status.in_progress().then(|| {
            let step = if o.step.is_empty() { "Waiting for a worker".to_string() } else { o.step.clone() };
            let attempt = (o.attempts > 1).then(|| format!(" · attempt {} of {}", o.attempts, o.max_attempts));
            view! {
                <section class="card mt-4" aria-labelledby="progress-h" aria-live="polite">
                    <div class="flex flex-wrap items-center gap-2">
                        <h2 id="progress-h" class="section-title flex-1">"In progress"</h2>
                        <button type="button" class="btn-secondary py-1" on:click=move |_| {
                            if confirm("Cancel this order?") {
                                leptos::task::spawn_local(async move { report(cancel_order(id).await) });
                            }
                        }>"Cancel"</button>
                    </div>
                    <p class="text-sm text-stone-600 dark:text-stone-300" data-testid="order-step">
                        <span class="animate-pulse">"● "</span>{step}{attempt}
                    </p>
                    {(!o.error.is_empty()).then(|| view! { <p class="mt-1 text-xs text-amber-700 dark:text-amber-300">{format!("The last attempt failed: {}", o.error)}</p> })}
                    {(!o.partial.is_empty()).then(|| view! {
                        <div class="markdown mt-3 border-t border-stone-200 pt-3 text-sm dark:border-stone-800" data-testid="order-partial" inner_html=markdown::render(&o.partial)></div>
                    })}
                </section>
            }
        })}
        {(status == OrderStatus::Failed).then(|| view! {
            <section class="card mt-4 space-y-2" aria-labelledby="failed-h">
                <h2 id="failed-h" class="section-title">"This order failed"</h2>
                <p class="text-sm">{format!("After {} attempts: {}", o.attempts, o.error)}</p>
                <button type="button" class="btn-primary" on:click=move |_| {
                    leptos::task::spawn_local(async move { report(regenerate_order(id, String::new()).await) });
                }>"Try again"</button>
            </section>
        })}
        {(!o.versions.is_empty()).then(|| view! {
            <div class="mt-4 grid grid-cols-1 gap-6 lg:grid-cols-3">
                <section class="card lg:col-span-2" aria-labelledby="version-h">
                    <div class="flex flex-wrap items-center gap-2">
                        <h2 id="version-h" class="section-title flex-1">"Deliverable"</h2>
                        <label class="text-sm"><span class="sr-only">"Version"</span>
                            <select class="input py-1" prop:value=move || shown.get().map(|n| n.to_string()).unwrap_or_default()
                                on:change=move |ev| shown.set(event_target_value(&ev).parse().ok())>
                                {o.versions.iter().map(|v| {
                                    let label = format!("Version {}{}", v.number, if Some(v.number) == approved { " (approved)" } else { "" });
                                    view! { <option value=v.number.to_string()>{label}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    </div>
                    {move || {
                        let n = shown.get();
                        versions.with_value(|vs| vs.iter().find(|v| Some(v.number) == n).cloned()).map(|v| view! {
                            <VersionBody v id approved can_act=!status.in_progress() has_event=event_id.is_some() shared report />
                        })
                    }}
                </section>
                <div class="space-y-6">
                    {o.can_rate.then(|| view! { <Rate id rating=o.rating report /> })}
                    {(!status.in_progress()).then(|| view! { <Regenerate id report /> })}
                    {(!status.in_progress()).then(|| view! { <EditVersion id versions shown reload error /> })}
                </div>
            </div>
        })}
    }
}

/// The orderer's verdict on the deliverable, summed per specialist on the queue page. Pressing
/// the chosen one again takes it back.
#[component]
fn Rate(
    id: i64,
    rating: Option<i16>,
    report: impl Fn(Result<(), crate::api::AppError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let send = move |value: i16| {
        let value = if rating == Some(value) { 0 } else { value };
        leptos::task::spawn_local(async move { report(rate_deliverable(id, value).await) });
    };
    let class = move |value: i16| if rating == Some(value) { "btn-primary py-1" } else { "btn-secondary py-1" };
    view! {
        <section class="card" aria-labelledby="rate-h">
            <h2 id="rate-h" class="section-title">"Was it useful?"</h2>
            <div class="flex gap-2" role="group" aria-labelledby="rate-h">
                <button type="button" class=class(1) aria-pressed=(rating == Some(1)).to_string()
                    data-testid="rate-up" on:click=move |_| send(1)>"Useful"</button>
                <button type="button" class=class(-1) aria-pressed=(rating == Some(-1)).to_string()
                    data-testid="rate-down" on:click=move |_| send(-1)>"Not useful"</button>
            </div>
            <p class="mt-2 text-xs text-stone-500 dark:text-stone-400">"Owners see the ratings per specialist on the queue page."</p>
        </section>
    }
}

#[component]
fn VersionBody(
    v: VersionView,
    id: i64,
    approved: Option<i32>,
    can_act: bool,
    has_event: bool,
    shared: bool,
    report: impl Fn(Result<(), crate::api::AppError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let number = v.number;
    let is_approved = approved == Some(number);
    let mut meta = vec![v.source.label().to_string(), fmt_datetime(v.created_at)];
    if let Some(a) = &v.author_name {
        meta.push(if v.source == VersionSource::Edited { format!("by {a}") } else { format!("for {a}") });
    }
    if v.source == VersionSource::Generated {
        meta.push(v.model.clone());
        meta.push(format!("{} + {} tokens", v.prompt_tokens, v.completion_tokens));
        meta.push(format!("{:.1} s", f64::from(v.duration_ms) / 1000.0));
    }
    view! {
        <p class="text-xs text-stone-500" data-testid="version-meta">{meta.join(" · ")}</p>
        {(!v.feedback.is_empty()).then(|| view! { <p class="mt-1 text-xs text-stone-600 dark:text-stone-300">{format!("Asked: {}", v.feedback)}</p> })}
        <div class="flex flex-wrap gap-2 py-3">
            {(can_act && !is_approved).then(|| view! {
                <button type="button" class="btn-primary py-1" on:click=move |_| {
                    leptos::task::spawn_local(async move { report(approve_deliverable(id, number).await) });
                }>"Approve this version"</button>
            })}
            {is_approved.then(|| view! { <Badge text="Approved" tone="green" /> })}
            {(can_act && is_approved && has_event).then(|| view! {
                <button type="button" class="btn-secondary py-1" on:click=move |_| {
                    leptos::task::spawn_local(async move { report(share_deliverable(id, !shared).await) });
                }>{if shared { "Stop sharing" } else { "Share with the client" }}</button>
            })}
            <a class="btn-secondary py-1" href=format!("/studio/orders/{id}/deliverable.pdf?version={number}") download="" data-testid="download-pdf">"Download PDF"</a>
            <a class="btn-secondary py-1" href=format!("/studio/orders/{id}/deliverable.md?version={number}") download="">"Download Markdown"</a>
        </div>
        <article class="markdown border-t border-stone-200 pt-3 text-sm dark:border-stone-800" data-testid="deliverable" inner_html=markdown::render(&v.body)></article>
    }
}

#[component]
fn Regenerate(
    id: i64,
    report: impl Fn(Result<(), crate::api::AppError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let feedback = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = feedback.get_untracked();
        leptos::task::spawn_local(async move { report(regenerate_order(id, text).await) });
    };
    view! {
        <form class="card space-y-2" on:submit=submit aria-labelledby="regen-h">
            <h2 id="regen-h" class="section-title">"Ask for changes"</h2>
            <label class="block"><span class="label">"What should change"</span>
                <textarea class="input min-h-24" rows="4" maxlength="4000" placeholder="Shorter, and mention the rooftop terrace."
                    prop:value=move || feedback.get() on:input=move |ev| feedback.set(event_target_value(&ev))></textarea>
            </label>
            <button type="submit" class="btn-primary">"Regenerate"</button>
            <p class="text-xs text-stone-500">"A new version is written; the ones before stay."</p>
        </form>
    }
}

#[component]
fn EditVersion(
    id: i64,
    versions: StoredValue<Vec<VersionView>>,
    shown: RwSignal<Option<i32>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let start = move |_| {
        let n = shown.get_untracked();
        text.set(
            versions
                .with_value(|vs| vs.iter().find(|v| Some(v.number) == n).map(|v| v.body.clone()))
                .unwrap_or_default(),
        );
        open.set(true);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked();
        leptos::task::spawn_local(async move {
            match edit_deliverable(id, body).await {
                Ok(_) => {
                    open.set(false);
                    reload();
                }
                Err(e) => error.set(Some(e.field("body").unwrap_or_else(|| e.to_string()))),
            }
        });
    };
    view! {
        <section class="card space-y-2" aria-labelledby="edit-h">
            <h2 id="edit-h" class="section-title">"Edit by hand"</h2>
            <Show when=move || open.get() fallback=move || view! {
                <p class="text-xs text-stone-500">"Change the text yourself; it is saved as a new version to review."</p>
                <button type="button" class="btn-secondary" on:click=start>"Edit the version shown"</button>
            }>
                <form class="space-y-2" on:submit=save>
                    <label class="block"><span class="label">"Markdown"</span>
                        <textarea class="input min-h-80 font-mono text-xs" rows="18"
                            prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </label>
                    <div class="flex gap-2">
                        <button type="submit" class="btn-primary">"Save as a new version"</button>
                        <button type="button" class="btn-secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                    </div>
                </form>
            </Show>
        </section>
    }
}
