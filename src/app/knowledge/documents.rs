//! The documents table (staff): each document's title, audience, status, size, passages,
//! version and last change, with its actions: a new version (Replace), Edit (title and
//! audience), Disable / Enable, Retry when indexing failed, and Delete after a confirm step.
//! Rows are keyed by document and read their document from the [`Library`], so a refresh
//! updates them in place.

use super::audience::AudiencePicker;
use super::files::{check_file, chosen_files, upload, UploadParams};
use super::{audience_text, fmt_size, Library, StatusBadge};
use crate::api::knowledge::{delete_document, retry_document, set_document_enabled, update_document};
use crate::api::AppError;
use crate::app::common::{field_error, fmt_datetime, general_error, ErrorBanner, FieldMessage};
use crate::domain::knowledge::{Audience, DocStatus, DocumentForm, DocumentSummary, ACCEPTED};
use crate::domain::parse::FieldErrors;
use leptos::prelude::*;

/// The staff table of documents.
#[component]
pub fn DocumentsTable(lib: Library) -> impl IntoView {
    let empty = move || lib.docs.with(Vec::is_empty);
    view! {
        <section class="card min-w-0 lg:col-span-2" aria-labelledby="kb-docs-h">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h2 id="kb-docs-h" class="section-title">"Documents"</h2>
                {move || lib.indexing().then(|| view! {
                    <span class="text-xs text-stone-500" role="status">"Indexing… the list updates by itself."</span>
                })}
            </div>
            {move || lib.banner.get().map(|m| view! { <div class="mb-2"><ErrorBanner message=m /></div> })}
            {move || empty().then(|| view! {
                <p class="text-sm text-stone-500" data-testid="documents-empty">
                    "No documents yet. Add the venue's policies, menus, floor plans and FAQs: the assistants answer from them, with sources."
                </p>
            })}
            <div class="-mx-4 overflow-x-auto px-4" class:hidden=empty>
                <table class="w-full text-left text-sm" data-testid="documents">
                    <thead class="text-xs uppercase text-stone-500">
                        <tr>
                            <th scope="col" class="py-2 pr-3">"Document"</th>
                            <th scope="col" class="py-2 pr-3">"Audience"</th>
                            <th scope="col" class="py-2 pr-3">"Status"</th>
                            <th scope="col" class="hidden py-2 pr-3 md:table-cell">"Size"</th>
                            <th scope="col" class="hidden py-2 pr-3 md:table-cell">"Passages"</th>
                            <th scope="col" class="hidden py-2 pr-3 md:table-cell">"Version"</th>
                            <th scope="col" class="hidden py-2 pr-3 lg:table-cell">"Updated"</th>
                            <th scope="col" class="py-2"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-stone-200 dark:divide-stone-800">
                        <For each=move || lib.docs.get() key=|d| d.id let:doc>
                            <DocumentRow initial=doc lib />
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// One document: its row, and under it its edit form when open.
#[component]
fn DocumentRow(initial: DocumentSummary, lib: Library) -> impl IntoView {
    let id = initial.id;
    let doc = Memo::new(move |_| {
        lib.docs.with(|l| l.iter().find(|d| d.id == id).cloned()).unwrap_or_else(|| initial.clone())
    });
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // What the last action said (an error, or that a new version was sent).
    let note = RwSignal::new(None::<(bool, String)>);
    let title = move || doc.with(|d| d.title.clone());

    // Runs an action, then refreshes the list; its error goes under the row's actions.
    let act = move |fut: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>>>>| {
        busy.set(true);
        note.set(None);
        leptos::task::spawn_local(async move {
            match fut.await {
                Ok(()) => lib.refresh(),
                Err(e) => note.set(Some((true, e.to_string()))),
            }
            busy.set(false);
        });
    };
    let retry = move |_| act(Box::pin(retry_document(id)));
    let toggle = move |_| {
        let enabled = doc.with_untracked(|d| d.enabled);
        act(Box::pin(set_document_enabled(id, !enabled)));
    };
    let delete = move |_| {
        confirming.set(false);
        act(Box::pin(delete_document(id)));
    };
    let replace = move |ev: leptos::ev::Event| {
        let Some(file) = chosen_files(&ev).into_iter().next() else { return };
        if let Err(m) = check_file(&file.name, file.size) {
            note.set(Some((true, m)));
            return;
        }
        busy.set(true);
        note.set(Some((false, format!("Uploading {}…", file.name))));
        leptos::task::spawn_local(async move {
            let params = UploadParams { replace: Some(id), ..Default::default() };
            match upload(&file, &params).await {
                Ok(_) => {
                    note.set(Some((false, format!("{} uploaded as a new version.", file.name))));
                    lib.refresh();
                }
                Err(e) => note.set(Some((true, e.0))),
            }
            busy.set(false);
        });
    };

    view! {
        <tr data-document-id=id data-testid="document-row" class:opacity-60=move || !doc.with(|d| d.enabled)>
            <td class="max-w-56 py-2 pr-3 align-top">
                <a href=format!("/knowledge/{id}") class="link font-medium break-words">{title}</a>
                <p class="text-xs text-stone-500">
                    {move || doc.with(|d| format!("{} · {}", d.filename, d.format.label()))}
                </p>
                // What the hidden columns say, on a phone.
                <p class="text-xs text-stone-500 md:hidden">
                    {move || doc.with(|d| format!("{} · {} passages · v{}", fmt_size(d.byte_size), d.chunk_count, d.version))}
                </p>
            </td>
            <td class="py-2 pr-3 align-top" data-testid="document-audience">{move || doc.with(audience_text)}</td>
            <td class="py-2 pr-3 align-top">
                {move || {
                    let (status, error, enabled) = doc.with(|d| (d.status, d.error.clone(), d.enabled));
                    view! {
                        <div class="flex flex-wrap items-center gap-1">
                            <StatusBadge status />
                            {(!enabled).then(|| view! { <span class="badge badge-stone" data-testid="doc-disabled">"Disabled"</span> })}
                        </div>
                        {(status == DocStatus::Failed).then(|| view! {
                            <p class="mt-1 max-w-48 text-xs text-red-700 dark:text-red-400" data-testid="doc-error">
                                {error.unwrap_or_else(|| "Indexing failed.".into())}
                            </p>
                            <button type="button" class="btn-secondary mt-1 px-2 py-0.5 text-xs" disabled=move || busy.get()
                                aria-label=move || format!("Retry {}", title()) on:click=retry>"Retry"</button>
                        })}
                    }
                }}
            </td>
            <td class="hidden py-2 pr-3 align-top whitespace-nowrap md:table-cell">{move || doc.with(|d| fmt_size(d.byte_size))}</td>
            <td class="hidden py-2 pr-3 align-top md:table-cell">{move || doc.with(|d| d.chunk_count)}</td>
            <td class="hidden py-2 pr-3 align-top md:table-cell">{move || doc.with(|d| d.version)}</td>
            <td class="hidden py-2 pr-3 align-top whitespace-nowrap lg:table-cell">{move || doc.with(|d| fmt_datetime(d.updated_at))}</td>
            <td class="py-2 align-top">
                {move || if confirming.get() {
                    view! {
                        <div class="flex flex-wrap items-center gap-1" role="group" aria-label="Confirm delete">
                            <span class="text-xs">{format!("Delete “{}”?", title())}</span>
                            <button type="button" class="rounded-md bg-red-700 px-2 py-1 text-xs font-medium text-white hover:bg-red-800"
                                disabled=move || busy.get() on:click=delete>"Yes, delete"</button>
                            <button type="button" class="btn-secondary px-2 py-1 text-xs" on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <div class="flex flex-wrap items-center gap-1">
                            <label class="btn-secondary cursor-pointer px-2 py-1 text-xs focus-within:ring-2 focus-within:ring-teal-600">
                                "Replace"
                                <input type="file" accept=ACCEPTED class="sr-only" aria-label=move || format!("Replace {}", title())
                                    disabled=move || busy.get() on:change=replace />
                            </label>
                            <button type="button" class="btn-secondary px-2 py-1 text-xs" aria-label=move || format!("Edit {}", title())
                                aria-expanded=move || editing.get().to_string()
                                on:click=move |_| {
                                    if doc.with_untracked(|d| d.audience == Audience::Event) {
                                        lib.load_events();
                                    }
                                    editing.update(|e| *e = !*e);
                                }>"Edit"</button>
                            <button type="button" class="btn-secondary px-2 py-1 text-xs" disabled=move || busy.get()
                                aria-label=move || format!("{} {}", if doc.with(|d| d.enabled) { "Disable" } else { "Enable" }, title())
                                on:click=toggle>
                                {move || if doc.with(|d| d.enabled) { "Disable" } else { "Enable" }}
                            </button>
                            <button type="button" class="btn-secondary px-2 py-1 text-xs text-red-700 dark:text-red-400"
                                aria-label=move || format!("Delete {}", title()) disabled=move || busy.get()
                                on:click=move |_| confirming.set(true)>"Delete"</button>
                        </div>
                    }.into_any()
                }}
                {move || note.get().map(|(error, m)| if error {
                    view! { <p class="mt-1 max-w-56 text-xs text-red-700 dark:text-red-400" role="alert">{m}</p> }.into_any()
                } else {
                    view! { <p class="mt-1 max-w-56 text-xs text-stone-600 dark:text-stone-300" role="status">{m}</p> }.into_any()
                })}
            </td>
        </tr>
        {move || editing.get().then(|| view! {
            <tr data-testid="document-edit">
                <td colspan="8" class="pb-3">
                    <EditDocument doc=doc.get_untracked() lib on_done=Callback::new(move |_| editing.set(false)) />
                </td>
            </tr>
        })}
    }
}

/// A document's title and audience, saved with `update_document`.
#[component]
fn EditDocument(doc: DocumentSummary, lib: Library, on_done: Callback<()>) -> impl IntoView {
    let id = doc.id;
    let title = RwSignal::new(doc.title.clone());
    let audience = RwSignal::new(doc.audience.as_str().to_string());
    let event_id = RwSignal::new(doc.event_id.map(|e| e.to_string()).unwrap_or_default());
    let current_event = doc.event_id.zip(doc.event_name.clone());
    let shown = RwSignal::new(FieldErrors::default());
    let server = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let error = move |field: &'static str| Signal::derive(move || field_error(server.get(), &shown.get(), field));
    let title_error = error("title");
    let prefix = format!("kb-edit-{id}");
    let title_id = format!("{prefix}-title");
    let title_msg = format!("{prefix}-title-msg");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        server.set(None);
        let form = DocumentForm {
            title: title.get_untracked(),
            audience: audience.get_untracked(),
            event_id: event_id.get_untracked(),
        };
        if let Err(errors) = form.parse() {
            shown.set(errors);
            return;
        }
        shown.set(FieldErrors::default());
        busy.set(true);
        leptos::task::spawn_local(async move {
            match update_document(id, form).await {
                Ok(()) => {
                    lib.refresh();
                    on_done.run(());
                }
                Err(e) => server.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="rounded-lg border border-stone-200 bg-stone-50 p-3 dark:border-stone-800 dark:bg-stone-950" on:submit=submit
            aria-label=format!("Edit {}", doc.title) novalidate>
            <div class="grid grid-cols-1 gap-x-3 sm:grid-cols-3">
                <div>
                    <label for=title_id.clone() class="label">"Title"</label>
                    <input id=title_id class="input" maxlength="200" aria-describedby=title_msg.clone()
                        aria-invalid=move || title_error.get().is_some().to_string()
                        value=doc.title.clone() prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
                    <FieldMessage id=title_msg message=title_error />
                </div>
                <div class="sm:col-span-2">
                    <AudiencePicker id=prefix label="Who may read it" audience event_id lib
                        audience_error=error("audience") event_error=error("event_id")
                        current_event />
                </div>
            </div>
            {move || server.get().as_ref().and_then(general_error).map(|m| view! { <ErrorBanner message=m /> })}
            <div class="mt-1 flex gap-2">
                <button type="submit" class="btn-primary py-1" disabled=move || busy.get()>
                    {move || if busy.get() { "Saving…" } else { "Save" }}
                </button>
                <button type="button" class="btn-secondary py-1" on:click=move |_| on_done.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
