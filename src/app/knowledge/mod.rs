//! The knowledge base: the venue's documents, which the agents and people search.
//! `/knowledge` ([`screen`]): staff upload files ([`upload`], sent by [`files`] as the body of
//! `POST /knowledge/upload`) or paste text, and manage the documents ([`documents`]); clients and
//! vendors see the documents shared with them; everyone searches ([`search`]).
//! `/knowledge/:id` ([`document`]): one document's passages. The chips under a chat reply that
//! cites documents are [`citations`].
//!
//! The staff list lives in one signal ([`Library`]), loaded with the page and refreshed in place
//! (after a change, and every two seconds while a document is being indexed), so that rows keep
//! their focus and open forms while their status changes.

mod audience;
mod citations;
mod document;
mod documents;
pub(crate) mod files;
mod screen;
mod search;
mod upload;

pub use citations::{reply_sources, Citations};
pub use document::DocumentScreen;
pub use screen::KnowledgeScreen;

use crate::api::knowledge::knowledge_documents;
use crate::api::AppError;
use crate::domain::knowledge::{Audience, DocStatus, DocumentSummary};
use crate::domain::records::EventSummary;
use leptos::prelude::*;

/// The staff side's shared state: the documents as last loaded, and the events an audience may
/// name (loaded the first time someone picks "One event").
#[derive(Clone, Copy)]
pub struct Library {
    pub docs: RwSignal<Vec<DocumentSummary>>,
    /// Why the last refresh failed (cleared by the next that works).
    pub banner: RwSignal<Option<String>>,
    /// The newest refresh started: an older answer arriving late is dropped.
    seq: StoredValue<u64>,
    /// Refreshes waiting for their answer.
    inflight: StoredValue<u32>,
    want_events: RwSignal<bool>,
    pub events: LocalResource<Result<Vec<EventSummary>, AppError>>,
}

impl Library {
    pub fn new(initial: Vec<DocumentSummary>) -> Self {
        let want_events = RwSignal::new(false);
        let events = LocalResource::new(move || {
            let want = want_events.get();
            async move {
                if want {
                    crate::api::knowledge::knowledge_event_choices().await
                } else {
                    Ok(Vec::new())
                }
            }
        });
        Self {
            docs: RwSignal::new(initial),
            banner: RwSignal::new(None),
            seq: StoredValue::new(0),
            inflight: StoredValue::new(0),
            want_events,
            events,
        }
    }

    /// Loads the list again (in the background; the rows update in place).
    pub fn refresh(self) {
        let Some(seq) = self.seq.try_update_value(|s| {
            *s += 1;
            *s
        }) else {
            return;
        };
        self.inflight.update_value(|n| *n += 1);
        leptos::task::spawn_local(async move {
            let result = knowledge_documents().await;
            self.inflight.try_update_value(|n| *n = n.saturating_sub(1));
            if self.seq.try_get_value() != Some(seq) {
                return;
            }
            match result {
                Ok(list) => {
                    self.banner.set(None);
                    if self.docs.with_untracked(|d| d != &list) {
                        self.docs.set(list);
                    }
                }
                Err(e) => self.banner.set(Some(format!("Could not refresh the list: {e}"))),
            }
        });
    }

    /// A refresh unless one is already on its way (the timer's: a slow answer is not cut off
    /// by the next tick).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn poll(self) {
        if self.inflight.try_get_value() == Some(0) {
            self.refresh();
        }
    }

    /// Starts loading the events an audience may name, once.
    pub fn load_events(self) {
        if !self.want_events.get_untracked() {
            self.want_events.set(true);
        }
    }

    /// Whether any document is still being indexed.
    pub fn indexing(self) -> bool {
        self.docs.with(|l| l.iter().any(|d| in_progress(d.status)))
    }
}

/// Queued, extracting or embedding: the status will still change.
pub fn in_progress(s: DocStatus) -> bool {
    matches!(s, DocStatus::Queued | DocStatus::Extracting | DocStatus::Embedding)
}

/// The badge classes of a status.
pub fn status_class(s: DocStatus) -> &'static str {
    match s {
        DocStatus::Ready => "badge badge-green",
        DocStatus::Failed => "badge badge-red",
        DocStatus::Queued => "badge badge-stone",
        DocStatus::Extracting | DocStatus::Embedding => "badge badge-amber",
    }
}

/// A status badge ("Queued", "Extracting text", "Embedding", "Ready", "Failed").
#[component]
pub fn StatusBadge(status: DocStatus) -> impl IntoView {
    view! { <span class=status_class(status) data-testid="doc-status" data-status=status.as_str()>{status.label()}</span> }
}

/// Who may read a document, for staff: "All clients", "One event: Clark wedding".
pub fn audience_text(d: &DocumentSummary) -> String {
    match (d.audience, &d.event_name) {
        (Audience::Event, Some(name)) => format!("One event: {name}"),
        (a, _) => a.label().to_string(),
    }
}

/// Who may read a document, for a client or vendor: "For your event: Clark wedding".
pub fn member_audience_text(d: &DocumentSummary) -> String {
    match d.audience {
        Audience::Event => match &d.event_name {
            Some(name) => format!("For your event: {name}"),
            None => "For your event".to_string(),
        },
        Audience::Clients => "For all clients".to_string(),
        Audience::Vendors => "For all vendors".to_string(),
        Audience::Staff => "Staff only".to_string(),
        Audience::Thread => "From a conversation".to_string(),
    }
}

/// A file size for people: "820 B", "14 KB", "2.4 MB".
pub fn fmt_size(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    if bytes < KB {
        format!("{} B", bytes.max(0))
    } else if bytes < MB {
        format!("{} KB", (bytes + KB / 2) / KB)
    } else {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    }
}

/// Where a document's passage is: `/knowledge/12#chunk-345`.
pub fn chunk_href(document_id: i64, chunk_id: i64) -> String {
    format!("/knowledge/{document_id}#chunk-{chunk_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(fmt_size(820), "820 B");
        assert_eq!(fmt_size(14 * 1024 + 100), "14 KB");
        assert_eq!(fmt_size(1024 * 1024 - 1), "1024 KB");
        assert_eq!(fmt_size(2_516_582), "2.4 MB");
    }

    #[test]
    fn links() {
        assert_eq!(chunk_href(12, 345), "/knowledge/12#chunk-345");
    }
}
