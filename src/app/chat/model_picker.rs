//! The model picker of a chat: the catalog's models, by provider.

use super::ChatCtx;
use leptos::prelude::*;

/// The model picker: the catalog's models, grouped by provider.
#[component]
pub fn ModelPicker(
    #[prop(into)] selected: Signal<String>,
    on_change: Callback<String>,
    #[prop(optional)] disabled: Option<Signal<bool>>,
) -> impl IntoView {
    let ctx = expect_context::<ChatCtx>();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match ctx.models.await {
                    Ok(catalog) if !catalog.models.is_empty() => view! {
                        <label class="flex items-center gap-2 text-sm">
                            <span class="sr-only">"Model"</span>
                            <select
                                class="input w-auto max-w-56 py-1"
                                data-testid="model-picker"
                                prop:value=move || selected.get()
                                disabled=move || disabled.map(|d| d.get()).unwrap_or(false)
                                on:change=move |ev| on_change.run(event_target_value(&ev))
                            >
                                {catalog.models.into_iter().map(|m| {
                                    let id = m.id.clone();
                                    let label = if m.local { format!("{} · local", m.label) } else { format!("{} · {}", m.label, m.provider) };
                                    view! { <option value=id.clone() selected=move || selected.get() == id>{label}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    }.into_any(),
                    Ok(_) => view! { <span class="text-sm text-red-700">"No model configured"</span> }.into_any(),
                    Err(_) => ().into_any(),
                }
            })}
        </Transition>
    }
}
