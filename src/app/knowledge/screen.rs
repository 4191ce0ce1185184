//! `/knowledge`: staff add and manage documents; clients and vendors see the documents shared
//! with them; everyone searches.

use super::documents::DocumentsTable;
use super::search::{search_resource, KnowledgeSearch, SearchResource};
use super::upload::UploadZone;
use super::{member_audience_text, Library, StatusBadge};
use crate::api::knowledge::knowledge_documents;
use crate::api::AppError;
use crate::app::common::{fmt_datetime, Loading, PageError};
use crate::app::UserResource;
use crate::domain::knowledge::{DocStatus, DocumentSummary};
use leptos::prelude::*;

#[component]
pub fn KnowledgeScreen() -> impl IntoView {
    let user = expect_context::<UserResource>();
    // Resources are made here, outside the Suspend, so the server and the browser agree on them.
    // The list is loaded once; the staff side refreshes it in place (see `Library`).
    let docs = Resource::new(|| (), |_| knowledge_documents());
    let (q, results) = search_resource();
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let user = match user.await {
                    Ok(Some(u)) => u,
                    Ok(None) => return view! { <PageError error=AppError::Unauthenticated /> }.into_any(),
                    Err(error) => return view! { <PageError error /> }.into_any(),
                };
                match docs.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(list) if user.role.is_staff() => view! { <StaffKnowledge list q results /> }.into_any(),
                    Ok(list) => view! { <MemberKnowledge list q results /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn StaffKnowledge(list: Vec<DocumentSummary>, q: Memo<String>, results: SearchResource) -> impl IntoView {
    let lib = Library::new(list);
    poll_while_indexing(lib);
    view! {
        <h1 class="text-2xl font-semibold">"Knowledge"</h1>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            "The venue's documents. The assistants answer from what each person may read, and cite the passages they used."
        </p>
        <div class="mt-4 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <UploadZone lib />
            <DocumentsTable lib />
        </div>
        <div class="mt-6">
            <KnowledgeSearch q results />
        </div>
    }
}

/// While a document is queued, extracting or embedding, loads the list again every two seconds
/// (in the browser only; stopped when all are ready or failed, and when the page goes away).
fn poll_while_indexing(lib: Library) {
    let indexing = Memo::new(move |_| lib.indexing());
    crate::app::common::poll_while(indexing, move || lib.poll(), 2000);
}

#[component]
fn MemberKnowledge(list: Vec<DocumentSummary>, q: Memo<String>, results: SearchResource) -> impl IntoView {
    view! {
        <h1 class="text-2xl font-semibold">"Knowledge"</h1>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            "Documents the venue shared with you: policies, menus, directions and more. Your assistant answers from them too."
        </p>
        <div class="mt-4 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="lg:col-span-2">
                <KnowledgeSearch q results />
            </div>
            <section class="card self-start" aria-labelledby="kb-shared-h">
                <h2 id="kb-shared-h" class="section-title">"Shared with you"</h2>
                {if list.is_empty() {
                    view! { <p class="text-sm text-stone-500" data-testid="documents-empty">"Nothing has been shared with you yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="divide-y divide-stone-200 text-sm dark:divide-stone-800" data-testid="documents">
                            {list.into_iter().map(|d| view! {
                                <li class="py-2" data-document-id=d.id data-testid="document-row">
                                    <a href=format!("/knowledge/{}", d.id) class="link font-medium">{d.title.clone()}</a>
                                    <p class="text-xs text-stone-500">
                                        {format!("{} · {} · updated {}", member_audience_text(&d), d.format.label(), fmt_datetime(d.updated_at))}
                                    </p>
                                    {(d.status != DocStatus::Ready).then(|| view! { <div class="mt-1"><StatusBadge status=d.status /></div> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
    }
}
