//! Knowledge-base files over plain HTTP: uploads take the file as the request body (no multipart,
//! no base64: the browser sends the `File` itself, up to 10 MB), and originals download as
//! attachments (never rendered by the browser: an uploaded HTML file stays text).
//!
//! `POST /knowledge/upload?filename=…&title=…&audience=…&event_id=…[&replace=<id>]` adds a
//! document (staff); `POST /knowledge/upload?filename=…&attach=1` takes a chat attachment (anyone;
//! it waits for the message that carries it). Both answer `201 {"id": …}`, or a 4xx
//! `{"error": "…", "field": "…"}`.
//! `GET /knowledge/documents/{id}/original[?inline=1]` answers the file; `inline` shows a chat's
//! image in the page (PNG, JPEG, GIF and WebP only, checked when it was uploaded).

use crate::api::AppError;
use crate::domain::knowledge::{title_from_filename, Audience, DocumentForm, DocumentMeta, MAX_UPLOAD_BYTES};
use crate::knowledge::{KnowledgeError, Upload};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    #[serde(default)]
    filename: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    event_id: String,
    #[serde(default)]
    replace: Option<i64>,
    #[serde(default)]
    attach: bool,
}

fn error(status: StatusCode, message: &str, field: Option<&str>) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message, "field": field }))).into_response()
}

fn app_error(e: AppError) -> Response {
    match &e {
        AppError::Invalid(f) if !f.0.is_empty() => error(e.status(), &f.0[0].message, Some(&f.0[0].field)),
        _ => error(e.status(), &e.to_string(), None),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    query: Result<Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let caller = super::actor::resolve_caller(&state, &headers, super::actor::from_widget(&headers)).await;
    let Some(actor) = caller.actor.0 else {
        return error(StatusCode::UNAUTHORIZED, "Please log in to continue.", None);
    };
    let Ok(Query(q)) = query else {
        return error(StatusCode::BAD_REQUEST, "The upload's parameters are malformed.", None);
    };
    // The embedded chat may attach files to its messages, nothing more.
    if caller.embed.is_some() && !q.attach {
        return error(StatusCode::FORBIDDEN, "This chat link reaches only its own chat.", None);
    }
    if q.filename.trim().is_empty() {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "The file has no name.", Some("file"));
    }
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_UPLOAD_BYTES) {
        return error(StatusCode::PAYLOAD_TOO_LARGE, &KnowledgeError::TooLarge.to_string(), Some("file"));
    }
    // Read at most one byte more than allowed, whatever Content-Length said.
    let bytes = match axum::body::to_bytes(body, MAX_UPLOAD_BYTES + 1).await {
        Ok(b) if b.len() <= MAX_UPLOAD_BYTES => b,
        _ => return error(StatusCode::PAYLOAD_TOO_LARGE, &KnowledgeError::TooLarge.to_string(), Some("file")),
    };
    if bytes.is_empty() {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "The file is empty.", Some("file"));
    }
    let meta = if q.replace.is_some() || q.attach {
        // A new version keeps the document's title and audience; an attachment belongs to its thread.
        DocumentMeta { title: title_from_filename(&q.filename), audience: Audience::Thread, event_id: None }
    } else {
        let title = if q.title.trim().is_empty() { title_from_filename(&q.filename) } else { q.title.clone() };
        match (DocumentForm { title, audience: q.audience.clone(), event_id: q.event_id.clone() }).parse() {
            Ok(m) => m,
            Err(e) => return app_error(AppError::Invalid(e)),
        }
    };
    let upload = Upload {
        meta: &meta,
        filename: &q.filename,
        bytes: &bytes,
        replace: q.replace.filter(|id| *id > 0 && !q.attach),
        attachment: q.attach,
    };
    match crate::knowledge::ingest(&state.pool, &state.knowledge, &actor, upload).await {
        Ok(id) => (StatusCode::CREATED, axum::Json(serde_json::json!({ "id": id }))).into_response(),
        Err(e) => knowledge_error(e),
    }
}

fn knowledge_error(e: KnowledgeError) -> Response {
    match e {
        KnowledgeError::TooLarge => error(StatusCode::PAYLOAD_TOO_LARGE, &e.to_string(), Some("file")),
        KnowledgeError::Unsupported(m) => error(StatusCode::UNSUPPORTED_MEDIA_TYPE, &m, Some("file")),
        KnowledgeError::Rejected(m) => error(StatusCode::UNPROCESSABLE_ENTITY, &m, Some("file")),
        other => app_error(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct OriginalQuery {
    #[serde(default)]
    inline: bool,
}

/// Images that may be shown in the page (the media type was set from the content at upload).
const INLINE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

pub async fn original(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    query: Result<Query<OriginalQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    // A malformed query downloads, as without one.
    let inline = query.is_ok_and(|q| q.inline);
    let caller = super::actor::resolve_caller(&state, &headers, super::actor::from_widget(&headers)).await;
    let Some(actor) = caller.actor.0 else {
        return error(StatusCode::UNAUTHORIZED, "Please log in to continue.", None);
    };
    // Through the embedded chat, only the files attached in its own threads.
    if let Some(embed) = &caller.embed {
        match crate::store::embed::within(&state.pool, embed, crate::store::embed::Reachable::Document(id)).await {
            Ok(true) => {}
            Ok(false) => return app_error(AppError::NotFound),
            Err(e) => return app_error(e.into()),
        }
    }
    let (key, filename, media_type) = match crate::store::knowledge::original(&state.pool, &actor, id).await {
        Ok(v) => v,
        Err(e) => return app_error(e.into()),
    };
    let bytes = match state.knowledge.objects.get(&key).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, document = id, "original not readable");
            return app_error(AppError::Internal);
        }
    };
    let mut res = Response::new(Body::from(bytes));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&media_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    // An ASCII fallback name; anything unusual becomes '_' (no header injection, no paths).
    let safe: String = filename
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    let kind = if inline && INLINE_TYPES.contains(&media_type.as_str()) { "inline" } else { "attachment" };
    let disposition = format!("{kind}; filename=\"{}\"", if safe.is_empty() { "document".into() } else { safe });
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    // Whatever the file is, it runs nothing and loads nothing when opened.
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; sandbox"),
    );
    res
}
