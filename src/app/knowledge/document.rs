//! `/knowledge/:id`: one document: what it is, a link to its original, and every passage as the
//! search and the assistants see them. A passage named by the address (`#chunk-345`, the link of
//! a search result or a citation) is ringed and scrolled into view.

use super::{audience_text, fmt_size, StatusBadge};
use crate::api::knowledge::knowledge_document;
use crate::app::common::{Loading, NotFoundPage, PageError};
use crate::domain::knowledge::{ChunkView, DocStatus, DocumentView};
use crate::domain::markdown;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

/// The document `id` (none when the address has no plausible id: a 404).
#[component]
pub fn DocumentScreen(id: Memo<Option<i64>>) -> impl IntoView {
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => knowledge_document(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(None) => view! { <NotFoundPage /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(Some(doc)) => view! { <DocumentBody doc /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DocumentBody(doc: DocumentView) -> impl IntoView {
    let DocumentView { document: d, chunks } = doc;
    let id = d.id;
    // The passage the address names. Set in the browser after the page is shown (the server
    // never sees the `#…` part), so the first render is the same on both sides.
    let target = RwSignal::new(None::<i64>);
    let hash = use_location().hash;
    Effect::new(move |_| {
        let wanted = hash.get().trim_start_matches('#').strip_prefix("chunk-").and_then(|s| s.parse::<i64>().ok());
        target.set(wanted);
        #[cfg(feature = "hydrate")]
        if let Some(chunk) = wanted {
            request_animation_frame(move || {
                if let Some(el) = document().get_element_by_id(&format!("chunk-{chunk}")) {
                    el.scroll_into_view();
                }
            });
        }
    });
    let mut meta =
        vec![d.format.label().to_string(), audience_text(&d), format!("version {}", d.version), fmt_size(d.byte_size)];
    if let Some(p) = d.page_count {
        meta.push(if p == 1 { "1 page".to_string() } else { format!("{p} pages") });
    }
    meta.push(if d.chunk_count == 1 { "1 passage".to_string() } else { format!("{} passages", d.chunk_count) });
    let empty_note = match d.status {
        DocStatus::Failed => {
            format!("Indexing failed: {}", d.error.clone().unwrap_or_else(|| "no reason given.".into()))
        }
        DocStatus::Ready => "This document has no text to show.".to_string(),
        _ => "This document is still being indexed. Its passages appear here when it is ready.".to_string(),
    };
    view! {
        <Title text=d.title.clone() />
        <p class="text-sm"><a href="/knowledge" class="link">"Knowledge"</a> " / Document"</p>
        <div class="mt-1 flex flex-wrap items-start justify-between gap-3">
            <div class="min-w-0">
                <h1 class="break-words text-2xl font-semibold" data-testid="document-title">{d.title.clone()}</h1>
                <p class="mt-1 text-sm text-stone-600 dark:text-stone-400" data-testid="document-meta">{meta.join(" · ")}</p>
                <div class="mt-2 flex flex-wrap items-center gap-2">
                    <StatusBadge status=d.status />
                    {(!d.enabled).then(|| view! { <span class="badge badge-stone">"Disabled"</span> })}
                </div>
            </div>
            // A plain download, not a page of the app.
            <a href=format!("/knowledge/documents/{id}/original") class="btn-secondary shrink-0" download=d.filename.clone() rel="external">
                "Download original"
            </a>
        </div>
        {if chunks.is_empty() {
            view! { <p class="card mt-6 text-sm text-stone-500" data-testid="no-passages">{empty_note}</p> }.into_any()
        } else {
            view! {
                <ol class="mt-6 space-y-3" aria-label="Passages">
                    {chunks.into_iter().map(|c| view! { <Chunk c target /> }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}

#[component]
fn Chunk(c: ChunkView, target: RwSignal<Option<i64>>) -> impl IntoView {
    let id = c.id;
    let here = move || target.get() == Some(id);
    let place = match (c.heading.is_empty(), c.page) {
        (false, Some(p)) => Some(format!("{} · page {p}", c.heading)),
        (false, None) => Some(c.heading.clone()),
        (true, Some(p)) => Some(format!("Page {p}")),
        (true, None) => None,
    };
    view! {
        <li id=format!("chunk-{id}") data-testid="passage" data-chunk-id=id
            aria-current=move || here().then_some("location")
            class=move || if here() {
                "card scroll-mt-20 ring-2 ring-teal-600 dark:ring-teal-400"
            } else {
                "card scroll-mt-20"
            }>
            {place.map(|p| view! { <h2 class="text-xs font-semibold uppercase tracking-wide text-stone-500">{p}</h2> })}
            // Passages keep their Markdown (headings, lists, tables): shown rendered, through the
            // same sanitising renderer as the models' replies (a document is untrusted too).
            <div class="markdown mt-1 text-sm" inner_html=markdown::render(&c.content)></div>
        </li>
    }
}
