//! Guests: the list with RSVP and dietary needs; add, edit, remove.

use crate::api::guests::{list_guests, AddGuest, RemoveGuest, SetRsvp, UpdateGuest};
use crate::api::AppError;
use crate::app::common::{
    confirm, field_error, general_error, rsvp_tone, Badge, ErrorBanner, FieldMessage, Loading, PageError,
};
use crate::app::forms::{AssistPanel, Suggested, SuggestionNote};
use crate::domain::assist::FormKind;
use crate::domain::forms::GuestForm;
use crate::domain::parse::FieldErrors;
use crate::domain::records::Guest;
use crate::domain::Rsvp;
use leptos::prelude::*;

#[component]
pub fn GuestsTab(event_id: i64, editable: bool) -> impl IntoView {
    let add = ServerAction::<AddGuest>::new();
    let update = ServerAction::<UpdateGuest>::new();
    let remove = ServerAction::<RemoveGuest>::new();
    let rsvp = ServerAction::<SetRsvp>::new();
    // Bumped by an import and its undo.
    let imported = RwSignal::new(0u32);
    let guests = Resource::new(
        move || {
            (add.version().get(), update.version().get(), remove.version().get(), rsvp.version().get(), imported.get())
        },
        move |_| list_guests(event_id),
    );
    let editing = RwSignal::new(None::<i64>);
    let action_error = move || {
        [remove.value().get(), rsvp.value().get()].into_iter().flatten().find_map(|r| r.err()).map(|e| e.to_string())
    };
    view! {
        <div class="mt-6 space-y-6">
            {editable.then(|| view! { <AddGuestForm event_id add /> })}
            {editable.then(|| view! { <ImportGuests event_id imported /> })}
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
    let pending_note = RwSignal::new(None::<String>);
    let sug = Suggested::new(
        move |field| form.with_untracked(|f| guest_field(f, field)),
        move |field, v| form.update(|f| set_guest_field(f, field, v)),
    );
    sug.apply_link(FormKind::Guest);
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            form.set(GuestForm { party_size: "1".into(), rsvp: "pending".into(), ..Default::default() });
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sug.ready(pending_note, form, shown, GuestForm::parse) {
            add.dispatch(AddGuest { event_id, form: form.get_untracked() });
        }
    };
    view! {
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <form class="card lg:col-span-2" on:submit=submit aria-label="Add a guest" novalidate>
                <h2 class="section-title">"Add a guest"</h2>
                <GuestFields prefix="add" form shown server_error sug />
                {move || pending_note.get().filter(|_| sug.count() > 0).map(|m| view! { <ErrorBanner message=m /> })}
                <button type="submit" class="btn-primary mt-2" disabled=move || add.pending().get()>
                    {move || if add.pending().get() { "Adding…" } else { "Add guest" }}
                </button>
            </form>
            <AssistPanel kind=FormKind::Guest sug />
        </div>
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
        "rsvp" => f.rsvp.clone(),
        "notes" => f.notes.clone(),
        _ => f.dietary.clone(),
    }
}

fn set_guest_field(f: &mut GuestForm, name: &str, v: String) {
    match name {
        "name" => f.name = v,
        "email" => f.email = v,
        "party_size" => f.party_size = v,
        "rsvp" => f.rsvp = v,
        "notes" => f.notes = v,
        _ => f.dietary = v,
    }
}

#[component]
fn GuestFields(
    #[prop(into)] prefix: String,
    form: RwSignal<GuestForm>,
    shown: RwSignal<FieldErrors>,
    server_error: Signal<Option<AppError>>,
    /// The assist's suggestions (the add form has them; editing a row does not).
    #[prop(optional)]
    sug: Option<Suggested>,
) -> impl IntoView {
    let message =
        move |field: &'static str| Signal::derive(move || field_error(server_error.get(), &shown.get(), field));
    let field_prefix = prefix.clone();
    let suggested = move |name: &str| sug.is_some_and(|s| s.has(name));
    let input = move |name: &'static str, label: &'static str, kind: &'static str| {
        let id = format!("{field_prefix}-guest-{name}");
        let err_id = format!("{id}-error");
        let aria_err = err_id.clone();
        let src_id = format!("{id}-src");
        let note_input = id.clone();
        view! {
            <div class="group">
                <label for=id.clone() class="label">{label}</label>
                <input
                    id=id
                    type=kind
                    class=move || if suggested(name) { "input ring-2 ring-amber-400" } else { "input" }
                    aria-describedby=move || if suggested(name) { format!("{aria_err} {src_id}") } else { aria_err.clone() }
                    aria-invalid=move || message(name).get().is_some().to_string()
                    value=form.with_untracked(|f| guest_field(f, name))
                    prop:value=move || form.with(|f| guest_field(f, name))
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(s) = sug { s.edited(name) }
                        form.update(|f| set_guest_field(f, name, v));
                    }
                />
                {sug.map(|s| view! { <SuggestionNote field=name input_id=note_input sug=s /> })}
                <FieldMessage id=err_id message=message(name) />
            </div>
        }
    };
    let rsvp_id = format!("{prefix}-guest-rsvp");
    let rsvp_err_id = format!("{prefix}-guest-rsvp-error");
    view! {
        <div class="grid grid-cols-1 gap-x-3 sm:grid-cols-2 lg:grid-cols-5">
            <div class="lg:col-span-2">{input("name", "Name *", "text")}</div>
            {input("email", "Email (optional)", "email")}
            {input("party_size", "Party size", "number")}
            <div class="group">
                <label for=rsvp_id.clone() class="label">"RSVP"</label>
                <select
                    id=rsvp_id.clone()
                    class=move || if suggested("rsvp") { "input ring-2 ring-amber-400" } else { "input" }
                    prop:value=move || form.with(|f| f.rsvp.clone())
                    on:change=move |ev| { let v = event_target_value(&ev); if let Some(s) = sug { s.edited("rsvp") } form.update(|f| f.rsvp = v) }
                >
                    {Rsvp::ALL.iter().map(|r| view! { <option value=r.as_str() selected=form.with_untracked(|f| f.rsvp == r.as_str())>{r.label()}</option> }).collect_view()}
                </select>
                {sug.map(|s| view! { <SuggestionNote field="rsvp" input_id=rsvp_id.clone() sug=s /> })}
                <FieldMessage id=rsvp_err_id message=message("rsvp") />
            </div>
            <div class="sm:col-span-2 lg:col-span-5">{input("dietary", "Dietary needs", "text")}</div>
            <div class="sm:col-span-2 lg:col-span-5">{input("notes", "Notes", "text")}</div>
        </div>
        {move || server_error.get().and_then(|e| general_error(&e)).map(|m| view! { <ErrorBanner message=m /> })}
    }
}

/// Import a guest list: paste rows (from a spreadsheet, CSV, or semicolon/tab separated) or
/// pick a file; check which column is which; see every row as it will be stored, with the rows
/// that will be refused and why; import the valid ones at once; undo the whole import.
#[component]
fn ImportGuests(event_id: i64, imported: RwSignal<u32>) -> impl IntoView {
    use crate::api::guests::{import_guests, undo_guest_import};
    use crate::domain::guest_import::{check, looks_like_header, suggest, ImportReport, Target};
    let text = RwSignal::new(String::new());
    let mapping = RwSignal::new(Vec::<Option<Target>>::new());
    let has_header = RwSignal::new(true);
    let headers = RwSignal::new(Vec::<String>::new());
    let report = RwSignal::new(None::<ImportReport>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // New text: its first row decides the columns and their suggested meaning.
    let read = move |t: String| {
        let first = crate::domain::csv::parse(&t)
            .ok()
            .and_then(|rows| rows.into_iter().next())
            .map(|(_, r)| r)
            .unwrap_or_default();
        has_header.set(looks_like_header(&first));
        mapping.set(if looks_like_header(&first) { suggest(&first) } else { vec![None; first.len()] });
        headers.set(first);
        text.set(t);
        report.set(None);
        error.set(None);
    };
    let preview = move || {
        let t = text.get();
        if t.trim().is_empty() {
            return None;
        }
        Some(check(&t, &mapping.get(), has_header.get()))
    };
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let file = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                if file.size() > crate::api::guests::MAX_IMPORT_BYTES as f64 {
                    error.set(Some("That file is larger than 2 MB.".into()));
                    return;
                }
                leptos::task::spawn_local(async move {
                    match wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string()) {
                        Some(t) => read(t),
                        None => error.set(Some("Could not read that file as text.".into())),
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let submit = move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match import_guests(event_id, text.get_untracked(), mapping.get_untracked(), has_header.get_untracked())
                .await
            {
                Ok(r) => {
                    report.set(Some(r));
                    imported.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let undo = move |import_id: i64| {
        leptos::task::spawn_local(async move {
            match undo_guest_import(event_id, import_id).await {
                Ok(n) => {
                    report.set(None);
                    error.set(Some(format!("Import undone: {n} guests removed.")));
                    imported.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <details class="card" data-testid="guest-import">
            <summary class="cursor-pointer font-medium">"Import a guest list"</summary>
            <p class="mt-2 text-sm text-stone-500">"Paste rows copied from a spreadsheet, or a CSV file (commas, semicolons or tabs). Nothing is added until you import."</p>
            <label class="label mt-3" for=format!("import-text-{event_id}")>"Rows"</label>
            <textarea id=format!("import-text-{event_id}") class="input font-mono text-xs" rows="6"
                prop:value=move || text.get() on:input=move |ev| read(event_target_value(&ev))></textarea>
            <label class="label mt-2" for=format!("import-file-{event_id}")>"…or a file"</label>
            <input id=format!("import-file-{event_id}") type="file" accept=".csv,.tsv,.txt,text/csv,text/plain" class="text-sm" on:change=on_file />
            {move || (!headers.get().is_empty()).then(|| view! {
                <fieldset class="mt-3">
                    <legend class="label">"Columns"</legend>
                    <label class="mb-2 flex items-center gap-2 text-sm">
                        <input type="checkbox" prop:checked=move || has_header.get() on:change=move |ev| has_header.set(event_target_checked(&ev)) />
                        "The first row names the columns"
                    </label>
                    <div class="flex flex-wrap gap-3">
                        {headers.get().into_iter().enumerate().map(|(i, h)| view! {
                            <label class="text-sm">
                                <span class="block truncate text-xs text-stone-500" title=h.clone()>{if h.is_empty() { format!("Column {}", i + 1) } else { h.clone() }}</span>
                                <select class="input w-auto py-1" aria-label=format!("Column {} ({h})", i + 1)
                                    on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        let t = Target::ALL.into_iter().find(|t| t.label() == v);
                                        mapping.update(|m| if let Some(slot) = m.get_mut(i) { *slot = t });
                                    }>
                                    <option value="" selected=move || mapping.with(|m| m.get(i).copied().flatten().is_none())>"Skip"</option>
                                    {Target::ALL.into_iter().map(|t| view! {
                                        <option value=t.label() selected=move || mapping.with(|m| m.get(i).copied().flatten() == Some(t))>{t.label()}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                        }).collect_view()}
                    </div>
                </fieldset>
            })}
            {move || preview().map(|p| match p {
                Err(e) => view! { <div class="mt-3"><ErrorBanner message=e.to_string() /></div> }.into_any(),
                Ok(rows) => {
                    let ok = rows.iter().filter(|r| r.result.is_ok()).count();
                    let bad: Vec<_> = rows.iter().filter_map(|r| r.result.as_ref().err().map(|e| (r.line, e.0.iter().map(|f| format!("{}: {}", f.field.replace('_', " "), f.message)).collect::<Vec<_>>().join("; ")))).collect();
                    view! {
                        <div class="mt-3 text-sm" data-testid="import-preview">
                            <p class="font-medium">{format!("{ok} guests ready to import; {} rows will be skipped.", bad.len())}</p>
                            <ul class="mt-1 max-h-40 overflow-y-auto text-red-700 dark:text-red-400">
                                {bad.into_iter().take(100).map(|(line, why)| view! { <li>{format!("Line {line}: {why}")}</li> }).collect_view()}
                            </ul>
                            <button type="button" class="btn-primary mt-2" disabled=move || busy.get() || ok == 0 on:click=submit>
                                {format!("Import {ok} guests")}
                            </button>
                        </div>
                    }.into_any()
                }
            })}
            {move || error.get().map(|m| view! { <div class="mt-3"><ErrorBanner message=m /></div> })}
            {move || report.get().map(|r| view! {
                <div class="mt-3 rounded-md bg-emerald-50 p-3 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100" role="status" data-testid="import-report">
                    {format!("Imported {} guests; {} rows refused.", r.imported, r.rejected.len())}
                    {r.import_id.map(|id| view! { " " <button type="button" class="link" on:click=move |_| undo(id)>"Undo this import"</button> })}
                </div>
            })}
        </details>
    }
}
