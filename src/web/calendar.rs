//! iCalendar downloads: `/appointments/<id>.ics` (for the logged-in member) and the private
//! feeds `/calendar/feed/<token>.ics` that calendar apps subscribe to (the token is the only key).

use super::actor::resolve_actor;
use crate::scheduling::ical;
use crate::security::tokens;
use crate::state::AppState;
use crate::store::feeds::Calendar;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

fn ics(calendar: Calendar, filename: &str) -> Response {
    let body = ical::feed(calendar, chrono::Utc::now());
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{filename}\"")),
            // A feed is private: no shared cache may keep it.
            (header::CACHE_CONTROL, "private, max-age=300".to_string()),
        ],
        body,
    )
        .into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "No such calendar.").into_response()
}

/// `/calendar/feed/<token>.ics`: a revoked or unknown token is a plain 404.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics").filter(|t| tokens::looks_like_token(t)) else {
        return not_found();
    };
    match crate::store::feeds::by_token(&state.pool, &tokens::token_hash(token)).await {
        Ok(Some(calendar)) => ics(calendar, "concierge.ics"),
        Ok(None) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, "calendar feed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `/appointments/<id>.ics`: one appointment the member may see.
pub async fn appointment(State(state): State<AppState>, Path(file): Path<String>, req: Request) -> Response {
    let Some(id) = file.strip_suffix(".ics").and_then(|id| id.parse::<i64>().ok()).filter(|id| *id > 0) else {
        return not_found();
    };
    let Some(actor) = resolve_actor(&state, req.headers()).await.0 else {
        return (StatusCode::UNAUTHORIZED, "Please log in to download this appointment.").into_response();
    };
    match crate::store::feeds::appointment(&state.pool, &actor, id).await {
        Ok(calendar) => ics(calendar, &format!("appointment-{id}.ics")),
        Err(crate::store::StoreError::NotFound) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, "appointment ics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
