//! The axum router: pages, server functions, the plain routes, static files, and the request span.

use super::actor::{
    context, embed_frame_ancestors, embed_session, from_widget, page_policy, resolve_actor, resolve_caller, Caller,
};
use super::{audit, calendar, chat_stream, knowledge};
use crate::api::AppError;
use crate::app::shell;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use http_body_util::BodyExt;
use leptos_axum::{AxumRouteListing, LeptosRoutes};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

/// Builds the whole application for `state`. Tests call this directly; no socket needed. The
/// route list comes from the UI's `App` here, in the composition root, and nowhere else.
pub fn app(state: AppState) -> Router {
    super::metrics::install();
    let routes = Arc::new(leptos_axum::generate_route_list(crate::app::App));
    let pages = {
        let routes = routes.clone();
        move |state: State<AppState>, req: Request| page_handler(state, req, routes.clone())
    };
    Router::new()
        .route("/health", get(health))
        .route("/health/ready", get(health))
        .route("/health/live", get(live))
        .route("/sw.js", get(super::pwa::service_worker))
        .route("/metrics", get(super::metrics::render))
        .route("/api/chat/{thread_id}/events", get(chat_stream::events))
        .route("/account/export.zip", get(super::account_export::zip))
        .route("/chat/{thread_id}/export.md", get(super::chat_export::markdown))
        .route("/chat/{thread_id}/export.json", get(super::chat_export::json))
        .route("/studio/orders/{order_id}/deliverable.md", get(super::studio::markdown))
        .route("/studio/orders/{order_id}/deliverable.pdf", get(super::studio::pdf))
        .route("/calendar/feed/{file}", get(calendar::feed))
        .route("/appointments/{file}", get(calendar::appointment))
        .route("/settings/audit.csv", get(audit::csv))
        .route("/insights.csv", get(super::insights::csv))
        .route(
            "/knowledge/upload",
            axum::routing::post(knowledge::upload)
                .layer(axum::extract::DefaultBodyLimit::max(crate::domain::knowledge::MAX_UPLOAD_BYTES + 1)),
        )
        .route("/knowledge/documents/{id}/original", get(knowledge::original))
        .nest("/v1", super::openai::routes())
        .merge(super::mcp::routes(state.clone()))
        .route("/api/{*fn_name}", get(server_fn_handler).post(server_fn_handler))
        .leptos_routes_with_handler((*routes).clone(), get(pages))
        .fallback(fallback)
        .layer(axum::middleware::from_fn(super::metrics::track))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            tracing::info_span!("request", method = %req.method(), path = %loggable_path(req.uri().path()))
        }))
        .layer(axum::middleware::from_fn(super::input::refuse_nul))
        .layer(axum::middleware::from_fn(same_origin_posts))
        .layer(axum::middleware::from_fn_with_state(state.config.cookie_secure, security_headers))
        // Brotli or gzip, as the browser accepts: the wasm bundle shrinks about 4x on the wire.
        // The default predicate leaves small bodies, images and event streams alone.
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// The path as logged: invite and calendar feed tokens are credentials and never reach a log line.
fn loggable_path(path: &str) -> String {
    if path.starts_with("/invite/") {
        "/invite/<token>".to_string()
    } else if path.starts_with("/reset/") {
        "/reset/<token>".to_string()
    } else if path.starts_with("/calendar/feed/") {
        "/calendar/feed/<token>".to_string()
    } else {
        path.to_string()
    }
}

/// Headers every response carries: no MIME sniffing; no referrer to other sites (invite and feed
/// addresses hold tokens); no framing by other sites except the embeddable chat (`/embed/`, by
/// the sites its token lists: `page_handler` sets that policy); over HTTPS (secure cookies), HSTS.
async fn security_headers(State(https): State<bool>, req: Request, next: axum::middleware::Next) -> Response {
    use axum::http::header::{
        CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
    };
    use axum::http::HeaderValue;
    let embeddable = req.uri().path().starts_with("/embed/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !embeddable {
        h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    // A handler's own policy (a stricter one for uploaded files, the token's sites for the
    // widget) says this too.
    if !h.contains_key(CONTENT_SECURITY_POLICY) {
        let policy = if embeddable { "frame-ancestors 'self'" } else { "frame-ancestors 'none'" };
        h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    }
    if https {
        h.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    res
}

/// Refuses state-changing requests sent by another site's page (login CSRF and the like):
/// browsers send `Origin` on every cross-origin POST, and it must name this host.
async fn same_origin_posts(req: Request, next: axum::middleware::Next) -> Response {
    if req.method() == axum::http::Method::POST {
        let headers = req.headers();
        let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok());
        let origin = headers.get(axum::http::header::ORIGIN).and_then(|h| h.to_str().ok());
        if let (Some(origin), Some(host)) = (origin, host) {
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
            if origin_host != host {
                tracing::warn!(origin, host, "cross-origin POST refused");
                return (StatusCode::FORBIDDEN, "Cross-origin requests are not allowed.").into_response();
            }
        }
    }
    next.run(req).await
}

async fn server_fn_handler(State(state): State<AppState>, req: Request) -> Response {
    let caller = resolve_caller(&state, req.headers(), from_widget(req.headers())).await;
    if caller.embed.is_some() {
        let name = req.uri().path().trim_start_matches("/api/");
        if !super::actor::EMBED_SERVER_FNS.contains(&name) {
            tracing::warn!(server_fn = name, "embed session refused outside the chat");
            return (StatusCode::FORBIDDEN, "This chat link reaches only its own chat.").into_response();
        }
    }
    let res = leptos_axum::handle_server_fns_with_context(context(state, caller, None), req).await.into_response();
    with_error_status(res).await
}

/// Server functions answer every error with 500; give each typed error its own status instead
/// (422 for invalid input, 404, 403...), so bad input is a 4xx as HTTP clients expect.
async fn with_error_status(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = err.status();
        if let AppError::TooManyRequests { retry_after, .. } = err {
            parts.headers.insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(retry_after.max(1)));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

async fn page_handler(State(state): State<AppState>, req: Request, routes: Arc<Vec<AxumRouteListing>>) -> Response {
    let (path, query) = (req.uri().path().to_string(), req.uri().query().unwrap_or_default().to_string());
    // Only the widget's own pages take an embed session; every other page, the member's.
    let widget = path.starts_with("/embed/");
    let (caller, cookie) = match embed_session(&state, &path, &query).await {
        Some((embed, cookie)) => {
            (Caller { actor: crate::state::RequestActor(Some(embed.actor.clone())), embed: Some(embed) }, Some(cookie))
        }
        None => (resolve_caller(&state, req.headers(), widget).await, None),
    };
    let signed_in = caller.actor.0.is_some();
    if !signed_in && !public_page(&path) {
        return to_login(&path, &query);
    }
    let frame_ancestors =
        if widget { embed_frame_ancestors(caller.embed.as_ref()) } else { "frame-ancestors 'none'".to_string() };
    let nonce = leptos::nonce::Nonce::new();
    let policy = page_policy(&nonce, &frame_ancestors);
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_route_with_context(
        (*routes).clone(),
        context(state.clone(), caller, Some(nonce)),
        move || shell(options.clone()),
    );
    let mut res = handler(State(state), req).await.into_response();
    if let Some(cookie) = cookie {
        res.headers_mut().append(axum::http::header::SET_COOKIE, cookie);
    }
    res.headers_mut().insert(axum::http::header::CONTENT_SECURITY_POLICY, policy);
    // For the service worker: a signed-in dashboard may be shown again offline; a page rendered
    // for a visitor means whoever was signed in on this browser is gone.
    let offline = match (signed_in, path.as_str()) {
        (false, _) => Some("forget"),
        (true, "/") => Some("keep"),
        _ => None,
    };
    if let Some(v) = offline {
        res.headers_mut().insert(super::pwa::OFFLINE_HEADER, axum::http::HeaderValue::from_static(v));
    }
    res
}

/// Pages a visitor may open: the landing page, logging in and signing up, invitations, password
/// resets and the embeddable chat (which has its own session). Every other page needs a session.
fn public_page(path: &str) -> bool {
    matches!(path, "/" | "/login" | "/signup" | "/forgot")
        || ["/invite/", "/reset/", "/embed/"].iter().any(|p| path.starts_with(p))
}

/// A visitor asking for a member's page: to the login form, which comes back here afterwards.
/// Decided before rendering, so the answer is a redirect status with or without JavaScript.
fn to_login(path: &str, query: &str) -> Response {
    let next = if query.is_empty() { path.to_string() } else { format!("{path}?{query}") };
    let location = format!("/login?next={}", crate::domain::text::percent_encode_path(&next));
    axum::response::Redirect::to(&location).into_response()
}

/// Static files from the site root, else the app's own 404 page (rendered with the session, so
/// the header still shows who is logged in).
async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let probe = Request::from_parts(parts.clone(), Body::empty());
    let root = state.leptos_options.site_root.to_string();
    // `make release` writes brotli-11 and gzip-9 copies beside the files; they are served as they
    // are (the compression layer leaves encoded bodies alone) instead of compressing each time.
    let Ok(res) = ServeDir::new(&root).precompressed_br().precompressed_gzip().oneshot(probe).await;
    if res.status() != StatusCode::NOT_FOUND {
        return res.into_response();
    }
    let req = Request::from_parts(parts, body);
    let caller = Caller { actor: resolve_actor(&state, req.headers()).await, embed: None };
    let nonce = leptos::nonce::Nonce::new();
    let policy = page_policy(&nonce, "frame-ancestors 'none'");
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_with_context(context(state, caller, Some(nonce)), move || {
        shell(options.clone())
    });
    let mut res = render(req).await.into_response();
    res.headers_mut().insert(axum::http::header::CONTENT_SECURITY_POLICY, policy);
    res
}

/// Liveness: the process answers (no database round trip; a load balancer restarts what fails it).
async fn live() -> Response {
    Json(serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})).into_response()
}

/// Readiness (`/health`, `/health/ready`): the process answers and the database does too.
async fn health(State(state): State<AppState>) -> Response {
    let started = std::time::Instant::now();
    let db = sqlx::query_scalar::<_, i32>("select 1").fetch_one(&state.pool).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let version = env!("CARGO_PKG_VERSION");
    match db {
        Ok(_) => Json(serde_json::json!({"status": "ok", "database": "ok", "database_ms": ms, "version": version}))
            .into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable", "database": "unreachable", "version": version})),
            )
                .into_response()
        }
    }
}
