//! The new-inquiry form (staff): a new client's inquiry, as it comes in by email or phone. Creates
//! the client (or finds them by email) and an event in "inquiry". The same parser checks the form
//! in the browser and on the server. Beside the form, the assist reads a pasted email into it.

use super::field::{Control, Field};
use super::{space_id, space_name, AssistPanel, Suggested};
use crate::api::events::{create_inquiry, venue_spaces};
use crate::api::AppError;
use crate::app::common::{field_error, general_error, ErrorBanner, Loading, PageError};
use crate::domain::assist::FormKind;
use crate::domain::forms::{InquiryForm, EVENT_TYPES};
use crate::domain::parse::FieldErrors;
use crate::domain::records::Space;
use leptos::prelude::*;

#[component]
pub fn NewInquiry() -> impl IntoView {
    let spaces = Resource::new(|| (), |_| venue_spaces());
    view! {
        <h1 class="text-2xl font-semibold">"New inquiry"</h1>
        <p class="mt-1 text-sm text-stone-500 dark:text-stone-400">"A client asking about an event. Fields marked * are required; dates may be written as you heard them (\"June 12\", \"6/12/2027\"). Paste the email into \"Fill in from text\" to fill the form in."</p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match spaces.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(spaces) => view! { <InquiryFields spaces /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn InquiryFields(spaces: Vec<Space>) -> impl IntoView {
    let form = RwSignal::new(InquiryForm { event_type: EVENT_TYPES[0].into(), ..Default::default() });
    let shown = RwSignal::new(FieldErrors::default());
    let server = RwSignal::new(None::<AppError>);
    let pending_note = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let names = StoredValue::new(spaces.clone());
    let sug = Suggested::new(
        move |field| names.with_value(|spaces| form.with_untracked(|f| get(f, field, spaces))),
        move |field, v| names.with_value(|spaces| form.update(|f| set(f, field, v, spaces))),
    );
    sug.apply_link(FormKind::Inquiry);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        server.set(None);
        if !sug.ready(pending_note, form, shown, |f| f.parse(chrono::Local::now().date_naive())) {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match create_inquiry(form.get_untracked()).await {
                Ok(id) => navigate(&format!("/events/{id}"), Default::default()),
                Err(e) => {
                    server.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };
    let error = move |field: &'static str| Signal::derive(move || field_error(server.get(), &shown.get(), field));
    let value = move |field: &'static str| {
        Signal::derive(move || names.with_value(|spaces| form.with(|f| get(f, field, spaces))))
    };
    let write = move |field: &'static str| {
        Callback::new(move |v: String| names.with_value(|spaces| form.update(|f| set(f, field, v, spaces))))
    };
    let text = move |field: &'static str,
                     label: &'static str,
                     required: bool,
                     kind: &'static str,
                     hint: &'static str| {
        view! { <Field id=format!("inq-{field}") field label required control=Control::Input(kind) hint value=value(field) on_input=write(field) error=error(field) sug /> }
    };
    let types: Vec<(String, String)> = EVENT_TYPES.iter().map(|t| (t.to_string(), t.to_string())).collect();
    let mut space_options = vec![(String::new(), "No preference".to_string())];
    space_options.extend(spaces.iter().map(|s| (s.name.clone(), format!("{} (up to {})", s.name, s.capacity))));
    view! {
        <div class="mt-4 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <form class="card grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2 lg:col-span-2" on:submit=submit aria-label="New inquiry" novalidate>
                {text("name", "Client name", true, "text", "")}
                {text("email", "Email", false, "email", "name@example.com")}
                {text("phone", "Phone", false, "tel", "(617) 555-0142")}
                <Field id="inq-event_type" field="event_type" label="Event type" required=true control=Control::Select(types)
                    value=value("event_type") on_input=write("event_type") error=error("event_type") sug />
                {text("event_date", "Date", true, "text", "June 12, 2027")}
                {text("guest_count", "Guests", true, "number", "120")}
                {text("budget", "Budget", false, "text", "$45,000")}
                <Field id="inq-space" field="space" label="Space preference" control=Control::Select(space_options)
                    value=value("space") on_input=write("space") error=error("space_id") sug />
                <Field id="inq-notes" field="notes" label="Notes" control=Control::TextArea wrap_class="sm:col-span-2"
                    value=value("notes") on_input=write("notes") error=error("notes") sug />
                {move || server.get().as_ref().and_then(general_error).map(|m| view! { <div class="sm:col-span-2"><ErrorBanner message=m /></div> })}
                {move || pending_note.get().filter(|_| sug.count() > 0).map(|m| view! { <div class="sm:col-span-2"><ErrorBanner message=m /></div> })}
                <div class="sm:col-span-2">
                    <button type="submit" class="btn-primary" disabled=move || busy.get()>{move || if busy.get() { "Saving…" } else { "Create inquiry" }}</button>
                </div>
            </form>
            <AssistPanel kind=FormKind::Inquiry sug />
        </div>
    }
}

/// A field of the form by its assist name (`space` is the space's name; the form keeps its id).
fn get(f: &InquiryForm, field: &str, spaces: &[Space]) -> String {
    match field {
        "name" => f.name.clone(),
        "email" => f.email.clone(),
        "phone" => f.phone.clone(),
        "event_type" => f.event_type.clone(),
        "event_date" => f.event_date.clone(),
        "guest_count" => f.guest_count.clone(),
        "budget" => f.budget.clone(),
        "space" => space_name(spaces, &f.space_id),
        "notes" => f.notes.clone(),
        _ => String::new(),
    }
}

fn set(f: &mut InquiryForm, field: &str, v: String, spaces: &[Space]) {
    match field {
        "name" => f.name = v,
        "email" => f.email = v,
        "phone" => f.phone = v,
        "event_type" => f.event_type = v,
        "event_date" => f.event_date = v,
        "guest_count" => f.guest_count = v,
        "budget" => f.budget = v,
        "space" => f.space_id = space_id(spaces, &v),
        "notes" => f.notes = v,
        _ => {}
    }
}
