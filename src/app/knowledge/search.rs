//! Searching the knowledge base (everyone, among what they may read). The query is the page's
//! `?q=`: a plain GET form, so the search also works without JavaScript and can be linked to.
//! Each passage shows where it is, its text with the query's words marked, and a link to it.

use super::chunk_href;
use crate::api::knowledge::knowledge_search;
use crate::api::AppError;
use crate::app::common::{ErrorBanner, Loading};
use crate::domain::knowledge::{highlight_runs, Passage, SearchResults, MAX_QUERY};
use crate::domain::text::clip_marked;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// A search's answer, with the query it answers (for marking its words).
pub type SearchResource = Resource<(String, Result<SearchResults, AppError>)>;

/// The longest passage text shown in a result (the document page has all of it).
const SHOWN_CHARS: usize = 700;

/// The query in the address, and its search. Made outside any `Suspend`, so that the server and
/// the browser agree on the resource.
pub fn search_resource() -> (Memo<String>, SearchResource) {
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let results = Resource::new(
        move || q.get(),
        |q| async move {
            let q = q.trim().to_string();
            if q.is_empty() {
                (q, Ok(SearchResults::default()))
            } else {
                let r = knowledge_search(q.clone()).await;
                (q, r)
            }
        },
    );
    (q, results)
}

#[component]
pub fn KnowledgeSearch(q: Memo<String>, results: SearchResource) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="kb-search-h" data-testid="knowledge-search">
            <h2 id="kb-search-h" class="section-title">"Search"</h2>
            <Form method="GET" action="/knowledge" noscroll=true attr:role="search" attr:class="flex gap-2">
                <label for="kb-q" class="sr-only">"Search the knowledge base"</label>
                <input id="kb-q" name="q" type="search" class="input" maxlength=MAX_QUERY.to_string()
                    placeholder="Deposit refunds, parking, the late-night menu…"
                    value=q.get_untracked() prop:value=move || q.get() />
                <button type="submit" class="btn-primary shrink-0">"Search"</button>
            </Form>
            <div class="mt-4" aria-live="polite">
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        let (q, r) = results.await;
                        match r {
                            Err(e) => {
                                let m = e.field("query").unwrap_or_else(|| e.to_string());
                                view! { <ErrorBanner message=m /> }.into_any()
                            }
                            Ok(_) if q.is_empty() => view! {
                                <p class="text-sm text-stone-500" data-testid="search-empty">
                                    "Ask a question or type a few words to find passages in the venue's documents."
                                </p>
                            }.into_any(),
                            Ok(r) if r.passages.is_empty() => view! {
                                <p class="text-sm text-stone-500" data-testid="search-none">{format!("No passages match “{q}”.")}</p>
                            }.into_any(),
                            Ok(r) => view! { <Results q r /> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </section>
    }
}

#[component]
fn Results(q: String, r: SearchResults) -> impl IntoView {
    let count = r.passages.len();
    view! {
        <p class="text-xs text-stone-500">
            {if count == 1 { "1 passage".to_string() } else { format!("{count} passages") }}
            {(!r.used_vectors).then_some(" · matched on words only (meaning search is not available)")}
        </p>
        <ol class="mt-2 divide-y divide-stone-200 dark:divide-stone-800" aria-label="Search results" data-testid="search-results">
            {r.passages.into_iter().map(|p| view! { <Hit p q=q.clone() /> }).collect_view()}
        </ol>
    }
}

#[component]
fn Hit(p: Passage, q: String) -> impl IntoView {
    let text = clip_marked(&p.content, SHOWN_CHARS, "…");
    let runs = highlight_runs(&text, &q);
    view! {
        <li class="py-3" data-testid="search-result" data-chunk-id=p.chunk_id>
            <a href=chunk_href(p.document_id, p.chunk_id) class="link font-medium">{p.place()}</a>
            <p class="mt-1 whitespace-pre-line text-sm text-stone-700 dark:text-stone-300">
                {runs.into_iter().map(|(piece, marked)| if marked {
                    view! { <mark class="rounded bg-amber-200 px-0.5 text-inherit dark:bg-amber-700/60">{piece}</mark> }.into_any()
                } else {
                    piece.into_any()
                }).collect_view()}
            </p>
        </li>
    }
}
