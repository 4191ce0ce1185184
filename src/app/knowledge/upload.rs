//! Adding documents (staff): drop files or choose them, for the audience picked above; they
//! upload one after another, each with its row (waiting, uploading, then its indexing status
//! from the list), under an overall "2 of 5 files" bar. Or paste text as a document.

use super::audience::AudiencePicker;
use super::files::{check_file, chosen_files, dropped_files, upload, Picked, UploadParams};
use super::{Library, StatusBadge};
use crate::api::knowledge::add_text_document;
use crate::api::AppError;
use crate::app::common::{field_error, general_error, ErrorBanner, FieldMessage};
use crate::domain::knowledge::{title_from_filename, DocStatus, DocumentForm, ACCEPTED, MAX_UPLOAD_BYTES};
use crate::domain::parse::FieldErrors;
use leptos::prelude::*;
use std::collections::VecDeque;

/// Where one file of the list is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum UploadState {
    Waiting,
    Sending,
    /// Uploaded: the document's id (its indexing status comes from the list).
    Sent(i64),
    Failed(String),
}

impl UploadState {
    fn finished(&self) -> bool {
        matches!(self, UploadState::Sent(_) | UploadState::Failed(_))
    }
}

/// One row of the upload list.
#[derive(Clone)]
struct UploadRow {
    key: u32,
    name: String,
    size: f64,
    state: RwSignal<UploadState>,
}

/// A file waiting its turn.
struct Job {
    file: Picked,
    params: UploadParams,
    state: RwSignal<UploadState>,
}

/// The upload card: audience, drop zone and file input, the list of uploads, and pasted text.
#[component]
pub fn UploadZone(lib: Library) -> impl IntoView {
    let audience = RwSignal::new("staff".to_string());
    let event_id = RwSignal::new(String::new());
    // The audience's problems: found in the browser, or the server's answer to pasted text.
    let shown = RwSignal::new(FieldErrors::default());
    let server = RwSignal::new(None::<AppError>);
    let picker_error =
        move |field: &'static str| Signal::derive(move || field_error(server.get(), &shown.get(), field));

    let rows = RwSignal::new(Vec::<UploadRow>::new());
    let next_key = StoredValue::new(0u32);
    let queue = StoredValue::new_local(VecDeque::<Job>::new());
    let running = StoredValue::new(false);
    let dragging = RwSignal::new(false);

    // Uploads the waiting files one after another (one loop at a time).
    let pump = move || {
        if running.try_get_value() != Some(false) {
            return;
        }
        running.set_value(true);
        leptos::task::spawn_local(async move {
            while let Some(job) = queue.try_update_value(|q| q.pop_front()).flatten() {
                job.state.set(UploadState::Sending);
                match upload(&job.file, &job.params).await {
                    Ok(id) => {
                        job.state.set(UploadState::Sent(id));
                        lib.refresh();
                    }
                    Err(e) => job.state.set(UploadState::Failed(e.0)),
                }
            }
            running.try_set_value(false);
        });
    };

    let add = move |files: Vec<Picked>| {
        if files.is_empty() {
            return;
        }
        server.set(None);
        let form = DocumentForm {
            title: "file".into(),
            audience: audience.get_untracked(),
            event_id: event_id.get_untracked(),
        };
        if let Err(errors) = form.parse() {
            shown.set(errors);
            return;
        }
        shown.set(FieldErrors::default());
        // A new batch starts the list again once the last one has finished.
        if rows.with_untracked(|r| r.iter().all(|row| row.state.with_untracked(UploadState::finished))) {
            rows.set(Vec::new());
        }
        for file in files {
            let key = next_key.try_update_value(|k| {
                *k += 1;
                *k
            });
            let Some(key) = key else { return };
            let check = check_file(&file.name, file.size);
            let state = RwSignal::new(match &check {
                Ok(()) => UploadState::Waiting,
                Err(m) => UploadState::Failed(m.clone()),
            });
            rows.update(|r| r.push(UploadRow { key, name: file.name.clone(), size: file.size, state }));
            if check.is_ok() {
                let params = UploadParams {
                    title: title_from_filename(&file.name),
                    audience: form.audience.clone(),
                    event_id: form.event_id.clone(),
                    replace: None,
                    attach: false,
                };
                queue.update_value(|q| q.push_back(Job { file, params, state }));
            }
        }
        pump();
    };

    let total = move || rows.with(Vec::len);
    let done = move || rows.with(|r| r.iter().filter(|row| row.state.with(UploadState::finished)).count());
    let max_mb = MAX_UPLOAD_BYTES / (1024 * 1024);

    view! {
        <section class="card self-start" aria-labelledby="kb-add-h" data-testid="upload-zone">
            <h2 id="kb-add-h" class="section-title">"Add documents"</h2>
            <AudiencePicker id="kb-new" label="Who may read them" audience event_id lib
                audience_error=picker_error("audience") event_error=picker_error("event_id") />
            <div
                class=move || format!(
                    "mt-2 rounded-lg border-2 border-dashed p-5 text-center text-sm transition-colors {}",
                    if dragging.get() { "border-teal-600 bg-teal-50 dark:bg-teal-950/40" } else { "border-stone-300 dark:border-stone-700" },
                )
                data-testid="drop-zone"
                on:dragenter=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_: leptos::ev::DragEvent| dragging.set(false)
                on:drop=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(false);
                    add(dropped_files(&ev));
                }
            >
                <p class="text-stone-600 dark:text-stone-300">"Drag files here, or"</p>
                <input id="kb-files" type="file" multiple accept=ACCEPTED class="peer sr-only" aria-describedby="kb-files-hint"
                    on:change=move |ev| add(chosen_files(&ev)) />
                <label for="kb-files" class="btn-secondary mt-2 cursor-pointer peer-focus-visible:ring-2 peer-focus-visible:ring-teal-600">"Choose files"</label>
                <p id="kb-files-hint" class="mt-2 text-xs text-stone-500 dark:text-stone-400">
                    {format!("PDF, Word (.docx), Markdown, text, HTML or CSV, up to {max_mb} MB each.")}
                </p>
            </div>
            {move || (total() > 0).then(|| {
                let (d, t) = (done(), total());
                let pct = d * 100 / t.max(1);
                view! {
                    <div class="mt-4" data-testid="upload-progress">
                        <div class="flex items-center justify-between text-xs text-stone-600 dark:text-stone-300">
                            <span id="kb-overall">{format!("{d} of {t} files")}</span>
                            {(d == t).then(|| view! {
                                <button type="button" class="btn-ghost py-0 text-xs" on:click=move |_| rows.set(Vec::new())>"Clear list"</button>
                            })}
                        </div>
                        <div class="mt-1 h-2 overflow-hidden rounded-full bg-stone-200 dark:bg-stone-800" role="progressbar"
                            aria-labelledby="kb-overall" aria-valuemin="0" aria-valuemax=t.to_string() aria-valuenow=d.to_string()>
                            <div class="h-full rounded-full bg-teal-600 transition-all" style=format!("width: {pct}%")></div>
                        </div>
                    </div>
                }
            })}
            <ul class="mt-3 space-y-2" aria-label="Uploads" aria-live="polite">
                <For each=move || rows.get() key=|row| row.key let:row>
                    <UploadRowView row lib />
                </For>
            </ul>
            <PasteText lib audience event_id shown server />
        </section>
    }
}

/// One file: its name and size, a bar (indeterminate while it uploads), then what happened.
#[component]
fn UploadRowView(row: UploadRow, lib: Library) -> impl IntoView {
    let UploadRow { name, size, state, .. } = row;
    // The document's status as the list has it, once uploaded.
    let indexed = Memo::new(move |_| match state.get() {
        UploadState::Sent(id) => lib.docs.with(|l| l.iter().find(|d| d.id == id).map(|d| (d.status, d.error.clone()))),
        _ => None,
    });
    let label = format!("Upload of {name}");
    view! {
        <li class="rounded-md border border-stone-200 p-2 text-sm dark:border-stone-800" data-testid="upload-row"
            data-state=move || match state.get() {
                UploadState::Waiting => "waiting",
                UploadState::Sending => "uploading",
                UploadState::Sent(_) => "uploaded",
                UploadState::Failed(_) => "failed",
            }>
            <div class="flex items-center justify-between gap-2">
                <span class="min-w-0 truncate font-medium" title=name.clone()>{name.clone()}</span>
                <span class="shrink-0 text-xs text-stone-500">{super::fmt_size(size as i64)}</span>
            </div>
            <div class="mt-1 h-1.5 overflow-hidden rounded-full bg-stone-200 dark:bg-stone-800" role="progressbar" aria-label=label
                aria-valuetext=move || match state.get() {
                    UploadState::Waiting => "Waiting",
                    UploadState::Sending => "Uploading",
                    UploadState::Sent(_) => "Uploaded",
                    UploadState::Failed(_) => "Failed",
                }>
                <div class=move || match state.get() {
                    UploadState::Waiting => "h-full w-0",
                    UploadState::Sending => "h-full w-full animate-pulse rounded-full bg-teal-400",
                    UploadState::Sent(_) => "h-full w-full rounded-full bg-teal-600",
                    UploadState::Failed(_) => "h-full w-full rounded-full bg-red-500",
                }></div>
            </div>
            <div class="mt-1 flex flex-wrap items-center gap-2 text-xs text-stone-600 dark:text-stone-300">
                {move || match state.get() {
                    UploadState::Waiting => view! { <span>"Waiting…"</span> }.into_any(),
                    UploadState::Sending => view! { <span>"Uploading…"</span> }.into_any(),
                    UploadState::Failed(m) => view! { <span class="text-red-700 dark:text-red-400" role="alert">{m}</span> }.into_any(),
                    UploadState::Sent(id) => match indexed.get() {
                        None => view! { <span>"Uploaded."</span> }.into_any(),
                        Some((status, error)) => view! {
                            <StatusBadge status />
                            {(status == DocStatus::Failed).then(|| view! {
                                <span class="text-red-700 dark:text-red-400">{error.unwrap_or_default()}</span>
                            })}
                            <a href=format!("/knowledge/{id}") class="link">"Open"</a>
                        }.into_any(),
                    },
                }}
            </div>
        </li>
    }
}

/// "Paste text": a title and the text, for the audience picked above.
#[component]
fn PasteText(
    lib: Library,
    audience: RwSignal<String>,
    event_id: RwSignal<String>,
    shown: RwSignal<FieldErrors>,
    server: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let note = RwSignal::new(None::<String>);
    let error = move |field: &'static str| Signal::derive(move || field_error(server.get(), &shown.get(), field));
    let (title_error, text_error) = (error("title"), error("text"));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        server.set(None);
        note.set(None);
        let form = DocumentForm {
            title: title.get_untracked(),
            audience: audience.get_untracked(),
            event_id: event_id.get_untracked(),
        };
        let body = text.get_untracked();
        let mut errors = form.parse().err().unwrap_or_default();
        if body.trim().is_empty() {
            errors.add("text", "Paste the text of the document.");
        }
        if !errors.is_empty() {
            shown.set(errors);
            return;
        }
        shown.set(FieldErrors::default());
        busy.set(true);
        leptos::task::spawn_local(async move {
            match add_text_document(form.clone(), body).await {
                Ok(_) => {
                    note.set(Some(format!("“{}” was added and is being indexed.", form.title.trim())));
                    title.set(String::new());
                    text.set(String::new());
                    lib.refresh();
                }
                Err(e) => server.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <details class="mt-4 border-t border-stone-200 pt-3 dark:border-stone-800">
            <summary class="cursor-pointer text-sm font-medium text-teal-800 dark:text-teal-300">"Paste text"</summary>
            <form class="mt-2 space-y-1" on:submit=submit aria-label="Paste text as a document" novalidate>
                <div>
                    <label for="kb-paste-title" class="label">"Title"</label>
                    <input id="kb-paste-title" class="input" maxlength="200" aria-describedby="kb-paste-title-msg"
                        aria-invalid=move || title_error.get().is_some().to_string()
                        prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
                    <FieldMessage id="kb-paste-title-msg" message=title_error />
                </div>
                <div>
                    <label for="kb-paste-text" class="label">"Text"</label>
                    <textarea id="kb-paste-text" class="input min-h-32" rows="6" aria-describedby="kb-paste-text-msg"
                        aria-invalid=move || text_error.get().is_some().to_string()
                        placeholder="Paste a policy, a menu, directions…"
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <FieldMessage id="kb-paste-text-msg" message=text_error />
                </div>
                <p class="text-xs text-stone-500 dark:text-stone-400">"Markdown headings (#, ##) become the passages' headings. It is shared with the audience chosen above."</p>
                {move || server.get().as_ref().and_then(general_error).map(|m| view! { <ErrorBanner message=m /> })}
                <p role="status" class="text-sm text-stone-700 dark:text-stone-300">{move || note.get()}</p>
                <button type="submit" class="btn-primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Adding…" } else { "Add text" }}
                </button>
            </form>
        </details>
    }
}
