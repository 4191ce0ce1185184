//! The knowledge base: documents (staff manage them; everyone reads what their audience allows),
//! search, and one document's passages. Files are uploaded through the plain route
//! `POST /knowledge/upload` (web::knowledge), which takes the file as the request body.

use super::AppError;
use crate::domain::knowledge::{DocumentForm, DocumentSummary, DocumentView, SearchResults};
use leptos::prelude::*;

/// The documents the person may read (staff: all but chat attachments), newest first.
#[server(prefix = "/api", endpoint = "knowledge_documents")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn knowledge_documents() -> Result<Vec<DocumentSummary>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::knowledge::list(&pool, &actor).await?)
}

/// Passages that answer `query`, best first, among what the person may read.
#[server(prefix = "/api", endpoint = "knowledge_search")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn knowledge_search(query: String) -> Result<SearchResults, AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    let query = query.trim();
    if query.is_empty() {
        return Ok(SearchResults::default());
    }
    if query.chars().count() > crate::domain::knowledge::MAX_QUERY {
        return Err(AppError::invalid(
            "query",
            &format!("At most {} characters.", crate::domain::knowledge::MAX_QUERY),
        ));
    }
    let scope = crate::knowledge::Scope { actor: &actor, thread_id: None };
    Ok(crate::knowledge::search(&state.pool, &state.knowledge, &scope, query, 10).await?)
}

/// One document with its passages, if the person may read it.
#[server(prefix = "/api", endpoint = "knowledge_document")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(document_id = id)))]
pub async fn knowledge_document(id: i64) -> Result<DocumentView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::knowledge::view(&pool, &actor, super::ssr::id(id)?).await?)
}

/// A document from pasted text (staff). Indexed in the background like an upload.
#[server(prefix = "/api", endpoint = "add_text_document")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn add_text_document(form: DocumentForm, text: String) -> Result<i64, AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    let meta = form.parse()?;
    if text.trim().is_empty() {
        return Err(AppError::invalid("text", "Paste the text of the document."));
    }
    let upload = crate::knowledge::Upload {
        meta: &meta,
        filename: "pasted.md",
        bytes: text.as_bytes(),
        replace: None,
        attachment: false,
    };
    Ok(crate::knowledge::ingest(&state.pool, &state.knowledge, &actor, upload).await?)
}

/// Renames a document or changes who may read it (staff).
#[server(prefix = "/api", endpoint = "update_document")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(document_id = id)))]
pub async fn update_document(id: i64, form: DocumentForm) -> Result<(), AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    let meta = form.parse()?;
    Ok(crate::store::knowledge::update(&state.pool, &actor, super::ssr::id(id)?, &meta).await?)
}

/// Takes a document out of search (or puts it back) without deleting it (staff).
#[server(prefix = "/api", endpoint = "set_document_enabled")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(document_id = id)))]
pub async fn set_document_enabled(id: i64, enabled: bool) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::knowledge::set_enabled(&pool, &actor, super::ssr::id(id)?, enabled).await?)
}

/// Indexes a failed document again (staff).
#[server(prefix = "/api", endpoint = "retry_document")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(document_id = id)))]
pub async fn retry_document(id: i64) -> Result<(), AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    Ok(crate::knowledge::retry(&state.pool, &state.knowledge, &actor, super::ssr::id(id)?).await?)
}

/// Deletes a document, its passages and its original (staff).
#[server(prefix = "/api", endpoint = "delete_document")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(document_id = id)))]
pub async fn delete_document(id: i64) -> Result<(), AppError> {
    let actor = super::ssr::actor()?;
    let state = super::ssr::state()?;
    crate::knowledge::delete(&state.pool, &state.knowledge, &actor, super::ssr::id(id)?).await?;
    super::ssr::audit(
        &state,
        &actor,
        crate::domain::audit::AuditAction::Deleted,
        format!("Document {id}"),
        serde_json::json!({"document_id": id}),
    )
    .await;
    Ok(())
}

/// The events a document may be for (staff): the venue's events from a month ago on, not
/// cancelled, soonest first.
#[server(prefix = "/api", endpoint = "knowledge_event_choices")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn knowledge_event_choices() -> Result<Vec<crate::domain::records::EventSummary>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if !actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    let today = crate::store::events::today(&pool, &actor).await?;
    let from = today - chrono::Duration::days(31);
    let to = today + chrono::Duration::days(3 * 366);
    let filter = crate::store::events::StatusFilter::NotCancelled;
    Ok(crate::store::events::list(&pool, &actor, from, to, filter, 500).await?)
}
