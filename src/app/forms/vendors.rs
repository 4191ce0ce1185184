//! The venue's vendor directory (staff), and the form to add one, which the assist can
//! fill in from a vendor's email or price sheet.

use super::field::{Control, Field};
use super::{AssistPanel, Suggested};
use crate::api::vendors::{create_vendor, vendor_directory};
use crate::api::AppError;
use crate::app::common::{field_error, general_error, ErrorBanner, Loading, PageError};
use crate::domain::assist::FormKind;
use crate::domain::format_money;
use crate::domain::forms::{VendorForm, RATE_UNITS, VENDOR_CATEGORIES};
use crate::domain::parse::FieldErrors;
use crate::domain::records::VendorEntry;
use leptos::prelude::*;

#[component]
pub fn Vendors() -> impl IntoView {
    let user = expect_context::<crate::app::UserResource>();
    // Resources are made here, outside the Suspend, so the server and the browser agree on them.
    let added = RwSignal::new(None::<VendorEntry>);
    let data = Resource::new(move || added.get().map(|v| v.id), |_| vendor_directory());
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) if u.role.is_staff() => view! { <VendorsBody added data /> }.into_any(),
                    Ok(Some(_)) => view! { <PageError error=AppError::Forbidden /> }.into_any(),
                    Ok(None) => view! { <PageError error=AppError::Unauthenticated /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn VendorsBody(
    added: RwSignal<Option<VendorEntry>>,
    data: Resource<Result<Vec<VendorEntry>, AppError>>,
) -> impl IntoView {
    let form = RwSignal::new(blank());
    let sug = Suggested::new(
        move |field| form.with_untracked(|f| get(f, field)),
        move |field, v| form.update(|f| set(f, field, v)),
    );
    sug.apply_link(FormKind::Vendor);
    view! {
        <h1 class="text-2xl font-semibold">"Vendors"</h1>
        <p class="mt-1 text-sm text-stone-500 dark:text-stone-400">"The florists, caterers, photographers and others the venue works with. Paste a vendor's email into \"Fill in from text\" to fill the form in."</p>
        <div class="mt-4 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="space-y-6 lg:col-span-2">
                <VendorFormCard form sug added />
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(error) => view! { <PageError error /> }.into_any(),
                            Ok(list) => view! { <Directory list added=added.get_untracked().map(|v| v.id) /> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
            <AssistPanel kind=FormKind::Vendor sug />
        </div>
    }
}

fn unit_label(unit: &str) -> &'static str {
    RATE_UNITS.iter().find(|(u, _)| *u == unit).map(|(_, l)| *l).unwrap_or("per event")
}

#[component]
fn Directory(list: Vec<VendorEntry>, added: Option<i64>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="card text-sm text-stone-500">"No vendors yet."</p> }.into_any();
    }
    view! {
        <section class="card overflow-x-auto" aria-labelledby="directory-h">
            <h2 id="directory-h" class="section-title">"Directory"</h2>
            <table class="w-full text-left text-sm" data-testid="vendor-directory">
                <thead class="text-xs uppercase text-stone-500">
                    <tr>
                        <th scope="col" class="py-2 pr-3">"Vendor"</th>
                        <th scope="col" class="py-2 pr-3">"Category"</th>
                        <th scope="col" class="py-2 pr-3">"Contact"</th>
                        <th scope="col" class="py-2 pr-3">"Rate"</th>
                        <th scope="col" class="py-2">"Upcoming"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-200 dark:divide-stone-800">
                    {list.into_iter().map(|v| {
                        let new = added == Some(v.id);
                        view! {
                            <tr class=if new { "bg-teal-50 dark:bg-teal-950/40" } else { "" } data-vendor-id=v.id>
                                <td class="py-2 pr-3 align-top">
                                    <p class="font-medium">{v.name.clone()}</p>
                                    {(!v.notes.is_empty()).then(|| view! { <p class="text-xs text-stone-500">{v.notes.clone()}</p> })}
                                </td>
                                <td class="py-2 pr-3 align-top capitalize">{v.category.clone()}</td>
                                <td class="py-2 pr-3 align-top">
                                    <p>{v.contact.clone()}</p>
                                    <p class="text-stone-500">{v.email.clone()}</p>
                                    <p class="text-stone-500">{v.phone.clone()}</p>
                                </td>
                                <td class="py-2 pr-3 align-top whitespace-nowrap">
                                    {if v.rate_cents > 0 { format!("{} {}", format_money(v.rate_cents), unit_label(&v.rate_unit)) } else { "—".to_string() }}
                                </td>
                                <td class="py-2 align-top">{v.upcoming_events}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}

fn blank() -> VendorForm {
    VendorForm { category: "florist".into(), rate_unit: "flat".into(), ..Default::default() }
}

#[component]
fn VendorFormCard(form: RwSignal<VendorForm>, sug: Suggested, added: RwSignal<Option<VendorEntry>>) -> impl IntoView {
    let shown = RwSignal::new(FieldErrors::default());
    let server = RwSignal::new(None::<AppError>);
    let note = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        server.set(None);
        if !sug.ready(note, form, shown, VendorForm::parse) {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match create_vendor(form.get_untracked()).await {
                Ok(v) => {
                    note.set(Some(format!("{} added to the directory.", v.name)));
                    form.set(blank());
                    added.set(Some(v));
                }
                Err(e) => server.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let error = move |field: &'static str| Signal::derive(move || field_error(server.get(), &shown.get(), field));
    let value = move |field: &'static str| Signal::derive(move || form.with(|f| get(f, field)));
    let write = move |field: &'static str| Callback::new(move |v: String| form.update(|f| set(f, field, v)));
    let text = move |field: &'static str,
                     label: &'static str,
                     required: bool,
                     kind: &'static str,
                     hint: &'static str| {
        view! { <Field id=format!("vendor-{field}") field label required control=Control::Input(kind) hint value=value(field) on_input=write(field) error=error(field) sug /> }
    };
    let categories: Vec<(String, String)> = VENDOR_CATEGORIES.iter().map(|c| (c.to_string(), capitalise(c))).collect();
    let units: Vec<(String, String)> = RATE_UNITS.iter().map(|(u, l)| (u.to_string(), l.to_string())).collect();
    view! {
        <form class="card grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2" on:submit=submit aria-label="Add a vendor" novalidate>
            <h2 class="section-title sm:col-span-2">"Add a vendor"</h2>
            {text("name", "Company", true, "text", "Petal & Stem")}
            {text("contact", "Contact person", false, "text", "")}
            <Field id="vendor-category" field="category" label="Category" required=true control=Control::Select(categories)
                value=value("category") on_input=write("category") error=error("category") sug />
            {text("email", "Email", false, "email", "hello@example.com")}
            {text("phone", "Phone", false, "tel", "(617) 555-0142")}
            <div class="grid grid-cols-2 gap-2">
                {text("rate", "Rate", false, "text", "$1,200")}
                <Field id="vendor-rate_unit" field="rate_unit" label="Per" control=Control::Select(units)
                    value=value("rate_unit") on_input=write("rate_unit") error=error("rate_unit") sug />
            </div>
            <Field id="vendor-notes" field="notes" label="Notes" control=Control::TextArea wrap_class="sm:col-span-2"
                value=value("notes") on_input=write("notes") error=error("notes") sug />
            {move || server.get().as_ref().and_then(general_error).map(|m| view! { <div class="sm:col-span-2"><ErrorBanner message=m /></div> })}
            <p role="status" class="text-sm text-stone-700 sm:col-span-2 dark:text-stone-300">{move || note.get()}</p>
            <div class="sm:col-span-2">
                <button type="submit" class="btn-primary" disabled=move || busy.get()>{move || if busy.get() { "Adding…" } else { "Add vendor" }}</button>
            </div>
        </form>
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn get(f: &VendorForm, field: &str) -> String {
    match field {
        "name" => f.name.clone(),
        "contact" => f.contact.clone(),
        "category" => f.category.clone(),
        "email" => f.email.clone(),
        "phone" => f.phone.clone(),
        "rate" => f.rate.clone(),
        "rate_unit" => f.rate_unit.clone(),
        "notes" => f.notes.clone(),
        _ => String::new(),
    }
}

fn set(f: &mut VendorForm, field: &str, v: String) {
    match field {
        "name" => f.name = v,
        "contact" => f.contact = v,
        "category" => f.category = v,
        "email" => f.email = v,
        "phone" => f.phone = v,
        "rate" => f.rate = v,
        "rate_unit" => f.rate_unit = v,
        "notes" => f.notes = v,
        _ => {}
    }
}
