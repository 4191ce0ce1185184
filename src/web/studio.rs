//! `/studio/orders/{id}/deliverable.md[?version=N]` and `.pdf`: a deliverable as a Markdown or PDF
//! download (staff; the approved version, else the newest, unless one is named). Another venue's
//! order is not found.

use super::actor::resolve_actor;
use crate::state::AppState;
use crate::store::StoreError;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(serde::Deserialize)]
pub struct Which {
    version: Option<i32>,
}

/// The version asked for, as `(specialist's name, Markdown body)`, or the answer to send instead.
async fn version(
    state: &AppState,
    id: &str,
    which: &Which,
    headers: &axum::http::HeaderMap,
) -> Result<(i64, String, String), Response> {
    let Some(actor) = resolve_actor(state, headers).await.0 else {
        return Err((StatusCode::UNAUTHORIZED, "Please log in to download a deliverable.").into_response());
    };
    let Some(order_id) = id.parse::<i64>().ok().filter(|i| *i > 0) else {
        return Err((StatusCode::NOT_FOUND, "There is no such deliverable.").into_response());
    };
    match crate::store::studio::version_body(&state.pool, &actor, order_id, which.version).await {
        Ok((name, body)) => Ok((order_id, name, body)),
        Err(StoreError::NotFound) => Err((StatusCode::NOT_FOUND, "There is no such deliverable.").into_response()),
        Err(StoreError::Forbidden) => {
            Err((StatusCode::FORBIDDEN, "Only the venue's team can download deliverables.").into_response())
        }
        Err(e) => {
            tracing::error!(error = %e, "studio download");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

fn attachment(content_type: &str, name: &str, order_id: i64, ext: &str, body: impl IntoResponse) -> Response {
    let file = crate::domain::studio::slugify(name);
    let disposition = format!("attachment; filename=\"{file}-{order_id}.{ext}\"");
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response()
}

pub async fn markdown(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(which): Query<Which>,
    req: Request,
) -> Response {
    match version(&state, &id, &which, req.headers()).await {
        Ok((order_id, name, body)) => attachment("text/markdown; charset=utf-8", &name, order_id, "md", body),
        Err(response) => response,
    }
}

/// The same version laid out as a PDF ([`crate::studio::pdf`]), on a blocking thread: a long
/// deliverable takes a few milliseconds of layout.
pub async fn pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(which): Query<Which>,
    req: Request,
) -> Response {
    match version(&state, &id, &which, req.headers()).await {
        Ok((order_id, name, body)) => {
            let title = format!("{name}, order {order_id}");
            match tokio::task::spawn_blocking(move || crate::studio::pdf::render(&title, &body)).await {
                Ok(bytes) => attachment("application/pdf", &name, order_id, "pdf", bytes),
                Err(e) => {
                    tracing::error!(error = %e, "studio pdf");
                    StatusCode::INTERNAL_SERVER_ERROR.into_response()
                }
            }
        }
        Err(response) => response,
    }
}
