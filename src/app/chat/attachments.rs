//! Files attached to chat messages: the composer's tray (chosen with the paperclip, dropped on
//! the box or pasted; each uploads at once and waits for the message) and the files a sent
//! message shows (pictures inline, documents as chips that download them).

use crate::api::chat::discard_attachment;
use crate::app::knowledge::files::{check_attachment, upload, Picked, UploadParams};
use crate::app::knowledge::fmt_size;
use crate::domain::knowledge::{Attachment, DocFormat, MAX_ATTACHMENTS};
use leptos::prelude::*;

/// Where an attached file is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileState {
    Uploading,
    /// Uploaded: the document that carries it.
    Ready(i64),
    Failed(String),
}

/// One file of the tray.
#[derive(Clone, Debug)]
pub struct TrayFile {
    key: u32,
    pub name: String,
    size: f64,
    image: bool,
    pub state: RwSignal<FileState>,
}

/// The composer's attached files, uploaded as soon as they are added.
#[derive(Clone, Copy)]
pub struct Tray {
    pub files: RwSignal<Vec<TrayFile>>,
    next: StoredValue<u32>,
}

impl Default for Tray {
    fn default() -> Self {
        Self::new()
    }
}

impl Tray {
    pub fn new() -> Self {
        Self { files: RwSignal::new(Vec::new()), next: StoredValue::new(0) }
    }

    /// Adds files and uploads each (refused ones stay in the tray with the reason, until removed).
    pub fn add(self, picked: Vec<Picked>) {
        for file in picked {
            let Some(key) = self.next.try_update_value(|n| {
                *n += 1;
                *n
            }) else {
                return;
            };
            let room = self.files.with_untracked(Vec::len) < MAX_ATTACHMENTS;
            let check = if room {
                check_attachment(&file.name, file.size)
            } else {
                Err(format!("Attach at most {MAX_ATTACHMENTS} files to one message."))
            };
            let state = RwSignal::new(match &check {
                Ok(()) => FileState::Uploading,
                Err(m) => FileState::Failed(m.clone()),
            });
            let image = DocFormat::from_filename(&file.name) == Some(DocFormat::Image);
            self.files.update(|f| f.push(TrayFile { key, name: file.name.clone(), size: file.size, image, state }));
            if check.is_ok() {
                leptos::task::spawn_local(async move {
                    let params = UploadParams { attach: true, ..Default::default() };
                    let result = upload(&file, &params).await;
                    // Removed while it uploaded: the upload is not wanted.
                    let kept = self.files.try_with_untracked(|f| f.iter().any(|t| t.key == key)).unwrap_or(false);
                    match result {
                        Ok(id) if kept => state.set(FileState::Ready(id)),
                        Ok(id) => discard(id),
                        Err(e) => {
                            let _ = state.try_set(FileState::Failed(e.0));
                        }
                    }
                });
            }
        }
    }

    /// Takes a file out (its upload, if done, is deleted).
    pub fn remove(self, key: u32) {
        let mut gone = None;
        self.files.update(|f| {
            if let Some(i) = f.iter().position(|t| t.key == key) {
                gone = Some(f.remove(i));
            }
        });
        if let Some(FileState::Ready(id)) = gone.map(|t| t.state.get_untracked()) {
            discard(id);
        }
    }

    /// The uploaded files' documents, for the send.
    pub fn ids(self) -> Vec<i64> {
        self.files.with_untracked(|f| {
            f.iter()
                .filter_map(|t| match t.state.get_untracked() {
                    FileState::Ready(id) => Some(id),
                    _ => None,
                })
                .collect()
        })
    }

    /// Whether a send must wait: an upload is under way, or a refused file is still listed
    /// (a tracked read).
    pub fn blocking(self) -> bool {
        self.files.with(|f| f.iter().any(|t| !matches!(t.state.get(), FileState::Ready(_))))
    }

    /// Empties the tray after a send (the files now belong to the message).
    pub fn clear(self) {
        self.files.set(Vec::new());
    }
}

/// A paperclip (the attach button).
#[component]
pub fn ClipIcon() -> impl IntoView {
    view! {
        <svg aria-hidden="true" viewBox="0 0 24 24" class="h-5 w-5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d="M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48"></path>
        </svg>
    }
}

/// A page with a folded corner (a document) or a framed picture (an image).
#[component]
fn FileIcon(image: bool) -> impl IntoView {
    view! {
        <svg aria-hidden="true" viewBox="0 0 24 24" class="h-5 w-5 shrink-0 text-stone-500" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            {if image {
                view! {
                    <rect x="3" y="3" width="18" height="18" rx="2"></rect>
                    <circle cx="8.5" cy="8.5" r="1.5"></circle>
                    <path d="M21 15l-5-5L5 21"></path>
                }.into_any()
            } else {
                view! {
                    <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z"></path>
                    <path d="M14 2v6h6M16 13H8M16 17H8"></path>
                }.into_any()
            }}
        </svg>
    }
}

fn discard(id: i64) {
    leptos::task::spawn_local(async move {
        let _ = discard_attachment(id).await;
    });
}

/// The tray under the message box: one chip per file, with its state and a remove button.
#[component]
pub fn TrayChips(tray: Tray) -> impl IntoView {
    view! {
        <Show when=move || tray.files.with(|f| !f.is_empty())>
            <ul class="mb-2 flex flex-wrap gap-2" aria-label="Attached files" data-testid="attachment-tray">
                <For each=move || tray.files.get() key=|t| t.key let:file>
                    <TrayChip file tray />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn TrayChip(file: TrayFile, tray: Tray) -> impl IntoView {
    let TrayFile { key, name, size, image, state, .. } = file;
    let label = name.clone();
    view! {
        <li class=move || match state.get() {
                FileState::Failed(_) => "attachment-chip border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950",
                _ => "attachment-chip",
            }
            data-state=move || match state.get() { FileState::Uploading => "uploading", FileState::Ready(_) => "ready", FileState::Failed(_) => "failed" }
        >
            {move || match state.get() {
                FileState::Ready(id) if image => view! {
                    <img src=format!("/knowledge/documents/{id}/original?inline=true") alt="" class="h-8 w-8 rounded object-cover" />
                }.into_any(),
                FileState::Uploading => view! { <span class="spinner" aria-hidden="true"></span> }.into_any(),
                _ => view! { <FileIcon image /> }.into_any(),
            }}
            <span class="min-w-0">
                <span class="block max-w-[12rem] truncate text-sm" title=name.clone()>{name.clone()}</span>
                <span class="block text-xs text-stone-500 dark:text-stone-400" role="status">
                    {move || match state.get() {
                        FileState::Uploading => "Uploading…".to_string(),
                        FileState::Ready(_) => fmt_size(size as i64),
                        FileState::Failed(m) => m,
                    }}
                </span>
            </span>
            <button type="button" class="icon-btn" aria-label=format!("Remove {label}") on:click=move |_| tray.remove(key)>"✕"</button>
        </li>
    }
}

/// The files a sent message carries: pictures shown (each opens full size), documents as chips
/// that download them.
#[component]
pub fn MessageFilesView(files: Vec<Attachment>) -> impl IntoView {
    (!files.is_empty()).then(|| {
        let (images, docs): (Vec<Attachment>, Vec<Attachment>) = files.into_iter().partition(Attachment::is_image);
        view! {
            <div class="flex max-w-[85%] flex-col items-end gap-1" data-testid="message-files">
                {(!images.is_empty()).then(|| view! {
                    <div class="flex flex-wrap justify-end gap-2">
                        {images.into_iter().map(|a| {
                            let src = format!("/knowledge/documents/{}/original?inline=true", a.id);
                            view! {
                                <a href=src.clone() target="_blank" rel="noopener" title=a.filename.clone()>
                                    <img src=src.clone() alt=a.filename.clone() loading="lazy"
                                        class="max-h-48 max-w-[16rem] rounded-lg border border-stone-200 object-contain dark:border-stone-700" />
                                </a>
                            }
                        }).collect_view()}
                    </div>
                })}
                {docs.into_iter().map(|a| view! {
                    <a class="attachment-chip" href=format!("/knowledge/documents/{}/original", a.id) download=a.filename.clone()>
                        <FileIcon image=false />
                        <span class="min-w-0">
                            <span class="block max-w-[14rem] truncate text-sm">{a.filename.clone()}</span>
                            <span class="block text-xs text-stone-500 dark:text-stone-400">{format!("{} · {}", a.format.label(), fmt_size(a.byte_size))}</span>
                        </span>
                    </a>
                }).collect_view()}
            </div>
        }
    })
}
