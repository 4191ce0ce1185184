//! Who may read a document: staff only, all clients, all vendors, or one event (then which).
//! The same picker serves uploads, pasted text and a document's edit form.

use super::Library;
use crate::app::common::{fmt_short_date, FieldMessage};
use crate::domain::knowledge::Audience;
use leptos::prelude::*;

/// The audiences people may choose (a conversation's attachments get theirs from the chat).
const CHOICES: [Audience; 4] = [Audience::Staff, Audience::Clients, Audience::Vendors, Audience::Event];

/// The audience select and, for "One event", the event select. `id` prefixes the controls'
/// ids; `current_event` keeps a document's event among the choices even when it is not one of
/// the coming events listed.
#[component]
pub fn AudiencePicker(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    audience: RwSignal<String>,
    event_id: RwSignal<String>,
    lib: Library,
    audience_error: Signal<Option<String>>,
    event_error: Signal<Option<String>>,
    #[prop(default = None)] current_event: Option<(i64, String)>,
) -> impl IntoView {
    let select_id = format!("{id}-audience");
    let msg_id = format!("{id}-audience-msg");
    let event_select_id = format!("{id}-event");
    let on_change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if value == Audience::Event.as_str() {
            lib.load_events();
        }
        audience.set(value);
    };
    let initial = audience.get_untracked();
    view! {
        <div class="grid grid-cols-1 gap-x-3 sm:grid-cols-2">
            <div>
                <label for=select_id.clone() class="label">{label}</label>
                <select id=select_id class="input" aria-describedby=msg_id.clone()
                    aria-invalid=move || audience_error.get().is_some().to_string()
                    on:change=on_change>
                    {CHOICES.iter().map(|a| {
                        let value = a.as_str();
                        view! { <option value=value selected=initial == value>{a.label()}</option> }
                    }).collect_view()}
                </select>
                <FieldMessage id=msg_id message=audience_error />
            </div>
            {move || (audience.get() == Audience::Event.as_str()).then(|| view! {
                <EventSelect id=event_select_id.clone() event_id lib error=event_error current=current_event.clone() />
            })}
        </div>
    }
}

/// The event select, with the venue's coming events (loaded in the browser on first use).
#[component]
fn EventSelect(
    id: String,
    event_id: RwSignal<String>,
    lib: Library,
    error: Signal<Option<String>>,
    current: Option<(i64, String)>,
) -> impl IntoView {
    lib.load_events();
    let msg_id = format!("{id}-msg");
    let events = lib.events;
    let (select_id, select_msg) = (id.clone(), msg_id.clone());
    view! {
        <div>
            <label for=id.clone() class="label">"Event"</label>
            <Suspense fallback=|| view! { <p class="py-2 text-sm text-stone-500" role="status">"Loading events…"</p> }>
                {
                    let (id, msg_id, current) = (select_id.clone(), select_msg.clone(), current.clone());
                    move || {
                        let (id, msg_id, current) = (id.clone(), msg_id.clone(), current.clone());
                        Suspend::new(async move {
                            match events.await {
                                Err(e) => view! { <p class="py-2 text-sm text-red-700 dark:text-red-400" role="alert">{e.to_string()}</p> }.into_any(),
                                Ok(list) => {
                                    let mut options: Vec<(String, String)> = list
                                        .iter()
                                        .map(|e| (e.id.to_string(), format!("{} · {}", e.title, fmt_short_date(e.event_date))))
                                        .collect();
                                    if let Some((cid, name)) = current {
                                        if !list.iter().any(|e| e.id == cid) {
                                            options.insert(0, (cid.to_string(), name));
                                        }
                                    }
                                    let none = options.is_empty();
                                    let chosen = event_id.get_untracked();
                                    view! {
                                        <select id=id class="input" aria-describedby=msg_id
                                            aria-invalid=move || error.get().is_some().to_string()
                                            on:change=move |ev| event_id.set(event_target_value(&ev))>
                                            <option value="" selected=chosen.is_empty()>"Choose an event"</option>
                                            {options.into_iter().map(|(value, label)| {
                                                let selected = value == chosen;
                                                view! { <option value=value selected=selected>{label}</option> }
                                            }).collect_view()}
                                        </select>
                                        {none.then(|| view! { <p class="mt-1 text-xs text-stone-500">"No coming events to choose from."</p> })}
                                    }.into_any()
                                }
                            }
                        })
                    }
                }
            </Suspense>
            <FieldMessage id=msg_id message=error />
        </div>
    }
}
