//! `/inquiries/new` (staff): a new client's inquiry, as it comes in by email or phone. Creates
//! the client (or finds them by email) and an event in "inquiry". The same parser checks the form
//! in the browser and on the server.

use crate::api::events::{create_inquiry, venue_spaces};
use crate::api::AppError;
use crate::app::common::{field_error, general_error, ErrorBanner, FieldMessage, Loading, PageError};
use crate::domain::parse::{FieldErrors, InquiryForm, EVENT_TYPES};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewInquiryPage() -> impl IntoView {
    let spaces = Resource::new(|| (), |_| venue_spaces());
    view! {
        <Title text="New inquiry" />
        <h1 class="text-2xl font-semibold">"New inquiry"</h1>
        <p class="mt-1 text-sm text-stone-500 dark:text-stone-400">"A client asking about an event. Fields marked * are required; dates may be written as you heard them (\"June 12\", \"6/12/2027\")."</p>
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
fn InquiryFields(spaces: Vec<crate::domain::model::Space>) -> impl IntoView {
    let form = RwSignal::new(InquiryForm { event_type: EVENT_TYPES[0].into(), ..Default::default() });
    let shown = RwSignal::new(FieldErrors::default());
    let server = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        server.set(None);
        let today = chrono::Local::now().date_naive();
        if let Err(errors) = form.with(|f| f.parse(today)) {
            shown.set(errors);
            return;
        }
        shown.set(FieldErrors::default());
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
    let input =
        move |field: &'static str, label: &'static str, required: bool, kind: &'static str, hint: &'static str| {
            let id = format!("inq-{field}");
            let msg = format!("{id}-msg");
            view! {
                <div>
                    <label class="label" for=id.clone()>{label}{required.then_some(" *")}</label>
                    <input id=id class="input" type=kind required=required aria-describedby=msg.clone() placeholder=hint
                        aria-invalid=move || error(field).get().is_some().to_string()
                        prop:value=move || form.with(|f| get(f, field))
                        on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| set(f, field, v)); } />
                    <FieldMessage id=msg message=error(field) />
                </div>
            }
        };
    view! {
        <form class="card mt-4 grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2" on:submit=submit aria-label="New inquiry" novalidate>
            {input("name", "Client name", true, "text", "")}
            {input("email", "Email", false, "email", "name@example.com")}
            {input("phone", "Phone", false, "tel", "(617) 555-0142")}
            <div>
                <label class="label" for="inq-event_type">"Event type *"</label>
                <select id="inq-event_type" class="input" on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.event_type = v); }>
                    {EVENT_TYPES.into_iter().map(|t| view! { <option value=t selected=move || form.with(|f| f.event_type == t)>{t}</option> }).collect_view()}
                </select>
                <FieldMessage id="inq-event_type-msg" message=error("event_type") />
            </div>
            {input("event_date", "Date", true, "text", "June 12, 2027")}
            {input("guest_count", "Guests", true, "number", "120")}
            {input("budget", "Budget", false, "text", "$45,000")}
            <div>
                <label class="label" for="inq-space_id">"Space preference"</label>
                <select id="inq-space_id" class="input" on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.space_id = v); }>
                    <option value="">"No preference"</option>
                    {spaces.into_iter().map(|s| view! { <option value=s.id.to_string()>{format!("{} (up to {})", s.name, s.capacity)}</option> }).collect_view()}
                </select>
                <FieldMessage id="inq-space_id-msg" message=error("space_id") />
            </div>
            <div class="sm:col-span-2">
                <label class="label" for="inq-notes">"Notes"</label>
                <textarea id="inq-notes" class="input" rows="3" prop:value=move || form.with(|f| f.notes.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.notes = v); }></textarea>
                <FieldMessage id="inq-notes-msg" message=error("notes") />
            </div>
            {move || server.get().as_ref().and_then(general_error).map(|m| view! { <div class="sm:col-span-2"><ErrorBanner message=m /></div> })}
            <div class="sm:col-span-2">
                <button type="submit" class="btn-primary" disabled=move || busy.get()>{move || if busy.get() { "Saving…" } else { "Create inquiry" }}</button>
            </div>
        </form>
    }
}

fn get(f: &InquiryForm, field: &str) -> String {
    match field {
        "name" => f.name.clone(),
        "email" => f.email.clone(),
        "phone" => f.phone.clone(),
        "event_date" => f.event_date.clone(),
        "guest_count" => f.guest_count.clone(),
        "budget" => f.budget.clone(),
        _ => String::new(),
    }
}

fn set(f: &mut InquiryForm, field: &str, v: String) {
    match field {
        "name" => f.name = v,
        "email" => f.email = v,
        "phone" => f.phone = v,
        "event_date" => f.event_date = v,
        "guest_count" => f.guest_count = v,
        "budget" => f.budget = v,
        _ => {}
    }
}
