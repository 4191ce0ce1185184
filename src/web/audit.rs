//! `/settings/audit.csv`: the venue's audit log as a CSV download (owners), narrowed by the same
//! filter as the page; the download is itself logged.

use super::actor::resolve_actor;
use crate::domain::audit::{to_csv, AuditAction, AuditFilter, AUDIT_CSV_MAX};
use crate::state::AppState;
use crate::store::{audit, StoreError};
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

pub async fn csv(
    State(state): State<AppState>,
    query: Result<Query<AuditFilter>, QueryRejection>,
    req: Request,
) -> Response {
    let Some(actor) = resolve_actor(&state, req.headers()).await.0 else {
        return (StatusCode::UNAUTHORIZED, "Please log in to download the audit log.").into_response();
    };
    let Ok(Query(filter)) = query else {
        return (StatusCode::BAD_REQUEST, "That filter is not one the audit log knows.").into_response();
    };
    if let Some((_, message)) = filter.problem() {
        return (StatusCode::BAD_REQUEST, message).into_response();
    }
    let entries = match audit::list(&state.pool, &actor, &filter, AUDIT_CSV_MAX).await {
        Ok(e) => e,
        Err(StoreError::Forbidden) => {
            return (StatusCode::FORBIDDEN, "Only the venue's owners can download the audit log.").into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "audit csv");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded: Vec<&str> =
        req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    let ip = crate::api::auth::ssr::client_addr(peer, &forwarded.join(","), &state.config.trusted_proxies)
        .map(|ip| ip.to_string())
        .unwrap_or_default();
    let detail = serde_json::json!({"rows": entries.len(), "filter": filter});
    let entry = audit::Record::by(&actor, AuditAction::Exported, "Audit log (CSV)").detail(detail).ip(&ip);
    if let Err(e) = audit::record(&state.pool, &entry).await {
        tracing::error!(error = %e, "audit entry not written");
    }
    let day = chrono::Utc::now().format("%Y-%m-%d");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"audit-{day}.csv\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        to_csv(&entries),
    )
        .into_response()
}
