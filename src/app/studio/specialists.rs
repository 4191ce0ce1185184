//! The venue's specialists: what each does, and (owners) its name, role and instructions, a
//! built-in one reset to its default, the venue's own added or removed.

use crate::api::studio::{reset_specialist, save_specialist};
use crate::app::common::{confirm, Badge, ErrorBanner};
use crate::domain::studio::{Specialist, SpecialistInput, MAX_INSTRUCTIONS};
use leptos::prelude::*;

#[component]
pub fn Specialists(specialists: Vec<Specialist>, can_edit: bool, version: RwSignal<u32>) -> impl IntoView {
    let adding = RwSignal::new(false);
    view! {
        <section class="mt-8" aria-labelledby="specialists-h">
            <div class="flex flex-wrap items-center gap-2">
                <h2 id="specialists-h" class="flex-1 text-lg font-semibold">"Specialists"</h2>
                {can_edit.then(|| view! {
                    <button type="button" class="btn-secondary py-1" on:click=move |_| adding.set(true)>"New specialist"</button>
                })}
            </div>
            <Show when=move || adding.get()>
                <div class="card mt-3">
                    <SpecialistForm initial=SpecialistInput::default() version done=move || adding.set(false) />
                </div>
            </Show>
            <ul class="mt-3 grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
                {specialists.into_iter().map(|s| view! { <SpecialistCard s can_edit version /> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn SpecialistCard(s: Specialist, can_edit: bool, version: RwSignal<u32>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let slug = s.slug.clone();
    let order_href = format!("/studio?specialist={}", s.slug);
    let initial = SpecialistInput {
        slug: s.slug.clone(),
        name: s.name.clone(),
        role: s.role.clone(),
        instructions: s.instructions.clone(),
        needs_event: s.needs_event,
    };
    let reset_label = if s.builtin { "Reset to default" } else { "Remove" };
    let can_reset = can_edit && (s.customised || !s.builtin);
    view! {
        <li class="card space-y-2" data-testid="specialist">
            <Show when=move || editing.get() fallback={
                let s = s.clone();
                let slug = slug.clone();
                move || {
                    let slug = slug.clone();
                    view! {
                        <div class="flex flex-wrap items-center gap-2">
                            <h3 class="flex-1 font-medium">{s.name.clone()}</h3>
                            {s.customised.then(|| view! { <Badge text="Edited" tone="amber" /> })}
                            {(!s.builtin).then(|| view! { <Badge text="The venue's own" tone="blue" /> })}
                        </div>
                        <p class="text-sm text-stone-600 dark:text-stone-300">{s.role.clone()}</p>
                        <details class="text-xs text-stone-500">
                            <summary class="cursor-pointer">"Instructions"</summary>
                            <p class="mt-1 whitespace-pre-line">{s.instructions.clone()}</p>
                        </details>
                        {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
                        <div class="flex flex-wrap gap-2">
                            <a class="btn-secondary py-1" href=order_href.clone()>"Order"</a>
                            {can_edit.then(|| view! {
                                <button type="button" class="btn-secondary py-1" on:click=move |_| editing.set(true)>"Edit"</button>
                            })}
                            {can_reset.then(|| {
                                let slug = slug.clone();
                                view! {
                                    <button type="button" class="btn-secondary py-1" on:click=move |_| {
                                        if !confirm(if reset_label == "Remove" { "Remove this specialist?" } else { "Go back to the default instructions?" }) {
                                            return;
                                        }
                                        let slug = slug.clone();
                                        leptos::task::spawn_local(async move {
                                            match reset_specialist(slug).await {
                                                Ok(()) => version.update(|v| *v += 1),
                                                Err(e) => error.set(Some(e.to_string())),
                                            }
                                        });
                                    }>{reset_label}</button>
                                }
                            })}
                        </div>
                    }
                }
            }>
                <SpecialistForm initial=initial.clone() version done=move || editing.set(false) />
            </Show>
        </li>
    }
}

#[component]
fn SpecialistForm(
    initial: SpecialistInput,
    version: RwSignal<u32>,
    done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let new = initial.slug.is_empty();
    let form = RwSignal::new(initial);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let input = form.get_untracked();
        leptos::task::spawn_local(async move {
            match save_specialist(input).await {
                Ok(()) => {
                    done();
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(
                    ["name", "role", "instructions"].iter().find_map(|f| e.field(f)).unwrap_or_else(|| e.to_string()),
                )),
            }
        });
    };
    view! {
        <form class="space-y-2" on:submit=submit>
            <h3 class="font-medium">{if new { "New specialist" } else { "Edit specialist" }}</h3>
            <label class="block"><span class="label">"Name"</span>
                <input class="input" required maxlength="80" placeholder="Wine Pairing Writer"
                    prop:value=move || form.with(|f| f.name.clone()) on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.name = v) } /></label>
            <label class="block"><span class="label">"Role"</span>
                <input class="input" required maxlength="200" placeholder="Suggests a wine for each course."
                    prop:value=move || form.with(|f| f.role.clone()) on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.role = v) } /></label>
            <label class="block"><span class="label">"Instructions"</span>
                <textarea class="input min-h-40 text-sm" rows="8" required maxlength=MAX_INSTRUCTIONS.to_string()
                    prop:value=move || form.with(|f| f.instructions.clone()) on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.instructions = v) }></textarea></label>
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" prop:checked=move || form.with(|f| f.needs_event)
                    on:change=move |ev| { let on = event_target_checked(&ev); form.update(|f| f.needs_event = on) } />
                "Works from an event (an order must name one)"
            </label>
            {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
            <div class="flex gap-2">
                <button type="submit" class="btn-primary">"Save"</button>
                <button type="button" class="btn-secondary" on:click=move |_| done()>"Cancel"</button>
            </div>
        </form>
    }
}
