//! `/insights.csv?days=30`: the owners' insights as CSV (the page's numbers, by section).

use super::actor::resolve_actor;
use crate::domain::insights::{to_csv, DEFAULT_PERIOD, PERIODS};
use crate::state::AppState;
use crate::store::StoreError;
use axum::extract::{Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

pub async fn csv(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>, req: Request) -> Response {
    let Some(actor) = resolve_actor(&state, req.headers()).await.0 else {
        return (StatusCode::UNAUTHORIZED, "Please log in to download insights.").into_response();
    };
    let days = match q.get("days") {
        None => DEFAULT_PERIOD,
        Some(d) => match d.parse::<i32>().ok().filter(|d| PERIODS.contains(d)) {
            Some(d) => d,
            None => return (StatusCode::BAD_REQUEST, "Choose 7, 30 or 90 days.").into_response(),
        },
    };
    match crate::store::insights::insights(&state.pool, &actor, days).await {
        Ok(i) => {
            let name = format!("attachment; filename=\"concierge-insights-{}-{days}d.csv\"", i.to.format("%Y-%m-%d"));
            (
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)],
                to_csv(&i),
            )
                .into_response()
        }
        Err(StoreError::Forbidden) => (StatusCode::FORBIDDEN, "Only the venue's owners see insights.").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "insights csv");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
