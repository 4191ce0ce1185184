//! Guests: the list with RSVP and dietary needs; add, edit, remove.

use crate::api::guests::{list_guests, AddGuest, RemoveGuest, SetRsvp, UpdateGuest};
use crate::api::AppError;
use crate::app::common::{field_error, general_error, rsvp_tone, Badge, ErrorBanner, FieldMessage, Loading, PageError};
use crate::domain::model::Guest;
use crate::domain::parse::{FieldErrors, GuestForm};
use crate::domain::Rsvp;
use leptos::prelude::*;

#[component]
pub fn GuestsTab(event_id: i64, editable: bool) -> impl IntoView {
    let add = ServerAction::<AddGuest>::new();
    let update = ServerAction::<UpdateGuest>::new();
    let remove = ServerAction::<RemoveGuest>::new();
    let rsvp = ServerAction::<SetRsvp>::new();
    let guests = Resource::new(
        move || (add.version().get(), update.version().get(), remove.version().get(), rsvp.version().get()),
        move |_| list_guests(event_id),
    );
    let editing = RwSignal::new(None::<i64>);
    let action_error = move || {
        [remove.value().get(), rsvp.value().get()].into_iter().flatten().find_map(|r| r.err()).map(|e| e.to_string())
    };
    view! {
        <div class="mt-6 space-y-6">
            {editable.then(|| view! { <AddGuestForm event_id add /> })}
            {move || action_error().map(|m| view! { <ErrorBanner message=m /> })}
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match guests.await {
                        Err(error) => view! { <PageError error /> }.into_any(),
                        Ok(list) => view! { <GuestTable list event_id editable editing update remove rsvp /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn GuestTable(
    list: Vec<Guest>,
    event_id: i64,
    editable: bool,
    editing: RwSignal<Option<i64>>,
    update: ServerAction<UpdateGuest>,
    remove: ServerAction<RemoveGuest>,
    rsvp: ServerAction<SetRsvp>,
) -> impl IntoView {
    let people: i32 = list.iter().map(|g| g.party_size).sum();
    let attending: i32 = list.iter().filter(|g| g.rsvp == Rsvp::Yes).map(|g| g.party_size).sum();
    let dietary = list.iter().filter(|g| !g.dietary.trim().is_empty()).count();
    if list.is_empty() {
        return view! { <p class="card text-sm text-stone-500">"No guests yet."</p> }.into_any();
    }
    view! {
        <section class="card overflow-x-auto" aria-labelledby="guests-h">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h2 id="guests-h" class="section-title">"Guest list"</h2>
                <p class="text-sm text-stone-500" data-testid="guest-summary">
                    {format!("{} entries · {} people · {} attending · {} with dietary needs", list.len(), people, attending, dietary)}
                </p>
            </div>
            <table class="mt-2 w-full text-left text-sm">
                <thead class="text-xs uppercase text-stone-500">
                    <tr>
                        <th scope="col" class="py-2 pr-3">"Name"</th>
                        <th scope="col" class="py-2 pr-3">"Party"</th>
                        <th scope="col" class="py-2 pr-3">"RSVP"</th>
                        <th scope="col" class="hidden py-2 pr-3 md:table-cell">"Dietary"</th>
                        {editable.then(|| view! { <th scope="col" class="py-2"><span class="sr-only">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-200 dark:divide-stone-800">
                    {list.into_iter().map(|g| {
                        let id = g.id;
                        let name = g.name.clone();
                        let g_for_edit = g.clone();
                        let row_name = g.name.clone();
                        view! {
                            <tr data-guest=row_name>
                                <Show
                                    when=move || editing.get() == Some(id)
                                    fallback=move || {
                                        let g = g.clone();
                                        let name = name.clone();
                                        view! {
                                            <td class="py-2 pr-3">
                                                <p class="font-medium">{g.name.clone()}</p>
                                                <p class="text-xs text-stone-500">{g.email.clone()}</p>
                                            </td>
                                            <td class="py-2 pr-3">{g.party_size}</td>
                                            <td class="py-2 pr-3">
                                                {if editable {
                                                    view! {
                                                        <select
                                                            class="input py-1"
                                                            aria-label=format!("RSVP for {}", g.name)
                                                            prop:value=g.rsvp.as_str()
                                                            on:change=move |ev| { rsvp.dispatch(SetRsvp { event_id, guest_id: id, rsvp: event_target_value(&ev) }); }
                                                        >
                                                            {Rsvp::ALL.iter().map(|r| view! { <option value=r.as_str() selected=*r == g.rsvp>{r.label()}</option> }).collect_view()}
                                                        </select>
                                                    }.into_any()
                                                } else {
                                                    view! { <Badge text=g.rsvp.label() tone=rsvp_tone(g.rsvp) /> }.into_any()
                                                }}
                                            </td>
                                            <td class="hidden py-2 pr-3 md:table-cell">{g.dietary.clone()}</td>
                                            {editable.then(|| {
                                                let name = name.clone();
                                                view! {
                                                    <td class="py-2 text-right whitespace-nowrap">
                                                        <button type="button" class="btn-ghost" aria-label=format!("Edit {}", g.name) on:click=move |_| editing.set(Some(id))>"Edit"</button>
                                                        <button
                                                            type="button"
                                                            class="btn-ghost text-red-700 dark:text-red-400"
                                                            aria-label=format!("Remove {}", g.name)
                                                            on:click=move |_| {
                                                                if confirm(&format!("Remove {name} from the guest list?")) {
                                                                    remove.dispatch(RemoveGuest { event_id, guest_id: id });
                                                                }
                                                            }
                                                        >"Remove"</button>
                                                    </td>
                                                }
                                            })}
                                        }
                                    }
                                >
                                    <td colspan="5" class="py-3">
                                        <EditGuestForm event_id guest=g_for_edit.clone() update editing />
                                    </td>
                                </Show>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}

/// Asks the person to confirm (in the browser; always yes while rendering on the server).
fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        window().confirm_with_message(message).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        true
    }
}

fn form_of(g: &Guest) -> GuestForm {
    GuestForm {
        name: g.name.clone(),
        email: g.email.clone(),
        party_size: g.party_size.to_string(),
        rsvp: g.rsvp.as_str().to_string(),
        dietary: g.dietary.clone(),
        notes: g.notes.clone(),
    }
}

#[component]
fn AddGuestForm(event_id: i64, add: ServerAction<AddGuest>) -> impl IntoView {
    let form = RwSignal::new(GuestForm { party_size: "1".into(), rsvp: "pending".into(), ..Default::default() });
    let shown = RwSignal::new(FieldErrors::default());
    let server_error = Signal::derive(move || add.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            form.set(GuestForm { party_size: "1".into(), rsvp: "pending".into(), ..Default::default() });
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match form.with(GuestForm::parse) {
            Err(errors) => shown.set(errors),
            Ok(_) => {
                shown.set(FieldErrors::default());
                add.dispatch(AddGuest { event_id, form: form.get_untracked() });
            }
        }
    };
    view! {
        <form class="card" on:submit=submit aria-label="Add a guest" novalidate>
            <h2 class="section-title">"Add a guest"</h2>
            <GuestFields prefix="add" form shown server_error />
            <button type="submit" class="btn-primary mt-2" disabled=move || add.pending().get()>
                {move || if add.pending().get() { "Adding…" } else { "Add guest" }}
            </button>
        </form>
    }
}

#[component]
fn EditGuestForm(
    event_id: i64,
    guest: Guest,
    update: ServerAction<UpdateGuest>,
    editing: RwSignal<Option<i64>>,
) -> impl IntoView {
    let guest_id = guest.id;
    let form = RwSignal::new(form_of(&guest));
    let shown = RwSignal::new(FieldErrors::default());
    let server_error = Signal::derive(move || update.value().get().and_then(|r| r.err()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match form.with(GuestForm::parse) {
            Err(errors) => shown.set(errors),
            Ok(_) => {
                shown.set(FieldErrors::default());
                update.dispatch(UpdateGuest { event_id, guest_id, form: form.get_untracked() });
            }
        }
    };
    Effect::new(move |_| {
        if matches!(update.value().get(), Some(Ok(ref g)) if g.id == guest_id) {
            editing.set(None);
        }
    });
    view! {
        <form on:submit=submit aria-label=format!("Edit {}", guest.name) novalidate>
            <GuestFields prefix=format!("edit-{guest_id}") form shown server_error />
            <div class="flex gap-2">
                <button type="submit" class="btn-primary" disabled=move || update.pending().get()>"Save"</button>
                <button type="button" class="btn-secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}

fn guest_field(f: &GuestForm, name: &str) -> String {
    match name {
        "name" => f.name.clone(),
        "email" => f.email.clone(),
        "party_size" => f.party_size.clone(),
        _ => f.dietary.clone(),
    }
}

#[component]
fn GuestFields(
    #[prop(into)] prefix: String,
    form: RwSignal<GuestForm>,
    shown: RwSignal<FieldErrors>,
    server_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message =
        move |field: &'static str| Signal::derive(move || field_error(server_error.get(), &shown.get(), field));
    let field_prefix = prefix.clone();
    let input = move |name: &'static str, label: &'static str, kind: &'static str| {
        let id = format!("{field_prefix}-guest-{name}");
        let err_id = format!("{id}-error");
        view! {
            <div>
                <label for=id.clone() class="label">{label}</label>
                <input
                    id=id
                    type=kind
                    class="input"
                    aria-describedby=err_id.clone()
                    aria-invalid=move || message(name).get().is_some().to_string()
                    value=form.with_untracked(|f| guest_field(f, name))
                    prop:value=move || form.with(|f| guest_field(f, name))
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        form.update(|f| match name {
                            "name" => f.name = v,
                            "email" => f.email = v,
                            "party_size" => f.party_size = v,
                            _ => f.dietary = v,
                        });
                    }
                />
                <FieldMessage id=err_id message=message(name) />
            </div>
        }
    };
    let rsvp_id = format!("{prefix}-guest-rsvp");
    let rsvp_err_id = format!("{prefix}-guest-rsvp-error");
    view! {
        <div class="grid grid-cols-1 gap-x-3 sm:grid-cols-2 lg:grid-cols-5">
            <div class="lg:col-span-2">{input("name", "Name", "text")}</div>
            {input("email", "Email (optional)", "email")}
            {input("party_size", "Party size", "number")}
            <div>
                <label for=rsvp_id.clone() class="label">"RSVP"</label>
                <select
                    id=rsvp_id
                    class="input"
                    prop:value=move || form.with(|f| f.rsvp.clone())
                    on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.rsvp = v) }
                >
                    {Rsvp::ALL.iter().map(|r| view! { <option value=r.as_str() selected=form.with_untracked(|f| f.rsvp == r.as_str())>{r.label()}</option> }).collect_view()}
                </select>
                <FieldMessage id=rsvp_err_id message=message("rsvp") />
            </div>
            <div class="sm:col-span-2 lg:col-span-5">{input("dietary", "Dietary needs", "text")}</div>
        </div>
        {move || server_error.get().and_then(|e| general_error(&e)).map(|m| view! { <ErrorBanner message=m /> })}
    }
}
