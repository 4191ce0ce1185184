//! Overview: the event's details; staff edit them here.

use crate::api::events::UpdateEvent;
use crate::app::common::{field_error, fmt_date, general_error, ErrorBanner, FieldMessage};
use crate::app::forms::{space_id, space_name, AssistPanel, Suggested, SuggestionNote};
use crate::domain::assist::FormKind;
use crate::domain::format_money;
use crate::domain::forms::EventForm;
use crate::domain::parse::FieldErrors;
use crate::domain::records::EventOverview;
use crate::domain::EventStatus;
use leptos::prelude::*;

fn form_of(o: &EventOverview) -> EventForm {
    let e = &o.event;
    EventForm {
        title: e.title.clone(),
        event_date: e.event_date.format("%Y-%m-%d").to_string(),
        space_id: e.space_id.map(|id| id.to_string()).unwrap_or_default(),
        guest_count: e.guest_count.to_string(),
        budget: format!("{}.{:02}", e.budget_cents / 100, e.budget_cents % 100),
        status: e.status.as_str().to_string(),
        notes: e.notes.clone(),
    }
}

/// One text field of the form, by name.
fn text_field(f: &EventForm, name: &str) -> String {
    match name {
        "title" => f.title.clone(),
        "event_date" => f.event_date.clone(),
        "guest_count" => f.guest_count.clone(),
        _ => f.budget.clone(),
    }
}

#[component]
pub fn OverviewTab(overview: EventOverview, update: ServerAction<UpdateEvent>) -> impl IntoView {
    let e = overview.event.clone();
    let stats = view! {
        <section class="card" aria-label="Guests and budget">
            <dl class="grid grid-cols-2 gap-4 text-sm">
                <div><dt class="text-stone-500">"Expected guests"</dt><dd class="text-lg font-semibold">{e.guest_count}</dd></div>
                <div><dt class="text-stone-500">"Attending (RSVP yes)"</dt><dd class="text-lg font-semibold">{overview.guests_attending}</dd></div>
                <div><dt class="text-stone-500">"On the guest list"</dt><dd class="text-lg font-semibold">{overview.guests_invited}</dd></div>
                <div><dt class="text-stone-500">"Budget"</dt><dd class="text-lg font-semibold">{format_money(e.budget_cents)}</dd></div>
            </dl>
        </section>
        <section class="card text-sm" aria-label="Client">
            <h2 class="section-title">"Client"</h2>
            <p class="font-medium">{e.client_name.clone()}</p>
            <p>{e.client_email.clone()}</p>
            <p>{e.client_phone.clone()}</p>
        </section>
    };
    if !overview.can_manage {
        let sees_plan = overview.sees_plan;
        return view! {
            <div class="mt-6 grid grid-cols-1 gap-6 md:grid-cols-2">
                <section class="card text-sm md:col-span-2" aria-label="Details">
                    <h2 class="section-title">"Details"</h2>
                    <p>{fmt_date(e.event_date)} " · " {e.space_name.clone().unwrap_or_else(|| "Space to be confirmed".into())}</p>
                    <p>{format!("{} guests expected", e.guest_count)}</p>
                </section>
                {sees_plan.then_some(stats)}
            </div>
        }
        .into_any();
    }

    let form = RwSignal::new(form_of(&overview));
    let shown = RwSignal::new(FieldErrors::default());
    let saved = RwSignal::new(false);
    let pending_note = RwSignal::new(None::<String>);
    let space_list = StoredValue::new(overview.spaces.clone());
    let sug = Suggested::new(
        move |field| space_list.with_value(|spaces| form.with_untracked(|f| assist_get(f, field, spaces))),
        move |field, v| space_list.with_value(|spaces| form.update(|f| assist_set(f, field, v, spaces))),
    );
    sug.apply_link(FormKind::Event);
    let server_error = move || update.value().get().and_then(|r| r.err());
    let message = move |field: &'static str| Signal::derive(move || field_error(server_error(), &shown.get(), field));
    let event_id = e.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        if sug.ready(pending_note, form, shown, EventForm::parse) {
            update.dispatch(UpdateEvent { event_id, form: form.get_untracked() });
        }
    };
    Effect::new(move |_| {
        if matches!(update.value().get(), Some(Ok(()))) {
            saved.set(true);
        }
    });
    let text = move |name: &'static str, label: &'static str, kind: &'static str| {
        let id = format!("event-{name}");
        let err_id = format!("{id}-error");
        let src_id = format!("{id}-src");
        let note_input = id.clone();
        let aria_err = err_id.clone();
        view! {
            <div class="group">
                <label for=id.clone() class="label">{label}</label>
                <input
                    id=id
                    type=kind
                    class=move || if sug.has(name) { "input ring-2 ring-amber-400" } else { "input" }
                    aria-describedby=move || if sug.has(name) { format!("{aria_err} {src_id}") } else { aria_err.clone() }
                    aria-invalid=move || message(name).get().is_some().to_string()
                    value=form.with_untracked(|f| text_field(f, name))
                    prop:value=move || form.with(|f| text_field(f, name))
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        sug.edited(name);
                        form.update(|f| match name {
                            "title" => f.title = v,
                            "event_date" => f.event_date = v,
                            "guest_count" => f.guest_count = v,
                            _ => f.budget = v,
                        });
                    }
                />
                <SuggestionNote field=name input_id=note_input sug />
                <FieldMessage id=err_id message=message(name) />
            </div>
        }
    };
    let spaces = overview.spaces.clone();
    view! {
        <div class="mt-6 grid grid-cols-1 gap-6 md:grid-cols-3">
            <form class="card space-y-1 md:col-span-2" on:submit=submit aria-label="Event details" novalidate>
                <h2 class="section-title">"Details"</h2>
                {text("title", "Title *", "text")}
                <div class="grid grid-cols-1 gap-3 sm:grid-cols-2">
                    {text("event_date", "Date *", "date")}
                    <div class="group">
                        <label for="event-space_id" class="label">"Space"</label>
                        <select
                            id="event-space_id"
                            class=move || if sug.has("space") { "input ring-2 ring-amber-400" } else { "input" }
                            prop:value=move || form.with(|f| f.space_id.clone())
                            on:change=move |ev| { let v = event_target_value(&ev); sug.edited("space"); form.update(|f| f.space_id = v) }
                        >
                            <option value="">"Not decided"</option>
                            {spaces.into_iter().map(|s| view! {
                                <option value=s.id.to_string() selected=form.with_untracked(|f| f.space_id == s.id.to_string())>{format!("{} (up to {})", s.name, s.capacity)}</option>
                            }).collect_view()}
                        </select>
                        <SuggestionNote field="space" input_id="event-space_id" sug />
                        <FieldMessage id="event-space_id-error" message=message("space_id") />
                    </div>
                    {text("guest_count", "Guest count *", "number")}
                    {text("budget", "Budget ($) *", "text")}
                    <div>
                        <label for="event-status" class="label">"Status"</label>
                        <select
                            id="event-status"
                            class="input"
                            prop:value=move || form.with(|f| f.status.clone())
                            on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.status = v) }
                        >
                            {EventStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=form.with_untracked(|f| f.status == s.as_str())>{s.label()}</option> }).collect_view()}
                        </select>
                        <FieldMessage id="event-status-error" message=message("status") />
                    </div>
                </div>
                <div class="group">
                    <label for="event-notes" class="label">"Notes"</label>
                    <textarea
                        id="event-notes"
                        class=move || if sug.has("notes") { "input min-h-24 ring-2 ring-amber-400" } else { "input min-h-24" }
                        prop:value=move || form.with(|f| f.notes.clone())
                        inner_html=form.with_untracked(|f| crate::domain::text::escape_html(&f.notes))
                        on:input=move |ev| { let v = event_target_value(&ev); sug.edited("notes"); form.update(|f| f.notes = v) }
                    ></textarea>
                    <SuggestionNote field="notes" input_id="event-notes" sug />
                    <FieldMessage id="event-notes-error" message=message("notes") />
                </div>
                {move || server_error().and_then(|e| general_error(&e)).map(|m| view! { <ErrorBanner message=m /> })}
                {move || pending_note.get().filter(|_| sug.count() > 0).map(|m| view! { <ErrorBanner message=m /> })}
                <div class="flex items-center gap-3 pt-2">
                    <button type="submit" class="btn-primary" disabled=move || update.pending().get()>
                        {move || if update.pending().get() { "Saving…" } else { "Save changes" }}
                    </button>
                    <span role="status" class="text-sm text-emerald-700 dark:text-emerald-400">{move || saved.get().then_some("Saved.")}</span>
                </div>
            </form>
            <div class="space-y-6">
                <AssistPanel kind=FormKind::Event sug />
                {stats}
            </div>
        </div>
    }
    .into_any()
}

/// A field of the form by its assist name (`space` is the space's name; the form keeps its id).
fn assist_get(f: &EventForm, field: &str, spaces: &[crate::domain::records::Space]) -> String {
    match field {
        "title" => f.title.clone(),
        "event_date" => f.event_date.clone(),
        "guest_count" => f.guest_count.clone(),
        "budget" => f.budget.clone(),
        "space" => space_name(spaces, &f.space_id),
        "notes" => f.notes.clone(),
        _ => String::new(),
    }
}

fn assist_set(f: &mut EventForm, field: &str, v: String, spaces: &[crate::domain::records::Space]) {
    match field {
        "title" => f.title = v,
        "event_date" => f.event_date = v,
        "guest_count" => f.guest_count = v,
        "budget" => f.budget = v,
        "space" => f.space_id = space_id(spaces, &v),
        "notes" => f.notes = v,
        _ => {}
    }
}
