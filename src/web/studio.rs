//! `/studio/orders/{id}/deliverable.md[?version=N]`: a deliverable as a Markdown download (staff;
//! the approved version, else the newest, unless one is named). Another venue's order is not found.

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

pub async fn markdown(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(which): Query<Which>,
    req: Request,
) -> Response {
    let Some(actor) = resolve_actor(&state, req.headers()).await.0 else {
        return (StatusCode::UNAUTHORIZED, "Please log in to download a deliverable.").into_response();
    };
    let Some(order_id) = id.parse::<i64>().ok().filter(|i| *i > 0) else {
        return (StatusCode::NOT_FOUND, "There is no such deliverable.").into_response();
    };
    match crate::store::studio::version_body(&state.pool, &actor, order_id, which.version).await {
        Ok((name, body)) => {
            let file = crate::domain::studio::slugify(&name);
            let disposition = format!("attachment; filename=\"{file}-{order_id}.md\"");
            (
                [
                    (header::CONTENT_TYPE, "text/markdown; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                body,
            )
                .into_response()
        }
        Err(StoreError::NotFound) => (StatusCode::NOT_FOUND, "There is no such deliverable.").into_response(),
        Err(StoreError::Forbidden) => {
            (StatusCode::FORBIDDEN, "Only the venue's team can download deliverables.").into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "studio download");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
